"""A process killed in the middle of an import leaves no partial data behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from fgi.storage import open_database
from fgi.storage.fingerprint import fingerprint
from fgi.study import create_project

LINE = "참여자{n}: 자활근로를 하면서 서류 작업이 까다로워서 힘들었는데 그래도 자신감이 조금씩 생겼어요 ({i})"


def write_transcripts(folder: Path, count: int, lines: int) -> list[Path]:
    paths = []
    for f in range(count):
        path = folder / f"session{f}.txt"
        body = "\n".join(LINE.format(n=i % 5 + 1, i=f * lines + i) for i in range(lines))
        path.write_text(f"진행자: 시작합니다 {f}\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def writing_started(database_url: str, sqlite_file: Path | None) -> bool:
    """True once the import's transaction has written something not yet committed."""
    if sqlite_file is not None:
        wal = sqlite_file.with_name(sqlite_file.name + "-wal")
        return wal.exists() and wal.stat().st_size > 200_000
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                "AND datname = current_database() AND pid <> pg_backend_pid()")).scalar())
    finally:
        engine.dispose()


def test_killed_import_leaves_nothing(database_url, tmp_path):
    database = open_database(database_url, upgrade=True)
    with database.transaction() as session:
        create_project(session, "중단 시험", actor="tester")
    before = fingerprint(database.engine)
    database.dispose()

    paths = write_transcripts(tmp_path, count=8, lines=2500)
    env = {**os.environ, "FGI_DATABASE_URL": database_url, "FGI_USER": "tester"}
    process = subprocess.Popen(
        [sys.executable, "-m", "fgi", "import", *map(str, paths), "--project", "중단 시험"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    sqlite_file = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite") else None
    deadline = time.monotonic() + 120
    while not writing_started(database_url, sqlite_file):
        assert process.poll() is None, f"the import ended before it could be killed: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    database = open_database(database_url, upgrade=True)
    try:
        assert fingerprint(database.engine) == before
    finally:
        database.dispose()
