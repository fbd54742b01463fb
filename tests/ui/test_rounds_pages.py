"""Reveal with a confirmation (일치도, 코딩), the agreement snapshot on 일치도 and 조정, the
post-reveal notice, and the 코딩 라운드 page (trend plot, closing a round) through AppTest."""

from __future__ import annotations

from coding.applications import is_revealed
from coding.reveal import latest_snapshots
from coding.rounds import close_round, list_rounds, open_round
from coding.users import get_user
from fgi.study import list_transcripts
from ui.safe import literal
from tests.ui.conftest import database, read_demo, run_as

START, YES, NO = "이 전사본의 코딩 공개…", "공개합니다", "취소"
SNAPSHOT = "독립 코딩 일치도 (공개 시점)"


def _first(url):
    return read_demo(url, lambda s, p: (list_transcripts(s, p)[0].id, list_transcripts(s, p)[0].name))


def _button(app, label):
    return next(b for b in app.button if b.label == label)


def _scope(app, transcript_id):
    next(s for s in app.selectbox if s.label == "범위").set_value(transcript_id)
    app.run()
    return app


def test_reveal_on_the_agreement_page_asks_first_and_stores_the_snapshot(demo_url):
    tid, name = _first(demo_url)
    app = _scope(run_as("팀장", "agreement"), tid)
    _button(app, START).click()
    app.run()
    assert not read_demo(demo_url, lambda s, p: is_revealed(s, tid))  # only asked
    warning = " ".join(w.value for w in app.warning)
    assert literal(name) in warning and "되돌릴 수 없습니다" in warning and SNAPSHOT in warning
    _button(app, NO).click()
    app.run()
    assert not read_demo(demo_url, lambda s, p: is_revealed(s, tid))
    assert YES not in [b.label for b in app.button]
    _button(app, START).click()
    app.run()
    _button(app, YES).click()
    app.run()
    assert not app.exception, app.exception
    assert read_demo(demo_url, lambda s, p: is_revealed(s, tid))
    stored = read_demo(demo_url, lambda s, p: latest_snapshots(s, p, viewer=get_user(s, "팀장")))
    assert [s.transcript_id for s in stored] == [tid]
    assert SNAPSHOT in [h.value for h in app.subheader]
    alpha = stored[0].overall["alpha"]
    assert f"{alpha:.3f}" in [m.value for m in app.metric]
    assert START not in [b.label for b in app.button]  # revealed: nothing more to reveal


def test_a_coder_sees_no_reveal_control_and_is_told_changes_are_blocked(demo_url):
    tid, _ = _first(demo_url)
    coder = _scope(run_as("코더1", "agreement"), tid)
    assert START not in [b.label for b in coder.button]
    lead = run_as("팀장", "coding")
    _button(lead, START).click()
    lead.run()
    _button(lead, YES).click()
    lead.run()
    assert read_demo(demo_url, lambda s, p: is_revealed(s, tid))
    coder = run_as("코더1", "coding")
    assert any("공개 후 코딩 변경을 막아" in w.value for w in coder.warning)
    reconcile = run_as("팀장", "reconcile")
    assert SNAPSHOT in [h.value for h in reconcile.subheader]


def test_rounds_page_plots_the_trend_and_a_lead_closes_a_round(demo_url):
    tid, _ = _first(demo_url)
    db = database(demo_url)
    with db.transaction() as session:
        from fgi.demo import DEMO_PROJECT
        from fgi.study import get_project

        project, lead = get_project(session, DEMO_PROJECT), get_user(session, "팀장")
        close_round(session, lead, project, n_boot=100)
        open_round(session, lead, project, [tid], note="정의 수정")
    db.dispose()
    app = run_as("팀장", "rounds")
    assert not app.exception, app.exception
    charts = app.get("plotly_chart")
    assert len(charts) == 1
    figure = charts[0].proto.spec
    assert '"x":[1,2]' in figure.replace(" ", "")  # the overall line has both rounds
    table = app.dataframe[1].value
    assert list(table.columns) == ["코드", "라운드 1", "라운드 2"] and table.iloc[0]["코드"] == "전체"
    _button(app, "라운드 2 닫기").click()
    app.run()
    assert not app.exception, app.exception
    views = read_demo(demo_url, lambda s, p: list_rounds(s, p, viewer=get_user(s, "팀장")))
    assert [v.open for v in views] == [False, False]
    assert literal("라운드 2을(를) 닫았습니다.") in [s.value for s in app.success]
    app.multiselect[-1].set_value([tid])  # open round 3 on the same transcript
    app.text_area[-1].input("코드 정의 보완")
    next(b for b in app.button if b.label == "라운드 열기").click()
    app.run()
    assert not app.exception, app.exception
    views = read_demo(demo_url, lambda s, p: list_rounds(s, p, viewer=get_user(s, "팀장")))
    assert [(v.number, v.open, v.note) for v in views][-1] == (3, True, "코드 정의 보완")
    assert [t for t, _ in views[-1].transcripts] == [tid]
    coder = run_as("코더1", "rounds")  # blind: unrevealed rounds show no numbers to a coder
    assert not coder.get("plotly_chart")
    assert any("팀장만" in i.value for i in coder.info)
