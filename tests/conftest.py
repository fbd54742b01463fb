"""Fixtures shared by the whole suite.

``database_url`` / ``db`` run a test once on SQLite and once on PostgreSQL. PostgreSQL
tests skip when PostgreSQL is not installed, except in CI (CI=true), where they must run.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from fgi.storage import open_database
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
