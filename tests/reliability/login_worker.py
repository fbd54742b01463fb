"""One app process trying logins: ``python -m tests.reliability.login_worker URL NAME N PASSWORD...``.

Prints ``ready``, waits for a line on stdin, then runs the N tries (the passwords given, in
turn) in N threads at once and prints one outcome per line: ok, failed or locked.
"""

from __future__ import annotations

import sys
import threading

from coding.login_throttle import LoginFailed, LoginLocked, LoginThrottle, login
from fgi.storage import open_database


def main(url: str, name: str, count: int, passwords: list[str]) -> None:
    database = open_database(url)
    throttle = LoginThrottle()  # one per process, as the app keeps it
    outcomes: list[str] = [""] * count
    barrier = threading.Barrier(count)

    def attempt(i: int) -> None:
        with database.reading() as session:
            barrier.wait()
            try:
                login(session, throttle, name, passwords[i % len(passwords)])
                outcomes[i] = "ok"
            except LoginLocked:
                outcomes[i] = "locked"
            except LoginFailed:
                outcomes[i] = "failed"

    print("ready", flush=True)
    sys.stdin.readline()
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("\n".join(outcomes), flush=True)
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:])
