"""The 조정 page through AppTest: one card per line, the card and the selection one state,
the next open line after a save, every save stored or refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.applications import apply_code
from coding.codebook import code_index
from coding.models import ConsensusDecision
from coding.reconcile_decide import CodeChoice, decide_line
from coding.reconcile_queue import line_queue
from coding.users import get_user
from fgi.demo import DEMO_PROJECT
from fgi.study import get_project, list_transcripts
from ui.safe import literal
from tests.ui.conftest import database, read_demo, run_as
from ui.components.reconcile_state import ITEM_KEY

LEAD = "팀장"


@pytest.fixture
def disputed(demo_url):
    """The demo with 12 more lines the coders coded differently (코더1 one code, 코더2 another)."""
    db = database(demo_url)
    with db.transaction() as session:
        project = get_project(session, DEMO_PROJECT)
        first = list_transcripts(session, project)[0]
        queue = line_queue(session, project, viewer=get_user(session, LEAD))
        taken = {(i.transcript_id, i.line) for i in queue.items}
        paths = sorted(code_index(session, project))[:2]
        one, two = get_user(session, "코더1"), get_user(session, "코더2")
        added = 0
        for line in range(10, 90):
            if added == 12 or (first.id, line) in taken:
                continue
            segment = f"{first.id}-{line:04d}"
            try:
                apply_code(session, one, segment, paths[0])
            except Exception:  # noqa: BLE001 - past the transcript's last line
                break
            apply_code(session, two, segment, paths[1])
            added += 1
    db.dispose()
    return demo_url


def _queue(url):
    return read_demo(url, lambda s, p: line_queue(s, p, viewer=get_user(s, LEAD)))


def _decisions(url) -> list[tuple]:
    def read(session, project):
        paths = {c.id: p for p, c in code_index(session, project).items()}
        return sorted((r.segment_id, paths[r.code_id], r.decision, r.reason)
                      for r in session.scalars(select(ConsensusDecision)))
    return read_demo(url, read)


def _widget(app, kind, label):
    return next(w for w in getattr(app, kind) if w.label == label)


def _save(app, reason):
    _widget(app, "text_area", "사유").input(reason)
    _widget(app, "button", "결정 저장").click()
    app.run()
    assert not app.exception, app.exception


def test_one_card_per_line_with_every_coder_side_by_side(disputed):
    app = run_as(LEAD, "reconcile")
    queue = _queue(disputed)
    assert app.metric[0].value == str(len(queue.open_items)) and len(queue.open_items) >= 12
    assert app.metric[2].value == literal(f"0 / {queue.progress.disputed_lines}")  # shown as typed
    assert any("조정할 줄" in c.value for c in app.caption)  # says what it counts
    first = queue.open_items[0]
    assert app.session_state[ITEM_KEY] == first.segment_id
    picker = _widget(app, "selectbox", "검토할 줄")
    assert picker.value == first.segment_id
    shown = "\n".join(x.value for x in app.text)
    for coder in first.coders:
        for code in coder.codes:
            assert code in shown
    assert len([r for r in app.radio if r.label == "결정"]) == len(first.codes)


def test_ten_decisions_in_a_row_follow_the_selection(disputed):
    app = run_as(LEAD, "reconcile")
    order = [i.segment_id for i in _queue(disputed).open_items]
    for n in range(10):
        sid = app.session_state[ITEM_KEY]
        assert sid == order[n] and _widget(app, "selectbox", "검토할 줄").value == sid
        first_radio = next(r for r in app.radio if r.label == "결정")
        first_radio.set_value("drop" if n % 2 else "keep")
        _save(app, f"사유 {n}")
        assert "결정을 저장했습니다" in app.success[0].value
    rows = _decisions(disputed)
    assert {sid for sid, *_ in rows} == set(order[:10])
    for n, sid in enumerate(order[:10]):
        mine = [r for r in rows if r[0] == sid]
        assert all(reason == f"사유 {n}" for *_, reason in mine)
        assert sorted(d for _, _, d, _ in mine)[0] in ("apply", "reject")
    assert app.session_state[ITEM_KEY] == order[10]


def test_a_save_without_a_reason_is_refused_and_keeps_the_input(disputed):
    app = run_as(LEAD, "reconcile")
    count = app.metric[0].value
    _widget(app, "button", "결정 저장").click()
    app.run()
    assert "사유를 적어 주세요" in app.error[0].value and app.metric[0].value == count
    assert _decisions(disputed) == []
    replace = next(r for r in app.radio if r.label == "결정")
    replace.set_value("replace")
    _save(app, "대체가 맞음")
    assert "대신 넣을 코드를 고르세요" in app.error[0].value
    assert _widget(app, "text_area", "사유").value == "대체가 맞음"  # what was typed stays
    assert _decisions(disputed) == []


def test_a_save_on_a_card_another_lead_decided_meanwhile_is_refused(disputed):
    app = run_as(LEAD, "reconcile")
    sid = app.session_state[ITEM_KEY]
    db = database(disputed)  # the other lead saves first, on the same line
    with db.transaction() as session:
        project = get_project(session, DEMO_PROJECT)
        item = next(i for i in line_queue(session, project, viewer=get_user(session, LEAD)).items
                    if i.segment_id == sid)
        decide_line(session, get_user(session, LEAD), sid, [CodeChoice(c.code, "keep") for c in item.codes],
                    reason="먼저 저장한 결정", expected_version=item.version)
    db.dispose()
    _save(app, "늦게 저장한 결정")
    assert "다른 팀장의 결정" in app.error[0].value
    assert {r[3] for r in _decisions(disputed)} == {"먼저 저장한 결정"}
    assert app.session_state[ITEM_KEY] == sid  # the line stays, with what it shows now
    assert _widget(app, "text_area", "사유").value == "늦게 저장한 결정"
    assert any("먼저 저장한 결정" in x.value for x in app.text)
    _widget(app, "button", "결정 저장").click()  # deciding again on what the card shows now
    app.run()
    assert "결정을 저장했습니다" in app.success[0].value
    assert {r[3] for r in _decisions(disputed)} == {"늦게 저장한 결정"}
