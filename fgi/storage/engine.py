"""Engines for the one database URL: SQLite (embedded default) or PostgreSQL (team server)."""

from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from fgi.i18n import _

SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_POOL_SIZE = 10  # connections one app process keeps to PostgreSQL (as many again in bursts)
WRITE_OPTION = "fgi_write"  # execution option marking a writing transaction


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the project's settings: WAL and foreign keys on SQLite."""
    if is_sqlite(url):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if "poolclass" not in kwargs:
        size = pool_size()
        kwargs = {"pool_size": size, "max_overflow": size, **kwargs}
    # No JIT: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost, and the
    # app's reads are interactive. The matrices' read of 100,000 lines spent 256 ms of its
    # 606 ms compiling (docs/benchmarks.md).
    options = kwargs.pop("connect_args", {})
    connect_args = {**options, "options": " ".join(filter(None, [options.get("options"), "-c jit=off"]))}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def pool_size() -> int:
    """``FGI_DB_POOL_SIZE``: an app process serves each browser tab from its own thread, so
    the pool must cover the coders one process serves at once."""
    raw = os.environ.get("FGI_DB_POOL_SIZE") or str(DEFAULT_POOL_SIZE)
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        from fgi.errors import FgiError

        raise FgiError(_('FGI_DB_POOL_SIZE must be a whole number of connections, 1 or more (not {raw})', raw=repr(raw)),
                       hint=_('unset it for the default of 10'))
    return size


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so a
        # transaction covers reads as well as writes (the pysqlite recipe in the docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A writing transaction takes SQLite's write lock up front (waiting up to the busy
        # timeout), so it can never fail half-way when upgrading a read lock to a write
        # lock while another writer commits. Reading transactions start deferred and run
        # beside writers (WAL).
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
