"""Shaping the hierarchy by hand: placing many codes with nodes made on the way, moving
lines, pinned quotes, automatic quotes, frequency labels, undo messages in Korean and
candidates taken once (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding import users
from coding.memos import write_memo
from fgi.i18n import set_language
from fgi.models import Event
from tests.themes.study import A, LEAD, study  # noqa: F401 (fixture)
from themes.export_table import theme_table
from themes.export_text import markdown, table_rows
from themes.frequency import GENERAL, GROUPS, TYPICAL, VARIANT, FrequencyRule, label, totals
from themes.hierarchy import HierarchyError, create_node, move_node
from themes.history import redo, undo
from themes.models import DOMAIN, SUBTHEME, THEME, ThemeNode
from fgi.models import Segment
from themes.proposals import ProposalSettings, propose
from themes.quotes import stored_lines, is_quotable, move_quote, pick_quotes, pin_quotes, unpin_quote
from themes.accept import accept_candidate
from themes.reshape import merge_nodes
from themes.runs import get_run
from themes.shaping import Where, move_lines, place_codes
from themes.tree import hierarchy_tree, walk
from themes.units import Line

FIN, JOB, STABLE = "자활사례관리의 목적/경제적 자립", "자활사례관리의 목적/근로 준비", "자활사례관리의 목적/정서적 안정"
PAPER, PRESSURE = "실무의 어려움/행정 서류 부담", "실무의 어려움/실적 압박"


def _tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


def line(text: str, speaker: str = "P01", group: str = "실무자", sid: str = "t-0001") -> Line:
    return Line(sid, "t", "t", 1, text, speaker, group)


@pytest.fixture(autouse=True)
def korean():
    set_language("ko")
    yield
    set_language(None)


# ---- automatic quotes (no database) ----------------------------------------------------

def test_automatic_quotes_skip_back_channels_moderators_short_lines_and_self_introductions():
    # The cases the issue names: a self-introduction used as 대표 인용, and a back-channel card quote.
    assert not is_quotable(line("저는 들어온 지 이제 2년이 좀 안 됐어요. 처음에는 아무것도 몰랐고요."))
    assert not is_quotable(line("저는 지역자활센터에서 일하는 사례관리 담당자 김OO입니다."))
    assert not is_quotable(line("아 맞다, 죄송해요."))
    assert not is_quotable(line("네."))
    assert not is_quotable(line("맞아요 맞아요."))
    assert not is_quotable(line("네 네 맞아요 맞아요 그렇죠 그렇죠 네 네"))
    assert not is_quotable(line("그게 어떤 변화였는지 조금 더 이야기해 주시겠어요?", speaker="M01"))
    assert not is_quotable(line("자신감이 생겼어요."))  # under 15 characters
    assert is_quotable(line("처음엔 사람 만나는 것도 무서웠는데 이제는 먼저 인사도 하고 자신감이 생겼어요."))
    assert is_quotable(line("저는 그때 처음으로 제가 뭔가 할 수 있겠다는 자신감이 생겼던 것 같아요."))


def test_automatic_quotes_prefer_other_participants_and_put_pins_first():
    long = "사례관리 선생님이 계속 연락을 주셔서 포기하지 않고 끝까지 다닐 수 있었어요 정말로"
    lines = [line(long + "!", "P01", sid="t-0001"), line(long + " 네", "P01", sid="t-0002"),
             line(long[:30] + " 고마웠어요", "P02", sid="t-0003"), line("아 맞다, 죄송해요.", "P03", sid="t-0004")]
    picked = pick_quotes(lines, [], 2)
    assert [q.speaker for q in picked] == ["P01", "P02"]  # a second voice before the same voice twice
    assert "t-0004" not in [q.segment_id for q in pick_quotes(lines, [], 4)]
    assert [q.segment_id for q in pick_quotes(lines, [], 2, pinned=["t-0004", "t-0002"])] == ["t-0004", "t-0002"]


def test_frequency_labels_follow_the_rule():
    assert [label(n, 10) for n in (10, 9, 8, 5, 4, 1, 0)] == [GENERAL, GENERAL, TYPICAL, TYPICAL, VARIANT, VARIANT, None]
    assert [label(n, 2, FrequencyRule(GROUPS)) for n in (2, 1)] == [GENERAL, TYPICAL]  # all-but-one needs 4 or more
    strict = FrequencyRule(general_missing=0, typical_share=0.75)
    assert [label(n, 8, strict) for n in (8, 7, 6, 5)] == [GENERAL, TYPICAL, TYPICAL, VARIANT]


# ---- on the coded study -----------------------------------------------------------------

def _ids(session, project, tree=None):
    nodes = {n.name: n for n in walk(tree or hierarchy_tree(session, project, viewer=users.get_user(session, LEAD)))}
    return nodes


def test_place_many_codes_creating_the_path_is_one_undoable_step_with_a_korean_message(study):
    with study.db.transaction() as session:
        p = study.project(session)
        lead = users.get_user(session, LEAD)
        change = place_codes(session, p, [FIN, JOB], actor=lead, subtheme=Where(new="경제적 변화"),
                             theme=Where(new="참여주민의 변화"), domain=Where(new="성과"))
        assert change.message == "'경제적 자립', '근로 준비'를 '경제적 변화' 아래에 놓았습니다"
        nodes = _ids(session, p)
        assert (nodes["성과"].level, nodes["참여주민의 변화"].level, nodes["경제적 변화"].level) == (DOMAIN, THEME, SUBTHEME)
        assert [c.path for c in nodes["경제적 변화"].codes] == [FIN, JOB]
        assert nodes["경제적 변화"].lines == nodes["성과"].lines > 0
        theme = nodes["참여주민의 변화"].id
        # An existing theme by id, a new sub-theme; a code placed elsewhere moves.
        place_codes(session, p, [STABLE, JOB], actor=lead, subtheme=Where(new="자신감 회복"), theme=Where(id=theme))
        nodes = _ids(session, p)
        assert [c.path for c in nodes["자신감 회복"].codes] == [STABLE, JOB]
        assert [c.path for c in nodes["경제적 변화"].codes] == [FIN]
        with pytest.raises(HierarchyError, match="이미"):
            place_codes(session, p, [STABLE], actor=lead, subtheme=Where(id=nodes["자신감 회복"].id))
        events = session.scalars(select(Event).where(Event.kind == "hierarchy.place")).all()
        assert len(events) == 2 and events[0].payload["after"]["created"]
        # Move the sub-theme to the top, then undo: the message says what was undone, in Korean.
        move_node(session, p, nodes["자신감 회복"].id, None, actor=lead)
        move_node(session, p, nodes["자신감 회복"].id, theme, actor=lead)
        assert undo(session, p, actor=lead).message == "되돌렸습니다: '자신감 회복'을 '참여주민의 변화' 아래로 옮긴 일"
        assert redo(session, p, actor=lead).message == "다시 했습니다: '자신감 회복'을 '참여주민의 변화' 아래로 옮긴 일"
        for _ in range(3):
            undo(session, p, actor=lead)
        message = undo(session, p, actor=lead).message  # the first placing, with the three nodes it made
        assert message == "되돌렸습니다: '경제적 자립', '근로 준비'를 '경제적 변화' 아래에 놓은 일"
        assert hierarchy_tree(session, p, viewer=lead) == []


def test_lines_move_between_sub_themes_and_quotes_are_pinned_ordered_and_unpinned(study, kiwi):
    with study.db.transaction() as session:
        p = study.project(session)
        lead = users.get_user(session, LEAD)
        run = get_run(session, p, propose(session, p, ProposalSettings(k=3), viewer=lead), viewer=lead)
        first, second = run.candidates[0], run.candidates[1]
        a = accept_candidate(session, p, first.id, actor=lead).node_id
        b = accept_candidate(session, p, second.id, actor=lead).node_id
        moving = first.members[:2]
        change = move_lines(session, p, moving, a, b, actor=lead)
        assert "줄 2개" in change.message
        with pytest.raises(HierarchyError, match=moving[0]):
            move_lines(session, p, moving, a, b, actor=lead)
        # Pin three lines of b, reorder, unpin; only b's lines may be pinned.
        candidates = [s for s in second.members if s not in moving][:3]
        pin_quotes(session, p, b, candidates, actor=lead)
        tree_b = next(n for n in walk(hierarchy_tree(session, p, viewer=lead)) if n.id == b)
        assert tree_b.pinned == candidates and [q.segment_id for q in tree_b.quotes][:3] == candidates
        move_quote(session, p, b, candidates[2], -2, actor=lead)
        unpin_quote(session, p, b, candidates[0], actor=lead)
        tree_b = next(n for n in walk(hierarchy_tree(session, p, viewer=lead)) if n.id == b)
        assert tree_b.pinned == [candidates[2], candidates[1]]
        mine = stored_lines(session, p, session.get(ThemeNode, b))
        stranger = next(s for s in session.scalars(select(Segment.id).order_by(Segment.id)) if s not in mine)
        with pytest.raises(HierarchyError, match=stranger):
            pin_quotes(session, p, b, [stranger], actor=lead)
        assert undo(session, p, actor=lead).message.startswith("되돌렸습니다: '")
        tree_b = next(n for n in walk(hierarchy_tree(session, p, viewer=lead)) if n.id == b)
        assert tree_b.pinned == [candidates[2], candidates[0], candidates[1]]
        # Exports: pinned quotes first.
        table = theme_table(session, p, viewer=lead, quotes=2)
        row = next(r for r in table.rows if r.subtheme == tree_b.name)
        assert [q.segment_id for q in row.quotes][:2] == [candidates[2], candidates[0]]
        # Merging carries pins and the candidate along: the merged candidate is taken.
        merge_nodes(session, p, a, [b], actor=lead)
        with pytest.raises(HierarchyError, match="이미"):
            accept_candidate(session, p, second.id, actor=lead)
        assert get_run(session, p, run.id, viewer=lead).candidates[1].accepted_as == a
        merged = next(n for n in walk(hierarchy_tree(session, p, viewer=lead)) if n.id == a)
        assert merged.pinned[:3] == [candidates[2], candidates[0], candidates[1]]


def test_frequency_labels_in_the_tree_and_every_theme_table(study):
    with study.db.transaction() as session:
        p = study.project(session)
        lead = users.get_user(session, LEAD)
        place_codes(session, p, [FIN, JOB, STABLE, PAPER, PRESSURE], actor=lead,
                    subtheme=Where(new="모두"), theme=Where(new="주제"))
        total = totals(session, p)
        assert total["groups"] == 2 and total["participants"] >= 6
        [theme] = hierarchy_tree(session, p, viewer=lead)
        sub = theme.children[0]
        expected = label(sub.participants, total["participants"])
        assert sub.frequency == expected and expected is not None
        by_group = hierarchy_tree(session, p, viewer=lead, rule=FrequencyRule(GROUPS))[0].children[0]
        assert by_group.frequency == label(by_group.groups, 2, FrequencyRule(GROUPS))
        table = theme_table(session, p, viewer=lead)
        header, row = table_rows(table)[:2]
        assert "빈도" in header and row[header.index("빈도")] in ("일반적", "전형적", "변동적")
        assert "빈도" in markdown(table)
        # Node memos (coding.memos) reach the tree and the CSV, Excel and Markdown tables.
        write_memo(session, p, actor=lead, kind="node", target=str(sub.id), text="보고서 3장에 인용", title="메모 1")
        table = theme_table(session, p, viewer=lead)
        header, row = table_rows(table)[:2]
        assert row[header.index("메모")] == "메모 1: 보고서 3장에 인용"
        assert "메모 1: 보고서 3장에 인용" in markdown(table)
        assert hierarchy_tree(session, p, viewer=lead)[0].children[0].memos == ["메모 1: 보고서 3장에 인용"]
        from openpyxl import load_workbook

        from themes.export_data import WorkbookData
        from themes.export_xlsx import write_xlsx

        path = write_xlsx(WorkbookData(table), study.db_path if hasattr(study, "db_path") else _tmp() / "t.xlsx")
        sheet = load_workbook(path).worksheets[0]
        cells = [[c.value for c in r] for r in sheet.iter_rows()]
        assert cells[0][-2:] == ["빈도", "메모"] and cells[1][-1] == "메모 1: 보고서 3장에 인용"
        assert any(r[0] and str(r[0]).startswith("빈도: 참여자") for r in cells)
        # Blind: a coder's labels come from their own counts only.
        coder = users.get_user(session, A)
        mine = hierarchy_tree(session, p, viewer=coder)[0].children[0]
        assert mine.frequency == label(mine.participants, total["participants"])
        assert TYPICAL and VARIANT
