"""Korean first, in a real browser: a bad transcript, a password-protected 한글 file and a
codebook with several bad rows are explained in Korean (one problem per line), the uploader
speaks Korean and states the real size limit. Screenshots in test-output/korean-*.png."""

from __future__ import annotations

import pytest

from coding.demo_team import DEMO_PASSWORD
from tests.conftest import REPO
from tests.e2e.conftest import demo_study, log_in, screenshot, served
from tests.korean import english_sentences

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, kiwi, monkeypatch):
    with served(tmp_path, monkeypatch, demo_study(kiwi)) as server:
        yield server


def _shown(page) -> str:
    """The page's visible text, without the names of Material icons (drawn as glyphs)."""
    return page.locator("[data-testid='stMain']").evaluate(
        """main => { const copy = main.cloneNode(true);
                     copy.querySelectorAll("[data-testid='stIconMaterial']").forEach(e => e.remove());
                     document.body.appendChild(copy); const text = copy.innerText; copy.remove(); return text; }""")


def _upload_and_submit(page, section, files, button: str) -> None:
    section.locator("input[type='file']").set_input_files(files)
    page.wait_for_timeout(1000)  # the upload finishes before the form is sent
    page.get_by_role("button", name=button, exact=True).first.click()


def test_import_and_codebook_errors_are_korean(server, page, tmp_path):
    page.goto(server.url)
    log_in(page, "팀장", DEMO_PASSWORD)
    page.get_by_role("heading", name="프로젝트 / 가져오기").wait_for(timeout=30_000)
    dropzone = page.locator("[data-testid='stFileUploaderDropzone']").first
    assert "파일 선택" in dropzone.inner_text() or dropzone.locator("button").count() == 1
    page.get_by_text("파일당 최대 20MB").first.wait_for(timeout=30_000)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "View" not in sidebar and "more" not in sidebar  # every page listed, no English "View more"

    empty = tmp_path / "빈파일.txt"
    empty.write_bytes(b"")
    locked = tmp_path / "암호.hwp"
    locked.write_bytes((REPO / "tests/fixtures/hwp/password-12345.hwp").read_bytes())
    form = page.locator("[data-testid='stForm']").filter(has_text="전사본 파일")
    _upload_and_submit(page, form, [str(empty), str(locked)], "가져오기")
    page.get_by_text("파일이 비어 있습니다").first.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    screenshot(page, "korean-import-error")
    shown = _shown(page)
    assert "빈파일.txt" in shown and "내보낸 전사본 파일을 고르세요" in shown
    assert not english_sentences(shown, allowed=("빈파일.txt", "암호.hwp")), english_sentences(shown)

    page.goto(server.url)  # a fresh form (a refused form keeps its files)
    page.get_by_role("heading", name="프로젝트 / 가져오기").wait_for(timeout=30_000)
    form = page.locator("[data-testid='stForm']").filter(has_text="전사본 파일")
    _upload_and_submit(page, form, [str(locked)], "가져오기")
    page.get_by_text("암호나 보안으로 보호되어").first.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    screenshot(page, "korean-import-hwp-password")
    assert "문서 보안" in _shown(page)

    page.get_by_role("link", name="코드북", exact=True).click()
    page.get_by_role("heading", name="코드북", exact=True).wait_for(timeout=30_000)
    bad = tmp_path / "코드북.csv"
    bad.write_text("path,color\n새 코드,#123456\n,#000000\n새 코드/하위,파랑\n새 코드,#654321\n", encoding="utf-8")
    page.get_by_role("tab", name="파일 가져오기").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="코드북 파일")
    _upload_and_submit(page, form, [str(bad)], "가져오기")
    page.get_by_text("문제 3개").first.wait_for(timeout=60_000)
    page.get_by_text("문제 3개").first.scroll_into_view_if_needed()  # the page scrolls inside stMain
    page.wait_for_timeout(800)
    screenshot(page, "korean-codebook-errors")
    shown = _shown(page)
    problems = [line for line in shown.split("\n") if line.startswith(("3행", "4행", "5행"))]
    assert len(problems) == 3, shown  # one problem per line
    assert not english_sentences(shown, allowed=("코드북.csv",)), english_sentences(shown)
