"""``fgi backup`` / ``fgi restore``.

SQLite: SQLite's online backup API, safe while the app is running (readers and writers
go on; the copy is a consistent snapshot). PostgreSQL: ``pg_dump --format=custom`` and
``pg_restore --clean``, which must be installed (package postgresql-client).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from fgi.errors import FgiError, InputError
from fgi.storage.sqlite_copy import sqlite_copy
from fgi.i18n import _


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise FgiError(_('an in-memory database cannot be backed up'))
    return Path(database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise FgiError(_('{name} is not installed', name=name), hint=_('apt-get install postgresql-client'))
    return found


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise FgiError(_('{name} failed: {value}', name=Path(command[0]).name, value=result.stderr.strip()[:500]))


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the database to ``target``."""
    target = Path(target)
    if target.exists():
        raise InputError(_('the backup file already exists'), path=target, hint=_('choose a new file name'))
    if engine.dialect.name == "sqlite":
        sqlite_copy(_sqlite_file(engine), target)
    else:
        args, env = _pg_args(engine.url)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args], env)
    return target


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content with the backup in ``source``. Stop the app first."""
    source = Path(source)
    if not source.is_file():
        raise InputError(_('backup file not found'), path=source, hint=_('give the file fgi backup wrote'))
    engine.dispose()
    if engine.dialect.name == "sqlite":
        with source.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise InputError(_('not a SQLite backup'), path=source, hint=_('give the file fgi backup wrote'))
        sqlite_copy(source, _sqlite_file(engine))
    else:
        args, env = _pg_args(engine.url)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *args, str(source)], env)
