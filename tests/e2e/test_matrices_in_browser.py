"""The 행렬 page in a real browser: the heat map is drawn, a cell clicked in it lists its lines, and a
line's button opens it in the coding view."""

from __future__ import annotations

import pytest

from coding.demo_team import DEMO_PASSWORD
from coding.users import get_user
from fgi.demo import DEMO_PROJECT
from fgi.study import get_project
from queries.matrices import code_matrix
from tests.e2e.conftest import demo_study, log_in, screenshot, served, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(tmp_path, kiwi, monkeypatch):
    from coding.keywords import keyword_nlp

    with served(tmp_path, monkeypatch, demo_study(kiwi, coded_lines=12, nlp=keyword_nlp())) as server:
        with server.database.reading() as session:
            matrix = code_matrix(session, get_project(session, DEMO_PROJECT), viewer=get_user(session, "팀장"),
                                 columns="group")
        yield server, matrix


def test_heat_map_then_a_cell_lists_its_lines_and_opens_one(demo, page):
    from playwright.sync_api import expect

    server, matrix = demo
    page.goto(server.url)
    log_in(page, "팀장", DEMO_PASSWORD)
    page.get_by_role("link", name="행렬").first.click()
    page.get_by_role("heading", name="행렬", exact=True).wait_for(timeout=60_000)
    heat = page.locator(".js-plotly-plot").first
    heat.wait_for(timeout=60_000)
    settle(page, 1500)
    expect(heat).to_contain_text(matrix.rows[1].label)
    heat.scroll_into_view_if_needed()
    assert screenshot(page, "matrices-heatmap").stat().st_size > 10_000

    # A non-empty cell other than the busiest one (the page's first choice).
    cells = sorted(((n, i, j) for i, row in enumerate(matrix.cells) for j, n in enumerate(row) if n), reverse=True)
    n, i, j = cells[-1] if len(cells) > 1 else cells[0]
    # A click on the cell in the heat map chooses it: the pickers under the table follow.
    point = heat.locator(".scatterlayer .points path").nth(i * len(matrix.columns) + j)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    settle(page, 1000)
    for label, value in (("행 (코드)", matrix.rows[i].label), ("열", matrix.columns[j].label)):
        picker = page.get_by_test_id("stSelectbox").filter(has_text=label).last
        expect(picker.get_by_role("combobox")).to_have_value(value, timeout=30_000)
    title = f"{matrix.rows[i].label} × {matrix.columns[j].label}"
    heading = page.get_by_role("heading", name=title)
    expect(heading).to_be_visible(timeout=60_000)
    buttons = page.get_by_role("button", name="코딩 화면에서 열기")
    expect(buttons).to_have_count(n, timeout=30_000)
    heading.scroll_into_view_if_needed()
    screenshot(page, "matrices-cell-lines")

    said = page.get_by_test_id("stText").first.inner_text().strip()  # the first line's utterance
    buttons.first.click()
    page.get_by_role("heading", name="코딩", exact=True).wait_for(timeout=60_000)
    settle(page, 1500)
    # the coding page opened on that line (its utterance is shown in the document and the panel)
    expect(page.get_by_text(said[:20]).first).to_be_visible(timeout=30_000)
    screenshot(page, "matrices-jump-to-coding")
    assert page.locator("[data-testid='stException']").count() == 0
