"""The command line authenticates: passwords, ``fgi login`` tokens, and the attacks of the
security review (a coder acting as a lead or admin, a made-up user) refused, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import stat
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from coding import applications, users
from coding.cli_auth import config_dir, database_key
from coding.models import CliToken, CodeApplication, User
from fgi.ingest import ImportOptions, import_files
from fgi.models import Event
from fgi.storage import open_database
from fgi.storage.base import utcnow
from fgi.study import get_project, get_transcript
from tests.coding.conftest import PASSWORD, SAMPLE_TRANSCRIPTS

LEAD_PASSWORD = "팀장만-아는-비밀번호"
OTHER_CODE = "참여주민의 변화/관계 회복"
WRONG = "unknown user or wrong password"


@pytest.fixture
def fgi(team, kiwi, cli, monkeypatch):
    """The team's project with one transcript, 코더B's codings, and a lead whose password
    nobody else knows; commands run as 코더A (the attacker) unless told otherwise."""
    cli.auto_admin = False
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        [result] = import_files(session, project, [SAMPLE_TRANSCRIPTS / "주민_FGI_1차.txt"],
                                ImportOptions(group="주민"), actor="setup", analyzer=kiwi)
        b = users.get_user(session, team.coders[1])
        for line in range(10, 18):
            applications.apply_code(session, b, f"{result.transcript_id}-{line:04d}", OTHER_CODE)
        users.set_password(session, users.get_user(session, team.lead), LEAD_PASSWORD, actor="setup")
    team.transcripts["주민_FGI_1차"] = result.transcript_id
    monkeypatch.setenv("FGI_USER", team.coder)
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    monkeypatch.setenv("FGI_NEW_PASSWORD", "새-비밀번호-1234")
    return cli


def _count(team, model, *where) -> int:
    with team.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _events_by(team, actor: str) -> list[str]:
    with team.db.reading() as session:
        return list(session.scalars(select(Event.kind).where(Event.actor == actor)))


def test_the_attacks_of_the_review_are_refused(fgi, team, monkeypatch):
    project = team.project
    codings_before = _count(team, CodeApplication)
    events_before = _count(team, Event)

    # a coder deletes a code and another coder's codings
    code, _, err = fgi("codebook", "delete", OTHER_CODE, "-p", project, "--force", ok=False)
    assert code == 1 and "only a lead or admin may change the codebook; 코더A is a coder" in err
    # a coder promotes themself
    code, _, err = fgi("user", "role", team.coder, "admin", ok=False)
    assert code == 1 and "only an admin may change a user's role" in err
    # a coder takes over the lead's account, with a made-up or with their own password
    monkeypatch.setenv("FGI_PASSWORD", "x")
    code, _, err = fgi("user", "password", team.lead, ok=False)
    assert code == 1 and WRONG in err
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    code, _, err = fgi("user", "password", team.lead, ok=False)
    assert code == 1 and "only an admin may set another user's password" in err
    # a coder adds an admin
    code, _, err = fgi("user", "add", "evil", "--role", "admin", ok=False)
    assert code == 1 and "only an admin may add users" in err
    # a coder takes another coder off the project
    code, _, err = fgi("project", "remove-member", project, team.coders[1], ok=False)
    assert code == 1 and "only a lead or admin may add or remove members" in err
    # a user nobody made, with any password
    monkeypatch.setenv("FGI_USER", "ghost")
    code, _, err = fgi("codebook", "edit", OTHER_CODE, "-p", project, "--definition", "x", ok=False)
    assert code == 1 and WRONG in err
    # a coder claims to be the lead
    monkeypatch.setenv("FGI_USER", team.coder)
    transcript = team.transcripts["주민_FGI_1차"]
    code, _, err = fgi("reveal", "--as", team.lead, "-t", transcript, ok=False)
    assert code == 1 and WRONG in err

    assert _count(team, CodeApplication) == codings_before
    assert _count(team, Event) == events_before  # nothing was recorded, under any name
    assert _count(team, User, User.name == "evil") == 0
    with team.db.reading() as session:
        assert users.get_user(session, team.coder).role == "coder"
        assert users.authenticate(session, team.lead, LEAD_PASSWORD) is not None
        assert users.is_member(session, users.get_user(session, team.coders[1]),
                               get_project(session, project).id)
    assert _events_by(team, "ghost") == []

    # the lead, with the lead's password, may; the events name the lead
    monkeypatch.setenv("FGI_PASSWORD", LEAD_PASSWORD)
    fgi("reveal", "--as", team.lead, "-t", transcript)
    fgi("codebook", "delete", OTHER_CODE, "-p", project, "--force", "--as", team.lead)
    assert _events_by(team, team.lead) == ["transcript.reveal", "codebook.delete"]
    assert _count(team, CodeApplication) == codings_before - 8


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(fgi, team, monkeypatch):
    monkeypatch.setenv("FGI_PASSWORD", "not-the-password")
    wrong = fgi("project", "list", ok=False)
    monkeypatch.setenv("FGI_USER", "없는사람")
    unknown = fgi("project", "list", ok=False)
    monkeypatch.setenv("FGI_USER", "가져온사람")
    with team.db.transaction() as session:  # as a .qdpx import makes them: no password
        session.add(User(name="가져온사람", password_hash="", role="coder"))
    for password in ("", "not-the-password"):
        monkeypatch.setenv("FGI_PASSWORD", password or "anything-at-all")
        passwordless = fgi("project", "list", ok=False)
        assert passwordless == wrong
    assert wrong == unknown and wrong[0] == 1 and WRONG in wrong[2]


def test_a_password_less_user_costs_as_long_as_a_wrong_password(team, monkeypatch):
    """Every failed login, whoever it names, costs one bcrypt check at the same cost factor,
    so the answer's time tells nobody which names have a password. (Counted, not timed: a
    timing on a busy machine says more about the machine.)"""
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 8)
    with team.db.transaction() as session:
        session.add(User(name="가져온사람", password_hash="", role="coder"))
        users.set_password(session, users.get_user(session, team.coder), "비밀번호-여덟자리", actor="setup")
    checks: list[int] = []
    real = users.bcrypt.checkpw

    def counted(password: bytes, stored: bytes) -> bool:
        checks.append(int(stored.split(b"$")[2]))  # $2b$08$...: the cost factor
        return real(password, stored)

    monkeypatch.setattr(users.bcrypt, "checkpw", counted)
    with team.db.reading() as session:
        def cost(name: str) -> list[int]:
            checks.clear()
            assert users.authenticate(session, name, "틀린-비밀번호") is None
            return list(checks)

        assert cost(team.coder) == cost("가져온사람") == cost("없는사람") == [8]


def test_login_token_file_expiry_logout_and_revocation(fgi, team, monkeypatch, database_url):
    _, _, err = fgi("login", "--hours", "2")
    assert "logged in as 코더A" in err
    path = config_dir() / "logins.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    stored = json.loads(path.read_text(encoding="utf-8"))
    [(key, entry)] = stored.items()
    assert entry["user"] == team.coder and key == database_key(database_url)
    with team.db.reading() as session:  # only the hash is in the database
        row = session.scalar(select(CliToken))
        assert row.token_hash != entry["token"] and entry["token"] not in row.token_hash
        assert timedelta(hours=1.9) < row.expires_at - utcnow() <= timedelta(hours=2)

    # no password, no FGI_USER: the token says who
    monkeypatch.delenv("FGI_PASSWORD")
    monkeypatch.delenv("FGI_USER")
    segment = f"{team.transcripts['주민_FGI_1차']}-0020"
    _, _, err = fgi("code", "apply", "-s", segment, "-c", OTHER_CODE)
    assert err.startswith("코더A:")
    assert "code.apply" in _events_by(team, team.coder)
    # it is not the lead's: claiming another name needs that name's proof
    code, _, err = fgi("reveal", "--as", team.lead, "-t", team.transcripts["주민_FGI_1차"], ok=False)
    assert code == 1 and "팀장 must prove who they are" in err

    # expired
    with team.db.transaction() as session:
        session.execute(update(CliToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    code, _, err = fgi("project", "list", ok=False)
    assert code == 1 and "expired or was revoked" in err and "fgi login --as 코더A" in err

    # log in again; a lead revokes it
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    fgi("login", "--as", team.coder)
    monkeypatch.delenv("FGI_PASSWORD")
    fgi("project", "list")
    code, _, err = fgi("user", "revoke", team.lead, ok=False)  # a coder may not revoke the lead's
    assert code == 1 and "only a lead or admin may revoke" in err
    monkeypatch.setenv("FGI_PASSWORD", LEAD_PASSWORD)
    fgi("user", "revoke", team.coder, "--as", team.lead)
    monkeypatch.delenv("FGI_PASSWORD")
    code, _, err = fgi("project", "list", ok=False)
    assert code == 1 and "expired or was revoked" in err

    # logout deletes the token here and there; a copy kept elsewhere is useless
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    fgi("login", "--as", team.coder)
    copy = path.read_text(encoding="utf-8")
    monkeypatch.delenv("FGI_PASSWORD")
    _, _, err = fgi("logout")
    assert "logged out 코더A" in err
    assert json.loads(path.read_text(encoding="utf-8")) == {}
    assert _count(team, CliToken) == 0
    path.write_text(copy, encoding="utf-8")
    code, _, err = fgi("project", "list", ok=False)
    assert code == 1 and "expired or was revoked" in err


def test_the_first_user_of_an_empty_database_is_an_admin_made_without_login(cli, monkeypatch, tmp_path):
    cli.auto_admin = False
    monkeypatch.setenv("FGI_NEW_PASSWORD", "관리자-비밀번호")
    monkeypatch.delenv("FGI_PASSWORD", raising=False)
    code, _, err = cli("user", "add", "관리자", "--role", "lead", ok=False)
    assert code == 1 and "the first user of a database must be an admin" in err
    _, _, err = cli("user", "add", "관리자", "--role", "admin")
    assert "added admin '관리자'" in err
    code, _, err = cli("user", "add", "두번째", ok=False)  # now an admin must prove who they are
    assert code == 1 and "must prove who they are" in err
    monkeypatch.setenv("FGI_PASSWORD", "관리자-비밀번호")
    cli("user", "add", "두번째", "--as", "관리자")


def test_a_coder_changes_their_own_password_with_the_old_one(fgi, team, monkeypatch):
    monkeypatch.setenv("FGI_PASSWORD", "틀린-옛-비밀번호")
    code, _, err = fgi("user", "password", team.coder, ok=False)
    assert code == 1 and WRONG in err
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    fgi("user", "password", team.coder)
    with team.db.reading() as session:
        assert users.authenticate(session, team.coder, "새-비밀번호-1234") is not None
        assert users.authenticate(session, team.coder, PASSWORD) is None


def test_unknown_options_and_commands_are_short_usage_errors(cli):
    for args in (["project", "list", "--bogus"], ["nosuch"], ["code", "apply", "--segment"]):
        code, out, err = cli(*args, ok=False)
        assert code == 2 and "Traceback" not in out + err and "Error" in err and len(err.splitlines()) < 8


def test_the_app_role_reads_and_writes_rows_but_changes_no_schema(fgi, team, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        code, _, err = fgi("db", "app-role", "fgi_app", ok=False)
        assert code == 1 and "only PostgreSQL has database roles" in err
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ProgrammingError

    monkeypatch.setenv("FGI_NEW_PASSWORD", "앱-비밀번호-42")
    fgi("db", "app-role", "fgi_app_test")
    app_url = make_url(database_url).set(username="fgi_app_test", password="앱-비밀번호-42")
    database = open_database(app_url.render_as_string(hide_password=False))
    try:
        with database.transaction() as session:  # the app's work: read and write codings
            coder = users.get_user(session, team.coder)
            transcript = get_transcript(session, team.transcripts["주민_FGI_1차"])
            applications.apply_code(session, coder, f"{transcript.id}-0030", OTHER_CODE)
            assert applications.codings_for(session, coder, transcript_id=transcript.id)
        for statement in ("DROP TABLE code_applications", "CREATE TABLE intruder (id integer)",
                          "ALTER TABLE users ADD COLUMN intruder integer", "TRUNCATE events",
                          "CREATE SCHEMA intruder"):
            with database.engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                conn.execute(text(statement))
    finally:
        database.dispose()
