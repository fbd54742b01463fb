"""The 행렬 page through AppTest on the demo project: the lead's and a coder's numbers are
queries.matrices' for each of them (blind), a chosen cell lists its lines, and a line's button
opens the coding view on that line."""

from __future__ import annotations

from coding.users import get_user
from queries.matrices import code_matrix
from tests.ui.conftest import database, read_demo, run_as
from ui.components.matrix_view import COL_KEY, GOTO_KEY, ROW_KEY
from ui.text import t


def expected(url, viewer, columns, **options):
    return read_demo(url, lambda s, p: code_matrix(s, p, viewer=get_user(s, viewer), columns=columns, **options))


def shown(app):
    """The table's counts (without the total column) as lists of ints."""
    frame = app.dataframe[0].value
    return [[int(v) for v in row[:-1]] for row in frame.values.tolist()]


def test_the_lead_sees_every_coders_counts_and_opens_a_line(demo_url):
    app = run_as("팀장", "matrices")
    assert app.header[0].value == t("page.matrices")
    assert len(app.get("plotly_chart")) == 1
    lead = expected(demo_url, "팀장", "group")
    assert shown(app) == [list(r) for r in lead.cells]
    assert list(app.dataframe[0].value.columns)[:-1] == [h.label for h in lead.columns]
    # the first choice is the busiest cell; its lines are listed, each with a jump button
    best = max(n for row in lead.cells for n in row)
    assert best > 0
    row, col = app.session_state[ROW_KEY], app.session_state[COL_KEY]
    i = [h.key for h in lead.rows].index(row)
    j = [h.key for h in lead.columns].index(col)
    assert lead.cells[i][j] == best
    buttons = [b for b in app.button if b.key and b.key.startswith("matrices.open.")]
    assert len(buttons) == min(best, 100)
    target = buttons[0].key.removeprefix("matrices.open.")
    buttons[0].click().run()
    assert not app.exception, app.exception
    assert GOTO_KEY not in app.session_state  # the coding page took the jump and opened the line
    assert app.session_state["coding.transcript"] == target.rsplit("-", 1)[0]
    assert app.header[0].value == t("page.coding")


def coder2_codes_an_uncoded_line(url) -> None:
    from coding.applications import apply_code, codings_for
    from coding.codebook import list_codes
    from fgi.demo import DEMO_PROJECT
    from fgi.study import get_project, list_segments

    db = database(url)
    with db.transaction() as session:
        project = get_project(session, DEMO_PROJECT)
        coded = {c.segment_id for c in codings_for(session, get_user(session, "팀장"), project=project)}
        tid = next(iter(coded)).rsplit("-", 1)[0]
        line = next(s for s in list_segments(session, tid) if s.id not in coded and s.line > 1)
        apply_code(session, get_user(session, "코더2"), line.id, list_codes(session, project)[1].id)
    db.dispose()


def test_a_coder_counts_only_their_own(demo_url):
    coder2_codes_an_uncoded_line(demo_url)
    app = run_as("코더1", "matrices")
    mine = expected(demo_url, "코더1", "group")
    lead = expected(demo_url, "팀장", "group")
    assert shown(app) == [list(r) for r in mine.cells]
    assert mine.cells != lead.cells  # 코더2's line counts for the lead only: the test can fail
    assert any(c.value == t("matrices.blind") for c in app.caption)


def test_co_occurrence_with_a_window_and_other_columns(demo_url):
    app = run_as("팀장", "matrices")
    app.selectbox(key="matrices.columns").select_index(3).run()  # code
    app.number_input(key="matrices.window").set_value(2).run()
    assert not app.exception, app.exception
    assert shown(app) == [list(r) for r in expected(demo_url, "팀장", "code", window=2).cells]
    app.selectbox(key="matrices.columns").select_index(1).run()  # participant
    app.radio(key="matrices.measure").set_value("participants").run()
    assert not app.exception, app.exception
    assert shown(app) == [list(r) for r in expected(demo_url, "팀장", "participant", measure="participants").cells]
    app.radio(key="matrices.percent").set_value("row").run()
    people = expected(demo_url, "팀장", "participant", measure="participants")
    app.session_state[COL_KEY] = people.columns[0].key  # a moderator: a column with no line
    app.run()
    assert not app.exception, app.exception
    assert any(i.value == t("matrices.cell.empty") for i in app.info)
    frame = app.dataframe[0].value
    assert 0 < frame.iloc[:, :-1].max().max() <= 100.0  # row percentages (NaN where a row is empty)
