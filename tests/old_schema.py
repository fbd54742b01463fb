"""Databases at an older revision holding data made by today's code, for upgrade tests.

Today's models describe today's schema, so they cannot write into an older one (later
revisions add columns and tables). ``database_at`` makes the data with today's code in a
scratch SQLite database at head, then copies its rows into the database under test, put at
the older revision, as far as that revision has the tables and columns. Columns the older
revision has and today's models no longer have (such as the memo columns before
0009_memos) are left empty: a test writes them itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fgi.storage import migrate, open_database
from fgi.storage.base import Base
from fgi.storage.engine import make_engine

MODEL_MODULES = ("fgi.models", "coding.models", "themes.models")
T = TypeVar("T")


def database_at(database_url: str, revision: str, scratch_dir: Path, build: Callable[[Session], T]) -> T:
    """Put the database at ``revision`` (from an empty schema) with the rows ``build(session)``
    makes with today's code, and return what ``build`` returns (plain values: its session is
    gone by then)."""
    scratch = open_database(f"sqlite:///{scratch_dir / 'scratch-at-head.db'}", upgrade=True)
    try:
        with scratch.transaction() as session:
            made = build(session)
        engine = make_engine(database_url)
        try:
            migrate.downgrade(engine, "base")
            migrate.upgrade(engine, revision)
            copy_rows(scratch.engine, engine)
        finally:
            engine.dispose()
    finally:
        scratch.dispose()
    return made


def copy_rows(source: sa.Engine, target: sa.Engine) -> None:
    """Copy the rows of ``source`` (at head) into ``target`` (at an older revision): the
    tables and columns ``target`` has, parents before children."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    old = sa.MetaData()
    old.reflect(target)
    with source.connect() as reading, target.begin() as writing:
        for table in old.sorted_tables:
            model = Base.metadata.tables.get(table.name)
            if model is None:  # alembic_version, or a table today's code no longer writes
                continue
            names = [c.name for c in table.columns if c.name in model.c]
            rows = [dict(r._mapping) for r in reading.execute(
                sa.select(*(model.c[n] for n in names)).order_by(*model.primary_key.columns))]
            if rows:
                # today's column types (UTCDateTime, JSON) write the values as the app does
                writing.execute(sa.table(table.name, *(sa.column(n, model.c[n].type) for n in names)).insert(), rows)
        if writing.dialect.name == "postgresql":
            _advance_sequences(writing, old)


def _advance_sequences(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """Rows copied with their ids leave PostgreSQL's id sequences behind; move each past its
    table's largest id so rows added after the upgrade get fresh ids."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(sa.select(sa.func.pg_get_serial_sequence(table.name, column.name)))
            if sequence:
                largest = connection.scalar(sa.select(sa.func.max(table.c[column.name])))
                connection.execute(sa.select(sa.func.setval(sequence, (largest or 0) + 1, False)))
