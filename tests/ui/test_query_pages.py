"""The 검색 and 코드 검색 pages through AppTest: search by lemma, tick hits, code them all,
undo as one step; retrieve with AND / NOT, context, exports; open a line in the coding view."""

from __future__ import annotations

from coding.applications import codings_for
from coding.users import get_user
from tests.ui.conftest import read_demo, run_as

CODE = "참여주민의 변화/자신감 회복"


def _mine(url, name, code=CODE):
    return {c.segment_id for c in read_demo(url, lambda s, p: codings_for(s, get_user(s, name), project=p))
            if c.code_path == code}


def _search(app, query, mode=None):
    app.text_input(key="search.query").set_value(query)
    if mode:
        app.radio(key="search.mode").set_value(mode)
    next(b for b in app.button if b.label == "검색").click()
    app.run()
    assert not app.exception, app.exception


def _text(app) -> str:
    return "\n".join([m.value for m in app.markdown] + [c.value for c in app.caption] + [t.value for t in app.text]
                     + [i.value for i in app.info] + [w.value for w in app.warning])


def test_search_by_lemma_ticks_codes_all_and_undoes(demo_url):
    app = run_as("코더1", "search")
    assert "찾을 말을 입력하고" in _text(app)
    _search(app, "어렵다")
    hits = [c for c in app.checkbox if c.key and c.key.startswith("search.tick.")]
    assert len(hits) >= 2, _text(app)
    assert "찾은 기본형: 어렵다" in _text(app)
    assert any(m.value.count(":orange-background[") == 1 for m in app.markdown)
    before = _mine(demo_url, "코더1")
    hits[0].check()
    hits[1].check()
    app.run()
    app.selectbox(key="search.code_all.code").set_value(CODE)
    app.radio(key="search.code_all.which").set_value("ticked")
    app.run()
    next(b for b in app.button if b.key == "search.code_all.run").click()
    app.run()
    assert not app.exception, app.exception
    after = _mine(demo_url, "코더1")
    ticked = {c.key.split(".", 3)[3] for c in hits[:2]}
    assert after - before == ticked - before and len(after - before) >= 1
    assert any("되돌리기로 한 번에" in s.value for s in app.success)
    undo = next(b for b in app.button if b.key == "search.undo.undo")
    assert not undo.disabled
    undo.click()
    app.run()
    assert not app.exception, app.exception
    assert _mine(demo_url, "코더1") == before
    assert any("되돌렸습니다" in s.value for s in app.success)


def test_a_bad_regex_is_a_korean_error_and_nothing_breaks(demo_url):
    app = run_as("코더1", "search")
    _search(app, "(", "regex")
    assert app.error and "position 1" in app.error[0].value  # the page's language comes with issue #15's switch
    assert app.text_input(key="search.query").value == "("  # the form keeps what was typed


def test_retrieve_and_open_a_line_in_the_coding_view(demo_url):
    app = run_as("팀장", "retrieve")
    assert "코드를 하나 이상" in _text(app)
    mine = read_demo(demo_url, lambda s, p: [c for c in codings_for(s, get_user(s, "팀장"), project=p)])
    code = mine[0].code_path
    app.multiselect(key="retrieve.any").set_value([code])
    app.number_input(key="retrieve.context").set_value(1)
    next(b for b in app.button if b.label == "코드 검색").click()
    app.run()
    assert not app.exception, app.exception
    expected = {c.segment_id for c in mine if c.code_path == code}
    opens = [b for b in app.button if b.key and b.key.startswith("retrieve.open.")]
    assert len(opens) == len(expected)
    assert f"**{len(expected)}**줄" in _text(app)
    assert [d.label for d in app.get("download_button")] == ["Word로 내보내기", "Excel로 내보내기"]
    # NOT the same code: nothing is left
    app.multiselect(key="retrieve.none").set_value([code])
    next(b for b in app.button if b.label == "코드 검색").click()
    app.run()
    assert "**0**줄" in _text(app)
    app.multiselect(key="retrieve.none").set_value([])
    next(b for b in app.button if b.label == "코드 검색").click()
    app.run()
    first = next(b for b in app.button if b.key == "retrieve.open.0")
    first.click()
    app.run()
    assert not app.exception, app.exception
    assert app.session_state["coding.goto"] in expected
