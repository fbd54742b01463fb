"""A line memo outlives its code in a real browser: a coder codes a line and writes a memo on
it in the coding view's memo section ("이 줄의 메모"), removes the code (the memo stays beside
the line, marked in the document, and on the 메모 page too), adds the code again and sees the
memo still beside the line; another coder does not see it before reveal. Screenshots go to
test-output/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coding import users
from coding.codebook import add_code as add_codebook_code
from coding.memos import memos_for
from fgi.ingest import import_files
from fgi.study import create_project, get_project
from tests.e2e.conftest import log_in, log_out, screenshot, served, settle
from tests.e2e.test_full_study import add_code, go, goto_line, no_exception, pick

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"
PROJECT = "메모 연구"
TRANSCRIPT = "메모_집단토론"
TEXT = """진행자: 자활센터에서 달라진 점을 이야기해 주세요.
참여자1: 처음에는 자신감이 하나도 없었어요.
참여자2: 요즘은 뭐든 할 수 있겠다는 생각이 들어요.
참여자1: 칭찬을 들으니까 자신감이 생겼어요.
"""
CONFIDENCE = "자신감 회복"
MEMO = "칭찬이 전환점: 3장에 인용"


@pytest.fixture
def server(tmp_path, monkeypatch, kiwi):
    source = tmp_path / f"{TRANSCRIPT}.txt"
    source.write_text(TEXT, encoding="utf-8")

    def fill(session):
        project = create_project(session, PROJECT, actor="setup")
        add_codebook_code(session, project, CONFIDENCE, actor="setup")
        import_files(session, project, [source], actor="setup", analyzer=kiwi)
        for name, role in (("팀장", "lead"), ("코더1", "coder"), ("코더2", "coder")):
            users.add_member(session, project, users.create_user(session, name, PASSWORD, role=role, actor="setup"),
                             actor="setup")
    with served(tmp_path, monkeypatch, fill) as server:
        yield server


def _remove_last_code(page) -> None:
    """Take the line's last code off, as a keyboard user does: Backspace in the code box."""
    box = page.get_by_role("combobox", name="이 줄의 코드 (입력해서 찾기)")
    box.click()
    page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    page.locator(".st-key-coding-saved").filter(has_text="없음").wait_for(timeout=30_000)
    settle(page, 500)


NEW_MEMO = "새 메모 (코드와 따로 저장되어 코드를 지워도 남습니다)"  # ui/text.py coding.memo.new


def _line_memos(page):
    """The current line's memo section of the coding view."""
    return page.locator(".st-key-coding-memos")


def _saved_memo_box(page):
    """The text box of the line's (one) saved memo, labelled "메모" (hidden label): its author
    may edit it there."""
    return _line_memos(page).get_by_role("textbox", name="메모", exact=True)


def _memo_mark(page, line: int):
    """The ✎ mark the document draws on a line with a memo."""
    return page.locator(f".st-key-coding-document .ln[data-line='{line}'] .memo")


def _write_line_memo(page, text: str) -> None:
    memos = _line_memos(page)
    box = memos.get_by_label(NEW_MEMO, exact=True)
    expect(box).to_have_count(1, timeout=30_000)
    box.fill(text)
    memos.get_by_role("button", name="메모 저장").click()
    page.get_by_text("메모를 저장했습니다").first.wait_for(timeout=30_000)
    settle(page)


def _stored(server, viewer: str) -> list[str]:
    with server.database.reading() as session:
        return [m.text for m in memos_for(session, get_project(session, PROJECT), viewer=users.get_user(session, viewer))]


def test_a_line_memo_survives_removing_and_re_adding_its_code(server, page):
    page.goto(server.url)
    log_in(page, "코더1", PASSWORD)
    go(page, "코딩")
    pick(page, "전사본", TRANSCRIPT)
    settle(page, 1500)
    goto_line(page, 4)
    add_code(page, CONFIDENCE)
    expect(_line_memos(page)).to_contain_text("이 줄의 메모 (0)")
    _write_line_memo(page, MEMO)
    expect(_line_memos(page)).to_contain_text("이 줄의 메모 (1)", timeout=30_000)
    expect(_saved_memo_box(page)).to_have_value(MEMO, timeout=30_000)
    expect(_line_memos(page).get_by_label(NEW_MEMO, exact=True)).to_have_value("")  # the new-memo box is clear
    expect(_memo_mark(page, 4)).to_have_count(1, timeout=30_000)
    no_exception(page)
    screenshot(page, "memos-01-line-memo-written")
    assert _stored(server, "코더1") == [MEMO]

    _remove_last_code(page)
    no_exception(page)
    expect(_line_memos(page)).to_contain_text("이 줄의 메모 (1)")  # still beside the uncoded line
    expect(_saved_memo_box(page)).to_have_value(MEMO)
    expect(_memo_mark(page, 4)).to_have_count(1)
    screenshot(page, "memos-02-code-removed")
    assert _stored(server, "코더1") == [MEMO]  # the memo did not go with the code

    go(page, "메모")
    table = page.locator("[data-testid='stDataFrame']")
    table.wait_for(timeout=60_000)
    settle(page)
    expect(page.get_by_text("메모 1개 (볼 수 있는 메모 1개 중)")).to_be_visible()
    screenshot(page, "memos-03-memo-page-after-removal")

    go(page, "코딩")
    settle(page, 1500)
    goto_line(page, 4)
    add_code(page, CONFIDENCE)
    expect(_line_memos(page)).to_contain_text("이 줄의 메모 (1)", timeout=30_000)
    expect(_saved_memo_box(page)).to_have_value(MEMO, timeout=30_000)
    no_exception(page)
    screenshot(page, "memos-04-code-re-added-memo-still-there")
    log_out(page)

    log_in(page, "코더2", PASSWORD)
    go(page, "메모")
    page.get_by_text("아직 메모가 없습니다").wait_for(timeout=60_000)  # 코더1's line memo is blind
    settle(page)
    screenshot(page, "memos-05-other-coder-sees-nothing")
    assert _stored(server, "코더2") == []
