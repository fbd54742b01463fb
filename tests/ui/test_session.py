"""The app's login session through AppTest: a login starts a session in the database, logout
ends it, and a session ended elsewhere (another tab's logout, a changed password) sends the
tab back to the login form at its next run."""

from __future__ import annotations

from sqlalchemy import select

from coding.app_sessions import end_user_sessions
from coding.models import AppSession
from coding.users import get_user, set_password
from tests.ui.conftest import PASSWORD, database, run_as
from ui.auth import TOKEN_KEY, USER_KEY


def _tokens(url) -> int:
    db = database(url)
    with db.reading() as session:
        count = len(session.scalars(select(AppSession.token_hash)).all())
    db.dispose()
    return count


def _login_form(app) -> bool:
    return [w.label for w in app.text_input] == ["사용자 이름", "비밀번호"]


def test_a_login_starts_a_session_and_logout_ends_it(demo_url):
    app = run_as(None)
    app.text_input(key="login.name").input("코더1")
    app.text_input(key="login.password").input(PASSWORD)
    next(b for b in app.button if b.label == "로그인").click()
    app.run()
    assert app.session_state[USER_KEY].name == "코더1"
    assert len(app.session_state[TOKEN_KEY]) >= 40 and _tokens(demo_url) == 1
    next(b for b in app.sidebar.button if b.label == "로그아웃").click()
    app.run()
    assert _login_form(app) and _tokens(demo_url) == 0


def test_a_session_ended_elsewhere_logs_the_tab_out(demo_url):
    app = run_as("코더1", "codebook")
    db = database(demo_url)
    with db.transaction() as session:
        end_user_sessions(session, get_user(session, "코더1"))  # e.g. logged out in another tab
    db.dispose()
    app.run()
    assert _login_form(app) and USER_KEY not in app.session_state


def test_a_changed_password_logs_the_tab_out(demo_url):
    app = run_as("코더2")
    assert not _login_form(app)
    db = database(demo_url)
    with db.transaction() as session:
        set_password(session, get_user(session, "코더2"), "새비밀번호5678", actor="팀장")
    db.dispose()
    assert _tokens(demo_url) == 1
    app.run()
    assert _login_form(app)
    assert _tokens(demo_url) == 0  # the dead session's row is gone


def test_a_tab_without_a_session_token_is_not_logged_in(demo_url):
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP
    from ui.auth import SessionUser

    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[USER_KEY] = SessionUser("팀장", "lead")  # no session behind it
    app.run()
    assert _login_form(app)


def test_the_login_form_does_not_tell_whether_a_name_exists(demo_url):
    answers = []
    for name in ["코더1", "없는사람"]:  # a user with a wrong password, and nobody
        app = run_as(None)
        app.text_input(key="login.name").input(name)
        app.text_input(key="login.password").input("틀린비밀번호")
        next(b for b in app.button if b.label == "로그인").click()
        app.run()
        answers.append([e.value for e in app.error])
        assert app.text_input(key="login.name").value == name
    assert answers[0] == answers[1] and len(answers[0]) == 1
