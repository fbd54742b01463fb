"""Agreement over the database: scope rules, permissions, values, JSON and the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from coding.agreement import agreement_report, alpha_by_code_and_pair, as_json
from coding.applications import reveal
from coding.errors import PermissionDenied
from coding.stats import (
    brennan_prediger, cohen_kappa, fleiss_kappa, gwet_ac1, holsti, krippendorff_alpha, pairwise_kappa,
    percent_agreement,
)
from coding.users import get_user
from fgi.cli import main
from tests.coding import scenario as s


@pytest.fixture
def study(db, tmp_path, kiwi, snapshots):
    return snapshots(db, "coding-scenario", lambda: s.build(db, tmp_path, kiwi))


def report(study, viewer=s.LEAD, **options):
    options.setdefault("n_boot", 200)
    with study.db.reading() as session:
        return agreement_report(session, s.project(session), viewer=get_user(session, viewer), **options)


def pooled(**options) -> np.ndarray:
    """All (unit, code) items of the codes used, stacked: the definition of 'overall'."""
    return np.vstack([s.expected_matrix(code, **options) for code in s.USED])


def test_per_code_values_match_the_matrix_functions(study):
    result = report(study)
    assert result.coders == list(s.CODERS)
    assert [c.key for c in result.codes] == s.USED
    for code in result.codes:
        matrix = s.expected_matrix(code.key)
        assert code.alpha.value == pytest.approx(krippendorff_alpha(matrix).value)
        assert code.percent.value == pytest.approx(percent_agreement(matrix).value)
        assert code.fleiss_kappa.value == pytest.approx(fleiss_kappa(matrix).value)
        assert code.n_units == 8  # 9 participant lines, less the back-channel
        lo, hi = code.alpha_ci
        assert lo <= code.alpha.value <= hi
    assert result.codes[s.USED.index(s.MONEY)].band == "reliable"
    assert result.codes[s.USED.index(s.SUPPORT)].band == "unreliable"


def test_overall_pools_every_unit_code_item(study):
    result = report(study)
    items = pooled()
    assert result.overall.alpha.value == pytest.approx(krippendorff_alpha(items).value)
    assert result.overall.percent.value == pytest.approx(percent_agreement(items).value)
    assert result.overall.fleiss_kappa.value == pytest.approx(fleiss_kappa(items).value)
    assert result.overall.band == "tentative"
    assert result.unused_codes == ["기타", "변화", "어려움", "지원"]  # listed, not pooled


def test_ac1_bp_and_holsti_per_code_and_overall(study):
    """The report's new figures equal the single-variable functions on the same data."""
    result = report(study)
    for code in result.codes:
        matrix = s.expected_matrix(code.key)
        assert code.gwet_ac1.value == pytest.approx(gwet_ac1(matrix, categories=[0.0, 1.0]).value)
        assert code.brennan_prediger.value == pytest.approx(brennan_prediger(matrix, categories=[0.0, 1.0]).value)
    items = pooled()
    assert result.overall.gwet_ac1.value == pytest.approx(gwet_ac1(items).value)
    assert result.overall.brennan_prediger.value == pytest.approx(brennan_prediger(items).value)
    # Holsti: each pair's (line, code) applications on the lines both coded, averaged over pairs.
    per_pair = []
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        decisions = [set(), set()]
        for k, code in enumerate(s.USED):
            matrix = s.expected_matrix(code)
            for u, row in enumerate(matrix):
                if not np.isnan(row[[i, j]]).any():
                    for side, coder in enumerate((i, j)):
                        if row[coder] == 1:
                            decisions[side].add((u, k))
        per_pair.append(holsti(*decisions).value)
    assert result.overall.holsti.value == pytest.approx(np.mean(per_pair))
    # Percent agreement counts line x code pairs, Holsti only applications: it reads lower here.
    assert result.overall.percent.value > 0.9 > result.overall.holsti.value


