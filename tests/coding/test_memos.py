"""Memos on every kind of thing, who may change them, their events, and the blind rule of
line memos (on SQLite and PostgreSQL through the ``db`` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.applications import apply_code, remove_code, reveal
from coding.codebook import get_code
from coding.errors import PermissionDenied
from coding.memos import delete_memo, edit_memo, get_memo, memos_for, write_memo
from coding.models import Memo as MemoRow
from coding.users import get_user
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Participant
from fgi.study import get_project

CONFIDENCE = "참여주민의 변화/자신감 회복"


def _segment(study, line, transcript="주민_FGI_1차"):
    return f"{study.transcripts[transcript]}-{line:04d}"


def _seen(study, viewer, **filters):
    with study.db.reading() as session:
        project = get_project(session, study.project)
        return memos_for(session, project, viewer=get_user(session, viewer), **filters)


@pytest.fixture
def memos(study):
    """Memos of every kind: coder A on two lines, coder B on one, the lead on the rest."""
    a, b = study.coders
    with study.db.transaction() as session:
        project = get_project(session, study.project)
        lead, coder_a, coder_b = (get_user(session, n) for n in (study.lead, a, b))
        code = get_code(session, project, CONFIDENCE)
        tid = study.transcripts["주민_FGI_1차"]
        participant = session.scalar(select(Participant).where(Participant.transcript_id == tid))
        write_memo(session, project, actor=lead, kind="project", target="", text="연구 질문: 자활의 의미",
                   title="연구 질문")
        write_memo(session, project, actor=lead, kind="transcript", target=tid, text="녹음 상태 나쁨")
        write_memo(session, project, actor=coder_a, kind="participant", target=participant.id,
                   text="말이 빠른 참여자")
        write_memo(session, project, actor=lead, kind="code", target=code.id, text="정의가 넓다")
        write_memo(session, project, actor=coder_a, kind="segment", target=_segment(study, 10),
                   text="주민센터에서 창피했다는 말", title="낙인감")
        write_memo(session, project, actor=coder_a, kind="segment", target=_segment(study, 12),
                   text="100% 확신_없음")
        write_memo(session, project, actor=coder_b, kind="segment", target=_segment(study, 10),
                   text="B의 생각: 자신감")
        apply_code(session, coder_a, _segment(study, 12), CONFIDENCE)
        apply_code(session, coder_b, _segment(study, 10), CONFIDENCE)
    return study


def _texts(memos):
    return sorted(m.text for m in memos)


def test_memos_of_every_kind_with_author_title_and_time(memos):
    seen = _seen(memos, memos.lead)
    assert [m.kind for m in seen] == ["project", "transcript", "participant", "code", "segment", "segment", "segment"]
    first = seen[0]
    assert (first.target, first.author, first.title, first.source, first.guid) == ("", memos.lead, "연구 질문", "app", None)
    assert first.created_at.tzinfo is not None and first.updated_at == first.created_at
    line = next(m for m in seen if m.title == "낙인감")
    assert (line.target, line.author) == (_segment(memos, 10), memos.coders[0])
    with memos.db.reading() as session:
        events = session.scalars(select(Event).where(Event.kind == "memo.write").order_by(Event.id)).all()
    assert len(events) == 7 and events[0].payload["before"] is None
    assert events[0].payload["after"]["text"] == "연구 질문: 자활의 의미" and events[0].actor == memos.lead


def test_a_coder_does_not_see_another_coders_line_memos_until_reveal(memos):
    a, b = memos.coders
    assert _texts(_seen(memos, a, kind="segment")) == ["100% 확신_없음", "주민센터에서 창피했다는 말"]
    assert _texts(_seen(memos, b, kind="segment")) == ["B의 생각: 자신감"]
    # not even through a filter, a target or an id
    assert _seen(memos, a, target=_segment(memos, 10), kind="segment")[0].author == a
    assert len(_seen(memos, a, search="자신감")) == 0
    hidden = next(m for m in _seen(memos, memos.lead) if m.author == b)
    with memos.db.reading() as session:
        with pytest.raises(NotFound):
            get_memo(session, hidden.id, viewer=get_user(session, a))
    # other kinds are shared
    assert {m.kind for m in _seen(memos, b)} == {"project", "transcript", "participant", "code", "segment"}
    with memos.db.transaction() as session:
        reveal(session, get_user(session, memos.lead), memos.transcripts["주민_FGI_1차"])
    assert len(_seen(memos, a, kind="segment")) == 3 and len(_seen(memos, b, kind="segment")) == 3


def test_filters_search_author_code_and_transcript(memos):
    a, b = memos.coders
    lead = memos.lead
    assert _texts(_seen(memos, lead, author=a)) == ["100% 확신_없음", "말이 빠른 참여자", "주민센터에서 창피했다는 말"]
    assert _texts(_seen(memos, lead, search="낙인감")) == ["주민센터에서 창피했다는 말"]  # the title matches
    assert _texts(_seen(memos, lead, search="100%")) == ["100% 확신_없음"]  # % and _ are literal
    assert _seen(memos, lead, search="10%") == []
    assert _texts(_seen(memos, lead, search="연구 자활")) == ["연구 질문: 자활의 의미"]  # every word
    with memos.db.reading() as session:
        code_id = get_code(session, get_project(session, memos.project), CONFIDENCE).id
    # the code's memo, and memos on lines coded with it (as each viewer sees the coding)
    assert _texts(_seen(memos, lead, code_id=code_id)) == [
        "100% 확신_없음", "B의 생각: 자신감", "정의가 넓다", "주민센터에서 창피했다는 말"]
    assert _texts(_seen(memos, a, code_id=code_id)) == ["100% 확신_없음", "정의가 넓다"]
    tid = memos.transcripts["주민_FGI_1차"]
    assert len(_seen(memos, lead, transcript_id=tid)) == 5  # transcript, participant, three lines
    other = memos.transcripts["실무자_FGI_1차"]
    assert _seen(memos, lead, transcript_id=other) == []


def test_removing_a_code_leaves_the_line_memo(memos):
    a = memos.coders[0]
    with memos.db.transaction() as session:
        remove_code(session, get_user(session, a), _segment(memos, 12), CONFIDENCE)
    assert _texts(_seen(memos, a, target=_segment(memos, 12))) == ["100% 확신_없음"]


def test_author_edits_and_deletes_own_memo_a_lead_any_a_coder_not_others(memos):
    a, b = memos.coders
    mine = next(m for m in _seen(memos, a) if m.title == "낙인감")
    project_memo = _seen(memos, a, kind="project")[0]
    with memos.db.transaction() as session:
        edited = edit_memo(session, mine.id, actor=get_user(session, a), text="고친 메모", title="")
    assert (edited.text, edited.title) == ("고친 메모", None) and edited.updated_at >= edited.created_at
    with pytest.raises(PermissionDenied):
        with memos.db.transaction() as session:
            edit_memo(session, project_memo.id, actor=get_user(session, a), text="바꿈")
    with pytest.raises(NotFound):  # b cannot even see a's line memo
        with memos.db.transaction() as session:
            delete_memo(session, mine.id, actor=get_user(session, b))
    with memos.db.transaction() as session:
        edit_memo(session, mine.id, actor=get_user(session, memos.lead), text="팀장이 고침")
        delete_memo(session, mine.id, actor=get_user(session, a))
    assert "팀장이 고침" not in _texts(_seen(memos, memos.lead))
    with memos.db.reading() as session:
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.kind.like("memo.%")).order_by(Event.id))]
        deleted = session.scalars(select(Event).where(Event.kind == "memo.delete")).one()
    assert kinds[-3:] == ["memo.edit", "memo.edit", "memo.delete"]
    assert deleted.payload["before"]["text"] == "팀장이 고침" and deleted.payload["after"] is None


def test_an_unchanged_edit_records_nothing(memos):
    lead = memos.lead
    memo = _seen(memos, lead, kind="code")[0]
    with memos.db.transaction() as session:
        edit_memo(session, memo.id, actor=get_user(session, lead), text="  정의가 넓다 ")
    with memos.db.reading() as session:
        assert session.scalars(select(Event).where(Event.kind == "memo.edit")).all() == []


def test_bad_targets_and_text_are_refused_and_nothing_written(memos):
    a = memos.coders[0]
    with memos.db.reading() as session:
        before = len(session.scalars(select(MemoRow)).all())
    cases = [
        (dict(kind="segment", target="nope-0001", text="x"), NotFound),
        (dict(kind="code", target="999999", text="x"), NotFound),
        (dict(kind="node", target="1", text="x"), NotFound),
        (dict(kind="participant", target="abc", text="x"), NotFound),
        (dict(kind="line", target="", text="x"), FgiError),
        (dict(kind="project", target="", text="   "), FgiError),
        (dict(kind="project", target="", text="a\x00b"), FgiError),
        (dict(kind="project", target="", text="x", title="가" * 201), FgiError),
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            with memos.db.transaction() as session:
                write_memo(session, get_project(session, memos.project), actor=get_user(session, a), **kwargs)
    with memos.db.reading() as session:
        assert len(session.scalars(select(MemoRow)).all()) == before


def test_outsiders_may_not_read_or_write(memos):
    with memos.db.transaction() as session:
        outsider = get_user(session, memos.outsider)
        project = get_project(session, memos.project)
        with pytest.raises(PermissionDenied):
            memos_for(session, project, viewer=outsider)
        with pytest.raises(PermissionDenied):
            write_memo(session, project, actor=outsider, kind="project", target="", text="몰래")


def test_imported_memo_with_unknown_author_only_a_lead_changes_it(memos):
    a = memos.coders[0]
    with memos.db.transaction() as session:
        project = get_project(session, memos.project)
        memo = write_memo(session, project, actor=get_user(session, memos.admin), kind="project", target="",
                          text="가져온 메모", guid="5D3B6B8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B", source="import",
                          author=None)
    assert (memo.author, memo.author_id, memo.source) == (None, None, "import")
    with pytest.raises(PermissionDenied):
        with memos.db.transaction() as session:
            delete_memo(session, memo.id, actor=get_user(session, a))
    with memos.db.transaction() as session:
        edit_memo(session, memo.id, actor=get_user(session, memos.lead), title="출처: NVivo")
    assert _seen(memos, a, author=None, search="출처")[0].guid == "5D3B6B8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B"


def test_line_memos_of_an_unknown_author_are_hidden_from_coders_until_reveal(memos):
    with memos.db.transaction() as session:
        write_memo(session, get_project(session, memos.project), actor="import", kind="segment",
                   target=_segment(memos, 30), text="가져온 줄 메모", source="import", author=None)
    assert _seen(memos, memos.coders[0], target=_segment(memos, 30)) == []
    assert len(_seen(memos, memos.lead, target=_segment(memos, 30))) == 1
