"""The document-style coding view in Chromium: pick a range of lines with a click and a
shift-click, code them in one action, undo and redo it; every utterance wrapped and fully
visible at 1400 and 1920 px; the current line kept in view as the coder moves by keys and by
line number; other coders' codes for a lead, as chips with initials."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coding.applications import codings_for
from coding.demo_team import DEMO_PASSWORD
from coding.users import get_user
from fgi.demo import DEMO_PROJECT
from fgi.study import get_project, list_segments, list_transcripts
from tests.e2e.conftest import demo_study, log_in, screenshot, served, settle

pytestmark = pytest.mark.browser
CODE = "자신감 회복"


@pytest.fixture
def server(tmp_path, kiwi, monkeypatch):
    with served(tmp_path, monkeypatch, demo_study(kiwi, coded_lines=6)) as server:
        yield server


def _mine(server, who: str) -> list[tuple[int, str]]:
    with server.database.reading() as session:
        user = get_user(session, who)
        project = get_project(session, DEMO_PROJECT)
        first = list_transcripts(session, project)[0]
        return sorted((c.line, c.code_path.rsplit("/", 1)[-1])
                      for c in codings_for(session, user, transcript_id=first.id, coder=user))


def _texts(server) -> dict[int, str]:
    with server.database.reading() as session:
        first = list_transcripts(session, get_project(session, DEMO_PROJECT))[0]
        return {r.line: r.text for r in list_segments(session, first.id)}


def _row(page, line: int):
    return page.locator(f".st-key-coding-document .ln[data-line='{line}']")


def _in_view(page, line: int) -> bool:
    """Is the row of ``line`` wholly inside the document's scrolled box and the window?"""
    return page.locator(".st-key-coding-document .doc").evaluate(
        """(doc, line) => {
            const row = doc.querySelector(`.ln[data-line="${line}"]`);
            if (!row) return false;
            const box = doc.getBoundingClientRect(), r = row.getBoundingClientRect();
            return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight;
        }""", line)


def _cut_lines(page) -> list[int]:
    """Lines whose utterance does not show whole: text clipped or overflowing its cell."""
    return page.locator(".st-key-coding-document .doc").evaluate(
        """(doc) => [...doc.querySelectorAll('.ln')].filter((row) => {
            const tx = row.querySelector('.tx');
            return tx.scrollWidth > tx.clientWidth + 1 || tx.scrollHeight > tx.clientHeight + 1
                || getComputedStyle(tx).textOverflow === 'ellipsis' || getComputedStyle(tx).overflow === 'hidden';
        }).map((row) => Number(row.dataset.line))""")


