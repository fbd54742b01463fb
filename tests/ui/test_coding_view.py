"""The document-style coding view through AppTest: every line whole with its speaker, group
and time; codes in the codebook's colours; a range of lines coded in one action; undo and redo
of the coder's own steps; the jump contract (``coding.goto``)."""

from __future__ import annotations

import json
import re

from coding.applications import apply_code, codings_for
from coding.codebook import list_codes
from coding.users import get_user
from fgi.study import list_segments, list_transcripts
from tests.ui.conftest import database, read_demo, run_as
from ui.components.code_colors import PALETTE, code_color

CONFIDENCE = "참여주민의 변화/자신감 회복"


def _plain(markdown: str) -> str:
    """A Markdown text of the page as it reads (literal() escapes punctuation)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def _document(app) -> dict:
    element = next(e for e in app.get("bidi_component") if e.proto.component_name == "fgi_transcript_document")
    return json.loads(element.proto.json or element.proto.mixed.json)


def _mine(url, who, transcript_id):
    return read_demo(url, lambda s, p: sorted(
        (c.line, c.code_path) for c in codings_for(s, get_user(s, who), transcript_id=transcript_id,
                                                  coder=get_user(s, who))))


def _transcripts(url):
    return read_demo(url, lambda s, p: [(t.id, t.name) for t in list_transcripts(s, p)])


def _button(app, label):
    return next(b for b in app.button if b.label == label)


def test_the_document_holds_every_line_whole_with_speaker_group_and_time(demo_url):
    app = run_as("코더1", "coding")
    doc = _document(app)
    tid = doc["transcript"]
    rows = read_demo(demo_url, lambda s, p: list_segments(s, tid))
    assert [line[1] for line in doc["lines"]] == [r.line for r in rows]  # the whole transcript
    assert [line[5] for line in doc["lines"]] == [r.text for r in rows]  # every utterance, never cut
    for line, row in zip(doc["lines"], rows):
        assert line[2] == (row.participant or row.speaker or "")
        assert line[4] == (row.timestamp or "") and line[4] != "None"
    assert any(line[3] for line in doc["lines"])  # participants' group beside their pseudonym
    # the coder's codes as chips, each in its codebook colour or a stable palette colour
    codes = read_demo(demo_url, lambda s, p: {c.id: c for c in list_codes(s, p)})
    assert doc["mine"] and doc["others"] == {}
    for code_id, (name, path, colour, text) in doc["codes"].items():
        code = codes[int(code_id)]
        assert (name, path) == (code.name, code.path)
        assert colour == code_color(code.id, code.color)
        assert code.color or colour == PALETTE[code.id % len(PALETTE)]
        assert text in ("#000000", "#FFFFFF")
    assert set(doc["stripes"]) == {c for cs in doc["mine"].values() for c in cs}
    # the current line is marked and is the one the panel shows
    current = doc["lines"][doc["current"]]
    assert any(c.value.startswith(f"{current[1]}줄 · ") for c in app.caption)
    assert "None" not in " ".join(c.value for c in app.caption)


def test_a_range_is_coded_in_one_action_undone_and_redone(demo_url):
    app = run_as("코더1", "coding")
    tid = _document(app)["transcript"]
    before = _mine(demo_url, "코더1", tid)
    app.text_input(key=f"coding.range.{tid}").input("30-34").run()
    assert not app.exception
    assert any(c.value == "30-34번 줄 선택 (5줄)" for c in app.caption)
    doc = _document(app)
    assert (doc["lines"][doc["anchor"]][1], doc["lines"][doc["current"]][1]) == (30, 34)
    app.selectbox(key="coding.range.code").select(CONFIDENCE).run()
    _button(app, "5줄에 적용").click().run()
    after = _mine(demo_url, "코더1", tid)
    added = sorted(set(after) - set(before))
    assert [line for line, _ in added] == [n for n in range(30, 35) if (n, CONFIDENCE) not in before]
    assert {path for _, path in added} == {CONFIDENCE}
    doc = _document(app)
    assert all(str(doc["lines"].index(next(x for x in doc["lines"] if x[1] == n))) in doc["mine"]
               for n in range(30, 35))

    _button(app, "되돌리기").click().run()
    assert _mine(demo_url, "코더1", tid) == before
    assert any(_plain(s.value) == "되돌렸습니다: 30-34번 줄(5줄)에서 '자신감 회복' 적용" for s in app.success)
    _button(app, "다시 실행").click().run()
    assert _mine(demo_url, "코더1", tid) == after
    assert any(_plain(s.value).startswith("다시 실행했습니다: 30-34번 줄") for s in app.success)
    # the range stays selected after an undo or redo: the lines it changed
    doc = _document(app)
    assert doc["lines"][doc["current"]][1] == 34


def test_a_single_code_change_is_undone_with_its_line_named(demo_url):
    app = run_as("코더1", "coding")
    tid = _document(app)["transcript"]
    before = _mine(demo_url, "코더1", tid)
    line = int(next(c.value for c in app.caption if re.match(r"\d+줄 · ", c.value)).split("줄")[0])
    app.multiselect[0].set_value([*app.multiselect[0].value, CONFIDENCE]).run()
    assert (line, CONFIDENCE) in _mine(demo_url, "코더1", tid)
    assert _button(app, "되돌리기").proto.help  # the tooltip says what would be undone
    _button(app, "되돌리기").click().run()
    assert _mine(demo_url, "코더1", tid) == before
    assert any(_plain(s.value) == f"되돌렸습니다: {line}번 줄에서 '자신감 회복' 적용" for s in app.success)
    assert CONFIDENCE not in app.multiselect[0].value
    assert _button(app, "되돌리기").disabled


def test_a_redo_over_a_later_change_is_refused_with_a_reason(demo_url):
    app = run_as("코더1", "coding")
    tid = _document(app)["transcript"]
    app.text_input(key=f"coding.range.{tid}").input("40-41").run()
    app.selectbox(key="coding.range.code").select(CONFIDENCE).run()
    _button(app, "2줄에 적용").click().run()
    _button(app, "되돌리기").click().run()
    # meanwhile the coder codes line 41 again in another window
    db = database(demo_url)
    with db.transaction() as session:
        line = next(r for r in list_segments(session, tid) if r.line == 41)
        apply_code(session, get_user(session, "코더1"), line.id, CONFIDENCE)
    db.dispose()
    _button(app, "다시 실행").click().run()
    assert not app.exception
    assert any("다시 실행하지 않았습니다" in _plain(e.value) for e in app.error)
    assert (40, CONFIDENCE) not in _mine(demo_url, "코더1", tid)  # nothing of the step was redone
    assert not _button(app, "다시 실행").disabled  # the step is kept: nothing is lost


def test_another_page_opens_a_line_here(demo_url):
    app = run_as("코더1", "coding")
    doc = _document(app)
    here, scroll = doc["transcript"], doc["scroll"]
    line_45 = read_demo(demo_url, lambda s, p: list_segments(s, here)[44])
    app.session_state["coding.goto"] = line_45.id  # as another page does before st.switch_page
    app.run()
    doc = _document(app)
    assert doc["lines"][doc["current"]][0] == line_45.id and doc["anchor"] == doc["current"]
    assert doc["scroll"] == scroll + 1  # the document is told to bring the line into view
    assert any(c.value.startswith(f"{line_45.line}줄 · ") for c in app.caption)

    there = next(tid for tid, _ in _transcripts(demo_url) if tid != here)
    segment = read_demo(demo_url, lambda s, p: list_segments(s, there)[20])
    app.session_state["coding.goto"] = segment.id  # a line of another transcript
    app.run()
    assert not app.exception
    doc = _document(app)
    assert doc["transcript"] == there and doc["lines"][doc["current"]][0] == segment.id
    assert any(c.value.startswith(f"{segment.line}줄 · ") for c in app.caption)

    app.session_state["coding.goto"] = "no-such-line"
    app.run()
    assert any("열려던 줄을 찾을 수 없습니다" in _plain(w.value) for w in app.warning)


def test_a_bad_range_says_what_to_type(demo_url):
    app = run_as("코더1", "coding")
    tid = _document(app)["transcript"]
    app.text_input(key=f"coding.range.{tid}").input("가나다").run()
    assert any("10-14처럼" in _plain(e.value) for e in app.error)


def _line_memos(url, who, segment_id):
    from coding.memos import memos_for

    return read_demo(url, lambda s, p: [m.text for m in memos_for(s, p, viewer=get_user(s, who), kind="segment",
                                                                 target=segment_id)])


def test_a_line_memo_is_written_beside_the_line_survives_the_code_and_is_undone(demo_url):
    app = run_as("코더1", "coding")
    doc = _document(app)
    segment = doc["lines"][doc["current"]][0]
    app.multiselect[0].set_value([*app.multiselect[0].value, CONFIDENCE]).run()
    app.text_area(key=f"coding.memo.new.{segment}").input("자신감이 <b>돌아온</b> 순간").run()
    _button(app, "메모 저장").click().run()
    assert _line_memos(demo_url, "코더1", segment) == ["자신감이 <b>돌아온</b> 순간"]
    assert any(c.value.startswith(_plain("이 줄의 메모 (1)")) for c in app.caption)
    assert doc["current"] in _document(app)["memos"]  # the document marks the line
    # removing the code keeps the memo: it belongs to the line
    app.multiselect[0].set_value([p for p in app.multiselect[0].value if p != CONFIDENCE]).run()
    assert _line_memos(demo_url, "코더1", segment) == ["자신감이 <b>돌아온</b> 순간"]
    # deleting it, then undoing the delete, brings it back
    _button(app, "메모 삭제").click().run()
    assert _line_memos(demo_url, "코더1", segment) == []
    _button(app, "되돌리기").click().run()
    assert _line_memos(demo_url, "코더1", segment) == ["자신감이 <b>돌아온</b> 순간"]
    assert any(_plain(s.value).endswith("줄의 메모 삭제") for s in app.success)
    # another coder sees nothing of it while the transcript is blind
    other = run_as("코더2", "coding")
    other.session_state["coding.goto"] = segment
    other.run()
    assert _document(other)["memos"] == []
    assert not any("돌아온" in (t.value or "") for t in other.text)
