"""Fixtures of the app tests: the demo project with a team (팀장, 코더1, 코더2) on SQLite,
and AppTest runs logged in as one of them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from coding import users
from coding.demo_team import DEMO_PASSWORD, build_demo_team
from fgi.demo import build_demo
from fgi.storage import open_database
from tests.conftest import REPO

APP = str(REPO / "app.py")
PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


def _use(url: str, monkeypatch) -> None:
    monkeypatch.setenv("FGI_DATABASE_URL", url)
    from streamlit import cache_data, cache_resource

    cache_data.clear()
    cache_resource.clear()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, kiwi):
    """The demo project and team, built once; each test gets a copy of the file."""
    from coding.keywords import keyword_nlp

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(f"sqlite:///{path}")
    users.BCRYPT_ROUNDS, rounds = 4, users.BCRYPT_ROUNDS
    try:
        with database.transaction() as session:
            project, _ = build_demo(session, actor="tester", analyzer=kiwi)
            build_demo_team(session, project, actor="tester", coded_lines=6, nlp=keyword_nlp())
    finally:
        users.BCRYPT_ROUNDS = rounds
    database.dispose()
    return path


@pytest.fixture
def demo_url(demo_template, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    _use(url, monkeypatch)
    return url


@pytest.fixture
def empty_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url).dispose()
    _use(url, monkeypatch)
    return url


ADMIN_NAME = "관리자"


def add_admin(url: str, name: str = ADMIN_NAME) -> str:
    """An admin (not on any project: admins see every project) in the database at ``url``."""
    db = database(url)
    with db.transaction() as session:
        users.create_user(session, name, PASSWORD, role="admin", actor="tester")
    db.dispose()
    return name


def sign_in(app: AppTest, name: str) -> str:
    """Give ``app`` a real session of ``name`` (as a login does) in the database of
    FGI_DATABASE_URL; the token."""
    import os

    from coding.app_sessions import start_session
    from coding.users import get_user
    from ui.auth import TOKEN_KEY, USER_KEY, SessionUser

    db = database(os.environ["FGI_DATABASE_URL"])
    with db.transaction() as session:
        user = get_user(session, name)
        token, _ = start_session(session, user, hours=1)
        app.session_state[USER_KEY] = SessionUser(user.name, user.role)
    db.dispose()
    app.session_state[TOKEN_KEY] = token
    return token


def run_as(name: str | None, page: str | None = None) -> AppTest:
    """The app with ``name`` logged in (None: nobody), switched to ``page`` (ui/pages/<page>.py)."""
    app = AppTest.from_file(APP, default_timeout=90)
    if name is not None:
        sign_in(app, name)
    app.run()
    if page:
        app.switch_page(f"ui/pages/{page}.py")
        app.run()
    assert not app.exception, app.exception
    return app


def database(url: str):
    return open_database(url)


def read_demo(url: str, fn):
    """``fn(session, demo project)`` in a reading session of the database at ``url``."""
    from fgi.demo import DEMO_PROJECT
    from fgi.study import get_project

    db = database(url)
    with db.reading() as session:
        result = fn(session, get_project(session, DEMO_PROJECT))
    db.dispose()
    return result
