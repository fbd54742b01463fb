"""No Markdown from user data, in real Chromium: a study whose project, transcript, group,
users, codes, memos, reasons, theme nodes and file names are Markdown, KaTeX, HTML and links
is opened page by page as the lead and as a coder. Nothing is formatted (no strong, em,
KaTeX, link, image or coloured span made from user text), the text shows as typed, and no
request reaches the local "tracking pixel" server (Playwright's request log and the server's
own count)."""

from __future__ import annotations

import http.server
import threading

import pytest

from coding import users
from coding.applications import apply_code, reveal
from coding.codebook import add_code
from coding.reconcile import decide
from fgi.ingest import ImportOptions, import_files
from fgi.storage import open_database
from fgi.study import create_project, list_segments, list_transcripts
from tests.e2e.conftest import StreamlitServer, log_in, log_out, screenshot, settle
from themes.hierarchy import create_node
from themes.proposals import ProposalSettings, propose

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"
BOLD = "**굵게**:red[빨강]$x^2$"
CLICK = "[click](javascript:alert(1))"
LEAD_PAGES = ["프로젝트 / 가져오기", "전사본 보기", "코드북", "코딩", "일치도", "조정", "주제", "내보내기", "팀"]
CODER_PAGES = ["프로젝트 / 가져오기", "전사본 보기", "코드북", "코딩", "일치도", "내보내기"]
TABS = {"일치도": ["코드별", "코더 쌍별", "히트맵"], "주제": ["후보 카드", "산점도"]}


