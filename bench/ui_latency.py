"""How fast the coding page answers: the median time from a click on a code to the saved
code shown again, on a 1,500-line transcript, in Debian's Chromium against ``streamlit run``.

    .venv/bin/python bench/ui_latency.py [--lines 1500] [--clicks 30]

Prints a Markdown table. Target: median under 300 ms. What is timed, per click: Playwright
clicks a "recent code" button beside the current line, and the clock stops when the line's
"저장된 코드" box shows that code (the write, the fragment rerun and the repaint), timed
inside the page with performance.now() and a MutationObserver. Moving to the next line
("다음 줄") is timed the same way, until the new line's header shows.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coding import users  # noqa: E402
from coding.codebook_io import import_codebook_file  # noqa: E402
from fgi.ingest import ImportOptions, import_files  # noqa: E402
from fgi.morphology import get_analyzer  # noqa: E402
from fgi.storage import open_database  # noqa: E402
from fgi.study import create_project  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, StreamlitServer  # noqa: E402

PASSWORD = "비밀번호1234"
# Timed in the page (performance.now), from the click to the DOM change, so Playwright's
# polling adds nothing: a MutationObserver resolves as soon as the text is there.
CLICK_JS = """(code) => new Promise((resolve) => {
  const start = performance.now();
  const done = () => {
    const box = document.querySelector('.st-key-coding-saved');
    if (box && box.innerText.includes(code)) { observer.disconnect(); resolve(performance.now() - start); }
  };
  const observer = new MutationObserver(done);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  document.querySelector('.st-key-coding-recent button').click();
})"""
MOVE_JS = """() => new Promise((resolve) => {
  const header = () => document.querySelector('.st-key-coding-current [data-testid="stCaptionContainer"]').innerText;
  const before = header();
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (header() !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  [...document.querySelectorAll('button')].find((b) => b.innerText.includes('다음 줄')
    && !b.innerText.includes('미코딩')).click();
})"""
CODE = "자신감 회복"


def sample_sentences() -> list[str]:
    text = (REPO / "transcripts" / "주민_FGI_1차.txt").read_bytes().decode("cp949", errors="replace")
    lines = [line.split(":", 1)[-1].strip() for line in text.splitlines()]
    return [line for line in lines if len(line) > 15] or ["요즘은 자신감이 조금 생긴 것 같아요."]


def write_transcript(folder: Path, n_lines: int) -> Path:
    """A transcript of ``n_lines`` lines: a moderator's opening, then six participants."""
    sentences = sample_sentences()
    body = ["진행자: 오늘 이야기를 시작하겠습니다."]
    for i, sentence in zip(range(n_lines - 1), itertools.cycle(sentences)):
        body.append(f"참여자{i % 6 + 1}: {sentence} ({i + 1})")
    transcript = folder / "긴_전사본.txt"
    transcript.write_text("\n".join(body) + "\n", encoding="utf-8")
    return transcript


def build(folder: Path, n_lines: int) -> str:
    transcript = write_transcript(folder, n_lines)
    url = f"sqlite:///{folder / 'bench.db'}"
    users.BCRYPT_ROUNDS = 4
    database = open_database(url)
    with database.transaction() as session:
        project = create_project(session, "속도 측정", actor="bench")
        import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="bench")
        import_files(session, project, [transcript], ImportOptions(group="주민"), actor="bench",
                     analyzer=get_analyzer("kiwi"))
        coder = users.create_user(session, "코더1", PASSWORD, role="coder", actor="bench")
        users.add_member(session, project, coder, actor="bench")
    database.dispose()
    return url


def measure(url: str, folder: Path, clicks: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import expect, sync_playwright

    server = StreamlitServer(url, folder / "streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
            page.set_default_timeout(180_000)
            page.goto(server.url)
            page.get_by_label("사용자 이름").fill("코더1")
            page.get_by_label("비밀번호").fill(PASSWORD)
            page.get_by_role("button", name="로그인").click()
            page.get_by_role("link", name="코딩", exact=True).click()
            saved = page.locator(".st-key-coding-saved")
            saved.wait_for()
            page.locator("[data-testid='stSpinner']").first.wait_for(state="detached")
            box = page.get_by_role("combobox", name="이 줄의 코드 (입력해서 찾기)")
            box.click()
            box.fill(CODE)
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            expect(saved).to_contain_text(CODE, timeout=120_000)  # now a recent code
            code_times, move_times = [], []
            nav = page.locator(".st-key-coding-nav button")
            for _ in range(clicks + 2):  # the first two warm the caches up
                expect(nav.nth(1)).to_be_visible()  # the panel has settled: its buttons are drawn
                move_times.append(page.evaluate(MOVE_JS) / 1000)
                expect(page.locator(".st-key-coding-recent button").first).to_be_visible()
                page.wait_for_timeout(200)
                code_times.append(page.evaluate(CLICK_JS, CODE) / 1000)
                page.wait_for_timeout(200)
            browser.close()
    finally:
        server.stop()
    return code_times[2:], move_times[2:]


def row(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p90:.0f} | {ms[0]:.0f} | {ms[-1]:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--clicks", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = build(Path(folder), args.lines)
        code_times, move_times = measure(url, Path(folder), args.clicks)
    print(f"Coding page latency, {args.lines}-line transcript, SQLite, Chromium headless (target: median < 300 ms)\n")
    print("| action | n | median ms | p90 ms | min ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(row("click a code → saved code shown", code_times))
    print(row("next line → new line shown", move_times))


if __name__ == "__main__":
    main()
