"""The Streamlit pages through streamlit.testing.v1.AppTest, on a real SQLite database."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from fgi.demo import build_demo
from fgi.models import Participant, Project
from fgi.storage import open_database
from tests.conftest import REPO

APP = str(REPO / "app.py")


@pytest.fixture
def demo_url(tmp_path, monkeypatch, kiwi):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    database = open_database(url)
    with database.transaction() as session:
        build_demo(session, actor="tester", analyzer=kiwi)
    database.dispose()
    monkeypatch.setenv("FGI_DATABASE_URL", url)
    monkeypatch.setenv("FGI_USER", "연구자")
    from ui.resources import database as cached

    cached.clear()
    return url


def run(page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, app.exception
    return app


def test_projects_page_lists_the_demo_and_creates_a_project(demo_url):
    app = run()
    assert app.header[0].value == "프로젝트 / 가져오기"
    table = app.dataframe[0].value
    assert list(table["프로젝트"]) == ["데모: 자활사례관리 FGI"]
    assert list(table["분석 단위"]) == [207]
    app.text_input[0].input("새 연구")
    app.button[0].click()
    app.run()
    database = open_database(demo_url)
    with database.reading() as session:
        assert set(session.scalars(select(Project.name))) == {"데모: 자활사례관리 FGI", "새 연구"}
    database.dispose()


def test_transcript_page_shows_lines_and_saves_participants(demo_url):
    app = run("ui/pages/transcripts.py")
    table = app.dataframe[0].value
    assert len(table) in (87, 56, 64)
    assert set(table.columns) >= {"줄", "화자", "가명", "발화"}
    app.toggle[0].set_value(True)
    app.run()
    assert len(app.dataframe[0].value) < len(table)
    app.button[0].click()
    app.run()
    assert not app.exception
    assert app.success[0].value == "참여자 정보를 저장했습니다."


def test_an_empty_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("FGI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    from ui.resources import database as cached

    cached.clear()
    app = run("ui/pages/transcripts.py")
    assert "프로젝트가 없습니다" in app.info[0].value