class Pixel:
    """A local HTTP server that counts every request (a tracking pixel's server)."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile(port: int) -> dict[str, str]:
    image = f"![t](http://127.0.0.1:{port}/pixel.png)"
    backslash_image = f"![t](http:\\\\127.0.0.1:{port}\\b.png)"  # browsers read \ as / in http URLs
    return {
        "project": f"{BOLD} {image}", "group": f"{image} {CLICK} www.example.com",
        "coder1": BOLD, "coder2": CLICK, "coder3": backslash_image,
        "codes": [BOLD, CLICK, backslash_image, f"<img src=http:\\\\127.0.0.1:{port}\\i.png><b>굵게", "www.example.com"],
        "definition": f"{image} <b>굵게</b> $x^2$ # 제목", "memo": f"{BOLD} {image}", "reason": f"{CLICK} {image}",
        "node": f"{BOLD} {CLICK}", "file": f"{BOLD}.txt",
    }


def _transcript(names: dict) -> str:
    lines = ["사회자: 오늘 이야기를 들려 주세요."]
    for i in range(12):
        lines.append(f"참여자{i % 3 + 1}: 자활센터에서 {names['codes'][i % 5]} 일을 배우며 자신감이 생겼어요 {i}.")
        lines.append(f"사회자: {names['group']} 그 다음에는요?")
    return "\n".join(lines) + "\n"


@pytest.fixture
def study(tmp_path, kiwi, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    pixel = Pixel()
    names = hostile(pixel.port)
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    database = open_database(url)
    source = tmp_path / names["file"]
    source.write_text(_transcript(names), encoding="utf-8")
    with database.transaction() as session:
        project = create_project(session, names["project"], actor="tester")
        lead = users.create_user(session, "팀장", PASSWORD, role="lead", actor="tester")
        users.create_user(session, "관리자", PASSWORD, role="admin", actor="tester")
        coders = [users.create_user(session, names[k], PASSWORD, role="coder", actor="tester")
                  for k in ("coder1", "coder2", "coder3")]
        for user in [lead, *coders]:
            users.add_member(session, project, user, actor="tester")
        for path in names["codes"]:
            add_code(session, project, path, actor="팀장", definition=names["definition"], keywords=["자활센터"])
        import_files(session, project, [source], ImportOptions(group=names["group"]), actor="팀장", analyzer=kiwi)
        transcript = list_transcripts(session, project)[0]
        rows = [r for r in list_segments(session, transcript.id) if not r.is_moderator]
        for i, row in enumerate(rows):
            apply_code(session, coders[0], row.id, names["codes"][i % 2], memo=names["memo"])
            apply_code(session, coders[1], row.id, names["codes"][(i // 2) % 3])
            apply_code(session, coders[2], row.id, names["codes"][i % 5])
        reveal(session, lead, transcript.id, reason=names["reason"])
        decide(session, lead, rows[0].id, names["codes"][1], "apply", reason=names["reason"])
        create_node(session, project, "domain", names["node"], actor="팀장")
        propose(session, project, ProposalSettings(k=2), viewer=lead)
    server = StreamlitServer(url, tmp_path / "streamlit.log")
    yield server, pixel, names
    server.stop()
    pixel.stop()
    database.dispose()


FORMATTED = """(port) => {
  const found = [];
  const words = ["굵게", "빨강", "click", "t", "x2", "제목", "www.example.com"];
  document.querySelectorAll(".katex, .katex-display, math").forEach(e => found.push("katex: " + e.textContent));
  document.querySelectorAll("img").forEach(e => {
    if (!e.src.startsWith(location.origin) || e.src.includes(String(port))) found.push("img: " + e.src);
  });
  document.querySelectorAll("a").forEach(e => {
    const href = e.getAttribute("href") || "";
    if (/^javascript:/i.test(href) || href.includes(String(port)) || href.includes("example.com")
        || /click|굵게/.test(e.textContent)) found.push("a: " + href + " " + e.textContent);
  });
  document.querySelectorAll("strong, em, b, i, del, code, h1, h2, h3, h4, h5, h6, blockquote, li, span, tspan")
    .forEach(e => { if (words.includes(e.textContent.trim())) found.push(e.tagName + ": " + e.textContent); });
  return found;
}"""


def _open(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
    settle(page, 900, first=600)
    for tab in TABS.get(title, []):
        page.get_by_role("tab", name=tab).click()
        settle(page, 900, first=600)


def _check(page, port: int, where: str) -> None:
    assert page.evaluate(FORMATTED, port) == [], where
    assert page.locator("[data-testid='stException']").count() == 0, where


def _visit(page, pages, port, who) -> None:
    for title in pages:
        _open(page, title)
        screenshot(page, f"hostile-{who}-{pages.index(title) + 1}")
        _check(page, port, f"{who} on {title}")


def _shown(page, selector: str, text: str) -> None:
    """Wait until an element of ``selector`` shows ``text`` as typed (less literal()'s
    invisible joiners in would-be links)."""
    for _ in range(120):
        texts = page.eval_on_selector_all(selector, "elements => elements.map(e => e.innerText)")
        if any(text in shown.replace("\u2060", "") for shown in texts):
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"{text!r} is not shown in {selector}")


def test_hostile_names_render_as_plain_text_everywhere(study, browser):
    server, pixel, names = study
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        page.goto(server.url)
        log_in(page, "팀장", PASSWORD)
        _visit(page, LEAD_PAGES, pixel.port, "lead")

        _open(page, "전사본 보기")  # the group, as typed, in the caption
        _shown(page, "[data-testid='stCaptionContainer']", names["group"])

        log_out(page)
        log_in(page, "관리자", PASSWORD)  # only admins are offered a new project
        _open(page, "프로젝트 / 가져오기")  # error messages that quote user text
        page.get_by_label("프로젝트 이름").fill(names["project"])
        page.get_by_role("button", name="만들기").click()
        _shown(page, "[data-testid='stAlert']", names["project"])
        page.locator("input[type=file]").first.set_input_files(
            files=[{"name": names["file"], "mimeType": "text/plain", "buffer": b""}])
        page.locator("[data-testid='stFileChipDeleteBtn']").first.wait_for(timeout=30_000)
        settle(page, 900, first=600)  # the upload is done before the form is sent
        page.get_by_role("button", name="가져오기").click()
        _shown(page, "[data-testid='stAlert']", f"{names['file']}: 파일이 비어 있습니다")  # the app speaks Korean
        settle(page, 900, first=600)
        screenshot(page, "hostile-lead-errors")
        _check(page, pixel.port, "lead: error messages")
        assert page.get_by_label("프로젝트 이름").input_value() == names["project"]  # the refused name stays

        log_out(page)
        log_in(page, names["coder1"], PASSWORD)  # waits for the coder's own name, as typed, in the sidebar
        _visit(page, CODER_PAGES, pixel.port, "coder")
    except AssertionError:
        screenshot(page, "hostile-failed")
        raise
    finally:
        context.close()
    assert [url for url in requests if f":{pixel.port}" in url] == []
    assert pixel.hits == []
    assert len(requests) > 20  # the log did record the app's own requests
