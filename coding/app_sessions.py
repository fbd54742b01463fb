"""Sessions of the app: a browser that logged in keeps a random token (in a cookie) and is
let in again without a password until the session expires or ends.

The token is 32 random bytes; the database keeps only its SHA-256, so a copy of the
database does not log anyone in. A session ends when the user logs out (its row is
deleted), when it expires (``FGI_SESSION_HOURS`` after login, default 8; the lifetime is
fixed, not renewed by use), when the user is deleted, or when the user's password or role
changes (each row keeps a fingerprint of both, checked on every use).
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coding.models import AppSession, User
from fgi.errors import FgiError
from fgi.storage.base import utcnow
from fgi.i18n import _

HOURS_VARIABLE = "FGI_SESSION_HOURS"
DEFAULT_HOURS = 8.0
MAX_HOURS = 24.0 * 30
TOKEN_BYTES = 32


def session_hours(value: str | None = None) -> float:
    """The session lifetime in hours from ``FGI_SESSION_HOURS`` (more than 0, at most 30 days)."""
    raw = os.environ.get(HOURS_VARIABLE) if value is None else value
    if raw is None or not raw.strip():
        return DEFAULT_HOURS
    try:
        hours = float(raw)
    except ValueError:
        hours = math.nan
    if not 0 < hours <= MAX_HOURS:  # also false for NaN
        raise FgiError(_('{HOURS_VARIABLE}={raw} is not a number of hours above 0 and at most {MAX_HOURS:g}', HOURS_VARIABLE=HOURS_VARIABLE, raw=repr(raw), MAX_HOURS=MAX_HOURS),
                       hint=_('e.g. {HOURS_VARIABLE}=8 (a login lasts 8 hours; 0.25 is 15 minutes)', HOURS_VARIABLE=HOURS_VARIABLE))
    return hours


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def credential(user: User) -> str:
    """A fingerprint of what a session depends on: the password hash and the role."""
    return hashlib.sha256(f"{user.password_hash}\0{user.role}".encode()).hexdigest()


def start_session(session: Session, user: User, *, hours: float | None = None,
                  now: datetime | None = None) -> tuple[str, datetime]:
    """A new session of ``user``: the token for the cookie and when it expires.
    Expired sessions of every user are removed on the way."""
    now = now or utcnow()
    lifetime = timedelta(hours=session_hours() if hours is None else hours)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.execute(delete(AppSession).where(AppSession.expires_at <= now))
    session.add(AppSession(token_hash=_hash(token), user_id=user.id, credential=credential(user),
                           created_at=now, expires_at=now + lifetime))
    session.flush()
    return token, now + lifetime


def session_user(session: Session, token: str | None, *, now: datetime | None = None) -> User | None:
    """The user of a live session, or None (unknown, expired, or the user changed since).
    Only reads (the app checks on every run); a dead session stays refused for good, and
    ``end_session`` or the next ``start_session`` removes its row."""
    if not token or len(token) > 200:
        return None
    row = session.get(AppSession, _hash(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if row.expires_at <= (now or utcnow()) or user is None or row.credential != credential(user):
        return None
    return user


def end_session(session: Session, token: str | None) -> bool:
    """Log a browser out; False if the session did not exist (anymore)."""
    if not token:
        return False
    return session.execute(delete(AppSession).where(AppSession.token_hash == _hash(token))).rowcount > 0


def end_user_sessions(session: Session, user: User) -> int:
    """Log ``user`` out everywhere; the number of sessions ended."""
    return session.execute(delete(AppSession).where(AppSession.user_id == user.id)).rowcount


def live_sessions(session: Session, user: User, *, now: datetime | None = None) -> int:
    """How many unexpired sessions ``user`` has (for the team page and tests)."""
    return len(session.scalars(select(AppSession.token_hash).where(
        AppSession.user_id == user.id, AppSession.expires_at > (now or utcnow()))).all())
