"""Who is running an ``fgi`` command, proven: a password or a token from ``fgi login``.

The user is ``--as NAME``, else FGI_USER, else the user of this database's stored login,
else the operating-system login name. The proof is, in this order: FGI_PASSWORD (scripts),
the token ``fgi login`` stored for this database, a hidden password prompt on a terminal.
Unknown names and wrong passwords get the same message and cost the same bcrypt check.

Tokens live in ``$XDG_CONFIG_HOME/fgi/logins.json`` (``~/.config/fgi/``), mode 0600, one
per database URL (its password left out); the database holds only their hashes.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from coding import tokens, users
from coding.errors import PermissionDenied
from coding.models import User
from coding.permissions import has_users
from fgi.settings import load_settings
from fgi.i18n import N_, _

LOGINS_FILE = "logins.json"
SIGN_IN_FAILED = N_("unknown user or wrong password")


class NotAuthenticated(PermissionDenied):
    """The acting user did not prove who they are."""


@dataclass(frozen=True)
class StoredLogin:
    user: str
    token: str
    expires_at: str


_signed_in: dict[tuple[str, str], int] = {}  # (database, name) -> user id, for one command


def forget() -> None:
    """Drop what this process authenticated (after each command)."""
    _signed_in.clear()


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fgi"


def database_key(url: str) -> str:
    """The database a login belongs to: its URL without the password."""
    return make_url(url).render_as_string(hide_password=True)


def _session_key(session: Session) -> str:
    return database_key(session.get_bind().url.render_as_string(hide_password=False))


def _read_logins() -> dict[str, dict]:
    path = config_dir() / LOGINS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_logins(data: dict[str, dict]) -> Path:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / LOGINS_FILE
    temporary = folder / (LOGINS_FILE + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # also when the file was left behind with other permissions
        os.write(fd, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(temporary, path)
    return path


def stored_login(database: str) -> StoredLogin | None:
    entry = _read_logins().get(database_key(database))
    if not isinstance(entry, dict) or not {"user", "token"} <= entry.keys():
        return None
    return StoredLogin(str(entry["user"]), str(entry["token"]), str(entry.get("expires_at", "")))


def store_login(database: str, issued: tokens.IssuedToken) -> Path:
    data = _read_logins()
    data[database_key(database)] = {"user": issued.user, "token": issued.token,
                                    "expires_at": issued.expires_at.isoformat(timespec="seconds")}
    return _write_logins(data)


def drop_login(database: str) -> StoredLogin | None:
    data = _read_logins()
    entry = data.pop(database_key(database), None)
    if entry is None:
        return None
    _write_logins(data)
    return StoredLogin(str(entry.get("user")), str(entry.get("token")), str(entry.get("expires_at", "")))


def claimed_name(session: Session, claimed: str | None) -> str:
    if claimed:
        return claimed
    if os.environ.get("FGI_USER"):
        return os.environ["FGI_USER"]
    stored = stored_login(_session_key(session))
    return stored.user if stored is not None else load_settings().user


def _prompt_password(name: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"password for {name}: ")


def read_password(name: str) -> str:
    """``name``'s password: FGI_PASSWORD, else a hidden prompt on a terminal."""
    password = os.environ.get("FGI_PASSWORD") or _prompt_password(name)
    if password is None:
        raise NotAuthenticated(_('{name} must give a password', name=name),
                               hint=_('type it at a terminal, or set FGI_PASSWORD for a script'))
    return password


def by_password(session: Session, name: str, password: str | None = None) -> User:
    """``name`` proven by a password (given, FGI_PASSWORD, or a prompt on a terminal)."""
    password = password if password is not None else read_password(name)
    user = users.authenticate(session, name, password)
    if user is None:
        raise NotAuthenticated(_(SIGN_IN_FAILED), hint=_('check the name (--as NAME or FGI_USER) and the password'))
    return user


def current_user(session: Session, claimed: str | None = None) -> User:
    """The authenticated acting user, in ``session``; proven once per command."""
    name = claimed_name(session, claimed)
    key = (_session_key(session), name)
    if key in _signed_in:
        user = session.get(User, _signed_in[key])
        if user is not None:
            return user
    user = _prove(session, name)
    _signed_in[key] = user.id
    return user


def _prove(session: Session, name: str) -> User:
    if not has_users(session):
        raise NotAuthenticated(_('this database has no users yet'),
                               hint=_('make the first one, an admin: fgi user add NAME --role admin'))
    if os.environ.get("FGI_PASSWORD"):
        return by_password(session, name)
    stored = stored_login(_session_key(session))
    if stored is not None and stored.user == name:
        user = tokens.user_for(session, stored.token)
        if user is None or user.name != name:
            raise NotAuthenticated(_('the login of {name} on this database has expired or was revoked', name=name),
                                   hint=_('log in again: fgi login --as {name}', name=name))
        return user
    if sys.stdin.isatty():
        return by_password(session, name)
    raise NotAuthenticated(
        _('{name} must prove who they are to run this command', name=name),
        hint=_('log in once: fgi login --as {name} (a token for some hours), or set FGI_PASSWORD for a script', name=name))


def login_hours(given: float | None) -> float:
    if given is not None:
        return given
    raw = os.environ.get("FGI_LOGIN_HOURS")
    try:
        return float(raw) if raw else tokens.DEFAULT_HOURS
    except ValueError:
        raise NotAuthenticated(_('FGI_LOGIN_HOURS must be a number of hours, not {raw}', raw=repr(raw))) from None


def new_password(prompt: str = "new password") -> str:
    """A password to set: FGI_NEW_PASSWORD for scripts, else a hidden prompt typed twice."""
    from_env = os.environ.get("FGI_NEW_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise NotAuthenticated(_('no new password given'),
                               hint=_('type it at a terminal, or set FGI_NEW_PASSWORD for a script'))
    import typer

    return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
