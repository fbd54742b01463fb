"""The 메모 page and a code's memos in the codebook, through AppTest: writing memos of every
kind, searching and filtering, changing and deleting one's own, a lead changing anyone's,
and the blind rule (a coder does not see another coder's line memo until reveal)."""

from __future__ import annotations

from coding.applications import reveal
from coding.memos import memos_for, write_memo
from coding.users import get_user
from fgi.study import list_segments, list_transcripts
from tests.ui.conftest import database, read_demo, run_as

LEAD, ONE, TWO = "팀장", "코더1", "코더2"


def _memos(url, viewer=LEAD, **filters):
    return read_demo(url, lambda s, p: memos_for(s, p, viewer=get_user(s, viewer), **filters))


def _first_lines(url):
    def read(session, project):
        transcript = list_transcripts(session, project)[0]
        return transcript.id, [r.id for r in list_segments(session, transcript.id)][:5]

    return read_demo(url, read)


def _write(url, author, **memo):
    from fgi.demo import DEMO_PROJECT
    from fgi.study import get_project

    db = database(url)
    with db.transaction() as session:
        write_memo(session, get_project(session, DEMO_PROJECT), actor=get_user(session, author), **memo)
    db.dispose()


def _button(app, label):
    return next(b for b in app.button if b.label == label)


def _table_texts(app) -> list[str]:
    frames = [d.value for d in app.dataframe]
    return [text for frame in frames if "내용" in frame.columns for text in frame["내용"]]


def test_a_lead_writes_a_project_memo_and_a_line_memo(demo_url):
    app = run_as(LEAD, "memos")
    assert "아직 메모가 없습니다" in " ".join(i.value for i in app.info)
    app.text_input(key="memos.new.0.title").input("연구 질문")
    app.text_area(key="memos.new.0.text").input("자활의 의미를 **다시** 본다")
    _button(app, "메모 쓰기").click()
    app.run()
    assert not app.exception, app.exception
    [memo] = _memos(demo_url)
    assert (memo.kind, memo.target, memo.title, memo.text, memo.author) == (
        "project", "", "연구 질문", "자활의 의미를 **다시** 본다", LEAD)
    assert _table_texts(app) == ["자활의 의미를 **다시** 본다"]

    tid, lines = _first_lines(demo_url)
    app.selectbox(key="memos.new.kind").set_value("segment")
    app.run()
    app.selectbox(key="memos.new.transcript").set_value(tid)
    app.run()
    app.selectbox(key="memos.new.1.target.segment").set_value(lines[2])
    app.text_area(key="memos.new.1.text").input("이 줄은 낙인 이야기")
    _button(app, "메모 쓰기").click()
    app.run()
    assert not app.exception, app.exception
    assert [(m.kind, m.target) for m in _memos(demo_url, kind="segment")] == [("segment", lines[2])]
    # the list filters by kind and transcript and searches the text
    app.selectbox(key="memos.filter.kind").set_value("segment")
    app.run()
    assert _table_texts(app) == ["이 줄은 낙인 이야기"]
    app.selectbox(key="memos.filter.kind").set_value("")
    app.text_input(key="memos.search").input("다시")
    app.run()
    assert _table_texts(app) == ["자활의 의미를 **다시** 본다"]


def test_a_coder_sees_only_their_own_line_memos_until_reveal(demo_url):
    tid, lines = _first_lines(demo_url)
    _write(demo_url, ONE, kind="segment", target=lines[1], text="코더1의 줄 메모")
    _write(demo_url, LEAD, kind="transcript", target=tid, text="팀장의 전사본 메모")
    two = run_as(TWO, "memos")
    shown = " ".join(str(v) for v in _table_texts(two)) + " ".join(c.value for c in two.caption)
    assert "코더1의 줄 메모" not in shown and "팀장의 전사본 메모" in shown
    assert "메모 1개 (볼 수 있는 메모 1개 중)" in " ".join(c.value for c in two.caption)  # not even a count
    assert ONE not in two.selectbox(key="memos.filter.author").options
    one = run_as(ONE, "memos")
    assert sorted(_table_texts(one)) == ["코더1의 줄 메모", "팀장의 전사본 메모"]

    db = database(demo_url)
    with db.transaction() as session:
        reveal(session, get_user(session, LEAD), tid)
    db.dispose()
    two = run_as(TWO, "memos")
    assert sorted(_table_texts(two)) == ["코더1의 줄 메모", "팀장의 전사본 메모"]


def test_own_memos_are_changed_and_deleted_others_only_by_a_lead(demo_url):
    tid, lines = _first_lines(demo_url)
    _write(demo_url, ONE, kind="transcript", target=tid, text="코더1의 메모")
    _write(demo_url, TWO, kind="transcript", target=tid, text="코더2의 메모")
    mine, theirs = _memos(demo_url)
    one = run_as(ONE, "memos")
    one.selectbox(key="memos.pick").set_value(theirs.id)
    one.run()
    assert "메모 저장" not in [b.label for b in one.button]  # not theirs to change
    one.selectbox(key="memos.pick").set_value(mine.id)
    one.run()
    one.text_area(key=f"memos.edit.{mine.id}.0.text").input("고친 메모")
    _button(one, "메모 저장").click()
    one.run()
    assert not one.exception, one.exception
    assert [m.text for m in _memos(demo_url, author=ONE)] == ["고친 메모"]
    one.checkbox(key=f"memos.delete.sure.{mine.id}").check()
    one.run()
    _button(one, "메모 삭제").click()
    one.run()
    assert _memos(demo_url, author=ONE) == []
    lead = run_as(LEAD, "memos")
    lead.selectbox(key="memos.pick").set_value(theirs.id)
    lead.run()
    lead.text_area(key=f"memos.edit.{theirs.id}.0.text").input("팀장이 고침")
    _button(lead, "메모 저장").click()
    lead.run()
    assert [m.text for m in _memos(demo_url, author=TWO)] == ["팀장이 고침"]


def test_a_refused_memo_keeps_the_text_and_says_why_in_korean(demo_url):
    app = run_as(ONE, "memos")
    app.text_area(key="memos.new.0.text").input("   ")
    _button(app, "메모 쓰기").click()
    app.run()
    assert "메모 내용이 비어 있습니다" in " ".join(e.value for e in app.error)
    assert _memos(demo_url) == []


def test_a_codes_memos_below_its_detail_in_the_codebook(demo_url):
    app = run_as(ONE, "codebook")
    code = app.selectbox(key="codebook.detail").value
    code_id = read_demo(demo_url, lambda s, p: __import__("coding.codebook", fromlist=["get_code"]).get_code(s, p, code).id)
    form = f"codebook.memo.{code_id}"
    app.text_area(key=f"{form}.0.text").input("이 코드는 범위가 넓다")
    _button(app, "메모 쓰기").click()
    app.run()
    assert not app.exception, app.exception
    assert [(m.kind, m.target, m.text) for m in _memos(demo_url)] == [("code", str(code_id), "이 코드는 범위가 넓다")]
    assert "이 코드는 범위가 넓다" in [t.value for t in app.text]
