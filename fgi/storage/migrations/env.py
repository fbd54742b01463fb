"""Alembic environment. Run through ``fgi migrate`` (see fgi/storage/migrate.py)."""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import pool

from fgi.storage.base import Base
from fgi.storage.engine import make_engine

config = context.config

# The models of every package are needed only to autogenerate a revision from the
# alembic command line; upgrades run the hand-checked scripts and import no models,
# so fgi does not depend on coding or themes at run time.
MODEL_MODULES = ("fgi.models", "coding.models", "themes.models")
if config.cmd_opts is not None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
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
