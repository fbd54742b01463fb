"""One coder in two processes applying and removing the same codes at the same moment
(two browser tabs, or the app and a script): no raw database error reaches the caller,
and every apply and removal is recorded exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict

import pytest
from sqlalchemy import select

from bench.concurrency import prepare
from coding.models import CodeApplication
from fgi.models import Event
from fgi.storage import open_database
from tests.conftest import REPO
from tests.reliability.coding_worker import pairs


@pytest.mark.slow
def test_one_coder_in_two_processes(database_url):
    prepare(database_url, 1)
    rounds = 15
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen([sys.executable, "-m", "tests.reliability.coding_worker", database_url, str(rounds)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=REPO, env=env) for _ in range(2)]
    for p in processes:
        assert p.stdout.readline().strip() == "ready"
    for p in processes:
        p.stdin.write("go\n")
        p.stdin.flush()
    gone = 0
    for p in processes:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err  # a raw IntegrityError would end a worker here
        gone += int(out.split()[-1])

    database = open_database(database_url)
    with database.reading() as session:
        events = session.scalars(select(Event).where(Event.kind.in_(["code.apply", "code.remove"]))
                                 .order_by(Event.id)).all()
        left = session.scalars(select(CodeApplication)).all()
        todo = pairs(database)
    database.dispose()

    history: dict[tuple[str, str], list[str]] = defaultdict(list)
    for event in events:
        record = event.payload["after"] or event.payload["before"]
        history[(record["segment"], record["code"])].append(event.kind)
    removals = sum(kinds.count("code.remove") for kinds in history.values())
    assert removals + gone == 2 * rounds * len(todo)  # every removal was done once or refused
    for pair in todo:
        kinds = history[pair]
        # apply and remove alternate: nothing applied twice, nothing removed twice
        assert kinds == ["code.apply", "code.remove"] * (len(kinds) // 2) + ["code.apply"] * (len(kinds) % 2)
    assert len(left) == sum(len(kinds) % 2 for kinds in history.values())
