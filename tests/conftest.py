"""Fixtures shared by the whole suite.

``database_url`` / ``db`` run a test once on SQLite and once on PostgreSQL. PostgreSQL
tests skip when PostgreSQL is not installed, except in CI (CI=true), where they must run.
``snapshots`` lets a fixture build its coded study once per process and copy it after.
"""

from __future__ import annotations

import copy
import itertools
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, select, text

from fgi.storage import open_database
from fgi.storage.sqlite_copy import sqlite_copy
from tests.pg import PostgresCluster, find_pg_bin

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
_counter = itertools.count()


def shared_path(*parts: str) -> Path:
    """A file in ../shared (beside the repository in CI); skips the test where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} is not here (../shared sits beside the repository only in CI and dev)")
    return path


def need_or_skip(reason: str) -> None:
    """Skip outside CI; in CI a missing prerequisite is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres():
    bin_dir = find_pg_bin()
    if bin_dir is None:
        need_or_skip("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    # A migrated template, cloned for each test.
    template = "fgi_template"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {template}"))
    open_database(cluster.url(template), upgrade=True).dispose()
    cluster.template = template
    cluster.admin = admin
    yield cluster
    admin.dispose()
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fgi.db'}"
        return
    cluster = request.getfixturevalue("postgres")
    name = f"t{os.getpid()}_{next(_counter)}"
    with cluster.admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {cluster.template}"))
    yield cluster.url(name)
    with cluster.admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def db(database_url):
    database = open_database(database_url, upgrade=True)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'fgi.db'}")
    yield database
    database.dispose()


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Streamlit's AppTest scans every installed package for components each time one is
    made (0.7 s, most of a short page test); the packages do not change during a run."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # an older Streamlit scans nothing
        yield
        return
    scan = manifest_scanner.scan_component_manifests
    first = cache(scan)
    manifest_scanner.scan_component_manifests = lambda max_workers=None: list(first())
    yield
    manifest_scanner.scan_component_manifests = scan


T = TypeVar("T")


class Snapshots:
    """Databases that fixtures build, kept once per test process and backend. The first test
    that asks builds its own; later ones get a copy of it (SQLite's backup API, a PostgreSQL
    template), which takes milliseconds where importing and coding the samples takes seconds.
    A build must keep everything in the database and in what it returns."""

    def __init__(self, folder: Path, request) -> None:
        self._folder, self._request = folder, request
        self._kept: dict[tuple[str, str], tuple[str, object, object]] = {}  # -> (copy, result, its db)

    def __call__(self, db, key: str, build: Callable[[], T]) -> T:
        name = (db.engine.url.get_backend_name(), key)
        kept = self._kept.get(name)
        if kept is None:
            result = build()
            # a copy, so what the test then does to its result is not what later tests get
            self._kept[name] = (self._keep(db, key), copy.deepcopy(result, {id(db): db}), db)
            return result
        source, result, built_on = kept
        self._restore(db, source)
        return copy.deepcopy(result, {id(built_on): db})

    def _keep(self, db, key: str) -> str:
        db.dispose()
        if db.engine.url.get_backend_name() == "sqlite":
            target = str(self._folder / f"{key}.db")
            sqlite_copy(db.engine.url.database, target)
            return target
        name = f"snap{os.getpid()}_{len(self._kept)}"
        with self._postgres().admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {db.engine.url.database}"))
        return name

    def _restore(self, db, source: str) -> None:
        db.dispose()
        if db.engine.url.get_backend_name() == "sqlite":
            sqlite_copy(source, db.engine.url.database)
            return
        name = db.engine.url.database
        with self._postgres().admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {source}"))

    def _postgres(self):
        return self._request.getfixturevalue("postgres")


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory, request) -> Snapshots:
    """``snapshots(db, key, build)``: ``build()``'s database and result, built once per process."""
    return Snapshots(tmp_path_factory.mktemp("snapshots"), request)


@pytest.fixture(scope="session")
def kiwi():
    from fgi.morphology import get_analyzer

    return get_analyzer("kiwi")


CLI_ADMIN = "연구자"  # the user the ``cli`` fixture's commands run as (FGI_USER)
CLI_PASSWORD = "비밀번호1234"  # its password, unless a test sets FGI_PASSWORD first


@pytest.fixture
def cli(database_url, monkeypatch, tmp_path, capsys):
    """Runs ``fgi ...`` in-process on the test database; returns (exit code, stdout, stderr).

    ``cli("import", ..., ok=False)`` lets a command fail; otherwise a failure fails the test.
    Commands authenticate like a script's: before the first one, an admin ``연구자`` is made
    with the password FGI_PASSWORD holds then (``CLI_PASSWORD`` if unset), FGI_PASSWORD and
    FGI_NEW_PASSWORD (for ``fgi user add``) are set to it, and FGI_USER is ``연구자``. So users
    a test adds share that password, and ``--as NAME`` authenticates as them. Set
    ``cli.auto_admin = False`` before the first call to do none of this (a database without
    users, or a test that sets FGI_USER and FGI_PASSWORD itself).
    Logins (``fgi login``) go to a config folder under ``tmp_path``.
    """
    from coding import users
    from coding.models import User
    from fgi.cli import main

    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_USER", CLI_ADMIN)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)  # cheap hashes: the cost is not under test here
    monkeypatch.chdir(tmp_path)
    started = []

    def prepare() -> None:
        if not run.auto_admin:
            return
        password = os.environ.get("FGI_PASSWORD") or CLI_PASSWORD
        monkeypatch.setenv("FGI_PASSWORD", password)
        if not os.environ.get("FGI_NEW_PASSWORD"):
            monkeypatch.setenv("FGI_NEW_PASSWORD", password)
        database = open_database(database_url, upgrade=True)
        with database.transaction() as session:
            if session.scalar(select(User.id).where(User.name == CLI_ADMIN)) is None:
                users.create_user(session, CLI_ADMIN, password, role="admin", actor="test setup")
        database.dispose()

    def run(*args: str, ok: bool = True) -> tuple[int, str, str]:
        if not started:
            prepare()
            started.append(True)
        code = main(list(args))
        out, err = capsys.readouterr()
        if ok:
            assert code == 0, err
        return code, out, err

    run.auto_admin = True
    return run
