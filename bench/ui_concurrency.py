"""Many coders on one team server: N coders in their own Chromium contexts code different
lines of one transcript at the same time, through real ``streamlit run`` processes on one
PostgreSQL database.

    .venv/bin/python bench/ui_concurrency.py [--coders 1 5 10 20] [--clicks 12] [--servers 1]

Per N it prints the median and p90 time from a click on a code to the saved code shown
(timed inside the page, as ``bench/ui_latency.py`` does), and then checks the database:
every coding a coder made exists exactly once, on the line the coder saw, with one
``code.apply`` event each. ``--servers 2`` spreads the coders over two app processes on
the same database (as behind a reverse proxy). The test suite runs the same code with
small numbers (``tests/e2e/test_two_app_processes.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.ui_latency import CLICK_JS, CODE, MOVE_JS, PASSWORD, write_transcript  # noqa: E402
from coding import users  # noqa: E402
from coding.codebook_io import import_codebook_file  # noqa: E402
from fgi.ingest import ImportOptions, import_files  # noqa: E402
from fgi.morphology import get_analyzer  # noqa: E402
from fgi.storage import open_database  # noqa: E402
from fgi.study import create_project  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, StreamlitServer  # noqa: E402

PROJECT = "동시 코딩"
LINE_JS = """() => document.querySelector('.st-key-coding-current [data-testid="stCaptionContainer"]').innerText"""


@dataclass
class CoderRun:
    name: str
    lines: list[int] = field(default_factory=list)  # the lines this coder coded, as seen on the page
    seconds: list[float] = field(default_factory=list)  # click -> saved code shown, per click


def coder_names(n: int) -> list[str]:
    return [f"코더{i + 1:02d}" for i in range(n)]


def build(url: str, folder: Path, coders: int, lines: int) -> None:
    """A project with the sample codebook, one transcript of ``lines`` lines and ``coders`` members."""
    transcript = write_transcript(folder, lines)
    users.BCRYPT_ROUNDS = 4
    database = open_database(url, upgrade=True)
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
        import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="bench")
        import_files(session, project, [transcript], ImportOptions(group="주민"), actor="bench",
                     analyzer=get_analyzer("kiwi"))
        for name in coder_names(coders):
            coder = users.create_user(session, name, PASSWORD, role="coder", actor="bench")
            users.add_member(session, project, coder, actor="bench")
    database.dispose()


def _line_of(caption: str) -> int:
    return int(caption.split("줄", 1)[0].strip().split()[-1])


async def _open_coding_page(browser, base_url: str, name: str, first_line: int):
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = await context.new_page()
    page.set_default_timeout(240_000)
    await page.goto(base_url)
    await page.get_by_label("사용자 이름").fill(name)
    await page.get_by_label("비밀번호").fill(PASSWORD)
    await page.get_by_role("button", name="로그인").click()
    try:
        await page.get_by_role("link", name="코딩", exact=True).click()
    except Exception:
        (REPO / "test-output").mkdir(exist_ok=True)
        await page.screenshot(path=str(REPO / "test-output" / f"concurrency-login-{name}.png"), full_page=True)
        raise
    await page.locator(".st-key-coding-saved").wait_for()
    goto = page.get_by_label("줄 번호로 이동")
    await goto.fill(str(first_line))
    await goto.press("Enter")
    await expect(page.locator(".st-key-coding-current [data-testid='stCaptionContainer']")).to_contain_text(
        f"{first_line}줄")
    return context, page


async def _first_code(page, run: CoderRun) -> None:
    """The first coding goes through the code box; after it the code is a one-click recent code."""
    from playwright.async_api import expect

    run.lines.append(_line_of(await page.evaluate(LINE_JS)))
    box = page.get_by_role("combobox", name="이 줄의 코드 (입력해서 찾기)")
    await box.click()
    await box.fill(CODE)
    await page.keyboard.press("Enter")
    await page.keyboard.press("Escape")
    await expect(page.locator(".st-key-coding-saved")).to_contain_text(CODE)


async def _code_lines(page, run: CoderRun, clicks: int) -> None:
    from playwright.async_api import expect

    for _ in range(clicks):
        await page.locator(".st-key-coding-nav button").first.wait_for()
        try:
            await page.evaluate(MOVE_JS)
        except Exception:
            await page.screenshot(path=str(REPO / "test-output" / f"concurrency-{run.name}.png"), full_page=True)
            raise
        # The panel has settled on the new (uncoded) line before the click: the caption
        # changes before the buttons below it are drawn again.
        await expect(page.locator(".st-key-coding-saved")).not_to_contain_text(CODE)
        await expect(page.locator(".st-key-coding-recent button").first).to_be_visible()
        run.lines.append(_line_of(await page.evaluate(LINE_JS)))
        run.seconds.append(await page.evaluate(CLICK_JS, CODE) / 1000)


async def _run(urls: list[str], names: list[str], clicks: int) -> list[CoderRun]:
    from playwright.async_api import async_playwright

    from playwright.async_api import expect

    expect.set_options(timeout=240_000)  # a rerun under 20 coders on 2 cores takes seconds
    runs = [CoderRun(name) for name in names]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        # Log everyone in first (one after another: logging in is not what is measured) ...
        pages = []
        for i, run in enumerate(runs):
            context, page = await _open_coding_page(browser, urls[i % len(urls)], run.name, 2 + i * (clicks + 2))
            await _first_code(page, run)
            pages.append((context, page))
        # ... then all of them code at once.
        await asyncio.gather(*(_code_lines(page, run, clicks) for (_, page), run in zip(pages, runs)))
        await browser.close()
    return runs


def code_concurrently(urls: list[str], names: list[str], clicks: int) -> list[CoderRun]:
    # In a thread of its own: a test process may already run Playwright's sync API (and its
    # event loop) on the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(urls, names, clicks)).result()


def verify(url: str, runs: list[CoderRun]) -> list[str]:
    """What went wrong in the database: every intended coding exactly once, nothing else."""
    from sqlalchemy import func, select

    from coding.models import Code, CodeApplication, User
    from fgi.models import Event, Segment

    problems = []
    database = open_database(url)
    with database.reading() as session:
        for run in runs:
            user = session.scalar(select(User).where(User.name == run.name))
            stored = session.execute(
                select(Segment.line, func.count()).join(CodeApplication, CodeApplication.segment_id == Segment.id)
                .join(Code, Code.id == CodeApplication.code_id)
                .where(CodeApplication.coder_id == user.id, Code.name == CODE)
                .group_by(Segment.line)).all()
            lines = {line: count for line, count in stored}
            if sorted(lines) != sorted(run.lines):
                problems.append(f"{run.name}: coded {sorted(run.lines)}, stored {sorted(lines)}")
            if any(count != 1 for count in lines.values()):
                problems.append(f"{run.name}: duplicate codings {lines}")
            events = session.scalar(select(func.count()).select_from(Event).where(
                Event.actor == run.name, Event.kind == "code.apply"))
            if events != len(run.lines):
                problems.append(f"{run.name}: {events} code.apply events for {len(run.lines)} codings")
    database.dispose()
    return problems


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    from tests.pg import PostgresCluster, find_pg_bin

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--servers", type=int, default=1)
    args = parser.parse_args()
    cluster = PostgresCluster(find_pg_bin())
    cluster.start()
    rows = []
    try:
        from sqlalchemy import create_engine, text
        admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        for n in args.coders:
            db_name = f"bench_{n}"
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {db_name}"))
            url = cluster.url(db_name)
            with tempfile.TemporaryDirectory() as folder:
                build(url, Path(folder), n, 2 + n * (args.clicks + 2) + 5)
                servers = [StreamlitServer(url, Path(folder) / f"streamlit{i}.log") for i in range(args.servers)]
                try:
                    started = time.perf_counter()
                    runs = code_concurrently([s.url for s in servers], coder_names(n), args.clicks)
                    wall = time.perf_counter() - started
                finally:
                    for server in servers:
                        server.stop()
            problems = verify(url, runs)
            ms = [s * 1000 for run in runs for s in run.seconds]
            rows.append((n, len(ms), statistics.median(ms), percentile(ms, 0.9), max(ms), wall,
                         sum(len(r.lines) for r in runs), "ok" if not problems else "; ".join(problems)))
            print(f"N={n}: median {statistics.median(ms):.0f} ms, p90 {percentile(ms, 0.9):.0f} ms, "
                  f"{'ok' if not problems else problems}", file=sys.stderr)
        admin.dispose()
    finally:
        cluster.stop()
    print(f"Coding on one team server: {args.servers} app process(es), PostgreSQL, Chromium headless, "
          f"{args.clicks} timed clicks per coder, all coders at once\n")
    print("| coders | clicks timed | median ms | p90 ms | max ms | wall s | codings checked | database check |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, count, median, p90, worst, wall, checked, verdict in rows:
        print(f"| {n} | {count} | {median:.0f} | {p90:.0f} | {worst:.0f} | {wall:.0f} | {checked} | {verdict} |")


if __name__ == "__main__":
    main()
