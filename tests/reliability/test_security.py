"""Who may see what: the pseudonymisation key, and passwords that are never written down."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from coding.errors import PermissionDenied
from coding.identities import identity_key
from coding.users import get_user
from fgi.models import Event
from fgi.storage import open_database
from fgi.study import get_project
from tests.conftest import REPO

PROJECT = "보안 시험"
SECRET = "아무도-모를-비밀번호-42"


@pytest.fixture
def study(cli, database_url, monkeypatch):
    monkeypatch.setenv("FGI_PASSWORD", SECRET)
    cli("init")
    cli("project", "create", PROJECT)
    cli("user", "add", "팀장", "--role", "lead", "--project", PROJECT)
    cli("user", "add", "코더", "--role", "coder", "--project", PROJECT)
    cli("import", str(REPO / "transcripts" / "실무자_FGI_1차.txt"), "-p", PROJECT,
        "--names", str(REPO / "transcripts" / "names.txt"))
    return cli


def test_only_a_lead_sees_the_pseudonymisation_key_and_reading_it_is_audited(study, database_url):
    code, _, err = study("project", "identities", "-p", PROJECT, "--as", "코더", ok=False)
    assert code == 1 and "only a lead or admin may see the pseudonymisation key" in err
    _, out, _ = study("project", "identities", "-p", PROJECT, "--as", "팀장")
    assert "김도현" in out and "박민수" in out and "[이름]" in out

    database = open_database(database_url)
    with database.transaction() as session:
        project = get_project(session, PROJECT)
        with pytest.raises(PermissionDenied):
            identity_key(session, get_user(session, "코더"), project)
    with database.reading() as session:
        reads = session.scalars(select(Event).where(Event.kind == "identities.read")).all()
        assert [e.actor for e in reads] == ["팀장"]
    database.dispose()


def test_passwords_are_never_written_down(study, database_url):
    _, out, err = study("user", "list")
    assert SECRET not in out + err
    database = open_database(database_url)
    with database.reading() as session:
        for event in session.scalars(select(Event)):
            assert SECRET not in json.dumps(event.payload, ensure_ascii=False)
            assert "password_hash" not in json.dumps(event.payload)
    database.dispose()
