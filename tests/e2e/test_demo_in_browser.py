"""The README's demo, opened in a real browser."""

from __future__ import annotations

import pytest

from fgi.demo import build_demo
from fgi.storage import open_database
from tests.e2e.conftest import StreamlitServer, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, kiwi):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    database = open_database(url)
    with database.transaction() as session:
        build_demo(session, actor="tester", analyzer=kiwi)
    database.dispose()
    server = StreamlitServer(url, tmp_path / "streamlit.log")
    yield server
    server.stop()


def test_demo_opens_with_the_sample_study(server, page):
    page.goto(server.url)
    page.get_by_role("heading", name="프로젝트 / 가져오기").wait_for(timeout=30_000)
    page.get_by_text("전사본 보기").first.click()
    page.get_by_role("heading", name="전사본 보기").wait_for(timeout=30_000)
    page.get_by_text("87개 단위").or_(page.get_by_text("56개 단위")).or_(page.get_by_text("64개 단위")).first.wait_for()
    page.wait_for_timeout(1500)  # let the data grid paint before the picture
    path = screenshot(page, "demo-transcript")
    assert path.stat().st_size > 10_000
    assert page.locator("[data-testid='stException']").count() == 0
