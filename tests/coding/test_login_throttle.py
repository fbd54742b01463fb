"""Failed logins are rate-limited per user name: five wrong passwords lock it for a minute."""

from __future__ import annotations

import pytest

from coding import users
from coding.login_throttle import LoginFailed, LoginLocked, LoginThrottle, login
from fgi.storage import open_database


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    db = open_database(f"sqlite:///{tmp_path / 'fgi.db'}")
    with db.transaction() as s:
        users.create_user(s, "코더1", "비밀번호1234", role="coder", actor="test")
        users.create_user(s, "코더2", "비밀번호1234", role="coder", actor="test")
    with db.reading() as s:
        yield s
    db.dispose()


def test_right_password_logs_in(session):
    assert login(session, LoginThrottle(), "코더1", "비밀번호1234").name == "코더1"


def test_five_failures_lock_the_name_for_a_minute(session):
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "틀린비밀번호")
    with pytest.raises(LoginLocked) as locked:
        login(session, throttle, "코더1", "비밀번호1234")
    assert 59 <= locked.value.seconds <= 60
    assert login(session, throttle, "코더2", "비밀번호1234").name == "코더2"  # other names are not locked
    clock.now += 59
    with pytest.raises(LoginLocked):
        login(session, throttle, "코더1", "비밀번호1234")
    clock.now += 2
    assert login(session, throttle, "코더1", "비밀번호1234").name == "코더1"


def test_a_success_resets_the_count(session):
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    login(session, throttle, "코더1", "비밀번호1234")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    assert login(session, throttle, "코더1", "비밀번호1234")


def test_unknown_names_are_throttled_too_and_names_are_case_folded(session):
    throttle = LoginThrottle(clock=Clock())
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(session, throttle, "Nobody", "x")
    with pytest.raises(LoginLocked):
        login(session, throttle, "nobody ", "x")
