"""Password logins with a brake: after ``max_failures`` wrong passwords for one user name,
that name is refused for ``lockout`` seconds (right password or not).

The app keeps one ``LoginThrottle`` per server process (``st.cache_resource``); the CLI does
not log in. Counting is per user name (case-folded), not per client, so guessing one
account's password is slow while other accounts stay usable. Nothing is stored in the
database: a restart forgets the counts, which is acceptable for a brake on guessing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from coding.models import User
from coding.users import authenticate
from fgi.errors import FgiError

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0


class LoginFailed(FgiError):
    """Unknown user name or wrong password (the message does not say which)."""


class LoginLocked(FgiError):
    """Too many wrong passwords for this user name; ``seconds`` until the next try."""

    def __init__(self, message: str, *, seconds: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.seconds = seconds


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, lockout: float = LOCKOUT_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.lockout = lockout
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return name.strip().casefold()

    def wait(self, name: str) -> float:
        """Seconds before ``name`` may try again (0 when it may try now)."""
        with self._lock:
            record = self._records.get(self._key(name))
            if record is None:
                return 0.0
            left = record.locked_until - self.clock()
            if left <= 0 and record.locked_until:
                record.failures, record.locked_until = 0, 0.0  # the lockout is over: start afresh
                return 0.0
            return max(0.0, left)

    def failed(self, name: str) -> None:
        with self._lock:
            record = self._records.setdefault(self._key(name), _Record())
            record.failures += 1
            if record.failures >= self.max_failures:
                record.locked_until = self.clock() + self.lockout

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._records.pop(self._key(name), None)


def login(session: Session, throttle: LoginThrottle, name: str, password: str) -> User:
    """The user, if ``name`` may try now and the password is right; else LoginLocked or LoginFailed."""
    name = name.strip()
    wait = throttle.wait(name)
    if wait > 0:
        raise LoginLocked(f"too many wrong passwords for {name!r}; try again in {int(wait) + 1} s",
                          seconds=wait, hint="ask a lead or admin if you forgot the password")
    user = authenticate(session, name, password)
    if user is None:
        throttle.failed(name)
        raise LoginFailed("wrong user name or password")
    throttle.succeeded(name)
    return user
