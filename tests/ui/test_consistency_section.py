"""The coding-consistency section of the 주제 page: a lead runs the check, sees the lines
ranked with the code they fit better, and opens one in the coding view."""

from __future__ import annotations

from coding.applications import apply_code
from coding.codebook import list_codes
from coding.users import get_user
from fgi.demo import DEMO_PROJECT
from fgi.study import get_project
from tests.ui.conftest import database, read_demo, run_as
from themes.consistency import coding_consistency
from themes.units import proposal_units


def _code_some_lines(url: str) -> None:
    """The lead codes 18 participant lines with three codes, six lines each."""
    db = database(url)
    with db.transaction() as session:
        project = get_project(session, DEMO_PROJECT)
        lead = get_user(session, "팀장")
        codes = [c for c in list_codes(session, project) if c.parent_id is not None][:3]
        lines = proposal_units(session, project, "all", viewer=lead)[:18]
        for i, line in enumerate(lines):
            apply_code(session, lead, line.segment_id, codes[i // 6].id)
    db.dispose()


def test_a_lead_runs_the_check_and_jumps_to_a_line(demo_url):
    _code_some_lines(demo_url)
    expected = read_demo(demo_url, lambda s, p: coding_consistency(s, p, actor=get_user(s, "팀장"), limit=20))
    assert expected, "the demo's codings give lines to check"
    app = run_as("팀장", "themes")
    next(b for b in app.button if b.key == "consistency.run").click()
    app.run()
    assert not app.exception, app.exception
    opens = [b for b in app.button if str(b.key).startswith("consistency.open.")]
    assert len(opens) == len(expected)
    texts = [x.value for x in app.text]
    assert any(expected[0].code_path in x for x in texts)
    opens[0].click()
    app.run()
    assert not app.exception, app.exception
    assert app.header[0].value == "코딩"  # switched to the coding view ...
    assert "coding.goto" not in app.session_state  # ... which took the jump to the line
