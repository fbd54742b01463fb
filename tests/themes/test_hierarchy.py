"""The theme hierarchy: accepting candidates, every operation, its rules, and undo/redo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding import users
from coding.codebook import delete_code, get_code
from coding.codebook_io import import_codebook_file
from fgi.errors import NotFound
from fgi.models import Event
from fgi.study import create_project, get_project
from tests.themes.study import CODEBOOK, LEAD, study  # noqa: F401 (fixture)
from themes.accept import accept_candidate
from themes.hierarchy import (HierarchyError, create_node, delete_node, move_node, place_code, rename_node,
                              set_memo)
from themes.history import NothingToUndo, hierarchy_history, redo, take_snapshot, undo
from themes.models import DOMAIN, SUBTHEME, THEME, ThemeNodeCode
from themes.proposals import ProposalSettings, dominant_codes, propose
from themes.reshape import merge_nodes, split_node
from themes.runs import get_run
from themes.tree import hierarchy_tree, unplaced_codes, walk

ME = "연구자"
FIN, JOB, STABLE = "자활사례관리의 목적/경제적 자립", "자활사례관리의 목적/근로 준비", "자활사례관리의 목적/정서적 안정"
PAPER, PRESSURE = "실무의 어려움/행정 서류 부담", "실무의 어려움/실적 압박"


@pytest.fixture
def book(db):
    """A project with the sample codebook and nothing else."""
    with db.transaction() as session:
        project = create_project(session, "주제 위계", actor="setup")
        import_codebook_file(session, project, CODEBOOK, actor="setup")
        users.BCRYPT_ROUNDS = 4
        lead = users.create_user(session, LEAD, "비밀번호1234", role="lead", actor="setup")
        users.add_member(session, project, lead, actor="setup")
    return db


def _lead(session):
    """The lead the trees are read as (they see every coding)."""
    return users.get_user(session, LEAD)

def _proposed(session, project, settings, **options):
    """A run proposed and read back as the lead."""
    lead = _lead(session)
    return get_run(session, project, propose(session, project, settings, viewer=lead, **options), viewer=lead)


def _project(session):
    return get_project(session, "주제 위계")


def _ids(change) -> int:
    assert change.event_id and change.message
    return change.node_id


def _shape(nodes) -> list:
    """(level, name, [codes], [children]) all the way down."""
    return [(n.level, n.name, [c.path for c in n.codes], _shape(n.children)) for n in nodes]


def test_build_by_hand_with_every_operation_and_undo_all_of_it(book):
    with book.transaction() as session:
        p = _project(session)
        empty = take_snapshot(session, p)
        domain = _ids(create_node(session, p, DOMAIN, "실무자가 본 성과", actor=ME))
        theme = _ids(create_node(session, p, THEME, "사례관리의 목적", actor=ME, parent_id=domain))
        money = _ids(create_node(session, p, SUBTHEME, "경제", actor=ME, parent_id=theme))
        place_code(session, p, FIN, money, actor=ME)
        place_code(session, p, JOB, money, actor=ME)
        place_code(session, p, STABLE, money, actor=ME)
        mind = _ids(split_node(session, p, money, "마음", actor=ME, codes=[STABLE]))
        rename_node(session, p, money, "경제적 자립과 근로", actor=ME)
        set_memo(session, p, theme, "보고서 3장에 씀", actor=ME)
        loose = _ids(create_node(session, p, SUBTHEME, "실무의 어려움", actor=ME))  # not placed yet
        place_code(session, p, PAPER, loose, actor=ME)
        move_node(session, p, loose, theme, actor=ME)
        merge_nodes(session, p, mind, [loose], actor=ME, name="마음과 서류")
        built = take_snapshot(session, p)
        shape = _shape(hierarchy_tree(session, p, viewer=_lead(session)))
    assert shape == [(DOMAIN, "실무자가 본 성과", [], [
        (THEME, "사례관리의 목적", [], [
            (SUBTHEME, "경제적 자립과 근로", [FIN, JOB], []),
            (SUBTHEME, "마음과 서류", [STABLE, PAPER], []),
        ])])]
    with book.transaction() as session:
        p = _project(session)
        [top] = hierarchy_tree(session, p, viewer=_lead(session))
        assert top.children[0].memo == "보고서 3장에 씀"
        delete_node(session, p, domain, actor=ME, reason="다시 짜기")
        assert hierarchy_tree(session, p, viewer=_lead(session)) == []
        assert {c.path for c in unplaced_codes(session, p, viewer=_lead(session))} >= {FIN, JOB, STABLE, PAPER}
        undo(session, p, actor=ME)
        assert take_snapshot(session, p) == built  # ids included
        kinds = [e.kind for e in hierarchy_history(session, p)]
        # a node's memo is a memo (its own events), not a hierarchy change to undo
        assert kinds == ["hierarchy." + k for k in ("create", "create", "create", "place", "place", "place", "split",
                                                    "rename", "create", "place", "move", "merge", "delete",
                                                    "undo")]
        for _ in range(12):
            undo(session, p, actor=ME)
        now = take_snapshot(session, p)
        assert now["memos"] == [[now["memos"][0][0], str(theme)]]  # the memo outlives its node's undo ...
        assert {k: v for k, v in now.items() if k != "memos"} == {k: v for k, v in empty.items() if k != "memos"}
        with pytest.raises(NothingToUndo, match="nothing to undo"):
            undo(session, p, actor=ME)
        redo(session, p, actor=ME)
        redo(session, p, actor=ME)
        [top] = hierarchy_tree(session, p, viewer=_lead(session))
        assert _shape([top]) == [(DOMAIN, "실무자가 본 성과", [], [(THEME, "사례관리의 목적", [], [])])]
        assert top.children[0].memo == "보고서 3장에 씀"  # ... and is back on it when the node is
        undo(session, p, actor=ME)  # a redone change can be undone again
        assert _shape(hierarchy_tree(session, p, viewer=_lead(session))) == [(DOMAIN, "실무자가 본 성과", [], [])]
        create_node(session, p, DOMAIN, "새 영역", actor=ME)  # a new change ends the redo chain
        with pytest.raises(NothingToUndo, match="nothing to redo"):
            redo(session, p, actor=ME)
        history = hierarchy_history(session, p)
    undone = [e.kind for e in history if e.undone]
    assert len(undone) == 12 and "hierarchy.delete" in undone
    event = history[0]
    assert event.actor == ME and event.before is None and event.after["name"] == "실무자가 본 성과"


def test_every_change_is_an_event_with_a_snapshot(book):
    with book.transaction() as session:
        p = _project(session)
        node = _ids(create_node(session, p, THEME, "주제", actor=ME))
        rename_node(session, p, node, "새 주제", actor=ME, reason="더 분명하게")
    with book.reading() as session:
        events = session.scalars(select(Event).where(Event.kind.like("hierarchy.%")).order_by(Event.id)).all()
    rename = events[-1]
    assert rename.kind == "hierarchy.rename" and rename.subject == str(node) and rename.reason == "더 분명하게"
    assert rename.payload["before"]["name"] == "주제" and rename.payload["after"]["name"] == "새 주제"
    assert [n["name"] for n in rename.payload["snapshot"]["nodes"]] == ["주제"]


def test_the_rules_are_enforced_with_clear_errors(book):
    with book.transaction() as session:
        p = _project(session)
        domain = _ids(create_node(session, p, DOMAIN, "영역", actor=ME))
        theme = _ids(create_node(session, p, THEME, "주제", actor=ME, parent_id=domain))
        sub = _ids(create_node(session, p, SUBTHEME, "하위주제", actor=ME, parent_id=theme))
        other = _ids(create_node(session, p, SUBTHEME, "다른 하위주제", actor=ME, parent_id=theme))
        place_code(session, p, FIN, sub, actor=ME)
        before = take_snapshot(session, p)
        cases = [
            (lambda: create_node(session, p, SUBTHEME, "x", actor=ME, parent_id=domain), "cannot sit under domain"),
            (lambda: create_node(session, p, DOMAIN, "x", actor=ME, parent_id=theme), "cannot sit under theme"),
            (lambda: create_node(session, p, THEME, "x", actor=ME, parent_id=sub), "cannot sit under sub-theme"),
            (lambda: create_node(session, p, "category", "x", actor=ME), "unknown level"),
            (lambda: create_node(session, p, THEME, "   ", actor=ME), "needs a name"),
            (lambda: create_node(session, p, THEME, "x" * 201, actor=ME), "at most 200"),
            (lambda: create_node(session, p, SUBTHEME, "하위주제", actor=ME, parent_id=theme), "is taken under"),
            (lambda: rename_node(session, p, other, "하위주제", actor=ME), "is taken under"),
            (lambda: move_node(session, p, theme, sub, actor=ME), "cannot sit under sub-theme"),
            (lambda: move_node(session, p, domain, theme, actor=ME), "cannot sit under theme"),
            (lambda: move_node(session, p, sub, domain, actor=ME), "cannot sit under domain"),
            (lambda: place_code(session, p, FIN, theme, actor=ME), "codes sit under sub-themes"),
            (lambda: place_code(session, p, FIN, sub, actor=ME), "already sits under"),
            (lambda: place_code(session, p, JOB, None, actor=ME), "not in the hierarchy"),
            (lambda: merge_nodes(session, p, theme, [sub], actor=ME), "only nodes of one level merge"),
            (lambda: merge_nodes(session, p, sub, [sub], actor=ME), "at least one other node"),
            (lambda: split_node(session, p, sub, "새것", actor=ME), "say what goes"),
            (lambda: split_node(session, p, other, "새것", actor=ME, codes=[FIN]), "is not under"),
            (lambda: split_node(session, p, theme, "새것", actor=ME, codes=[FIN]), "split it by its children"),
            (lambda: split_node(session, p, theme, "새것", actor=ME, children=[domain]), "is not under"),
        ]
        for attempt, message in cases:
            with pytest.raises(HierarchyError, match=message) as info:
                attempt()
            assert info.value.message
        assert "under a theme (주제)" in _hint(lambda: create_node(
            session, p, SUBTHEME, "x", actor=ME, parent_id=domain))
        for attempt, message in [
            (lambda: rename_node(session, p, 999, "x", actor=ME), "no theme node #999"),
            (lambda: create_node(session, p, THEME, "x", actor=ME, parent_id=998), "no theme node #998"),
            (lambda: place_code(session, p, "없는 코드", sub, actor=ME), "no code '없는 코드'"),
            (lambda: accept_candidate(session, p, 12345, actor=ME), "no candidate 12345"),
        ]:
            with pytest.raises(NotFound, match=message):
                attempt()
        assert take_snapshot(session, p) == before  # nothing changed


def _hint(attempt) -> str:
    with pytest.raises(HierarchyError) as info:
        attempt()
    return info.value.hint or ""


def test_a_code_sits_under_one_sub_theme_and_moves_when_placed_again(book):
    with book.transaction() as session:
        p = _project(session)
        a = _ids(create_node(session, p, SUBTHEME, "가", actor=ME))
        b = _ids(create_node(session, p, SUBTHEME, "나", actor=ME))
        place_code(session, p, FIN, a, actor=ME)
        place_code(session, p, FIN, b, actor=ME)
        code = get_code(session, p, FIN)
        assert session.scalars(select(ThemeNodeCode.node_id).where(ThemeNodeCode.code_id == code.id)).all() == [b]
        place_code(session, p, FIN, None, actor=ME)
        assert session.get(ThemeNodeCode, code.id) is None


def test_undo_skips_codes_deleted_since(book):
    with book.transaction() as session:
        p = _project(session)
        sub = _ids(create_node(session, p, SUBTHEME, "가", actor=ME))
        place_code(session, p, FIN, sub, actor=ME)
        place_code(session, p, JOB, sub, actor=ME)
        delete_node(session, p, sub, actor=ME)
        delete_code(session, p, JOB, actor=ME)
        undo(session, p, actor=ME)
        [node] = hierarchy_tree(session, p, viewer=_lead(session))
    assert node.id == sub and [c.path for c in node.codes] == [FIN]


# ---- accepting candidates ---------------------------------------------------------------


def test_accepting_sub_theme_and_theme_candidates(study):
    with study.db.transaction() as session:
        p = study.project(session)
        lines_run = _proposed(session, p, ProposalSettings(k=6))
        codes_run = _proposed(session, p, ProposalSettings(level="theme", k=3))

        first = lines_run.candidates[0]
        change = accept_candidate(session, p, first.id, actor=ME)
        sub = change.node_id
        [node] = hierarchy_tree(session, p, viewer=_lead(session))
        dominant = [s.path for s in first.codes if s.dominant]
        assert (node.level, node.name, node.candidate_id) == (SUBTHEME, first.label, first.id)
        assert [c.path for c in node.codes] == dominant
        assert dominant_codes([{"id": s.id, "share": s.share} for s in first.codes]) == [
            s.id for s in first.codes if s.dominant]
        coded = {s for s, path in study.a_codings | study.b_codings if path in dominant}
        assert node.lines == len(set(first.members) | coded)
        # quotes come from the node's own lines, picked by the quote rules (themes/quotes.py:
        # no back-channels or short lines, different speakers first), as many as the candidate had
        assert {q.segment_id for q in node.quotes} <= set(first.members) | coded
        assert len(node.quotes) == len(first.representatives)
        assert all(q.speaker and q.group for q in node.quotes)
        assert get_run(session, p, lines_run.id, viewer=_lead(session)).candidates[0].accepted_as == sub
        with pytest.raises(HierarchyError, match="already taken"):
            accept_candidate(session, p, first.id, actor=ME)

        # A theme-level candidate holding one of those codes brings the unplaced sub-theme along,
        # and gives every other code a sub-theme of its own.
        holder = next(c for c in codes_run.candidates if set(dominant) & {s.path for s in c.codes})
        domain = _ids(create_node(session, p, DOMAIN, "성과", actor=ME))
        change = accept_candidate(session, p, holder.id, actor=ME, name="주제 하나", parent_id=domain)
        [top] = hierarchy_tree(session, p, viewer=_lead(session))
        [theme] = top.children
        assert (theme.level, theme.name, theme.id) == (THEME, "주제 하나", change.node_id)
        placed = [c.path for s in theme.children for c in s.codes]
        moved_along = set(dominant) & {s.path for s in holder.codes}
        assert sub in [s.id for s in theme.children]
        own = [s for s in theme.children if s.id != sub]
        assert all(len(s.codes) == 1 and s.name == s.codes[0].name for s in own)
        assert sorted(placed) == sorted({s.path for s in holder.codes} | set(dominant))
        assert change.skipped == [] and moved_along
        assert top.lines == theme.lines >= max(s.lines for s in theme.children)
        assert top.participants >= 1 and top.groups >= 1

        # Another sub-theme candidate whose dominant code is already placed: the code stays put.
        taken = {c.path for n in walk(hierarchy_tree(session, p, viewer=_lead(session))) for c in n.codes}
        other = next(c for c in lines_run.candidates[1:] if any(s.dominant and s.path in taken for s in c.codes))
        change = accept_candidate(session, p, other.id, actor=ME, parent_id=theme.id)
        assert change.skipped and all("stays under" in s for s in change.skipped)
        again = {c.path for n in walk(hierarchy_tree(session, p, viewer=_lead(session))) for c in n.codes}
        assert sorted(again - taken) == sorted(s.path for s in other.codes if s.dominant and s.path not in taken)


def test_split_moves_the_lines_of_the_codes_that_go(study, monkeypatch):
    # Ward at k=4 gives this study a candidate with two dominant codes, the case to split, when
    # lines are clustered by their text alone (codes that attract their lines make it rarer).
    import themes.proposals

    monkeypatch.setattr(themes.proposals, "CO_CODED_WEIGHT", 0.0)
    with study.db.transaction() as session:
        p = study.project(session)
        run = _proposed(session, p, ProposalSettings(k=4, clusterer="agglomerative"))
        candidate = next(c for c in run.candidates if sum(s.dominant for s in c.codes) >= 2)
        sub = accept_candidate(session, p, candidate.id, actor=ME).node_id
        [node] = hierarchy_tree(session, p, viewer=_lead(session))
        going = node.codes[-1].path
        change = split_node(session, p, sub, "갈라진 것", actor=ME, codes=[going])
        nodes = {n.name: n for n in hierarchy_tree(session, p, viewer=_lead(session))}
    new = nodes["갈라진 것"]
    assert [c.path for c in new.codes] == [going] and going not in [c.path for c in nodes[node.name].codes]
    lines_of = {s for s, path in study.a_codings | study.b_codings if path == going}
    assert new.lines == len(lines_of)
    assert "1 code" in change.message


def test_node_memos_move_with_a_merge_come_back_with_its_undo_and_outlive_a_delete(book):
    from coding.memos import memos_for, write_memo

    with book.transaction() as session:
        p, lead = _project(session), _lead(session)
        one = _ids(create_node(session, p, THEME, "하나", actor=lead, memo="첫 메모"))
        two = _ids(create_node(session, p, THEME, "둘", actor=lead))
        write_memo(session, p, actor=lead, kind="node", target=two, text="둘의 메모", title="제목")
        merge_nodes(session, p, one, [two], actor=lead)
        [merged] = hierarchy_tree(session, p, viewer=lead)
        assert merged.memo == "첫 메모\n\n제목: 둘의 메모"
        assert {m.target for m in memos_for(session, p, viewer=lead, kind="node")} == {str(one)}
        undo(session, p, actor=lead)
        assert {m.text: m.target for m in memos_for(session, p, viewer=lead, kind="node")} == {
            "첫 메모": str(one), "둘의 메모": str(two)}
        set_memo(session, p, one, "고친 첫 메모", actor=lead)
        delete_node(session, p, one, actor=lead)
        assert [m.text for m in memos_for(session, p, viewer=lead, target=one)] == ["고친 첫 메모"]
        set_memo(session, p, two, "", actor=lead)  # removes the node's first memo
        assert memos_for(session, p, viewer=lead, target=two) == []
        with pytest.raises(HierarchyError, match="no memo to remove"):
            set_memo(session, p, two, "", actor=lead)
        kinds = [e.kind for e in session.scalars(select(Event).where(Event.kind.like("memo.%")).order_by(Event.id))]
    assert kinds == ["memo.write", "memo.write", "memo.move", "memo.edit", "memo.delete"]


def test_node_memos_below_their_nodes_in_the_word_theme_table(book, tmp_path):
    from docx import Document

    from coding.memos import write_memo
    from themes.export_docx import write_docx
    from themes.export_table import theme_table

    with book.transaction() as session:
        p, lead = _project(session), _lead(session)
        domain = _ids(create_node(session, p, DOMAIN, "실무자가 본 성과", actor=lead, memo="영역 메모"))
        theme = _ids(create_node(session, p, THEME, "사례관리의 목적", actor=lead, parent_id=domain))
        write_memo(session, p, actor=lead, kind="node", target=theme, text="주제 메모\n둘째 줄")
        sub = _ids(create_node(session, p, SUBTHEME, "경제", actor=lead, parent_id=theme, memo="하위 메모"))
        place_code(session, p, FIN, sub, actor=lead)
        table = theme_table(session, p, viewer=lead)
    write_docx(table, tmp_path / "themes.docx")
    [grid] = Document(str(tmp_path / "themes.docx")).tables
    cells = [[cell.text for cell in row.cells] for row in grid.rows]
    assert cells[1][0].endswith("메모: 영역 메모")
    assert cells[1][1].endswith("메모: 주제 메모\n둘째 줄")
    assert cells[1][2].startswith("경제") and cells[1][2].endswith("메모: 하위 메모")
