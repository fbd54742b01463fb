"""Schema upgrades with Alembic, from the first table on.

SQLite databases are upgraded automatically when opened, after a backup copy is made;
PostgreSQL databases are upgraded only by an explicit ``fgi migrate``, because a team
server's schema change is something an administrator decides.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from fgi.storage.sqlite_copy import sqlite_copy

MIGRATIONS = Path(__file__).with_name("migrations")


def _scripts() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def alembic_config(engine: Engine, connection=None) -> Config:
    config = _scripts()
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision of this version's migrations, the same for every database. Read
    once per process: reading the scripts compiles every migration again (20 ms)."""
    return ScriptDirectory.from_config(_scripts()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(engine, connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(engine, connection), revision)


def backup_sqlite(engine: Engine, suffix: str) -> Path | None:
    """Copy a SQLite database file with SQLite's online backup; returns the copy's path."""
    database = engine.url.database
    if not database or database == ":memory:" or not Path(database).exists():
        return None
    target = Path(f"{database}.{suffix}.bak")
    sqlite_copy(Path(database), target)
    return target
