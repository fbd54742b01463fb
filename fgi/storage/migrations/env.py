"""Alembic environment. Run through ``fgi migrate`` (see fgi/storage/migrate.py)."""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import pool

from fgi.storage.base import Base
from fgi.storage.engine import make_engine

# The models of every package, for autogenerate and the schema-drift test. fgi itself
# never imports coding or themes; this list is only read by migration tooling.
MODEL_MODULES = ("fgi.models", "coding.models", "themes.models")
for module in MODEL_MODULES:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        run_migrations(conn)
