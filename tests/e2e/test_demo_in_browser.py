"""The README's demo, opened in a real browser: log in, see the sample study."""

from __future__ import annotations

import pytest

from coding.demo_team import DEMO_PASSWORD
from tests.e2e.conftest import demo_study, log_in, screenshot, served

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, kiwi, monkeypatch):
    with served(tmp_path, monkeypatch, demo_study(kiwi)) as server:
        yield server


def test_demo_opens_with_the_sample_study(server, page):
    page.goto(server.url)
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)
    screenshot(page, "demo-login")
    log_in(page, "팀장", DEMO_PASSWORD)
    page.get_by_role("heading", name="프로젝트 / 가져오기").wait_for(timeout=30_000)
    page.get_by_text("전사본 보기").first.click()
    page.get_by_role("heading", name="전사본 보기").wait_for(timeout=30_000)
    page.get_by_text("87개 단위").or_(page.get_by_text("56개 단위")).or_(page.get_by_text("64개 단위")).first.wait_for()
    page.wait_for_timeout(1500)  # let the data grid paint before the picture
    path = screenshot(page, "demo-transcript")
    assert path.stat().st_size > 10_000
    assert page.locator("[data-testid='stException']").count() == 0
