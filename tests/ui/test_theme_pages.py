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
    assert app.success[0].value == literal("합쳤습니다.")  # messages are shown as literal text
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
