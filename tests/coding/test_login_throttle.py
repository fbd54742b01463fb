"""Failed logins are rate-limited per user name: five wrong passwords lock it for a minute.

The counts live in the database, so the tests run on SQLite and PostgreSQL; the races
(threads here, processes in tests/reliability/test_login_race.py) must not let a sixth
guess through.
"""

from __future__ import annotations

import threading
import time

import pytest

from coding import login_throttle, users
from coding.login_throttle import LoginFailed, LoginLocked, LoginThrottle, login
from coding.models import User

PASSWORD = "비밀번호1234"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def team(db, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    with db.transaction() as s:
        users.create_user(s, "코더1", PASSWORD, role="coder", actor="test")
        users.create_user(s, "코더2", PASSWORD, role="coder", actor="test")
        s.add(User(name="가져온사람", password_hash="", role="coder"))  # as a .qdpx import makes them
    return db


@pytest.fixture
def session(team):
    with team.reading() as s:
        yield s


def test_right_password_logs_in(session):
    assert login(session, LoginThrottle(), "코더1", PASSWORD).name == "코더1"


def test_five_failures_lock_the_name_for_a_minute(session):
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "틀린비밀번호")
    with pytest.raises(LoginLocked) as locked:
        login(session, throttle, "코더1", PASSWORD)
    assert 59 <= locked.value.seconds <= 60
    assert login(session, throttle, "코더2", PASSWORD).name == "코더2"  # other names are not locked
    clock.now += 59
    with pytest.raises(LoginLocked):
        login(session, throttle, "코더1", PASSWORD)
    clock.now += 2
    assert login(session, throttle, "코더1", PASSWORD).name == "코더1"


def test_a_success_resets_the_count(session):
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    login(session, throttle, "코더1", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    assert login(session, throttle, "코더1", PASSWORD)


def test_failures_are_forgotten_after_the_window(session):
    clock = Clock()
    throttle = LoginThrottle(clock=clock, window=600)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    clock.now += 601
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(session, throttle, "코더1", "x")
    assert login(session, throttle, "코더1", PASSWORD)


def test_unknown_names_are_throttled_too_and_names_are_case_folded(session):
    throttle = LoginThrottle(clock=Clock())
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(session, throttle, "Nobody", "x")
    with pytest.raises(LoginLocked):
        login(session, throttle, "nobody ", "x")


def test_the_count_is_shared_by_throttles_of_other_processes(team):
    """Two app processes each hold their own LoginThrottle; the database holds the count."""
    first, second = LoginThrottle(), LoginThrottle()
    with team.reading() as s:
        for _ in range(5):
            with pytest.raises(LoginFailed):
                login(s, first, "코더1", "x")
    with team.reading() as s, pytest.raises(LoginLocked):
        login(s, second, "코더1", PASSWORD)


def _at_once(db, attempts: list[str], name: str = "코더1") -> list[str]:
    """Run the logins in threads released together; each outcome as ok/failed/locked."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)
    throttle = LoginThrottle()

    def attempt(i: int, password: str) -> None:
        with db.reading() as s:
            barrier.wait()
            try:
                login(s, throttle, name, password)
                outcomes[i] = "ok"
            except LoginLocked:
                outcomes[i] = "locked"
            except LoginFailed:
                outcomes[i] = "failed"

    threads = [threading.Thread(target=attempt, args=(i, p)) for i, p in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_sixteen_simultaneous_wrong_logins_lock_after_five(team):
    outcomes = _at_once(team, ["틀림"] * 16)
    assert outcomes.count("failed") == 5
    assert outcomes.count("locked") == 11


def test_the_right_password_racing_wrong_ones_is_locked_once_the_limit_is_reached(team, monkeypatch):
    """Five wrong guesses are still being checked (slow bcrypt) when the right password
    arrives: the limit is already used up, so the right one must be refused."""
    checking = threading.Semaphore(0)
    release = threading.Event()
    real_check = login_throttle._check_password

    def slow_check(session, name, password):
        if password != PASSWORD:
            checking.release()
            release.wait(10)
        return real_check(session, name, password)

    monkeypatch.setattr(login_throttle, "_check_password", slow_check)
    outcomes: dict[str, list[str]] = {"wrong": [], "right": []}

    def attempt(kind: str, password: str) -> None:
        with team.reading() as s:
            try:
                login(s, LoginThrottle(), "코더1", password)
                outcomes[kind].append("ok")
            except LoginLocked:
                outcomes[kind].append("locked")
            except LoginFailed:
                outcomes[kind].append("failed")

    wrong = [threading.Thread(target=attempt, args=("wrong", "틀림")) for _ in range(10)]
    for t in wrong:
        t.start()
    for _ in range(5):
        assert checking.acquire(timeout=10)  # five guesses are inside the password check
    time.sleep(0.2)  # the other five have been refused by now
    attempt("right", PASSWORD)
    release.set()
    for t in wrong:
        t.join()
    assert outcomes["right"] == ["locked"]
    assert sorted(outcomes["wrong"]) == ["failed"] * 5 + ["locked"] * 5


def test_ten_wrong_and_the_right_one_at_once_check_at_most_five_passwords(team, monkeypatch):
    """Released together, with password checks slow enough that every try is counted
    before the first answer: five reach the password check, six are refused, whatever the
    place of the right one."""
    real_check = login_throttle._check_password

    def slow_check(session, name, password):
        time.sleep(0.5)
        return real_check(session, name, password)

    monkeypatch.setattr(login_throttle, "_check_password", slow_check)
    outcomes = _at_once(team, ["틀림"] * 10 + [PASSWORD])
    assert outcomes.count("locked") == 6
    assert outcomes.count("failed") + outcomes.count("ok") == 5
    with team.reading() as s, pytest.raises(LoginLocked):  # the race's lockout holds
        login(s, LoginThrottle(), "코더1", PASSWORD)


def test_a_user_without_a_password_cannot_log_in(session):
    throttle = LoginThrottle()
    for password in ("", "x", PASSWORD):
        with pytest.raises(LoginFailed):
            login(session, throttle, "가져온사람", password)


def test_a_user_without_a_password_answers_as_slowly_as_a_wrong_password(team, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 10)
    with team.transaction() as s:
        users.create_user(s, "보통사람", PASSWORD, role="coder", actor="test")

    def seconds(name: str) -> float:
        with team.reading() as s:
            start = time.perf_counter()
            with pytest.raises(LoginFailed):
                login(s, LoginThrottle(max_failures=100), name, "틀린비밀번호")
            return time.perf_counter() - start

    seconds("가져온사람")  # the dummy hash is made once
    wrong = min(seconds("보통사람") for _ in range(3))
    passwordless = min(seconds("가져온사람") for _ in range(3))
    unknown = min(seconds("없는사람") for _ in range(3))
    assert wrong > 0.02  # a real bcrypt check
    assert passwordless > 0.5 * wrong
    assert unknown > 0.5 * wrong
