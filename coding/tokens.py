"""Command-line logins: ``fgi login`` trades a password for a token that expires.

The token itself (32 random bytes) is handed to the user once and kept in their config
folder; the database keeps only its SHA-256, with the user and the expiry. A token is
therefore bound to the database that issued it, and deleting its row revokes it (``fgi
logout``, or a lead or admin revoking another user's logins).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coding.models import CliToken, User
from coding.permissions import require
from fgi.errors import FgiError
from fgi.models import Event
from fgi.storage.base import utcnow
from fgi.i18n import _

DEFAULT_HOURS = 12.0
MAX_HOURS = 24.0 * 90


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; never stored
    user: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_hours(hours: float) -> float:
    if not 0 < hours <= MAX_HOURS:
        raise FgiError(_('a login lasts more than 0 and at most {MAX_HOURS:g} hours, not {hours:g}', MAX_HOURS=MAX_HOURS, hours=hours),
                       hint=_('e.g. --hours 12 or FGI_LOGIN_HOURS=12'))
    return hours


def issue(session: Session, user: User, *, hours: float = DEFAULT_HOURS) -> IssuedToken:
    """A new token for ``user`` (already authenticated by password); expired ones are swept."""
    expires = utcnow() + timedelta(hours=_check_hours(hours))
    token = secrets.token_urlsafe(32)
    session.execute(delete(CliToken).where(CliToken.expires_at <= utcnow()))
    session.add(CliToken(user_id=user.id, token_hash=token_hash(token), expires_at=expires))
    session.flush()
    Event.record(session, actor=user.name, kind="user.login", subject=user.name,
                 payload={"after": {"expires_at": expires.isoformat(timespec="seconds")}})
    return IssuedToken(token, user.name, expires)


def user_for(session: Session, token: str) -> User | None:
    """The user a token logs in, or None when it is unknown, revoked or expired."""
    row = session.scalar(select(CliToken).where(CliToken.token_hash == token_hash(token)))
    if row is None or row.expires_at <= utcnow():
        return None
    return session.get(User, row.user_id)


def revoke(session: Session, token: str) -> bool:
    """Forget one token (``fgi logout``); False if the database did not know it."""
    row = session.scalar(select(CliToken).where(CliToken.token_hash == token_hash(token)))
    if row is None:
        return False
    user = session.get(User, row.user_id)
    session.delete(row)
    session.flush()
    Event.record(session, actor=user.name if user else "?", kind="user.logout",
                 subject=user.name if user else None)
    return True


def revoke_all(session: Session, actor: User, user: User) -> int:
    """Revoke every login of ``user``: their own, or anyone's for a lead or admin."""
    if actor.id != user.id:
        require(session, actor, "users.tokens.revoke")
    count = session.scalar(select(func.count()).select_from(CliToken).where(CliToken.user_id == user.id)) or 0
    session.execute(delete(CliToken).where(CliToken.user_id == user.id))
    Event.record(session, actor=actor.name, kind="user.logout", subject=user.name,
                 payload={"before": {"logins": count}, "after": {"logins": 0}})
    return count
