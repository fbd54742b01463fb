"""Helpers every package's CLI commands share: the database, the acting user, output.

Commands stay thin: parse arguments, open a transaction, call a domain function, print.
The acting user is authenticated by the function the composition root registers with
``use_authenticator`` (``coding.cli_auth.current_user``; fgi may not import coding).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any, Callable

from rich.console import Console
from rich.progress import Progress
from rich.segment import Segment
from rich.table import Table
from sqlalchemy.orm import Session

from fgi.terminal import clean, json_safe
from fgi.storage import Database, open_database
from fgi.i18n import _


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


class SafeConsole(Console):
    """A console whose text never carries control characters from data (fgi.terminal):
    every text segment is cleaned just before it is written; rich's own styling and
    cursor control (control segments) pass unchanged."""

    def _render_buffer(self, buffer):
        return super()._render_buffer(
            s if s.control else Segment(clean(s.text), s.style, s.control) for s in buffer)


# Piped output is not cut to 80 columns: Korean lines are long and tables go to files.
stdout = SafeConsole(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
stderr = SafeConsole(stderr=True, soft_wrap=True)
_database: Database | None = None
_authenticator: Callable[[Session, str | None], Any] | None = None
_forget: Callable[[], None] | None = None


def use_authenticator(authenticate: Callable[[Session, str | None], Any], forget: Callable[[], None]) -> None:
    """Register how commands prove their user: ``authenticate(session, claimed name) -> User``."""
    global _authenticator, _forget
    _authenticator, _forget = authenticate, forget


def database() -> Database:
    """The database of FGI_DATABASE_URL, opened once per command."""
    global _database
    if _database is None:
        _database = open_database()
    return _database


def reset_database() -> None:
    global _database
    if _database is not None:
        _database.dispose()
    _database = None
    if _forget is not None:
        _forget()


@contextmanager
def transaction() -> Iterator[Session]:
    with database().transaction() as session:
        yield session


def signed_in(session: Session, claimed: str | None = None) -> Any:
    """The authenticated acting user (``--as`` NAME, else FGI_USER ...), in ``session``."""
    if _authenticator is None:
        from fgi.errors import FgiError

        raise FgiError(_('this installation cannot authenticate users (the coding package is missing)'))
    return _authenticator(session, claimed)


def actor(explicit: str | None = None) -> str:
    """The authenticated acting user's name (for events); see ``signed_in``."""
    with database().reading() as session:
        return signed_in(session, explicit).name


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json_safe(json.dumps(_plain(value), ensure_ascii=False, indent=2)) + "\n")


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else clean(str(row.get(c))) for c in columns))
    stdout.print(table, markup=False)


def info(message: str) -> None:
    stderr.print(message, markup=False, highlight=False)


def progress_bar() -> Progress:
    """A progress bar on stderr for long work; silent when stderr is not a terminal."""
    return Progress(console=stderr, transient=True, disable=not stderr.is_terminal)
