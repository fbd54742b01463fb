"""A real ``streamlit run`` on a loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO, need_or_skip

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
OUTPUT = REPO / "test-output"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    def __init__(self, database_url: str, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FGI_DATABASE_URL": database_url, "FGI_USER": "연구자"}
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("streamlit did not answer its health check in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@contextmanager
def served(tmp_path: Path, monkeypatch, *fills, url: str | None = None):
    """A Streamlit server on a database that ``fills`` wrote, each called with the session
    in turn, in one transaction (SQLite in ``tmp_path`` unless ``url`` is given). The server carries ``database`` and
    ``database_url`` for the test's own reads; passwords hash with 4 bcrypt rounds."""
    from coding import users
    from fgi.storage import open_database

    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    url = url or f"sqlite:///{tmp_path / 'study.db'}"
    database = open_database(url, upgrade=True)
    try:
        with database.transaction() as session:
            for fill in fills:
                fill(session)
        server = StreamlitServer(url, tmp_path / "streamlit.log")
        server.database, server.database_url = database, url
        try:
            yield server
        finally:
            server.stop()
    finally:
        database.dispose()


def demo_study(kiwi, **team):
    """A ``served`` fill: the demo study (``fgi.demo``) and its team's codings
    (``coding.demo_team``, with ``team``'s options); returns the project."""
    from coding.demo_team import build_demo_team
    from fgi.demo import build_demo

    def fill(session):
        project, _ = build_demo(session, actor="tester", analyzer=kiwi)
        build_demo_team(session, project, actor="tester", **team)
        return project
    return fill


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        need_or_skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason='pip install -c constraints.txt ".[dev]"')
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    yield page
    if getattr(request.node, "call_failed", False):  # a picture of what the test saw last
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def screenshot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def settle(page, ms: int = 800, *, first: int = 300) -> None:
    """Wait ``first`` ms for a rerun to start, then until the app has finished it (Streamlit's
    running indicator and every spinner gone), then ``ms`` more for the browser to draw."""
    page.wait_for_timeout(first)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)
    page.locator("[data-testid='stSpinner']").first.wait_for(state="detached", timeout=120_000)
    page.wait_for_timeout(ms)


def log_in(page, name: str, password: str) -> None:
    """Fill the login form and wait until the frame shows the user."""
    from playwright.sync_api import expect

    expect(page.get_by_label("사용자 이름")).to_have_count(1, timeout=60_000)  # the last page is gone
    page.get_by_label("사용자 이름").fill(name)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.get_by_text(f"{name} (").first.wait_for(timeout=30_000)


def log_out(page) -> None:
    page.get_by_role("button", name="로그아웃").click()
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)
