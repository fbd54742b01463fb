"""The login throttle across app processes on one database (SQLite and PostgreSQL): the
count is in the database, so a lock made in one process holds in every other, and guesses
spread over processes and threads at once still get only five password checks."""

from __future__ import annotations

import os
import subprocess
import sys

from coding import users
from tests.conftest import REPO

PASSWORD = "비밀번호1234"


def _create(db, monkeypatch) -> None:
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 10)  # real cost: the checks overlap
    with db.transaction() as s:
        users.create_user(s, "코더1", PASSWORD, role="coder", actor="test")


def _processes(url: str, plans: list[tuple[int, list[str]]]) -> list[str]:
    """Start one process per plan (threads, passwords), release them together, and
    return every outcome."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen([sys.executable, "-m", "tests.reliability.login_worker", url, "코더1",
                                   str(count), *passwords],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
                 for count, passwords in plans]
    for p in processes:
        assert p.stdout.readline().strip() == "ready"
    for p in processes:
        p.stdin.write("go\n")
        p.stdin.flush()
    outcomes: list[str] = []
    for p in processes:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        outcomes += out.split()
    return outcomes


def test_simultaneous_guesses_in_two_processes_get_five_checks(db, database_url, monkeypatch):
    _create(db, monkeypatch)
    outcomes = _processes(database_url, [(8, ["틀림"]), (8, ["틀림"])])
    assert len(outcomes) == 16
    assert outcomes.count("failed") == 5
    assert outcomes.count("locked") == 11


def test_a_lock_made_in_one_process_holds_in_another(db, database_url, monkeypatch):
    _create(db, monkeypatch)
    assert _processes(database_url, [(5, ["틀림"])]).count("failed") == 5
    assert _processes(database_url, [(1, [PASSWORD])]) == ["locked"]
    assert _processes(database_url, [(4, ["틀림", "또틀림"])]) == ["locked"] * 4