def test_coder_matrix_lays_every_pair_out(study):
    result = report(study)
    m = result.coder_matrix
    assert m.coders == list(s.CODERS)
    items = pooled()
    for i in range(3):
        assert math.isnan(m.kappa[i][i]) and math.isnan(m.gwet_ac1[i][i])
        for j in range(3):
            if i == j:
                continue
            assert m.kappa[i][j] == m.kappa[j][i]
            both = ~np.isnan(items[:, [i, j]]).any(axis=1)
            pair = items[both][:, [i, j]]
            assert m.kappa[i][j] == pytest.approx(cohen_kappa(pair[:, 0], pair[:, 1]).value)
            assert m.percent[i][j] == pytest.approx(percent_agreement(pair).value)
            assert m.gwet_ac1[i][j] == pytest.approx(gwet_ac1(pair).value)
            assert m.brennan_prediger[i][j] == pytest.approx(brennan_prediger(pair).value)
    assert m.n_units[0][2] == 6 and m.n_units[0][1] == 8
    by_pair = {(p.coder_a, p.coder_b): p for p in result.pairs}
    assert m.holsti[0][1] == pytest.approx(by_pair[(s.A, s.B)].holsti.value)


def test_alpha_by_code_and_pair_equals_a_report_per_pair(study):
    with study.db.reading() as session:
        grid = alpha_by_code_and_pair(session, s.project(session), viewer=get_user(session, s.LEAD))
    assert grid.codes == s.USED
    assert grid.pairs == [(s.A, s.B), (s.A, s.C), (s.B, s.C)]
    for column, pair in enumerate(grid.pairs):
        alone = {c.key: c.alpha.value for c in report(study, coders=list(pair), n_boot=0).codes}
        for row, code in enumerate(grid.codes):
            expected = alone.get(code, math.nan)
            assert grid.values[row][column] == pytest.approx(expected, nan_ok=True), (pair, code)


def test_a_coder_who_did_not_code_a_transcript_is_missing_there(study):
    result = report(study)
    items = pooled()
    assert np.isnan(items[-2:, 2]).all()  # C on the second transcript
    pairs = {(p.coder_a, p.coder_b): p for p in result.pairs}
    expected = pairwise_kappa(items)
    assert pairs[(s.A, s.C)].kappa.value == pytest.approx(expected[(0, 2)].value)
    assert pairs[(s.A, s.C)].n_units == 6 and pairs[(s.A, s.B)].n_units == 8
    # Fleiss' kappa rests on the units all three coded: the first transcript's.
    assert result.overall.fleiss_kappa.n_units == 6


def test_per_transcript(study):
    result = report(study)
    first, second = result.transcripts
    assert (first.key, first.name, second.name) == (study.transcripts["first"], "first", "second")
    first_items = np.vstack([s.expected_matrix(c, transcripts=("first",)) for c in s.USED])
    assert first.alpha.value == pytest.approx(krippendorff_alpha(first_items).value)
    second_items = np.vstack([s.expected_matrix(c, transcripts=("second",), coders=(s.A, s.B))
                              for c in (s.CONFIDENCE, s.MONEY, s.CARE)])  # the codes used there
    assert second.alpha.value == pytest.approx(krippendorff_alpha(second_items).value)
    assert second.fleiss_kappa.defined  # C, who did not code it, is not counted there


@pytest.mark.parametrize("options, units", [
    ({}, 8),
    ({"include_moderator": True}, 10),
    ({"include_backchannels": True}, 9),
    ({"include_moderator": True, "include_backchannels": True}, 11),
    ({"only_coded_units": True}, 7),
])
def test_scope_switches(study, options, units):
    result = report(study, **options)
    assert result.n_units == units
    expected = {"moderator": options.get("include_moderator", False),
                "backchannels": options.get("include_backchannels", False),
                "only_coded": options.get("only_coded_units", False)}
    assert result.overall.alpha.value == pytest.approx(krippendorff_alpha(pooled(**expected)).value)


def test_one_transcript_and_chosen_coders(study):
    result = report(study, transcript_id="first", coders=[s.A, s.C])  # by name
    assert result.transcript_id == study.transcripts["first"]
    assert result.coders == [s.A, s.C]
    items = np.vstack([s.expected_matrix(c, transcripts=("first",), coders=(s.A, s.C)) for c in s.USED])
    assert result.overall.alpha.value == pytest.approx(krippendorff_alpha(items).value)
    assert [(p.coder_a, p.coder_b) for p in result.pairs] == [(s.A, s.C)]


