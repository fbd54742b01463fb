"""Two app processes on one PostgreSQL database, as behind a reverse proxy: coders spread
over both code at the same time in real Chromium, and nothing is lost or doubled."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ui_concurrency import build, code_concurrently, coder_names, verify
from tests.e2e.conftest import CHROMIUM, StreamlitServer, need_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def team_database(postgres, tmp_path):
    from sqlalchemy import text

    with postgres.admin.connect() as conn:
        conn.execute(text("CREATE DATABASE two_processes"))
    yield postgres.url("two_processes")
    with postgres.admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS two_processes WITH (FORCE)"))


def test_coders_on_two_app_processes_lose_nothing(team_database, tmp_path: Path):
    if not Path(CHROMIUM).exists():
        need_or_skip(f"browser tests need Debian's Chromium at {CHROMIUM}")
    coders, clicks = 4, 3
    build(team_database, tmp_path, coders, 2 + coders * (clicks + 2) + 5)
    servers = [StreamlitServer(team_database, tmp_path / f"streamlit{i}.log") for i in range(2)]
    try:
        runs = code_concurrently([s.url for s in servers], coder_names(coders), clicks)
    finally:
        for server in servers:
            server.stop()
    assert [len(run.lines) for run in runs] == [clicks + 1] * coders
    assert len({line for run in runs for line in run.lines}) == coders * (clicks + 1)  # different lines
    assert verify(team_database, runs) == []
