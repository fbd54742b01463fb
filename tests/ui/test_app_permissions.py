"""The app acts only as the signed-in user, through the permission table (coding/permissions.py).

1. No page or component of the app passes a plain name as ``actor=`` (the trusted path of
   set-up code): every change is made as the ``User`` loaded in the transaction.
2. A coder who reaches the lead-only forms (simulated: every page and form shown to them) is
   refused by the domain with a Korean message, and nothing is written, on SQLite and
   PostgreSQL.
"""

from __future__ import annotations

import ast

import pytest
from sqlalchemy import func, select

from coding.codebook import list_codes
from coding.demo_team import build_demo_team
from coding.models import User
from coding.users import get_user, is_member
from fgi.demo import DEMO_PROJECT, build_demo
from fgi.models import Event, Project, Transcript
from fgi.storage import open_database
from tests.conftest import REPO
from tests.ui.conftest import _use, add_admin, database, run_as

ACTING_USER = "acting_user"  # the name pages give the User loaded in their transaction


def _is_acting_user(value: ast.expr) -> bool:
    if isinstance(value, ast.Name):
        return value.id == ACTING_USER
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "get_user"


def plain_actors(source: str, filename: str = "<source>") -> list[str]:
    """Every ``actor=`` argument in ``source`` that is not the acting ``User``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            found += [f"{filename}:{kw.value.lineno}: actor={ast.unparse(kw.value)}"
                      for kw in node.keywords if kw.arg == "actor" and not _is_acting_user(kw.value)]
    return found


def app_sources():
    files = [REPO / "app.py", *sorted((REPO / "ui").rglob("*.py"))]
    return [(str(f.relative_to(REPO)), f.read_text(encoding="utf-8")) for f in files]


def test_the_checker_finds_names_given_as_actor():
    source = ("f(actor=me.name)\nf(actor='팀장')\nf(actor=f'{x}')\nf(actor=name)\nf(actor=me)\n"
              "f(actor=acting_user)\nf(actor=get_user(s, me.name))\n")
    assert len(plain_actors(source)) == 5


def test_no_app_code_acts_by_name():
    sources = app_sources()
    assert len(sources) > 20 and any("actor=" in text for _, text in sources)
    found = [problem for name, text in sources for problem in plain_actors(text, name)]
    assert not found, "the app must act as the signed-in User, not by name:\n" + "\n".join(found)


def test_acting_user_is_always_a_loaded_user():
    """``acting_user`` in the app is bound only by ``get_user(...)`` or as a parameter of the
    callback that a page runs with the user it loaded."""
    for name, text in app_sources():
        for node in ast.walk(ast.parse(text, name)):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == ACTING_USER
                                                    for t in node.targets):
                assert _is_acting_user(node.value), f"{name}:{node.lineno}"


# ---- a coder at the lead-only forms ---------------------------------------------------------

@pytest.fixture
def team_url(database_url, kiwi, monkeypatch):
    """The demo project and team (팀장, 코더1, 코더2) and an admin, on SQLite or PostgreSQL."""
    db = open_database(database_url, upgrade=True)
    with db.transaction() as session:
        project, _ = build_demo(session, actor="tester", analyzer=kiwi)
        build_demo_team(session, project, actor="tester")
    db.dispose()
    _use(database_url, monkeypatch)
    add_admin(database_url)
    return database_url


@pytest.fixture
def everything_shown(monkeypatch):
    """Pages that forgot to hide what the role may not do: every page, form and button is
    shown to everyone, so only the domain's check stands between a coder and a change."""
    from ui import context
    from ui.auth import SessionUser

    monkeypatch.setattr(SessionUser, "is_lead", property(lambda self: True))
    monkeypatch.setattr(context, "offers", lambda *args, **kwargs: True)


def _state(url: str) -> dict:
    """What a refused change must leave as it was."""
    db = database(url)
    with db.reading() as session:
        project = session.scalar(select(Project).where(Project.name == DEMO_PROJECT))
        state = {
            "events": session.scalar(select(func.count(Event.id))),
            "users": sorted(session.scalars(select(User.name))),
            "projects": session.scalar(select(func.count(Project.id))),
            "transcripts": session.scalar(select(func.count(Transcript.id))),
            "codes": len(list_codes(session, project)),
            "코더2 member": is_member(session, get_user(session, "코더2"), project.id),
        }
    db.dispose()
    return state


def _click(app, label: str) -> None:
    next(b for b in app.button if b.label == label).click()
    app.run()
    assert not app.exception, app.exception


def _refused(app, needed: str) -> None:
    words = {"lead": "팀장과 관리자만", "admin": "관리자만"}[needed]
    assert any(words in e.value for e in app.error), [e.value for e in app.error]
    assert not app.success


def test_a_coder_at_the_lead_forms_is_refused_and_nothing_is_written(team_url, everything_shown):
    before = _state(team_url)

    team = run_as("코더1", "team")
    team.text_input(key="team.add_user.0.name").input("침입자")
    team.text_input(key="team.add_user.0.password").input("password123")
    team.selectbox(key="team.add_user.0.role").set_value("admin")
    _click(team, "사용자 만들기")
    _refused(team, "admin")
    team.selectbox(key="team.leave.0.user").set_value("코더2")
    _click(team, "구성원에서 빼기")
    _refused(team, "lead")

    codebook = run_as("코더1", "codebook")
    codebook.text_input(key="codebook.add.0.name").input("새 코드")
    _click(codebook, "코드 추가")
    _refused(codebook, "lead")

    themes = run_as("코더1", "themes")
    themes.text_input(key="themes.new.0.name").input("영역 하나")
    _click(themes, "새 노드")
    _refused(themes, "lead")

    transcripts = run_as("코더1", "transcripts")
    _click(transcripts, "참여자 정보 저장")
    _refused(transcripts, "lead")

    projects = run_as("코더1", "projects")
    projects.text_input(key="create-project.0.name").input("몰래 만든 프로젝트")
    _click(projects, "만들기")
    _refused(projects, "admin")
    sample = (REPO / "transcripts" / "주민_FGI_1차.txt").read_bytes()
    projects.file_uploader(key="import.0.files").set_value([("새_전사본.txt", sample,
                                                            "text/plain")])
    _click(projects, "가져오기")
    _refused(projects, "lead")

    assert _state(team_url) == before


def test_what_a_lead_is_offered_and_refused(team_url):
    """Without the simulation: a lead sees no new-user or new-project form (admins only)."""
    team = run_as("팀장", "team")
    assert "사용자 만들기" not in [b.label for b in team.button]
    projects = run_as("팀장", "projects")
    assert "만들기" not in [b.label for b in projects.button]
    assert "가져오기" in [b.label for b in projects.button]  # a lead of the project imports
    coder = run_as("코더1", "transcripts")
    assert "참여자 정보 저장" not in [b.label for b in coder.button]
    admin = run_as("관리자", "team")
    assert "사용자 만들기" in [b.label for b in admin.button]
