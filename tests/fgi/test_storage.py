from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from fgi.errors import DatabaseNotMigrated, FgiError
from fgi.models import Event, Project
from fgi.storage import migrate, open_database
from fgi.storage.base import Base
from fgi.storage.engine import make_engine
from fgi.study import create_project


def test_migrations_match_the_models(db):
    """The schema the migrations build is the schema the models describe (all packages)."""
    import importlib

    from tests.conftest import REPO

    for package in ("fgi", "coding", "themes"):
        if (REPO / package / "models.py").exists():
            importlib.import_module(f"{package}.models")
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False}), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_db):
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            create_project(session, "사라질 프로젝트", actor="tester")
            session.flush()
            raise RuntimeError("boom")
    with db.reading() as session:
        assert session.scalars(select(Project)).all() == []
        assert session.scalars(select(Event)).all() == []


def test_events_are_append_only(db):
    with db.transaction() as session:
        create_project(session, "감사 로그", actor="tester")
    with pytest.raises(FgiError, match="append-only"):
        with db.transaction() as session:
            event = session.scalars(select(Event)).one()
            event.reason = "고쳐 쓰기"
    with pytest.raises(FgiError, match="append-only"):
        with db.transaction() as session:
            session.delete(session.scalars(select(Event)).one())
    with db.reading() as session:
        event = session.scalars(select(Event)).one()
        assert event.kind == "project.create" and event.reason is None
        assert event.at.tzinfo is not None


def test_postgres_is_not_upgraded_behind_the_admins_back(postgres):
    from sqlalchemy import create_engine

    with postgres.admin.connect() as connection:
        connection.execute(text("CREATE DATABASE not_migrated"))
    try:
        url = postgres.url("not_migrated")
        with pytest.raises(DatabaseNotMigrated, match="fgi migrate"):
            open_database(url)
        engine = make_engine(url)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        engine.dispose()
        open_database(url).dispose()
    finally:
        with postgres.admin.connect() as connection:
            connection.execute(text("DROP DATABASE not_migrated WITH (FORCE)"))


def test_sqlite_upgrade_keeps_a_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0001_study")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO projects (name, blind_coding, pseudonymise, created_at) "
            "VALUES ('옛 프로젝트', 1, 1, '2024-01-01 00:00:00')"))
    engine.dispose()
    head = migrate.head_revision()
    db = open_database(url)
    with db.reading() as session:
        assert session.scalars(select(Project.name)).all() == ["옛 프로젝트"]
    if head != "0001_study":
        assert (tmp_path / f"old.db.before-{head}.bak").exists()
    assert "projects" in inspect(db.engine).get_table_names()
    db.dispose()


def test_upgrade_from_the_first_migration_keeps_data(database_url, kiwi, tmp_path):
    """Go back to the first revision, put a study in it, and upgrade to the newest schema."""
    from fgi.ingest import import_files
    from fgi.models import Segment, Transcript
    from fgi.study import get_project, list_segments
    from tests.conftest import REPO
    from tests.old_schema import database_at

    def build(session) -> None:
        project = create_project(session, "옛 연구", actor="tester")
        import_files(session, project, [REPO / "transcripts" / "주민_FGI_1차.txt"], actor="tester", analyzer=kiwi)

    # The study is made with today's models in a scratch database, then its rows are copied
    # into the first revision's tables, as far as they have the columns (later revisions add some).
    database_at(database_url, "0001_study", tmp_path, build)

    db = open_database(database_url, upgrade=True)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.reading() as session:
        project = get_project(session, "옛 연구")
        transcript = session.scalars(select(Transcript)).one()
        rows = list_segments(session, transcript.id)
        assert len(rows) == 64
        assert all(transcript.text[r.start : r.end] == r.text for r in rows)
        assert session.scalar(select(Segment.lemmas).where(Segment.id == rows[1].id))
        assert project.name == "옛 연구"
    db.dispose()


def test_the_postgresql_pool_size_is_a_setting(monkeypatch):
    from fgi.errors import FgiError
    from fgi.storage.engine import make_engine

    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # create_engine does not connect
    assert make_engine(url).pool.size() == 10
    monkeypatch.setenv("FGI_DB_POOL_SIZE", "25")
    engine = make_engine(url)
    assert (engine.pool.size(), engine.pool._max_overflow) == (25, 25)
    monkeypatch.setenv("FGI_DB_POOL_SIZE", "zero")
    with pytest.raises(FgiError, match="FGI_DB_POOL_SIZE"):
        make_engine(url)


def test_postgresql_connections_compile_no_plans(postgres):
    """JIT is off on PostgreSQL: it spent 256 ms compiling the matrices' read of 100,000 lines."""
    from sqlalchemy import text

    from fgi.storage.engine import make_engine

    engine = make_engine(postgres.url())
    with engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
    engine.dispose()