def test_undefined_values_carry_reasons(study):
    result = report(study, coders=[s.A])
    assert math.isnan(result.overall.alpha.value)
    assert result.overall.alpha.reason == "fewer than two coders"
    data = as_json(result)
    assert data["overall"]["alpha"] is None and data["overall"]["alpha_ci"] == [None, None]
    assert data["overall"]["reason"] == "fewer than two coders"
    assert data["overall"]["band"] == "undefined"
    assert "fleiss_kappa" in data["overall"]["reasons"]
    json.dumps(data, allow_nan=False)  # no NaN anywhere


def test_blind_coding_keeps_coders_out_until_reveal(study):
    with pytest.raises(PermissionDenied, match="only a lead or admin"):
        report(study, viewer=s.A)
    with pytest.raises(PermissionDenied, match="not a member"):
        report(study, viewer=s.OUTSIDER)
    assert report(study, viewer=s.ADMIN).coders == list(s.CODERS)
    with study.db.transaction() as session:
        reveal(session, get_user(session, s.LEAD), study.transcripts["first"])
    assert report(study, viewer=s.A, transcript_id="first").overall.alpha.defined
    with pytest.raises(PermissionDenied):
        report(study, viewer=s.A)  # the second transcript is still blind


def test_bootstrap_is_reproducible(study):
    assert report(study, seed=3).overall.alpha_ci == report(study, seed=3).overall.alpha_ci
    assert all(math.isnan(x) for x in report(study, n_boot=0).overall.alpha_ci)


def test_cli_json_and_table(study, database_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_PASSWORD", s.PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["agreement", "--project", s.PROJECT, "--as", s.LEAD, "--format", "json", "--boot", "100"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["overall"]) >= {"alpha", "alpha_ci", "percent", "fleiss_kappa", "gwet_ac1", "brennan_prediger",
                                    "holsti", "n_units", "band", "reason"}
    assert set(data["pairs"][0]) >= {"kappa", "percent", "gwet_ac1", "brennan_prediger", "holsti"}
    assert data["coder_matrix"]["coders"] == list(s.CODERS)
    assert data["coder_matrix"]["kappa"][0][0] is None
    by_code = {c["code"]: c for c in data["codes"]}
    assert by_code[s.MONEY]["alpha"] == 1.0 and by_code[s.MONEY]["band"] == "reliable"
    assert len(by_code[s.SUPPORT]["alpha_ci"]) == 2
    for by, expected in (("code", s.SUPPORT), ("pair", s.C), ("transcript", "second")):
        assert main(["agreement", "-p", s.PROJECT, "--as", s.LEAD, "--by", by, "--boot", "50"]) == 0
        out = capsys.readouterr().out
        assert expected in out
        assert ("Fleiss" if by == "pair" else "overall") in out
        for column in ("AC1", "BP", "Holsti"):
            assert column in out
    assert main(["agreement", "-p", s.PROJECT, "--as", s.LEAD, "--by", "pair", "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "coder x coder: Cohen's kappa" in out and "coder x coder: Gwet's AC1" in out
    assert main(["agreement", "-p", s.PROJECT, "--as", s.LEAD, "--boot", "0"]) == 0
    out = capsys.readouterr().out
    assert "reliable" in out and "unreliable" in out  # the bands' one vocabulary (English in the CLI)
    monkeypatch.setenv("FGI_USER", s.B)
    assert main(["agreement", "--project", s.PROJECT]) == 1
    assert "only a lead or admin" in capsys.readouterr().err


def test_a_transcript_nobody_coded(study, tmp_path, kiwi):
    from fgi.ingest import ImportOptions, import_files

    path = tmp_path / "third.txt"
    path.write_text("진행자: 시작할게요.\n참여자6: 아직 아무도 코딩하지 않았어요.\n", encoding="utf-8")
    with study.db.transaction() as session:
        import_files(session, s.project(session), [path], ImportOptions(group="주민"), actor="setup", analyzer=kiwi)
    result = report(study)
    third = result.transcripts[-1]
    assert third.name == "third" and third.alpha.reason == "fewer than two coders"
    assert result.n_units == 9  # its line is a unit, missing for every coder
    assert result.overall.alpha.value == pytest.approx(krippendorff_alpha(pooled()).value)
