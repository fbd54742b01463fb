"""The 일치도 page through AppTest: every statistic with a hover that says what it counts, one
band vocabulary, and the coder x coder heat map once a third coder took part."""

from __future__ import annotations

import pytest

from coding import users
from coding.agreement import agreement_report
from coding.applications import apply_code, codings_for
from coding.bands import LABELS, band_guide
from coding.users import get_user
from tests.ui.conftest import database, read_demo, run_as
from ui.components.agreement_view import number
from ui.safe import literal
from ui.text import KO, t

THIRD = "코더3"


def _report(url):
    return read_demo(url, lambda s, p: agreement_report(s, p, viewer=get_user(s, "팀장"), n_boot=0))


def _metrics(app) -> dict:
    return {m.label: m for m in app.metric}


def add_third_coder(url: str) -> None:
    """``code_as_third_coder`` on the demo database at ``url``."""
    db = database(url)
    with db.transaction() as session:
        code_as_third_coder(session)
    db.dispose()


def code_as_third_coder(session) -> None:
    """코더3 codes what 코더1 coded on the first transcript, but swaps every third code."""
    from fgi.demo import DEMO_PROJECT
    from fgi.study import get_project

    project = get_project(session, DEMO_PROJECT)
    lead = get_user(session, "팀장")
    coder = users.create_user(session, THIRD, "demo12345", role="coder", actor="tester")
    users.add_member(session, project, coder, actor="tester")
    first = codings_for(session, lead, project=project)
    first = [c for c in first if c.coder == "코더1" and c.transcript_id == first[0].transcript_id]
    paths = sorted({c.code_path for c in first})
    for i, coding in enumerate(first):
        code = paths[(paths.index(coding.code_path) + 1) % len(paths)] if i % 3 == 2 else coding.code_path
        apply_code(session, coder, coding.segment_id, code)


def test_overall_figures_have_hovers_and_match_the_report(demo_url):
    app = run_as("팀장", "agreement")
    metrics = _metrics(app)
    expected = _report(demo_url).overall
    shown = {
        "Krippendorff α (전체)": expected.alpha, "일치율": expected.percent, "Fleiss κ": expected.fleiss_kappa,
        "Gwet AC1": expected.gwet_ac1, "Brennan-Prediger κ": expected.brennan_prediger,
        "Holsti 계수": expected.holsti,
    }
    for label, stat in shown.items():
        assert metrics[label].value == number(stat), label
        assert metrics[label].help, label
    assert "(줄 × 코드) 쌍을 셉니다" in metrics["일치율"].help
    assert "적용 건수를 셉니다" in metrics["Holsti 계수"].help
    assert "2π(1−π)" in metrics["Gwet AC1"].help
    assert "1/2" in metrics["Brennan-Prediger κ"].help


def test_one_band_vocabulary_on_the_page(demo_url):
    app = run_as("팀장", "agreement")
    band = _metrics(app)["판정"]
    assert band.value in LABELS["ko"].values()
    guide = band_guide("ko")
    assert any(literal(guide) in c.value for c in app.caption)  # escaped: shown as typed
    assert literal(guide) in band.help
    # ui/text.py holds no other band labels than the vocabulary's.
    assert {k: v for k, v in KO.items() if k.startswith("agreement.band.") and k != "agreement.band.help"} == {
        f"agreement.band.{key}": label for key, label in LABELS["ko"].items()}


def test_code_and_pair_tables_show_the_new_statistics(demo_url):
    app = run_as("팀장", "agreement")
    codes = app.dataframe[0].value
    shown = {"코드", "α", "판정", "Fleiss κ", "Gwet AC1", "Brennan-Prediger κ", "Holsti 계수", "일치율"}
    assert shown <= set(codes.columns)
    report = _report(demo_url)
    row = codes.iloc[0]
    first = report.codes[0]
    assert (row["Gwet AC1"], row["Holsti 계수"]) == (number(first.gwet_ac1), number(first.holsti))
    pairs = app.dataframe[1].value
    assert {"Cohen κ", "Gwet AC1", "Brennan-Prediger κ", "Holsti 계수"} <= set(pairs.columns)
    assert list(pairs["Holsti 계수"]) == [number(report.pairs[0].holsti)]
    # Two coders: no coder x coder tab.
    assert t("agreement.tab.coders", lang="ko") not in [tab.label for tab in app.tabs]


def test_every_undefined_reason_reads_in_korean():
    from coding import agreement, multilabel, stats
    from ui.components.agreement_view import reason

    reasons = {value for module in (stats, multilabel, agreement) for name, value in vars(module).items()
               if name.isupper() and not name.startswith("_") and isinstance(value, str)}
    assert len(reasons) >= 11
    for text in reasons:
        shown = reason(text)
        assert shown and not any("a" <= ch.lower() <= "z" for ch in shown), (text, shown)


@pytest.fixture
def three_coders(demo_url):
    add_third_coder(demo_url)
    return demo_url


def test_coder_matrix_heat_map_for_three_coders(three_coders):
    app = run_as("팀장", "agreement")
    assert t("agreement.tab.coders", lang="ko") in [tab.label for tab in app.tabs]
    report = _report(three_coders)
    assert report.coders == ["코더1", "코더2", THIRD]
    charts = app.get("plotly_chart")
    assert len(charts) == 2  # coder x coder, and codes x coder pairs
    import json

    figures = [json.loads(c.proto.spec) for c in charts]
    matrix = next(f for f in figures if f["data"][0]["x"] == report.coders)
    z = matrix["data"][0]["z"]
    assert z[0][0] is None  # the diagonal stays blank
    assert z[0][2] == pytest.approx(report.coder_matrix.kappa[0][2])
    radio = next(r for r in app.radio if r.label == "표시할 값")
    radio.set_value("gwet_ac1")
    app.run()
    assert not app.exception
    figures = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    matrix = next(f for f in figures if f["data"][0]["x"] == report.coders)
    assert matrix["data"][0]["z"][1][2] == pytest.approx(report.coder_matrix.gwet_ac1[1][2])
    assert len(report.pairs) == 3
