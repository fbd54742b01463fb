"""The 주제 page through AppTest: run a proposal, accept and merge candidates, undo."""

from __future__ import annotations

from fgi.demo import DEMO_PROJECT as DEMO
from fgi.study import get_project
from tests.ui.conftest import database, read_demo, run_as
from coding.users import get_user
from themes.runs import list_runs
from themes.tree import hierarchy_tree, walk
from ui.safe import literal



def _button(app, prefix):
    return next(b for b in app.button if b.label.startswith(prefix))


def test_a_lead_proposes_accepts_merges_and_undoes(demo_url):
    app = run_as("팀장", "themes")
    assert any("아직 주제 구조가 없습니다" in i.value for i in app.info)
    next(n for n in app.number_input if n.label.startswith("후보 수")).set_value(3)
    _button(app, "제안 실행").click()
    app.run()
    assert not app.exception, app.exception
    runs = read_demo(demo_url, lambda s, p: list_runs(s, p, viewer=get_user(s, "팀장")))
    assert len(runs) == 1 and runs[0].candidates == 3
    boxes = [c for c in app.checkbox if c.label == "선택"]
    assert len(boxes) == 3
    boxes[0].check()
    boxes[1].check()
    app.run()
    _button(app, "선택한 후보 2개를 수락해 하나로 합치기").click()
    app.run()
    assert not app.exception, app.exception
    nodes = read_demo(demo_url, lambda s, p: list(walk(hierarchy_tree(s, p, viewer=get_user(s, "팀장")))))
    assert [n.level for n in nodes] == ["subtheme"]  # two accepted, merged into one
    assert literal("합쳤습니다.") in [s.value for s in app.success]  # messages are shown as literal text
    # Both merged candidates are marked on their cards, unticked and disabled: never taken twice.
    boxes = [c for c in app.checkbox if c.label == "선택"]
    assert [(b.value, b.disabled) for b in boxes[:2]] == [(False, True), (False, True)] and not boxes[2].disabled
    assert sum("다시 수락할 수 없음" in s.value for s in app.success) == 2
    assert _button(app, "선택한 후보 0개 수락").disabled
    tree = app.dataframe[0].value if app.dataframe else None
    assert tree is not None and len(tree) == 1
    _button(app, "되돌리기").click()
    app.run()
    nodes = read_demo(demo_url, lambda s, p: list(walk(hierarchy_tree(s, p, viewer=get_user(s, "팀장")))))
    assert len(nodes) == 2  # the merge is undone: both accepted sub-themes are back


def test_scatter_points_are_two_dimensional(demo_url):
    from themes.proposals import ProposalSettings, propose
    from themes.scatter import run_points, to_2d
    from ui.resources import embedder

    db = database(demo_url)
    with db.transaction() as session:
        project = get_project(session, DEMO)
        lead = get_user(session, "팀장")
        run_id = propose(session, project, ProposalSettings(k=3), viewer=lead)
        points = run_points(session, project, run_id, embedder("kiwi-lsa", 0), viewer=lead)
    db.dispose()
    assert points and {p.candidate for p in points} == {0, 1, 2}
    assert all(isinstance(p.x, float) and isinstance(p.y, float) for p in points)
    assert to_2d([[1.0, 2.0, 3.0]]).shape == (1, 2)


def _tree(demo_url):
    return read_demo(demo_url, lambda s, p: hierarchy_tree(s, p, viewer=get_user(s, "팀장")))