def test_code_a_range_undo_redo_and_read_every_line_whole(server, page):
    page.set_default_timeout(60_000)
    page.goto(server.url)
    log_in(page, "코더1", DEMO_PASSWORD)
    page.get_by_role("link", name="코딩", exact=True).click()
    document = page.locator(".st-key-coding-document .doc")
    document.locator(".ln").first.wait_for()
    settle(page, 1000)

    # every utterance is there in full, wrapped, nowhere cut (1400 px)
    texts = _texts(server)
    shown = document.evaluate("(doc) => [...doc.querySelectorAll('.ln')].map((r) => [Number(r.dataset.line), "
                              "r.querySelector('.tx').textContent])")
    assert {line: text for line, text in shown} == texts
    assert _cut_lines(page) == []
    longest = max(texts, key=lambda n: len(texts[n]))
    _row(page, longest).scroll_into_view_if_needed()
    assert _row(page, longest).locator(".tx").bounding_box()["height"] > 40  # wrapped onto several lines
    assert "None" not in document.inner_text()

    # a click picks line 30, a shift-click extends to 34: one range, one action
    before = _mine(server, "코더1")
    _row(page, 30).scroll_into_view_if_needed()
    _row(page, 30).click()
    page.locator(".st-key-coding-current").filter(has_text="30줄 ·").wait_for()
    _row(page, 34).click(modifiers=["Shift"])
    page.get_by_text("30-34번 줄 선택 (5줄)").first.wait_for()
    settle(page, 300)
    chooser = page.get_by_role("combobox", name="선택한 줄에 적용하거나 제거할 코드")
    chooser.click()
    chooser.fill(CODE)
    page.get_by_role("option").filter(has_text=CODE).first.click()
    # the choice is the app's before the button is pressed (a click during the rerun would apply nothing)
    expect(chooser).to_have_value(re.compile(f"/{CODE}$"))
    settle(page, 300)
    page.get_by_role("button", name="5줄에 적용").click()
    settle(page, 300)
    _row(page, 34).locator(".chip.mine").filter(has_text=CODE).wait_for()
    settle(page, 500)
    after = _mine(server, "코더1")
    assert sorted(set(after) - set(before)) == [(n, CODE) for n in range(30, 35) if (n, CODE) not in before]
    for line in range(30, 35):
        assert _row(page, line).locator(".chip.mine").filter(has_text=CODE).count() == 1
        assert _row(page, line).locator(".slot.on").count() >= 1  # a stripe in the code's colour
    colour = _row(page, 32).locator(".chip.mine").filter(has_text=CODE).evaluate(
        "(chip) => getComputedStyle(chip).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 0, 0)")
    assert _in_view(page, 34)
    screenshot(page, "coding-view-range-coded-1400")

    # undo: the five codings go, in one step; redo: they come back
    page.get_by_role("button", name="되돌리기").click()
    page.get_by_text("되돌렸습니다: 30-34번 줄(5줄)에서 '자신감 회복' 적용").wait_for()
    expect(_row(page, 32).locator(".chip.mine").filter(has_text=CODE)).to_have_count(0)
    assert _mine(server, "코더1") == before
    screenshot(page, "coding-view-undone-1400")
    page.get_by_role("button", name="다시 실행").click()
    page.get_by_text("다시 실행했습니다: 30-34번 줄(5줄)에서 '자신감 회복' 적용").wait_for()
    _row(page, 32).locator(".chip.mine").filter(has_text=CODE).wait_for()
    assert _mine(server, "코더1") == after

    # the current line stays in view: by line number, then by keys in the document
    box = page.get_by_label("줄 번호로 이동")
    box.fill("45")
    box.press("Enter")
    page.locator(".st-key-coding-current").filter(has_text="45줄 ·").wait_for()
    settle(page, 800)
    assert _in_view(page, 45)
    screenshot(page, "coding-view-line-45-1400")
    _row(page, 45).click()
    page.locator(".st-key-coding-current").filter(has_text="45줄 ·").wait_for()
    for _ in range(12):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(120)
    page.locator(".st-key-coding-current").filter(has_text="57줄 ·").wait_for()
    settle(page, 600)
    assert _in_view(page, 57)
    assert "cur" in _row(page, 57).get_attribute("class")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.get_by_text("57-59번 줄 선택 (3줄)").first.wait_for()
    page.keyboard.press("Escape")
    page.locator(".st-key-coding-current").filter(has_text="59줄 ·").wait_for()

    # 1920 px: still whole
    page.set_viewport_size({"width": 1920, "height": 1080})
    settle(page, 1000)
    assert _cut_lines(page) == []
    assert _in_view(page, 59)
    screenshot(page, "coding-view-1920")
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_lead_sees_other_coders_codes_as_chips_with_initials(server, page):
    page.set_default_timeout(60_000)
    page.goto(server.url)
    log_in(page, "팀장", DEMO_PASSWORD)
    page.get_by_role("link", name="코딩", exact=True).click()
    document = page.locator(".st-key-coding-document .doc")
    document.locator(".chip.other").first.wait_for()
    settle(page, 800)
    chip = document.locator(".chip.other").first
    assert chip.locator(".who").inner_text() in ("코1", "코2", "코1, 코2")
    row = chip.locator("xpath=ancestor::div[contains(@class, 'ln')]")
    text = row.locator(".tx")
    chip_box, text_box = chip.bounding_box(), text.bounding_box()
    assert chip_box["y"] >= text_box["y"] + text_box["height"] - 1  # under the utterance, never over it
    assert _cut_lines(page) == []
    screenshot(page, "coding-view-lead-1400")
