"""Password logins with a brake: after ``max_failures`` wrong passwords for one user name,
that name is refused for ``lockout`` seconds (right password or not).

The count lives in the database (table ``login_attempts``, one row per case-folded user
name holding its current window), so every app process on the same database shares it and
a restart forgets nothing. Each try first *reserves* its place with one atomic statement
(``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``) committed before the password is
checked: of any number of simultaneous tries only the first ``max_failures`` reach the
password check, and the one that reaches the limit starts the lockout. A right password
forgets itself and the failures before it (tries racing after it still count). Failures are forgotten ``window`` seconds after the window began when no
lockout followed, and a lockout ends ``lockout`` seconds after it began.

Counting is per user name, not per client, so guessing one account's password is slow
while other accounts stay usable. Unknown names and users without a password (created by a
``.qdpx`` import) cost a bcrypt check too and are counted like any other name, so the
answer's timing does not tell which names exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import bcrypt
from sqlalchemy import Engine, and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from coding import users
from coding.models import LoginAttempt, User
from fgi.errors import FgiError
from fgi.storage.engine import WRITE_OPTION
from fgi.i18n import _

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0
WINDOW_SECONDS = 15 * 60.0  # failures without a lockout are forgotten after this


class LoginFailed(FgiError):
    """Unknown user name or wrong password (the message does not say which)."""


class LoginLocked(FgiError):
    """Too many wrong passwords for this user name; ``seconds`` until the next try."""

    def __init__(self, message: str, *, seconds: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.seconds = seconds


class LoginThrottle:
    """The rules (limits and clock); the counts are in the database of the login session."""

    def __init__(self, max_failures: int = MAX_FAILURES, lockout: float = LOCKOUT_SECONDS,
                 clock: Callable[[], float] = time.time, window: float = WINDOW_SECONDS) -> None:
        self.max_failures = max_failures
        self.lockout = lockout
        self.clock = clock  # wall-clock seconds: processes compare each other's times
        self.window = window

    @staticmethod
    def key(name: str) -> str:
        return name.strip().casefold()[:200]

    def reserve(self, engine: Engine, name: str) -> tuple[int, float]:
        """Count one try for ``name``: its place in the window and 0 when it may check its
        password, else the seconds left of the lockout."""
        now = self.clock()
        table = LoginAttempt.__table__
        c = table.c
        stale = or_(and_(c.locked_until > 0, c.locked_until <= now),
                    and_(c.locked_until == 0, c.window_start <= now - self.window))
        first_lock = now + self.lockout if self.max_failures <= 1 else 0.0
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(
            name=self.key(name), failures=1, window_start=now, locked_until=first_lock)
        statement = statement.on_conflict_do_update(
            index_elements=[c.name],
            set_={
                "failures": case((stale, 1), else_=c.failures + 1),
                "window_start": case((stale, now), else_=c.window_start),
                "locked_until": case(
                    (stale, first_lock),
                    (and_(c.locked_until == 0, c.failures + 1 >= self.max_failures), now + self.lockout),
                    else_=c.locked_until),
            },
        ).returning(c.failures, c.locked_until)
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            failures, locked_until = connection.execute(statement).one()
        if failures <= self.max_failures:
            return failures, 0.0
        return failures, max(locked_until - now, 0.001)

    def succeeded(self, engine: Engine, name: str, place: int) -> None:
        """The try at ``place`` was right: forget it and the failures before it; tries that
        came after it (a race) still count, and so does a lockout they started."""
        key = self.key(name)
        c = LoginAttempt.__table__.c
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            connection.execute(delete(LoginAttempt).where(c.name == key, c.failures <= place))
            connection.execute(update(LoginAttempt).where(c.name == key).values(
                failures=c.failures - place,
                locked_until=case((c.failures - place >= self.max_failures, c.locked_until), else_=0.0)))


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _check_password(session: Session, name: str, password: str) -> User | None:
    """The user if the password is right. A user without a usable password hash cannot log
    in, but still costs one bcrypt check, like an unknown name."""
    user = session.scalar(select(User).where(User.name == name))
    if user is not None and not user.password_hash.startswith("$2"):
        candidate = password.encode("utf-8")[:users.MAX_PASSWORD_BYTES]
        bcrypt.checkpw(candidate, users._dummy_hash())
        return None
    return users.authenticate(session, name, password)


def login(session: Session, throttle: LoginThrottle, name: str, password: str) -> User:
    """The user, if ``name`` may try now and the password is right; else LoginLocked or LoginFailed.

    The try is counted (and committed) in its own short transaction on the session's
    database before the password is checked; ``session`` itself only reads."""
    name = name.strip()
    engine = _engine(session)
    place, wait = throttle.reserve(engine, name)
    if wait > 0:
        raise LoginLocked(_('too many wrong passwords for {name}; try again in {value} s', name=repr(name), value=int(wait) + 1),
                          seconds=wait, hint=_('ask a lead or admin if you forgot the password'))
    user = _check_password(session, name, password)
    if user is None:
        raise LoginFailed(_('wrong user name or password'))
    throttle.succeeded(engine, name, place)
    return user