def test_a_lead_places_codes_with_new_nodes_pins_quotes_and_undo_says_what(demo_url):
    from themes.tree import code_list

    codes = read_demo(demo_url, lambda s, p: code_list(s, p, viewer=get_user(s, "팀장")))
    counted = [leaf.path for leaf, _ in codes if leaf.lines]
    app = run_as("팀장", "themes")
    assert not app.exception, app.exception
    app.multiselect(key="themes.place.0.codes").set_value(counted[:2])
    app.text_input(key="themes.place.0.new_subtheme").input("자신감 회복")
    app.text_input(key="themes.place.0.new_theme").input("참여주민의 변화")
    app.selectbox(key="themes.place.0.domain").set_value("__new__")
    app.run()
    app.text_input(key="themes.place.0.new_domain").input("성과")
    app.button(key="themes.place.go").click()
    app.run()
    assert not app.exception, app.exception
    [domain] = _tree(demo_url)
    [theme] = domain.children
    [sub] = theme.children
    assert (domain.name, theme.name, sub.name) == ("성과", "참여주민의 변화", "자신감 회복")
    assert [c.path for c in sub.codes] == counted[:2] and sub.frequency in ("general", "typical", "variant")
    assert any("자신감 회복" in s.value for s in app.success)
    frame = app.dataframe[0].value
    assert "빈도" in frame.columns and set(frame["빈도"]) <= {"일반적", "전형적", "변동적", ""}
    # The next placing defaults to the theme just used: one name and a click.
    assert app.selectbox(key="themes.place.1.theme").value == theme.id
    app.multiselect(key="themes.place.1.codes").set_value(counted[2:3])
    app.text_input(key="themes.place.1.new_subtheme").input("관계 회복")
    app.run()
    app.button(key="themes.place.go").click()
    app.run()
    assert [s.name for s in _tree(demo_url)[0].children[0].children] == ["자신감 회복", "관계 회복"]
    # Pin a line of the sub-theme as its quote.
    app.selectbox(key="themes.quotes.node").set_value(sub.id)
    app.run()
    from themes.tree import node_lines

    lines = read_demo(demo_url, lambda s, p: node_lines(s, p, sub.id, viewer=get_user(s, "팀장")))
    word = lines[0].text[:6]
    app.text_input(key=f"themes.quotes.search.{sub.id}").input(word)
    app.run()
    pick = app.multiselect(key=f"themes.quotes.pick.{sub.id}")
    assert pick.options and all(word in o for o in pick.options)  # the search box narrows the lines
    assert all(o.startswith("(") for o in pick.options)  # each with its speaker tag
    pick.set_value([lines[0].segment_id])
    app.run()
    app.button(key="themes.quotes.pin").click()
    app.run()
    assert not app.exception, app.exception
    pinned = next(n for n in walk(_tree(demo_url)) if n.id == sub.id).pinned
    assert len(pinned) == 1
    _button(app, "되돌리기").click()
    app.run()
    assert literal("되돌렸습니다: '자신감 회복'에 인용 1개를 고정한 일") in [s.value for s in app.success]
    _button(app, "되돌리기").click()
    app.run()
    assert literal("되돌렸습니다: '관계 회복'을(를) '자신감 회복' 아래에 놓은 일") not in [s.value for s in app.success]
    assert any(s.value.startswith(literal("되돌렸습니다: ")) and "관계 회복" in s.value for s in app.success)


def test_a_lead_writes_and_edits_a_node_memo_on_the_page(demo_url):
    from coding.memos import memos_for
    from themes.hierarchy import create_node

    db = database(demo_url)
    with db.transaction() as session:
        node = create_node(session, get_project(session, DEMO), "theme", "참여주민의 변화", actor="setup").node_id
    db.dispose()
    app = run_as("팀장", "themes")
    app.selectbox(key="themes.memos.node").set_value(node)
    app.run()
    app.text_area(key=f"themes.memos.new.{node}.0.text").input("보고서 3장에 쓸 주제")
    next(b for b in app.button if b.label == "메모 쓰기").click()
    app.run()
    assert not app.exception, app.exception
    memos = read_demo(demo_url, lambda s, p: memos_for(s, p, viewer=get_user(s, "팀장"), kind="node",
                                                        target=str(node)))
    assert [m.text for m in memos] == ["보고서 3장에 쓸 주제"] and memos[0].author == "팀장"
    assert literal("메모를 썼습니다.") in [s.value for s in app.success]
    assert list(app.dataframe[0].value["메모"]) == [1]
    app.text_area(key=f"themes.memos.text.{memos[0].id}").input("고친 메모")
    app.button(key=f"themes.memos.save.{memos[0].id}").click()
    app.run()
    memos = read_demo(demo_url, lambda s, p: memos_for(s, p, viewer=get_user(s, "팀장"), kind="node"))
    assert [m.text for m in memos] == ["고친 메모"]
