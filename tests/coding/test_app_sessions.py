"""App sessions (the login cookie's token) on SQLite and PostgreSQL: create, verify,
expire, end, and end when the password or role changes or the user is deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coding import app_sessions as sessions
from coding.models import AppSession
from coding.users import create_user, get_user, set_password, set_role
from fgi.errors import FgiError
from fgi.storage.base import utcnow

PASSWORD = "비밀번호1234"


@pytest.fixture
def users_db(db):
    with db.transaction() as session:
        create_user(session, "코더1", PASSWORD, role="coder", actor="setup")
        create_user(session, "코더2", PASSWORD, role="coder", actor="setup")
    return db


def _start(db, name="코더1", **options):
    with db.transaction() as session:
        return sessions.start_session(session, get_user(session, name), **options)


def _user(db, token, **options):
    with db.transaction() as session:
        user = sessions.session_user(session, token, **options)
        return user.name if user is not None else None


def test_a_token_finds_its_user_until_it_expires(users_db):
    now = utcnow()
    token, expires = _start(users_db, hours=8, now=now)
    assert expires == now + timedelta(hours=8)
    assert len(token) >= 40
    assert _user(users_db, token, now=now + timedelta(hours=7, minutes=59)) == "코더1"
    assert _user(users_db, token, now=now + timedelta(hours=8)) is None
    assert _user(users_db, token, now=now + timedelta(hours=7)) == "코더1"  # a check only reads


def test_only_a_hash_of_the_token_is_stored(users_db):
    token, _ = _start(users_db)
    with users_db.reading() as session:
        stored = session.scalars(select(AppSession.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_unknown_empty_and_forged_tokens_find_nobody(users_db):
    token, _ = _start(users_db)
    for wrong in [None, "", token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 500]:
        assert _user(users_db, wrong) is None
    assert _user(users_db, token) == "코더1"


def test_logout_ends_one_session_and_the_others_stay(users_db):
    first, _ = _start(users_db)
    second, _ = _start(users_db)
    other, _ = _start(users_db, "코더2")
    with users_db.transaction() as session:
        assert sessions.end_session(session, first) is True
        assert sessions.end_session(session, first) is False
    assert _user(users_db, first) is None
    assert _user(users_db, second) == "코더1"
    with users_db.transaction() as session:
        assert sessions.end_user_sessions(session, get_user(session, "코더1")) == 1
    assert _user(users_db, second) is None
    assert _user(users_db, other) == "코더2"


def test_a_changed_password_or_role_ends_the_sessions(users_db):
    token, _ = _start(users_db)
    with users_db.transaction() as session:
        set_password(session, get_user(session, "코더1"), "새비밀번호5678", actor="admin")
    assert _user(users_db, token) is None
    token, _ = _start(users_db)
    with users_db.transaction() as session:
        set_role(session, get_user(session, "코더1"), "lead", actor="admin")
    assert _user(users_db, token) is None
    token, _ = _start(users_db)
    assert _user(users_db, token) == "코더1"


def test_deleting_the_user_ends_the_sessions(users_db):
    token, _ = _start(users_db, "코더2")
    with users_db.transaction() as session:
        session.delete(get_user(session, "코더2"))
    assert _user(users_db, token) is None
    with users_db.reading() as session:
        assert session.scalars(select(AppSession)).all() == []


def test_starting_a_session_sweeps_expired_ones(users_db):
    old = utcnow() - timedelta(hours=10)
    _start(users_db, hours=1, now=old)
    _start(users_db, "코더2", hours=1, now=old)
    _start(users_db)
    with users_db.reading() as session:
        assert len(session.scalars(select(AppSession)).all()) == 1
        assert sessions.live_sessions(session, get_user(session, "코더1")) == 1


@pytest.mark.parametrize("value, hours", [(None, 8.0), ("", 8.0), ("12", 12.0), ("0.5", 0.5), ("720", 720.0)])
def test_the_lifetime_setting(value, hours, monkeypatch):
    monkeypatch.delenv(sessions.HOURS_VARIABLE, raising=False)
    assert sessions.session_hours(value) == hours


@pytest.mark.parametrize("value", ["여덟", "-1", "0", "nan", "1e9"])
def test_a_bad_lifetime_setting_is_refused_with_a_hint(value):
    with pytest.raises(FgiError) as caught:
        sessions.session_hours(value)
    assert sessions.HOURS_VARIABLE in caught.value.message and caught.value.hint
