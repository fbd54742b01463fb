"""How fast the 주제 page answers, before and after, in one run: the page of a baseline git
ref (default ``main``) and the page of another (default ``HEAD``), each on its own ``streamlit run``
against its own copy of the demo (coded lines, a proposal run, a small hierarchy), driven
by Debian's Chromium.

    .venv/bin/python bench/themes_page.py [--baseline main] [--after HEAD] [--actions 12] [--views 5]

Prints a Markdown table (median and p90 in seconds, and after/before). What is timed, in
Python around Playwright, from the click to the page showing the result:

* undo / redo: a click on 되돌리기 or 다시 하기, until the success message of that action
  shows (both pages have the buttons and say 되돌렸습니다 / 다시 했습니다);
* scatter: opening the page from another page and clicking the 산점도 tab, until the
  Plotly chart is drawn (the first view computes the points; later ones are cached);
* place (this tree only): choosing one code and clicking "코드 1개 배치", until the message.

Targets: each action under 1 s, the scatter under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, _free_port  # noqa: E402

PASSWORD = "demo1234"
SETUP = textwrap.dedent("""
    import sys
    from coding import users
    from coding.demo_team import build_demo_team, DEMO_PASSWORD
    from coding.keywords import keyword_nlp
    from coding.users import get_user
    from fgi.demo import build_demo
    from fgi.morphology import get_analyzer
    from fgi.storage import open_database
    from themes.hierarchy import create_node
    from themes.models import DOMAIN, SUBTHEME, THEME
    from themes.proposals import ProposalSettings, propose

    users.BCRYPT_ROUNDS = 4
    db = open_database(sys.argv[1])
    with db.transaction() as session:
        project, _ = build_demo(session, actor="bench", analyzer=get_analyzer("kiwi"))
        build_demo_team(session, project, actor="bench", coded_lines=40, nlp=keyword_nlp())
        lead = get_user(session, "팀장")
        propose(session, project, ProposalSettings(k=6), viewer=lead)
        domain = create_node(session, project, DOMAIN, "실무자의 경험", actor=lead).node_id
        theme = create_node(session, project, THEME, "실무의 어려움", actor=lead, parent_id=domain).node_id
        for name in ("업무 부담", "평가와 소진", "기관 지원"):
            create_node(session, project, SUBTHEME, name, actor=lead, parent_id=theme)
    print(DEMO_PASSWORD)
""")


class Server:
    """``streamlit run`` of the app in ``root`` on a loopback port."""

    def __init__(self, root: Path, url: str, log: Path) -> None:
        import urllib.request

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FGI_DATABASE_URL": url, "PYTHONPATH": str(root)}
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("streamlit did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self._log.close()


def checkout(ref: str, into: Path) -> Path:
    """The files of ``ref`` in ``into`` (git archive: no work tree, no history)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def build(root: Path, url: str) -> str:
    done = subprocess.run([sys.executable, "-c", SETUP, url], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"building the demo in {root} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def settle(page) -> None:
    page.wait_for_timeout(100)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)


def open_themes(page) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="주제", exact=True).click()
    page.get_by_role("button", name="되돌리기").wait_for(timeout=120_000)
    settle(page)


def timed(page, click, text: str) -> float:
    start = time.perf_counter()
    click()
    page.get_by_text(text).first.wait_for(timeout=120_000)
    return time.perf_counter() - start


def measure(browser, server: Server, password: str, actions: int, views: int, place: bool) -> dict[str, list[float]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(180_000)  # a shared, loaded machine: wait rather than fail
    page.goto(server.url)
    page.get_by_label("사용자 이름").fill("팀장")
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.get_by_text("팀장 (").first.wait_for(timeout=60_000)
    results: dict[str, list[float]] = {"undo / redo": [], "scatter": []}
    for i in range(views):
        if i:
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="팀", exact=True).click()
            page.locator(".js-plotly-plot").first.wait_for(state="detached", timeout=60_000)
            settle(page)
        start = time.perf_counter()
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="주제", exact=True).click()
        page.get_by_role("tab", name="산점도").click()
        page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=120_000)
        results["scatter"].append(time.perf_counter() - start)
        settle(page)
    open_themes(page)
    for i in range(actions):
        button, text = ("되돌리기", "되돌렸습니다") if i % 2 == 0 else ("다시 하기", "다시 했습니다")
        results["undo / redo"].append(timed(page, lambda: page.get_by_role("button", name=button).click(), text))
        settle(page)
    if place:
        results["place"] = []
        for i in range(actions // 2):
            picker = page.locator(".st-key-themes-place-%d-codes input" % i)
            picker.click()
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            settle(page)
            page.keyboard.press("Escape")
            page.locator(".st-key-themes-place-%d-subtheme" % i).get_by_role("combobox").click()
            page.get_by_role("option", name="하위주제 · 업무 부담", exact=False).first.click()
            settle(page)
            results["place"].append(timed(page, lambda: page.get_by_role("button", name="코드 1개 배치").click(),
                                          "아래에 놓았습니다"))
            settle(page)
    context.close()
    return results


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="main", help="git ref of the page before (default: main)")
    parser.add_argument("--after", default="HEAD", help="git ref of the page after (default: HEAD)")
    parser.add_argument("--actions", type=int, default=12)
    parser.add_argument("--views", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="themes-bench-"))
    servers: dict[str, Server] = {}
    try:
        roots = {"before": checkout(args.baseline, work / "before"), "after": checkout(args.after, work / "after")}
        passwords = {}
        for name, root in roots.items():
            url = f"sqlite:///{work / (name + '.db')}"
            passwords[name] = build(root, url)
            servers[name] = Server(root, url, work / f"{name}.log")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            results = {name: measure(browser, servers[name], passwords[name], args.actions, args.views,
                                     place=name == "after") for name in roots}
            browser.close()
    finally:
        for server in servers.values():  # also when a measurement failed: no server is left running
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"| action | before median (s) | before p90 | after median (s) | after p90 | after/before (median) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for action in ("undo / redo", "scatter", "place"):
        after = results["after"].get(action, [])
        before = results["before"].get(action, [])
        b = f"{statistics.median(before):.2f} | {p90(before):.2f}" if before else "— | —"
        a = f"{statistics.median(after):.2f} | {p90(after):.2f}" if after else "— | —"
        ratio = f"{statistics.median(after) / statistics.median(before):.2f}" if after and before else "—"
        print(f"| {action} | {b} | {a} | {ratio} |")
    print(f"\n{args.actions} undo/redo clicks, {args.views} scatter views (the first computes the points), "
          f"{args.actions // 2} placings; baseline {args.baseline!r}")


if __name__ == "__main__":
    main()
