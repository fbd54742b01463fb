"""A whole study in a real browser: the lead imports the sample transcripts and codebook,
two coders code a transcript blind, the lead reveals and reconciles, proposes themes,
accepts and merges two candidates and exports the Word theme table. Screenshots go to
test-output/. One transcript carries markup, which must show as typed and never run."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from coding import users
from tests.conftest import REPO
from tests.e2e.conftest import OUTPUT, log_in, log_out, screenshot, served, settle

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"
PROJECT = "E2E 자활 연구"
XSS = "<script>window.__xss=1</script> **굵게** <b>태그</b>"
SMALL = f"""진행자: 오늘은 자활센터에서 달라진 점을 이야기해 주세요.
참여자1: {XSS}
참여자2: 처음에는 자신감이 하나도 없었는데 요즘은 뭐든 할 수 있겠다는 생각이 들어요.
참여자1: 같이 일하는 동료들이 챙겨 줘서 외롭지 않았어요.
참여자3: 선생님이 매일 전화해 주셔서 마음이 많이 안정됐어요.
참여자2: 자격증을 따고 나서 취업까지 하게 됐어요.
참여자3: 동료 언니들이랑 점심도 같이 먹고 관계가 좋아졌어요.
참여자1: 칭찬을 들으니까 뿌듯하고 자신감이 생겼어요.
"""


@pytest.fixture
def server(tmp_path, monkeypatch):
    def fill(session):
        for name, role in (("관리자", "admin"), ("팀장", "lead"), ("코더1", "coder"), ("코더2", "coder")):
            users.create_user(session, name, PASSWORD, role=role, actor="setup")
    with served(tmp_path, monkeypatch, fill) as server:
        yield server


def go(page, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)


def pick(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).first.click()
    settle(page)


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def add_code(page, text: str) -> None:
    box = page.get_by_role("combobox", name="이 줄의 코드 (입력해서 찾기)")
    expect(box).to_have_count(1, timeout=60_000)  # the previous line's widget is gone
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.locator(".st-key-coding-saved").filter(has_text=text).wait_for(timeout=30_000)
    settle(page, 300)


def goto_line(page, line: int) -> None:
    box = page.get_by_label("줄 번호로 이동")
    expect(box).to_have_count(1, timeout=60_000)
    box.fill(str(line))
    box.press("Enter")
    page.locator(".st-key-coding-current").filter(has_text=f"{line}줄 ·").wait_for(timeout=30_000)
    settle(page, 300)


def code_lines(page, codings: dict[int, list[str]]) -> None:
    go(page, "코딩")
    pick(page, "전사본", "xss_집단토론")
    settle(page, 1500)
    for line, codes in codings.items():
        goto_line(page, line)
        for code in codes:
            add_code(page, code)


def test_a_full_study(server, page, tmp_path):
    transcript = tmp_path / "xss_집단토론.txt"
    transcript.write_text(SMALL, encoding="utf-8")
    samples = sorted((REPO / "transcripts").glob("*_FGI_*"))
    page.set_default_timeout(90_000)
    page.goto(server.url)
    page.get_by_role("button", name="로그인").wait_for(timeout=30_000)

    # -- the admin: the project and its lead (only admins create projects) --------------------
    log_in(page, "관리자", PASSWORD)
    page.get_by_label("프로젝트 이름").fill(PROJECT)
    page.get_by_role("button", name="만들기").click()
    page.get_by_text("참여 중인 프로젝트가 없습니다").wait_for(state="detached", timeout=30_000)
    settle(page)
    go(page, "팀")
    pick(page, "사용자", "팀장")
    page.get_by_role("button", name="구성원으로 추가").click()
    page.get_by_text("구성원으로 추가했습니다: 팀장").wait_for(timeout=30_000)
    settle(page)
    log_out(page)

    # -- the lead: transcripts, codebook, team ----------------------------------------------
    log_in(page, "팀장", PASSWORD)
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([*map(str, samples), str(transcript)])
    page.get_by_label("집단 (예: 실무자, 참여주민)").fill("실무자")
    page.get_by_role("button", name="가져오기").click()
    # the page reruns after an import and lists each file's result above a fresh form
    page.get_by_text("xss_집단토론: 8개 단위").wait_for(timeout=180_000)
    settle(page)
    screenshot(page, "01-lead-imported")
    no_exception(page)

    go(page, "코드북")
    page.get_by_role("tab", name="파일 가져오기").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(REPO / "codebooks" / "자활사례관리_코드북.yaml"))
    page.get_by_role("button", name="가져오기").click()
    page.get_by_text("코드북을 가져왔습니다").wait_for(timeout=60_000)
    settle(page)
    screenshot(page, "02-lead-codebook")

    go(page, "팀")
    for coder in ("코더1", "코더2"):
        pick(page, "사용자", coder)
        page.get_by_role("button", name="구성원으로 추가").click()
        page.get_by_text(f"구성원으로 추가했습니다: {coder}").wait_for(timeout=30_000)
        settle(page)
    log_out(page)

    # -- two coders, blind ------------------------------------------------------------------
    log_in(page, "코더1", PASSWORD)
    code_lines(page, {3: ["자신감 회복"], 4: ["관계 회복"], 8: ["자신감 회복"], 5: ["정서 변화"]})
    screenshot(page, "03-coder1-coding")
    no_exception(page)
    log_out(page)

    log_in(page, "코더2", PASSWORD)
    code_lines(page, {3: ["자신감 회복"], 4: ["관계 회복"], 7: ["관계 회복"], 5: ["사례관리자의 지지"]})
    page.get_by_text("블라인드 코딩 중입니다: 팀장이 공개하기 전까지는 내 코딩만 보입니다.").wait_for()
    assert page.get_by_text("코더1:").count() == 0  # blind: nothing of 코더1's shows
    assert page.get_by_role("link", name="조정").count() == 0  # and no reconciliation for coders

    # the keyboard moves to the next uncoded line (line 5 was coded last; 6 is the next uncoded)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Alt+N")
    page.locator(".st-key-coding-current").filter(has_text="6줄 ·").wait_for(timeout=30_000)
    settle(page, 300)

    # the line with markup shows as typed and never runs
    goto_line(page, 2)
    current = page.locator(".st-key-coding-current")
    assert XSS in current.inner_text()
    assert page.evaluate("() => window.__xss") is None
    assert current.locator("script, b, strong").count() == 0
    screenshot(page, "04-coder2-markup-literal")
    log_out(page)

    # -- the lead: reveal, agreement, reconcile -------------------------------------------------
    log_in(page, "팀장", PASSWORD)
    go(page, "코딩")
    pick(page, "전사본", "xss_집단토론")
    page.get_by_role("button", name="이 전사본의 코딩 공개…").click()
    page.get_by_role("button", name="공개합니다").click()
    page.get_by_text("이 전사본의 코딩은 공개되었습니다").wait_for(timeout=30_000)
    settle(page)

    go(page, "일치도")
    pick(page, "범위", "xss_집단토론")
    page.get_by_text("Krippendorff α (전체)").wait_for(timeout=60_000)
    page.get_by_role("tab", name="히트맵").click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    settle(page, 1500)
    screenshot(page, "05-lead-agreement-heatmap")

    go(page, "조정")
    page.get_by_text("불일치 목록").wait_for(timeout=60_000)
    before = int(page.locator("[data-testid='stMetricValue']").first.inner_text())
    assert before >= 2
    screenshot(page, "06-lead-reconcile-before")
    page.get_by_label("사유").fill("정의에 비추어 적용하는 것이 맞음")
    page.get_by_role("button", name="결정 저장").click()
    page.get_by_text("결정을 저장했습니다").wait_for(timeout=30_000)
    settle(page)
    assert int(page.locator("[data-testid='stMetricValue']").first.inner_text()) == before - 1
    screenshot(page, "07-lead-reconcile-after")

    # -- themes: propose, accept and merge two candidates --------------------------------------
    go(page, "주제")
    page.get_by_role("spinbutton", name="후보 수 k (0 = 자동)").fill("2")
    page.get_by_role("button", name="제안 실행").click()
    page.get_by_role("tab", name="후보 카드").wait_for(timeout=180_000)
    settle(page, 1500)
    screenshot(page, "08-lead-theme-candidates")
    page.get_by_role("tab", name="산점도").click()
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    settle(page, 1500)
    screenshot(page, "09-lead-theme-scatter")
    page.get_by_role("tab", name="후보 카드").click()
    boxes = page.get_by_text("선택", exact=True)
    boxes.nth(0).click()
    settle(page, 300)
    boxes.nth(1).click()
    settle(page, 300)
    page.get_by_role("button", name="선택한 후보 2개를 수락해 하나로 합치기").click()
    page.get_by_text("합쳤습니다.").wait_for(timeout=60_000)
    settle(page, 1500)
    screenshot(page, "10-lead-theme-tree")
    no_exception(page)

    # -- export the Word theme table ---------------------------------------------------------
    go(page, "내보내기")
    settle(page)
    screenshot(page, "11-lead-export")
    with page.expect_download(timeout=120_000) as download:
        page.locator(".st-key-export-themes-themes-docx button, [class*='st-key-export.themes.themes.docx'] button") \
            .or_(page.get_by_role("button", name="DOCX")).first.click()
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / "e2e-themes.docx"
    download.value.save_as(str(target))
    with zipfile.ZipFile(target) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "영역" in document and "하위주제" in document
    no_exception(page)
