"""Storage: one database URL, SQLAlchemy 2 sessions, Alembic migrations.

Domain functions take a ``Session``; the caller owns its lifecycle::

    db = open_database()            # FGI_DATABASE_URL or sqlite:///fgi.db
    with db.transaction() as session:
        create_project(session, "자활 FGI")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fgi.errors import DatabaseNotMigrated
from fgi.settings import load_settings
from fgi.storage import migrate
from fgi.storage.base import Base
from fgi.storage.engine import WRITE_OPTION, is_sqlite, make_engine
from fgi.i18n import _

__all__ = ["Base", "Database", "open_database"]


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]  # for reading
    writers: sessionmaker[Session]  # for transactions that write

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.writers.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool | None = None) -> Database:
    """Connect to the database at ``url`` and make sure its schema is current.

    SQLite is created or upgraded on the spot (after a backup copy of an existing file);
    PostgreSQL must be upgraded with ``fgi migrate`` unless ``upgrade=True``.
    """
    url = url or load_settings().database_url
    engine = make_engine(url)
    if upgrade is None:
        upgrade = is_sqlite(url)
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current != head:
        if not upgrade:
            engine.dispose()
            raise DatabaseNotMigrated(
                _("the database schema is at {current}, this version needs {head}", current=current or "-", head=head),
                hint=_("run `fgi migrate` (with FGI_DATABASE_URL set to this database)"),
            )
        if current is not None and is_sqlite(url):
            migrate.backup_sqlite(engine, f"before-{head}")
        migrate.upgrade(engine)
    return Database(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False),
    )
