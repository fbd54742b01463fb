"""Reveal with a confirmation on 일치도 in a real browser; the independent coding's agreement
stored at reveal, shown on 조정, does not move when the lead allows post-reveal changes and
a coder adds a code afterwards (the live figure does). Screenshots go to test-output/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coding import users
from coding.applications import apply_code
from coding.codebook import add_code as add_codebook_code
from coding.reveal import latest_snapshots, post_reveal_changes
from fgi.ingest import import_files
from fgi.study import create_project, get_project
from tests.e2e.conftest import log_in, log_out, screenshot, served, settle
from tests.e2e.test_full_study import add_code, go, goto_line, no_exception, pick

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호1234"
PROJECT = "공개 시점 연구"
TRANSCRIPT = "공개_집단토론"
TEXT = """진행자: 자활센터에서 달라진 점을 이야기해 주세요.
참여자1: 처음에는 자신감이 하나도 없었어요.
참여자2: 요즘은 뭐든 할 수 있겠다는 생각이 들어요.
참여자1: 동료들이 챙겨 줘서 외롭지 않았어요.
참여자3: 선생님이 매일 전화해 주셔서 마음이 안정됐어요.
참여자2: 자격증을 따고 취업까지 했어요.
참여자3: 동료 언니들이랑 관계가 좋아졌어요.
참여자1: 칭찬을 들으니까 자신감이 생겼어요.
"""
CONFIDENCE, RELATIONS = "자신감 회복", "관계 회복"
# line -> codes, per coder: they agree on some lines and not on others
CODINGS = {"코더1": {2: [CONFIDENCE], 3: [CONFIDENCE], 4: [RELATIONS], 8: [CONFIDENCE]},
           "코더2": {2: [CONFIDENCE], 4: [RELATIONS], 7: [RELATIONS], 8: [CONFIDENCE]}}


@pytest.fixture
def server(tmp_path, monkeypatch, kiwi):
    source = tmp_path / f"{TRANSCRIPT}.txt"
    source.write_text(TEXT, encoding="utf-8")

    def fill(session):
        project = create_project(session, PROJECT, actor="setup")
        for code in (CONFIDENCE, RELATIONS):
            add_codebook_code(session, project, code, actor="setup")
        transcript = import_files(session, project, [source], actor="setup", analyzer=kiwi)[0].transcript_id
        for name, role in (("팀장", "lead"), ("코더1", "coder"), ("코더2", "coder")):
            users.add_member(session, project, users.create_user(session, name, PASSWORD, role=role, actor="setup"),
                             actor="setup")
        for coder, lines in CODINGS.items():
            user = users.get_user(session, coder)
            for line, codes in lines.items():
                for code in codes:
                    apply_code(session, user, f"{transcript}-{line:04d}", code)
    with served(tmp_path, monkeypatch, fill) as server:
        yield server


def _figures(page) -> tuple[str, str]:
    """(the snapshot's alpha in its box, the live 조정 전 α) as the 조정 page shows them."""
    go(page, "조정")
    box = page.locator(".st-key-reveal-snapshot")
    box.get_by_text("독립 코딩 일치도 (공개 시점)").wait_for(timeout=60_000)
    settle(page)
    snapshot = box.locator("[data-testid='stMetricValue']").first.inner_text()
    live = page.locator("[data-testid='stMetric']").filter(has_text="조정 전 α").locator(
        "[data-testid='stMetricValue']").inner_text()
    return snapshot, live


def test_reveal_is_confirmed_and_its_snapshot_stays_put(server, page):
    page.goto(server.url)
    log_in(page, "팀장", PASSWORD)
    go(page, "일치도")
    pick(page, "범위", TRANSCRIPT)
    page.get_by_role("button", name="이 전사본의 코딩 공개…").click()
    warning = page.get_by_text("되돌릴 수 없습니다")
    warning.wait_for(timeout=30_000)
    expect(page.get_by_role("button", name="공개합니다")).to_be_visible()
    settle(page)
    expect(page.get_by_role("button", name="이 전사본의 코딩 공개…")).to_have_count(0)  # one step at a time
    screenshot(page, "reveal-01-confirm-on-agreement")
    page.get_by_role("button", name="공개합니다").click()
    page.locator(".st-key-reveal-snapshot").get_by_text("독립 코딩 일치도 (공개 시점)").wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    screenshot(page, "reveal-02-snapshot-on-agreement")

    snapshot_before, live_before = _figures(page)
    assert snapshot_before == live_before  # nothing changed since the reveal
    screenshot(page, "reveal-03-reconcile-at-reveal")

    go(page, "코딩 라운드")
    page.get_by_text("허용 (공개 이후 변경으로 표시)").click()
    page.get_by_role("button", name="설정 저장").click()
    page.get_by_text("공개 후 코딩 변경 설정을 바꿨습니다").wait_for(timeout=30_000)
    log_out(page)

    log_in(page, "코더1", PASSWORD)
    go(page, "코딩")
    page.get_by_text("공개 이후 변경'으로 따로 보고").wait_for(timeout=60_000)
    goto_line(page, 7)
    add_code(page, RELATIONS)  # now agrees with 코더2 on line 7
    no_exception(page)
    screenshot(page, "reveal-04-coder-adds-after-reveal")
    log_out(page)

    log_in(page, "팀장", PASSWORD)
    snapshot_after, live_after = _figures(page)
    page.get_by_text("공개 이후 변경 (1건").click()
    settle(page)
    screenshot(page, "reveal-05-reconcile-after-change")
    assert snapshot_after == snapshot_before  # the independent coding's figure did not move
    assert float(live_after) > float(live_before)  # the live one did

    with server.database.reading() as session:
        project = get_project(session, PROJECT)
        lead = users.get_user(session, "팀장")
        stored = latest_snapshots(session, project, viewer=lead)
        changes = post_reveal_changes(session, project, viewer=lead)
    assert f"{stored[0].overall['alpha']:.3f}" == snapshot_before and stored[0].codings == 8
    assert [(c.line, c.code, c.coder) for c in changes] == [(7, RELATIONS, "코더1")]


def test_rounds_page_plots_the_trend(server, page):
    """Round 1 closed on the page, round 2 coded on the same transcript with a revised codebook:
    the 코딩 라운드 page plots α per round."""
    page.goto(server.url)
    log_in(page, "팀장", PASSWORD)
    go(page, "코딩 라운드")
    page.get_by_role("button", name="라운드 1 닫기").click()
    page.get_by_text("라운드 1을(를) 닫았습니다.").wait_for(timeout=60_000)
    settle(page)
    with server.database.transaction() as session:
        from coding.codebook import update_code
        from coding.rounds import open_round

        project, lead = get_project(session, PROJECT), users.get_user(session, "팀장")
        update_code(session, project, RELATIONS, {"definition": "동료·가족과의 관계가 나아짐"}, actor="팀장")
        transcript = open_round(session, lead, project, [TRANSCRIPT], note="정의 보완").transcripts[0][0]
        apply_code(session, users.get_user(session, "코더1"), f"{transcript}-0007", RELATIONS)
        apply_code(session, users.get_user(session, "코더2"), f"{transcript}-0003", CONFIDENCE)
    go(page, "코딩")
    go(page, "코딩 라운드")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    settle(page, 1500)
    no_exception(page)
    screenshot(page, "rounds-01-trend")
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 3  # overall and two codes
