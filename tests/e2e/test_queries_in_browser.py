"""검색 and 코드 검색 in a real browser: a coder searches by lemma (까다롭다 finds 까다로워서,
까다로운, 까다롭다고), codes all hits in one action, undoes it as one step, does it again,
retrieves the coded lines on 코드 검색 and opens one in the coding view. Screenshots go to
test-output/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coding import users
from coding.applications import codings_for
from coding.codebook import add_code
from fgi.ingest import import_files
from fgi.study import create_project, get_project
from tests.e2e.conftest import log_in, screenshot, served, settle
from tests.e2e.test_full_study import go, no_exception

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"
PROJECT = "검색 연구"
TEXT = """진행자: 자활센터에 다니면서 달라진 점을 이야기해 주세요.
참여자1: 처음에는 서류가 까다로워서 포기할 뻔했어요.
참여자2: 선생님이 매일 전화해 주셔서 자신감이 생겼어요.
참여자3: 자격증 시험 준비가 까다로운 편이었어요.
참여자1: 이제는 일하러 나가는 게 즐거워요.
참여자2: 절차가 너무 까다롭다고 느꼈어요.
"""
CODE = "행정 부담"


@pytest.fixture
def server(tmp_path, monkeypatch, kiwi):
    source = tmp_path / "검색_집단토론.txt"
    source.write_text(TEXT, encoding="utf-8")
    imported = []

    def fill(session):
        project = create_project(session, PROJECT, actor="setup")
        for code in (CODE, "자신감 회복"):
            add_code(session, project, code, actor="setup")
        imported.extend(import_files(session, project, [source], actor="setup", analyzer=kiwi))
        users.add_member(session, project, users.create_user(session, "코더1", PASSWORD, role="coder", actor="setup"),
                         actor="setup")
    with served(tmp_path, monkeypatch, fill) as server:
        server.transcript = imported[0].transcript_id
        yield server


def _coded(server) -> list[int]:
    with server.database.reading() as session:
        return sorted(c.line for c in codings_for(session, users.get_user(session, "코더1"),
                                                  project=get_project(session, PROJECT)) if c.code_path == CODE)


def test_search_code_all_undo_retrieve_and_open(server, page):
    page.goto(server.url)
    log_in(page, "코더1", PASSWORD)
    go(page, "검색")
    page.get_by_label("찾을 말").fill("까다롭다")
    page.get_by_role("button", name="검색", exact=True).click()
    page.get_by_text("3개 일치").wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    for word in ("까다로워서", "까다로운", "까다롭다고"):
        expect(page.get_by_text(word).first).to_be_visible()
    screenshot(page, "queries-01-lemma-search")

    # Open the picker by its box, not the widget's middle (below the fold, a click there can
    # land between the label and the box and open nothing); pickers may show a code as its full
    # path ("parent/child"), so take the option that is the code or ends in "/" + the code.
    picker = page.get_by_role("combobox", name="적용할 코드")
    picker.scroll_into_view_if_needed()
    picker.click()
    shown_as = re.compile(rf"^(?:.+[/])?{re.escape(CODE)}$")
    page.get_by_role("option", name=shown_as).first.click()
    expect(picker).to_have_value(shown_as)
    settle(page)
    page.get_by_role("button", name="한 번에 코딩").click()
    page.get_by_text("3줄에 '행정 부담' 코드를 적용했습니다").wait_for(timeout=60_000)
    settle(page)
    assert _coded(server) == [2, 4, 6]
    screenshot(page, "queries-02-coded-all-hits")

    page.get_by_role("button", name="되돌리기").click()
    page.get_by_text("되돌렸습니다").wait_for(timeout=60_000)
    settle(page)
    assert _coded(server) == []
    screenshot(page, "queries-03-undone")
    page.get_by_role("button", name="다시 실행").click()
    page.get_by_text("다시 실행했습니다").wait_for(timeout=60_000)
    settle(page)
    assert _coded(server) == [2, 4, 6]

    go(page, "코드 검색")
    box = page.get_by_role("combobox", name="다음 코드 중 하나라도 있는 줄 (OR)")
    box.click()
    box.fill(CODE)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("앞뒤 문맥 (줄 수)").fill("1")
    page.get_by_role("button", name="코드 검색", exact=True).click()
    page.get_by_text("3줄").first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    expect(page.get_by_role("button", name="코딩에서 열기")).to_have_count(3)
    expect(page.get_by_text("자격증 시험 준비가 까다로운 편이었어요.")).to_be_visible()
    screenshot(page, "queries-04-retrieval")

    page.get_by_role("button", name="코딩에서 열기").nth(1).click()
    page.get_by_role("heading", name="코딩", exact=True).wait_for(timeout=60_000)
    page.locator(".st-key-coding-current").filter(has_text="4줄 ·").wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    screenshot(page, "queries-05-opened-in-coding-view")
