"""One coder's process applying and removing the same codings as another process:
``python -m tests.reliability.coding_worker URL ROUNDS``.

Prints ``ready``, waits for a line on stdin, then for each round applies and removes every
(segment, code) pair of ``pairs()``, one transaction each. Prints how many removals were
refused because the other process had removed the coding first (``gone N``). Any other
exception ends the process with a traceback and exit code 1.
"""

from __future__ import annotations

import sys

from sqlalchemy import select

from bench.concurrency import PROJECT
from coding.applications import apply_code, remove_code
from coding.codebook import list_codes
from coding.users import get_user
from fgi.errors import NotFound
from fgi.models import Segment
from fgi.storage import open_database
from fgi.study import get_project

CODER = "coder00"


def pairs(database) -> list[tuple[str, str]]:
    with database.reading() as session:
        project = get_project(session, PROJECT)
        segments = sorted(session.scalars(select(Segment.id)))[:3]
        codes = sorted(c.path for c in list_codes(session, project) if c.parent_id is not None)[:2]
    return [(s, c) for s in segments for c in codes]


def main(url: str, rounds: int) -> None:
    database = open_database(url)
    todo = pairs(database)
    print("ready", flush=True)
    sys.stdin.readline()
    gone = 0
    for _ in range(rounds):
        for segment_id, code in todo:
            with database.transaction() as session:
                apply_code(session, get_user(session, CODER), segment_id, code, memo=None)
            try:
                with database.transaction() as session:
                    remove_code(session, get_user(session, CODER), segment_id, code)
            except NotFound:
                gone += 1
    print(f"gone {gone}", flush=True)
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
