"""Undo and redo of coding steps: through apply/remove (permissions, reveal rules, events),
a whole step or nothing, and never over a change made after the step."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coding.applications import apply_code, codings_for, remove_code
from coding.errors import PermissionDenied
from coding.models import CodeApplication
from coding.reveal import ChangeAfterReveal, reveal
from coding.undo import APPLY, REMOVE, StaleUndo, UndoAction, apply_codes, describe, redo, remove_codes, undo
from coding.users import get_user
from fgi.i18n import set_language
from fgi.models import Event

CONFIDENCE = "참여주민의 변화/자신감 회복"
STIGMA = "참여주민이 경험한 자활/참여 초기의 낙인감"


def _segments(study, *lines, transcript="주민_FGI_1차"):
    return [f"{study.transcripts[transcript]}-{line:04d}" for line in lines]


def _mine(study, who):
    with study.db.reading() as session:
        user = get_user(session, who)
        rows = codings_for(session, user, transcript_id=study.transcripts["주민_FGI_1차"], coder=user)
    return sorted((c.line, c.code_path, c.memo, c.source) for c in rows)


def _events(study, kind):
    with study.db.reading() as session:
        return session.scalar(select(func.count(Event.id)).where(Event.kind == kind))


def test_a_range_is_one_step_undone_and_redone_with_events(study):
    coder = study.coder
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, coder), _segments(study, 10, 11, 12), CONFIDENCE)
    assert [a.op for a in step] == [APPLY] * 3 and all(a.before is None for a in step)
    assert [line for line, *_ in _mine(study, coder)] == [10, 11, 12]

    with study.db.transaction() as session:
        back = undo(session, step, actor=get_user(session, coder))
    assert _mine(study, coder) == []
    assert _events(study, "code.remove") == 3 and _events(study, "coding.undo") == 1

    with study.db.transaction() as session:
        again = redo(session, back, actor=get_user(session, coder))
    assert [line for line, *_ in _mine(study, coder)] == [10, 11, 12]
    assert _events(study, "code.apply") == 6 and _events(study, "coding.redo") == 1
    with study.db.reading() as session:
        event = session.scalars(select(Event).where(Event.kind == "coding.redo")).one()
    assert event.actor == coder and event.payload["before"] == [None, None, None]
    assert [a["segment"] for a in event.payload["actions"]] == _segments(study, 10, 11, 12)

    with study.db.transaction() as session:  # and undone once more: the flipped step still works
        undo(session, again, actor=get_user(session, coder))
    assert _mine(study, coder) == []


def test_lines_already_coded_are_not_part_of_the_step(study):
    coder = study.coder
    with study.db.transaction() as session:
        apply_code(session, get_user(session, coder), _segments(study, 11)[0], CONFIDENCE)
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, coder), _segments(study, 10, 11, 12, 10), CONFIDENCE)
    assert [a.segment_id for a in step] == _segments(study, 10, 12)
    with study.db.transaction() as session:
        undo(session, step, actor=get_user(session, coder))
    assert [line for line, *_ in _mine(study, coder)] == [11]  # the coding made before stays


def test_undoing_a_removal_brings_back_memo_and_source(study):
    coder = study.coder
    with study.db.transaction() as session:
        apply_code(session, get_user(session, coder), _segments(study, 10)[0], STIGMA, memo="창피함", source="keyword")
    before = _mine(study, coder)
    with study.db.transaction() as session:
        step = remove_codes(session, get_user(session, coder), _segments(study, 10, 11), STIGMA)
    assert [a.op for a in step] == [REMOVE] and step[0].after is None
    assert _mine(study, coder) == []
    with study.db.transaction() as session:
        undo(session, step, actor=get_user(session, coder))
    assert _mine(study, coder) == before == [(10, STIGMA, "창피함", "keyword")]


def test_redo_after_the_line_changed_is_refused_and_changes_nothing(study):
    coder = study.coder
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, coder), _segments(study, 10, 11), CONFIDENCE)
    with study.db.transaction() as session:
        back = undo(session, step, actor=get_user(session, coder))
    with study.db.transaction() as session:  # the coder codes line 11 again in another window
        apply_code(session, get_user(session, coder), _segments(study, 11)[0], CONFIDENCE)
    set_language("en")
    with pytest.raises(StaleUndo, match=r"line 11: '자신감 회복' was changed by 코더A at .* nothing was redone"):
        with study.db.transaction() as session:
            redo(session, back, actor=get_user(session, coder))
    assert [line for line, *_ in _mine(study, coder)] == [11]  # line 10 was not coded either
    assert _events(study, "coding.redo") == 0


def test_undo_after_the_line_changed_is_refused(study):
    coder = study.coder
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, coder), _segments(study, 10, 11), CONFIDENCE)
    with study.db.transaction() as session:
        remove_code(session, get_user(session, coder), _segments(study, 10)[0], CONFIDENCE)
    set_language("ko")
    try:
        with pytest.raises(StaleUndo, match="10번 줄: '자신감 회복'.*되돌리지 않았습니다") as refused:
            with study.db.transaction() as session:
                undo(session, step, actor=get_user(session, coder))
    finally:
        set_language(None)
    assert refused.value.hint
    assert [line for line, *_ in _mine(study, coder)] == [11]


def test_undo_acts_only_on_the_actors_own_codings(study):
    a, b = study.coders
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, a), _segments(study, 10), CONFIDENCE)
    with pytest.raises(StaleUndo):  # b has no such coding: b cannot remove a's through a's step
        with study.db.transaction() as session:
            undo(session, step, actor=get_user(session, b))
    assert [line for line, *_ in _mine(study, a)] == [10]
    with pytest.raises(PermissionDenied):  # not a member: the permission table refuses
        with study.db.transaction() as session:
            redo(session, [UndoAction(APPLY, step[0].segment_id, step[0].code_id, None, {"source": "manual"})],
                 actor=get_user(session, study.outsider))
    with study.db.reading() as session:
        assert session.scalar(select(func.count(CodeApplication.id))) == 1


def test_undo_obeys_the_reveal_rule(study):
    coder = study.coder
    with study.db.transaction() as session:
        step = apply_codes(session, get_user(session, coder), _segments(study, 10), CONFIDENCE)
    with study.db.transaction() as session:
        reveal(session, get_user(session, study.lead), study.transcripts["주민_FGI_1차"])
    with pytest.raises(ChangeAfterReveal):
        with study.db.transaction() as session:
            undo(session, step, actor=get_user(session, coder))
    assert [line for line, *_ in _mine(study, coder)] == [10]


def test_describe_says_what_a_step_did(study):
    coder = study.coder
    with study.db.transaction() as session:
        user = get_user(session, coder)
        one = apply_codes(session, user, _segments(study, 3), CONFIDENCE)
        three = apply_codes(session, user, _segments(study, 10, 11, 12), CONFIDENCE)
        set_language("ko")
        try:
            assert describe(session, one) == "3번 줄에서 '자신감 회복' 적용"
            assert describe(session, three) == "10-12번 줄(3줄)에서 '자신감 회복' 적용"
            assert describe(session, remove_codes(session, user, _segments(study, 3), CONFIDENCE)) == \
                "3번 줄에서 '자신감 회복' 제거"
        finally:
            set_language(None)
        set_language("en")
        assert describe(session, three) == "lines 10-12 (3 lines): '자신감 회복' applied"
        set_language(None)


def test_an_unknown_operation_is_refused():
    with pytest.raises(ValueError):
        UndoAction("rename", "x-0001", 1, None, None)


# ---- line memos ---------------------------------------------------------------------------

def _memos(study, who, segment_id):
    from coding.memos import memos_for
    from fgi.study import get_project

    with study.db.reading() as session:
        found = memos_for(session, get_project(session, study.project), viewer=get_user(session, who),
                          kind="segment", target=segment_id)
    return [m.text for m in found]


def test_writing_editing_and_deleting_a_line_memo_is_undone_and_redone(study):
    from coding.memos import delete_memo, edit_memo, write_memo
    from coding.undo import memo_action
    from fgi.study import get_project

    coder, segment = study.coder, _segments(study, 10)[0]
    with study.db.transaction() as session:
        user, project = get_user(session, coder), get_project(session, study.project)
        written = write_memo(session, project, actor=user, kind="segment", target=segment, text="처음 생각")
        step_write = [memo_action(segment, None, written)]
        edited = edit_memo(session, written.id, actor=user, text="고친 생각")
        step_edit = [memo_action(segment, written, edited)]
    with study.db.transaction() as session:
        undo(session, step_edit, actor=get_user(session, coder))
    assert _memos(study, coder, segment) == ["처음 생각"]
    with study.db.transaction() as session:
        undo(session, step_write, actor=get_user(session, coder))
    assert _memos(study, coder, segment) == []
    assert _events(study, "memo.delete") == 1

    # deleting, undone: the memo comes back (a new id), and the redo deletes that one
    with study.db.transaction() as session:
        user, project = get_user(session, coder), get_project(session, study.project)
        memo = write_memo(session, project, actor=user, kind="segment", target=segment, text="지울 메모")
        delete_memo(session, memo.id, actor=user)
        step_delete = [memo_action(segment, memo, None)]
    with study.db.transaction() as session:
        back = undo(session, step_delete, actor=get_user(session, coder))
    assert _memos(study, coder, segment) == ["지울 메모"] and back[0].before["text"] == "지울 메모"
    with study.db.transaction() as session:
        redo(session, back, actor=get_user(session, coder))
    assert _memos(study, coder, segment) == []
    with study.db.reading() as session:
        set_language("ko")
        try:
            assert describe(session, step_edit) == "10번 줄의 메모 수정"
            assert describe(session, step_write) == "10번 줄에 메모 작성"
            assert describe(session, step_delete) == "10번 줄의 메모 삭제"
        finally:
            set_language(None)


def test_undoing_a_memo_edit_after_a_lead_changed_it_is_refused(study):
    from coding.memos import edit_memo, write_memo
    from coding.undo import memo_action
    from fgi.study import get_project

    coder, segment = study.coder, _segments(study, 12)[0]
    with study.db.transaction() as session:
        user, project = get_user(session, coder), get_project(session, study.project)
        written = write_memo(session, project, actor=user, kind="segment", target=segment, text="코더의 메모")
        step = [memo_action(segment, None, written)]
    with study.db.transaction() as session:
        edit_memo(session, written.id, actor=get_user(session, study.lead), text="팀장이 고침")
    set_language("en")
    try:
        with pytest.raises(StaleUndo, match=f"line 12: the memo was changed by {study.lead} at"):
            with study.db.transaction() as session:
                undo(session, step, actor=get_user(session, coder))
    finally:
        set_language(None)
    assert _memos(study, coder, segment) == ["팀장이 고침"]  # nothing overwritten


def test_a_memo_survives_removing_and_reapplying_the_code(study):
    from coding.memos import write_memo
    from fgi.study import get_project

    coder, segment = study.coder, _segments(study, 14)[0]
    with study.db.transaction() as session:
        user, project = get_user(session, coder), get_project(session, study.project)
        step = apply_codes(session, user, [segment], CONFIDENCE)
        write_memo(session, project, actor=user, kind="segment", target=segment, text="남아야 할 메모")
        removed = remove_codes(session, user, [segment], CONFIDENCE)
    assert step and removed
    assert _memos(study, coder, segment) == ["남아야 할 메모"]
    with study.db.transaction() as session:
        undo(session, removed, actor=get_user(session, coder))  # the code is back, the memo never left
    assert _memos(study, coder, segment) == ["남아야 할 메모"]
    assert [line for line, *_ in _mine(study, coder)] == [14]
