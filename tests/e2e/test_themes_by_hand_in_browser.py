"""Building a theme hierarchy by hand in a real browser: 2 domains, 4 themes, 8 sub-themes
and 20 codes from the code list of the 주제 page, counting what a researcher does (clicks,
keystrokes, submits); then pinning a quote, and undo saying what it took back.

Each sub-theme is one placing: pick its codes in the code list (type a few letters, Enter),
name the sub-theme, and, the first time a theme or domain is needed, choose "새로 만들기" and
name it; the next placing starts under the theme and domain used last.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from coding.demo_team import DEMO_PASSWORD
from coding.users import get_user
from fgi.demo import DEMO_PROJECT
from fgi.study import get_project
from tests.e2e.conftest import OUTPUT, demo_study, log_in, screenshot, served, settle
from themes.tree import hierarchy_tree, walk

pytestmark = pytest.mark.browser

# domain -> theme -> sub-theme -> codes (what is typed to find each code in the list)
PLAN = {
    "실무자의 경험": {
        "실무의 어려움": {"업무 부담": ["행정 서류", "실적 압박", "인력 부족"], "평가와 소진": ["평가 지표", "실무자 소진"]},
        "지원과 제언": {"기관 지원": ["공식 슈퍼", "동료 지지", "기관 차원"], "개선 방향": ["인력 충원", "과정 중심"]},
    },
    "참여주민의 변화": {
        "내적 변화": {"자신감과 정서": ["자신감 회복", "정서 변화", "낙인감"], "관계": ["관계 회복", "사례관리자의"]},
        "일과 자립": {"근로": ["근로 습관", "근로 준비"], "자립": ["경제적 자립", "취업과", "정서적 안정"]},
    },
}


@dataclass
class Count:
    clicks: int = 0
    keys: int = 0
    submits: int = 0

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def type(self, page, text: str, *, enter: bool = True) -> None:
        page.keyboard.type(text)
        self.keys += len(text)
        if enter:
            page.keyboard.press("Enter")
            self.keys += 1


@pytest.fixture
def server(tmp_path, kiwi, monkeypatch):
    from coding.keywords import keyword_nlp

    with served(tmp_path, monkeypatch, demo_study(kiwi, coded_lines=40, nlp=keyword_nlp())) as server:
        yield server


def _key(name: str) -> str:
    return ".st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in name)


def _one(locator):
    """The locator once it matches one element (while a rerun ends, the old widget may linger)."""
    deadline = time.monotonic() + 30
    while locator.count() != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    return locator


def _choose(page, count: Count, key: str, option: str) -> None:
    count.click(_one(page.locator(_key(key)).get_by_role("combobox")))
    count.click(page.get_by_role("option", name=option, exact=True))
    settle(page, 0, first=150)


def _field(page, count: Count, key: str, text: str) -> None:
    count.click(_one(page.locator(_key(key)).locator("input")))
    count.type(page, text)
    settle(page, 0, first=150)


def _read_tree(server):
    with server.database.reading() as session:
        return hierarchy_tree(session, get_project(session, DEMO_PROJECT), viewer=get_user(session, "팀장"))


def test_a_lead_builds_a_four_level_hierarchy_by_hand(server, page):
    page.goto(server.url)
    log_in(page, "팀장", DEMO_PASSWORD)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="주제", exact=True).click()
    page.get_by_role("tab", name="코드 배치").wait_for(timeout=60_000)
    settle(page, 0, first=150)
    count = Count()
    started = time.monotonic()
    round_ = 0
    for domain, themes in PLAN.items():
        new_domain = True
        for theme, subthemes in themes.items():
            new_theme = True
            for subtheme, codes in subthemes.items():
                form = f"themes.place.{round_}"
                picker = page.locator(_key(f"{form}.codes")).locator("input")
                for code in codes:
                    count.click(_one(picker))
                    count.type(page, code)
                    settle(page, 0, first=150)
                    page.keyboard.press("Escape")  # close the list (not counted: clicking on would do)
                _field(page, count, f"{form}.new_subtheme", subtheme)
                if new_theme:
                    if round_:  # the first placing starts with a new theme already chosen
                        _choose(page, count, f"{form}.theme", "＋ 새로 만들기")
                    _field(page, count, f"{form}.new_theme", theme)
                    if new_domain:
                        _choose(page, count, f"{form}.domain", "＋ 새로 만들기")
                        _field(page, count, f"{form}.new_domain", domain)
                button = page.get_by_role("button", name=f"코드 {len(codes)}개 배치")
                count.click(button)
                count.submits += 1
                settle(page, 0, first=150)
                page.get_by_text("아래에 놓았습니다").first.wait_for(timeout=60_000)
                if round_ == 0:
                    screenshot(page, "themes-by-hand-first-placing")
                round_ += 1
                new_theme = new_domain = False
    seconds = time.monotonic() - started
    page.wait_for_timeout(500)
    screenshot(page, "themes-by-hand-built")
    tree = _read_tree(server)
    shape = {d.name: {t.name: {s.name: len(s.codes) for s in t.children} for t in d.children} for d in tree}
    assert shape == {d: {t: {s: len(c) for s, c in ts.items()} for t, ts in th.items()} for d, th in PLAN.items()}
    nodes = list(walk(tree))
    assert [n.level for n in nodes].count("subtheme") == 8 and sum(len(n.codes) for n in nodes) == 20
    assert all(n.frequency in ("general", "typical", "variant") for n in nodes if n.lines)
    report = {"clicks": count.clicks, "keystrokes": count.keys, "submits": count.submits,
              "seconds": round(seconds, 1)}
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "themes-by-hand-actions.json").write_text(json.dumps(report), encoding="utf-8")
    print("themes by hand:", report)
    assert count.submits == 8 and count.clicks <= 80

    # Pin a quote to a sub-theme, then undo: the message says what was undone.
    target = next(n for n in nodes if n.name == "자신감과 정서")
    page.get_by_role("tab", name="대표 인용").click()
    _choose(page, Count(), "themes.quotes.node", f"하위주제 · 자신감과 정서 (#{target.id})")
    pick = page.locator(_key(f"themes.quotes.pick.{target.id}")).locator("input")
    _one(pick).click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    settle(page, 0, first=150)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="1줄을 대표 인용으로 고정").click()
    page.get_by_text("인용 1개를 고정했습니다").first.wait_for(timeout=60_000)
    screenshot(page, "themes-by-hand-pinned")
    page.get_by_role("button", name="되돌리기").click()
    page.get_by_text("되돌렸습니다: '자신감과 정서'에 인용 1개를 고정한 일").first.wait_for(timeout=60_000)
    screenshot(page, "themes-by-hand-undone")
    assert page.locator("[data-testid='stException']").count() == 0
