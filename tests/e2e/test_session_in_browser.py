"""The login survives a reload (F5) in real Chromium, until logout or expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coding import users
from coding.app_sessions import start_session
from coding.models import AppSession
from fgi.storage.base import utcnow
from fgi.study import create_project
from tests.e2e.conftest import log_in, log_out, screenshot, served
from ui.cookie import COOKIE

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"


@pytest.fixture
def server(tmp_path, monkeypatch):
    def fill(session):
        project = create_project(session, "세션 시험", actor="tester")
        users.add_member(session, project, users.create_user(session, "팀장", PASSWORD, role="lead", actor="tester"),
                         actor="tester")
    with served(tmp_path, monkeypatch, fill) as server:
        yield server


def _sessions(database) -> int:
    with database.reading() as session:
        return len(session.scalars(select(AppSession.token_hash)).all())


def _cookie(page):
    return next((c for c in page.context.cookies() if c["name"] == COOKIE), None)


def _wait_for_cookie(page, present: bool = True) -> dict | None:
    for _ in range(100):
        found = _cookie(page)
        if bool(found is not None and found["value"]) == present:
            return found
        page.wait_for_timeout(100)
    raise AssertionError(f"the session cookie is {'missing' if present else 'still there'}")


def _logged_in(page) -> None:
    page.get_by_role("heading", name="프로젝트 / 가져오기").wait_for(timeout=30_000)
    page.get_by_role("button", name="로그아웃").wait_for(timeout=30_000)


def test_a_reload_keeps_the_login_until_logout(server, page):
    page.goto(server.url)
    log_in(page, "팀장", PASSWORD)
    _logged_in(page)
    cookie = _wait_for_cookie(page)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and not cookie["secure"]
    assert 7.9 * 3600 < cookie["expires"] - utcnow().timestamp() <= 8 * 3600
    assert _sessions(server.database) == 1

    page.reload()
    _logged_in(page)
    screenshot(page, "session-after-reload")
    assert page.get_by_label("비밀번호").count() == 0

    second = page.context.new_page()  # a new tab of the same browser is let in too
    second.goto(server.url)
    _logged_in(second)
    second.close()

    log_out(page)
    _wait_for_cookie(page, present=False)
    assert _sessions(server.database) == 0
    page.reload()
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="로그아웃").count() == 0
    screenshot(page, "session-after-logout-reload")


def test_an_expired_or_forged_cookie_shows_the_login_form(server, page):
    with server.database.transaction() as session:
        token, _ = start_session(session, users.get_user(session, "팀장"), hours=1,
                                 now=utcnow() - timedelta(hours=2))
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": server.url, "sameSite": "Strict"}])
    page.goto(server.url)
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="로그아웃").count() == 0
    _wait_for_cookie(page, present=False)  # the dead cookie is deleted
    assert _sessions(server.database) == 0

    page.context.add_cookies([{"name": COOKIE, "value": "A" * 43, "url": server.url, "sameSite": "Strict"}])
    page.reload()
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="로그아웃").count() == 0
