"""A process killed in the middle of an import — transcripts, a bulk coding spreadsheet or a
.qdpx archive — leaves no partial data behind."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from coding.codebook import list_codes
from coding.codebook_io import import_codebook_file
from coding.models import LEAD
from coding.users import add_member, create_user
from fgi.ingest import import_files
from fgi.storage import open_database
from fgi.storage.fingerprint import fingerprint
from fgi.study import create_project, list_segments, list_transcripts
from tests.conftest import CLI_PASSWORD, REPO

pytestmark = pytest.mark.slow
PROJECT = "중단 시험"
LINE = "참여자{n}: 자활근로를 하면서 서류 작업이 까다로워서 힘들었는데 그래도 자신감이 조금씩 생겼어요 ({i})"
ADMIN = "관리자"
PASSWORD = CLI_PASSWORD  # the cli fixture's, so `cli(..., "--as", "팀장")` authenticates too


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




def build(database, folder: Path, kiwi) -> list[str]:
    """A project of 5,000 lines, the sample codebook and a lead; returns segment-code pairs."""
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="tester")
        import_files(session, project, write_transcripts(folder, count=2, lines=2500), actor="tester", analyzer=kiwi)
        import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="tester")
        lead = create_user(session, "팀장", PASSWORD, role=LEAD, actor="tester")
        create_user(session, ADMIN, PASSWORD, role="admin", actor="tester")
        add_member(session, project, lead, actor="tester")
        codes = [c.path for c in list_codes(session, project) if c.parent_id is not None][:3]
        segments = [r.id for t in list_transcripts(session, project) for r in list_segments(session, t.id)]
    return [f"{s}\t{c}" for s in segments for c in codes]


@pytest.fixture
def pairs(db, tmp_path, kiwi, snapshots) -> list[str]:
    """The 5,000-line project (built once per process, copied after); its segment-code pairs."""
    pairs = snapshots(db, "killed-imports", lambda: build(db, tmp_path, kiwi))
    db.dispose()  # the killed command is the only one writing
    return pairs


def checkpoint(database_url: str) -> None:
    """Empty SQLite's write-ahead log, so a growing log means the new process is writing."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()


def kill_while_writing(database_url: str, *args: str) -> None:
    # an admin, who may import anything; the commands authenticate like a script's
    env = {**os.environ, "FGI_DATABASE_URL": database_url, "FGI_USER": ADMIN, "FGI_PASSWORD": PASSWORD}
    process = subprocess.Popen([sys.executable, "-m", "fgi", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sqlite_file = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite") else None
    deadline = time.monotonic() + 180
    while not writing_started(database_url, sqlite_file):
        assert process.poll() is None, f"the command ended before it could be killed: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the command never started writing"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def assert_unchanged(database_url: str, before: dict) -> None:
    database = open_database(database_url, upgrade=True)
    try:
        assert fingerprint(database.engine) == before
    finally:
        database.dispose()


def test_killed_bulk_coding_import_leaves_nothing(database_url, tmp_path, pairs):
    sheet = tmp_path / "codings.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["segment_id", "code", "memo"])
        for pair in pairs:
            segment, code = pair.split("\t")
            writer.writerow([segment, code, "일괄 코딩"])
    database = open_database(database_url)
    before = fingerprint(database.engine)
    database.dispose()
    checkpoint(database_url)
    kill_while_writing(database_url, "code", "import", str(sheet), "--as", "팀장", "--project", PROJECT)
    assert_unchanged(database_url, before)


def test_killed_qdpx_import_leaves_nothing(database_url, tmp_path, pairs, cli):
    archive = tmp_path / "project.qdpx"
    cli("export", "qdpx", "--project", PROJECT, "-o", str(archive), "--as", "팀장")
    database = open_database(database_url)
    before = fingerprint(database.engine)
    database.dispose()
    checkpoint(database_url)
    kill_while_writing(database_url, "import", str(archive), "--project", "가져온 프로젝트")
    assert_unchanged(database_url, before)


def test_killed_transcript_import_leaves_nothing(database_url, tmp_path):
    database = open_database(database_url, upgrade=True)
    with database.transaction() as session:
        create_project(session, PROJECT, actor="tester")
        create_user(session, ADMIN, PASSWORD, role="admin", actor="tester")
    before = fingerprint(database.engine)
    database.dispose()
    paths = write_transcripts(tmp_path, count=8, lines=2500)
    checkpoint(database_url)
    kill_while_writing(database_url, "import", *map(str, paths), "--project", PROJECT)
    assert_unchanged(database_url, before)
