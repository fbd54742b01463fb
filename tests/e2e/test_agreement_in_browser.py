"""The 일치도 page in a real browser with three coders: every statistic shown, the hover that
says what % agreement counts, and the coder x coder heat map drawn."""

from __future__ import annotations

import pytest

from coding.demo_team import DEMO_PASSWORD
from tests.e2e.conftest import demo_study, log_in, screenshot, served, settle
from tests.ui.test_agreement_page import code_as_third_coder

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, kiwi, monkeypatch):
    from coding.keywords import keyword_nlp

    with served(tmp_path, monkeypatch, demo_study(kiwi, coded_lines=12, nlp=keyword_nlp()),
                code_as_third_coder) as server:
        yield server


def test_agreement_page_with_three_coders(server, page):
    from playwright.sync_api import expect

    page.goto(server.url)
    log_in(page, "팀장", DEMO_PASSWORD)
    page.get_by_role("link", name="일치도").first.click()
    page.get_by_role("heading", name="일치도", exact=True).wait_for(timeout=60_000)
    for label in ("Krippendorff α (전체)", "일치율", "Fleiss κ", "Gwet AC1", "Brennan-Prediger κ", "Holsti 계수"):
        metric = page.get_by_test_id("stMetricLabel").filter(has_text=label).first
        expect(metric).to_be_visible(timeout=60_000)
    settle(page, 1500)
    screenshot(page, "agreement-overall")

    # The hover on 일치율 says it counts line x code pairs.
    percent = page.get_by_test_id("stMetric").filter(has_text="일치율").first
    percent.get_by_test_id("stTooltipHoverTarget").hover()
    tooltip = page.get_by_test_id("stTooltipContent").filter(has_text="(줄 × 코드) 쌍을 셉니다")
    expect(tooltip).to_be_visible(timeout=10_000)
    page.wait_for_timeout(700)  # the tooltip fades in
    screenshot(page, "agreement-percent-hover")
    page.mouse.move(5, 5)

    page.get_by_role("tab", name="코더 × 코더").click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    settle(page, 1500)
    heat = page.locator(".js-plotly-plot").first
    expect(heat).to_contain_text("코더3")
    heat.scroll_into_view_if_needed()
    settle(page, 500)
    path = screenshot(page, "agreement-coder-matrix")
    assert path.stat().st_size > 10_000
    assert page.locator("[data-testid='stException']").count() == 0
