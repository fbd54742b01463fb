"""조정 in a real browser: a lead makes ten decisions in a row without re-picking a line, each
checked in the database; then two leads in two browsers decide at once: no decision is lost,
and a save on a line the other lead decided after the card was shown is refused with a
message. Runs on SQLite and PostgreSQL. Screenshots go to test-output/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from coding import users
from coding.applications import apply_code
from coding.codebook import code_index
from coding.demo_team import DEMO_PASSWORD
from coding.models import ConsensusDecision, User
from fgi.demo import DEMO_PROJECT
from fgi.models import Event
from fgi.study import get_project, list_transcripts
from tests.e2e.conftest import demo_study, log_in, screenshot, served, settle

pytestmark = pytest.mark.browser
CONFIDENCE, RELATIONS, MOOD = "참여주민의 변화/자신감 회복", "참여주민의 변화/관계 회복", "참여주민의 변화/정서 변화"
SECOND_LEAD = "팀장2"
LINES = range(2, 16)  # 14 lines the two coders code differently


def _disputed_codings(session) -> None:
    """A second lead, and 14 lines of the first transcript the two coders code differently."""
    project = get_project(session, DEMO_PROJECT)
    users.add_member(session, project, users.create_user(session, SECOND_LEAD, DEMO_PASSWORD, role="lead",
                                                         actor="tester"), actor="tester")
    first = list_transcripts(session, project)[0]
    one, two = users.get_user(session, "코더1"), users.get_user(session, "코더2")
    for line in LINES:
        segment = f"{first.id}-{line:04d}"
        apply_code(session, one, segment, CONFIDENCE, memo="스스로 해냈다는 말" if line % 4 == 0 else None)
        apply_code(session, two, segment, RELATIONS)
        if line % 3 == 0:  # a code both applied: agreed, shown but not in dispute
            apply_code(session, one, segment, MOOD)
            apply_code(session, two, segment, MOOD)


@pytest.fixture
def server(database_url, tmp_path, kiwi, monkeypatch):
    with served(tmp_path, monkeypatch, demo_study(kiwi), _disputed_codings, url=database_url) as server:
        yield server


def open_reconcile(page, url: str, name: str) -> None:
    page.set_default_timeout(90_000)
    page.goto(url)
    page.get_by_role("button", name="로그인").wait_for(timeout=60_000)
    log_in(page, name, DEMO_PASSWORD)
    page.get_by_role("link", name="조정").first.click()
    page.get_by_role("heading", name="조정", exact=True).wait_for(timeout=60_000)
    page.locator(".st-key-reconcile-card").wait_for(timeout=60_000)
    settle(page)


def current_line(page) -> int:
    """The line on the card, after checking that the selectbox shows the same line."""
    card = page.locator(".st-key-reconcile-card").inner_text()
    line = int(re.search(r"(\d+)줄", card).group(1))
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="검토할 줄")
    picked = picker.inner_text() + " " + picker.get_by_role("combobox").input_value()
    assert re.search(rf"\b{line}줄 ·", picked), (card, picked)
    return line


def choose(page, code_row: int, action: str) -> None:
    page.locator(f".st-key-reconcile-code-{code_row}").get_by_text(action, exact=True).click()


def save(page, reason: str) -> None:
    page.get_by_label("사유").fill(reason)
    page.get_by_role("button", name="결정 저장").click()


def decisions(server) -> dict[int, dict[str, tuple]]:
    """line -> code -> (decision, replacement, lead, reason), read from the database."""
    with server.database.reading() as session:
        project = get_project(session, DEMO_PROJECT)
        paths = {c.id: p for p, c in code_index(session, project).items()}
        names = dict(session.execute(select(User.id, User.name)).all())
        found: dict[int, dict[str, tuple]] = {}
        for row in session.scalars(select(ConsensusDecision)):
            line = int(row.segment_id.rsplit("-", 1)[1])
            found.setdefault(line, {})[paths[row.code_id]] = (
                row.decision, paths.get(row.replacement_code_id), names[row.decided_by], row.reason)
        return found


def decide_events(server) -> int:
    with server.database.reading() as session:
        return len(session.scalars(select(Event.id).where(Event.kind == "consensus.decide")).all())


@pytest.fixture
def page(browser, request):
    """A tall window, so a full-page picture shows the card and its form."""
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="ko-KR")
    page = context.new_page()
    yield page
    if getattr(request.node, "call_failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def test_ten_decisions_in_a_row_without_re_picking(server, page):
    open_reconcile(page, server.url, "팀장")
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text(str(len(LINES)), timeout=60_000)
    screenshot(page, "reconcile-01-first-line")
    made: dict[int, tuple[str, str]] = {}
    for n in range(10):
        line = current_line(page)
        assert line == LINES[n]  # the next open line, in order, with nothing picked by hand
        # Codes on the card: the disputed ones first, by path: 관계 회복 (row 0), 자신감 회복 (row 1).
        action = ("keep", "drop", "replace")[n % 3]
        if action == "keep":
            pass  # 유지 for both
        elif action == "drop":
            choose(page, 1, "삭제")
        else:
            choose(page, 0, "대체")
            box = page.locator(".st-key-reconcile-code-0 [data-testid='stSelectbox']")
            box.click()
            page.get_by_role("option", name=MOOD if line % 3 else "참여주민의 변화/근로 습관 형성").first.click()
        reason = f"{line}줄: 판단 {n + 1}"
        save(page, reason)
        page.get_by_text(f"{line}줄의 결정을 저장했습니다").wait_for(timeout=60_000)
        settle(page)
        made[line] = (action, reason)
        if n in (0, 2):
            screenshot(page, f"reconcile-0{2 + n // 2}-after-decision-{n + 1}")
    assert current_line(page) == LINES[10]
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text(str(len(LINES) - 10), timeout=60_000)
    expect(page.locator("[data-testid='stMetricValue']").nth(2)).to_have_text(f"10 / {len(LINES)}", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0

    stored = decisions(server)
    assert set(stored) == set(made)
    for line, (action, reason) in made.items():
        codes = stored[line]
        assert {r for *_, r in codes.values()} == {reason}
        assert {lead for _, _, lead, _ in codes.values()} == {"팀장"}
        if action == "keep":
            assert codes == {CONFIDENCE: ("apply", None, "팀장", reason), RELATIONS: ("apply", None, "팀장", reason)}
        elif action == "drop":
            assert codes == {CONFIDENCE: ("reject", None, "팀장", reason), RELATIONS: ("apply", None, "팀장", reason)}
        else:
            new = MOOD if line % 3 else "참여주민의 변화/근로 습관 형성"
            assert codes == {CONFIDENCE: ("apply", None, "팀장", reason), RELATIONS: ("replace", new, "팀장", reason)}
    assert decide_events(server) == 20  # two codes decided per line, each an event


def test_two_leads_decide_at_once(server, browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 2200}, locale="ko-KR") for _ in range(2)]
    one, two = (context.new_page() for context in contexts)
    try:
        open_reconcile(one, server.url, "팀장")
        open_reconcile(two, server.url, SECOND_LEAD)
        first = current_line(one)
        assert current_line(two) == first  # both cards show the same open line
        # The first lead saves; the second lead's card was shown before that save.
        save(one, "첫 팀장의 결정")
        one.get_by_text(f"{first}줄의 결정을 저장했습니다").wait_for(timeout=60_000)
        settle(one)
        choose(two, 1, "삭제")
        save(two, "둘째 팀장의 결정")
        two.get_by_text("다른 팀장의 결정").wait_for(timeout=60_000)
        settle(two)
        screenshot(two, "reconcile-04-refused")
        assert two.get_by_label("사유").input_value() == "둘째 팀장의 결정"  # kept
        assert current_line(two) == first  # the line stays, now with the first lead's decision
        assert "첫 팀장의 결정" in two.locator(".st-key-reconcile-code-0").inner_text()
        assert decisions(server)[first][CONFIDENCE] == ("apply", None, "팀장", "첫 팀장의 결정")

        # Now both decide different lines at the same moment.
        second = current_line(one)
        assert second != first
        picker = two.locator("[data-testid='stSelectbox']").filter(has_text="검토할 줄")
        picker.click()
        two.get_by_role("option", name=re.compile(rf"\b{second + 1}줄 ·")).first.click()
        # the card follows the picker after a rerun, which on a loaded machine may start late
        expect(two.locator(".st-key-reconcile-card")).to_contain_text(re.compile(rf"\b{second + 1}줄"),
                                                                      timeout=60_000)
        settle(two)
        assert current_line(two) == second + 1
        one.get_by_label("사유").fill("첫 팀장: 동시에")
        two.get_by_label("사유").fill("둘째 팀장: 동시에")
        one.get_by_role("button", name="결정 저장").click()
        two.get_by_role("button", name="결정 저장").click()
        one.get_by_text(f"{second}줄의 결정을 저장했습니다").wait_for(timeout=60_000)
        two.get_by_text(f"{second + 1}줄의 결정을 저장했습니다").wait_for(timeout=60_000)
        settle(one)
        settle(two)
        screenshot(two, "reconcile-05-second-lead-saved")
        for page in (one, two):
            assert page.locator("[data-testid='stException']").count() == 0

        stored = decisions(server)
        assert {line: {r for *_, r in codes.values()} for line, codes in stored.items()} == {
            first: {"첫 팀장의 결정"}, second: {"첫 팀장: 동시에"}, second + 1: {"둘째 팀장: 동시에"}}
        assert {lead for _, _, lead, _ in stored[second + 1].values()} == {SECOND_LEAD}
        assert decide_events(server) == 6  # the refused save wrote nothing
    finally:
        for context in contexts:
            context.close()
