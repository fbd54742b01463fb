"""Known-answer tests for the agreement statistics, cross-checked against independent code."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from coding.bands import band_guide, band_label
from coding.multilabel import NEITHER_APPLIED, NEVER_APPLIED, NO_CODES, multilabel_agreement
from coding.stats import (
    NO_COMMON, NO_COMPLETE, NO_DECISIONS, NO_PAIRABLE, NO_VARIATION, ONE_CATEGORY, ONE_CODER,
    alpha_from_counts, alpha_interval, band, brennan_prediger, cohen_kappa, encode, fleiss_kappa,
    gwet_ac1, holsti, krippendorff_alpha, pairwise_kappa, percent_agreement, value_counts,
)

nan = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 coders x 12 units, nominal, with missing values. Printed there as units x coders transposed.
KRIPPENDORFF_C = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]).T
# Same paper, section A: two coders, ten units, binary.
KRIPPENDORFF_A = np.array([
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]).T
# Fleiss' kappa, the worked example on Wikipedia ("Fleiss' kappa", Worked example):
# 10 subjects, 14 raters, 5 categories; counts of raters per category. kappa = 0.210.
FLEISS_WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses; kappa = .430 (p. 380).
# Each row lists the diagnoses the six gave (rater order does not matter for Fleiss' kappa);
# the same data as R's irr::diagnoses.
FLEISS_1971 = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
])
IRRCAC = json.loads((Path(__file__).parent / "data" / "irrcac_reference.json").read_text())


def two_by_two(a, b, c, d):
    """Two coders' ratings from a 2x2 table: a both yes, b only the first, c only the second, d neither."""
    return np.array([[1, 1]] * a + [[1, 0]] * b + [[0, 1]] * c + [[0, 0]] * d)


def ratings_from_counts(counts):
    """Units x raters from category counts (which rater gave which value does not matter)."""
    return np.array([[c for c, n in enumerate(row, start=1) for _ in range(n)] for row in counts])


def alpha_by_coincidences(matrix: np.ndarray) -> float:
    """Nominal alpha for complete data, straight from the coincidence-matrix definition
    (Krippendorff 2011, section B): o_ck = sum_u (pairs c-k in u) / (m_u - 1)."""
    categories = sorted(set(matrix.ravel().tolist()))
    index = {c: i for i, c in enumerate(categories)}
    o = np.zeros((len(categories), len(categories)))
    for row in matrix:
        m = len(row)
        for a, b in itertools.permutations(range(m), 2):
            o[index[row[a]], index[row[b]]] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    return 1 - observed / expected


class TestKrippendorffAlpha:
    def test_krippendorff_2011_nominal_example(self):
        result = krippendorff_alpha(KRIPPENDORFF_C)
        assert round(result.value, 3) == 0.743
        assert result.reason is None
        assert result.n_units == 11  # unit 12 has one value only: not pairable

    def test_krippendorff_2011_binary_two_coder_example(self):
        assert round(krippendorff_alpha(KRIPPENDORFF_A).value, 3) == 0.095

    def test_closed_form_matches_the_package(self):
        codes, categories = encode(KRIPPENDORFF_C)
        assert alpha_from_counts(value_counts(codes, len(categories))) == pytest.approx(0.743421, abs=1e-6)

    @pytest.mark.parametrize("seed", range(5))
    def test_two_coders_match_an_independent_coincidence_matrix(self, seed):
        rng = np.random.default_rng(seed)
        matrix = rng.integers(0, 3, size=(40, 2))
        assert krippendorff_alpha(matrix).value == pytest.approx(alpha_by_coincidences(matrix), abs=1e-12)

    def test_strings_and_none_are_nominal_values(self):
        matrix = [["긍정", "긍정"], ["부정", "부정"], ["긍정", None], ["중립", "부정"]]
        numeric = [[0, 0], [1, 1], [0, nan], [2, 1]]
        assert krippendorff_alpha(matrix).value == pytest.approx(krippendorff_alpha(numeric).value)

    def test_undefined_cases_are_nan_with_a_reason(self):
        one = krippendorff_alpha([[1], [0], [1]])
        assert math.isnan(one.value) and one.reason == ONE_CODER
        lonely = krippendorff_alpha([[1, nan], [nan, 0]])
        assert math.isnan(lonely.value) and lonely.reason == NO_PAIRABLE
        empty = krippendorff_alpha(np.zeros((0, 3)))
        assert math.isnan(empty.value) and empty.reason == NO_PAIRABLE
        constant = krippendorff_alpha([[1, 1], [1, 1], [1, nan]])
        assert math.isnan(constant.value) and constant.reason == NO_VARIATION
        assert not constant.defined


class TestAlphaInterval:
    def test_interval_brackets_the_estimate_and_is_reproducible(self):
        rng = np.random.default_rng(3)
        truth = rng.integers(0, 2, 200)
        matrix = np.column_stack([np.where(rng.random(200) < 0.85, truth, 1 - truth) for _ in range(3)])
        alpha = krippendorff_alpha(matrix).value
        lo, hi = alpha_interval(matrix, n_boot=500, seed=7)
        assert lo < alpha < hi
        assert hi - lo < 0.25
        assert alpha_interval(matrix, n_boot=500, seed=7) == (lo, hi)
        assert alpha_interval(matrix, n_boot=500, seed=8) != (lo, hi)

    def test_interval_agrees_with_a_plain_loop_bootstrap(self):
        matrix = KRIPPENDORFF_C[:11]  # the pairable units, so both resample the same set
        rng = np.random.default_rng(0)
        draws = rng.integers(0, 11, size=(2000, 11), dtype=np.int32)
        codes, categories = encode(matrix)
        counts = value_counts(codes, len(categories))
        values = [alpha_from_counts(counts[d]) if len(np.unique(codes[d][codes[d] >= 0])) > 1 else nan
                  for d in draws]
        expected = np.nanpercentile(values, [2.5, 97.5])
        assert alpha_interval(matrix, n_boot=2000, seed=0) == pytest.approx(tuple(expected), abs=1e-5)

    def test_undefined_alpha_has_no_interval(self):
        lo, hi = alpha_interval([[1, 1], [1, 1]], n_boot=50)
        assert math.isnan(lo) and math.isnan(hi)


class TestCohenKappa:
    @pytest.mark.parametrize("seed", range(6))
    def test_matches_scikit_learn(self, seed):
        rng = np.random.default_rng(seed)
        a = rng.integers(0, 4, 150)
        b = np.where(rng.random(150) < 0.6, a, rng.integers(0, 4, 150))
        assert cohen_kappa(a, b).value == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)

    def test_missing_units_are_left_out(self):
        rng = np.random.default_rng(11)
        a = rng.integers(0, 2, 60).astype(float)
        b = rng.integers(0, 2, 60).astype(float)
        a[::7] = nan
        both = ~np.isnan(a)
        result = cohen_kappa(a, b)
        assert result.value == pytest.approx(cohen_kappa_score(a[both], b[both]))
        assert result.n_units == both.sum()

    def test_pairwise_covers_every_pair(self):
        matrix = KRIPPENDORFF_C
        pairs = pairwise_kappa(matrix)
        assert set(pairs) == {(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)}
        keep = ~np.isnan(matrix[:, 0]) & ~np.isnan(matrix[:, 3])
        assert pairs[(0, 3)].value == pytest.approx(cohen_kappa_score(matrix[keep, 0], matrix[keep, 3]))

    def test_undefined(self):
        assert cohen_kappa([1, nan], [nan, 0]).reason == NO_COMMON
        constant = cohen_kappa([1, 1, 1], [1, 1, 1])
        assert math.isnan(constant.value) and constant.reason == NO_VARIATION


class TestFleissKappa:
    def test_wikipedia_worked_example(self):
        result = fleiss_kappa(ratings_from_counts(FLEISS_WIKIPEDIA_COUNTS))
        assert round(result.value, 3) == 0.210
        assert result.n_units == 10

    def test_units_not_coded_by_everyone_are_left_out(self):
        complete = ratings_from_counts(FLEISS_WIKIPEDIA_COUNTS).astype(float)
        partial = np.vstack([complete, [[1] * 13 + [nan]]])
        assert fleiss_kappa(partial).value == pytest.approx(fleiss_kappa(complete).value)

    def test_undefined(self):
        assert fleiss_kappa([[1], [2]]).reason == ONE_CODER
        assert fleiss_kappa([[1, nan], [nan, 2]]).reason == NO_COMPLETE
        assert fleiss_kappa([[2, 2], [2, 2]]).reason == NO_VARIATION


class TestPercentAgreement:
    def test_two_coders(self):
        assert percent_agreement(KRIPPENDORFF_A).value == pytest.approx(0.6)

    def test_pairwise_average_for_three_coders(self):
        # pairs agree on: (A,B) 3/4, (A,C) 2/4, (B,C) 3/4 -> mean 2/3
        matrix = [[1, 1, 1], [0, 0, 1], [1, 0, 0], [0, 0, 0]]
        assert percent_agreement(matrix).value == pytest.approx(2 / 3)

    def test_each_pair_over_its_common_units(self):
        # (A,B): 1/1 common unit agrees; (A,C): 1/2; (B,C): 0/1 -> mean 1/2
        matrix = [[1, 1, 0], [0, nan, 0], [nan, 1, 0]]
        assert percent_agreement(matrix).value == pytest.approx(0.5)

    def test_undefined(self):
        assert percent_agreement([[1], [0]]).reason == ONE_CODER
        assert percent_agreement([[1, nan], [nan, 1]]).reason == NO_PAIRABLE


@pytest.mark.parametrize("alpha, expected", [
    (0.95, "reliable"), (0.800, "reliable"), (0.7999, "tentative"), (0.667, "tentative"),
    (0.6669, "unreliable"), (-0.2, "unreliable"), (nan, "undefined"),
])
def test_bands(alpha, expected):
    assert band(alpha) == expected


@pytest.fixture(scope="module")
def study():
    rng = np.random.default_rng(42)
    units, coders, codes = 120, 4, 6
    truth = rng.random((units, codes)) < np.linspace(0.05, 0.5, codes)
    applied = np.where(truth[:, None, :], rng.random((units, coders, codes)) < 0.8,
                       rng.random((units, coders, codes)) < 0.05)
    coded = rng.random((units, coders)) > 0.15
    applied &= coded[:, :, None]
    applied[:, :, 5] = False  # a code nobody used
    return applied, coded, multilabel_agreement(applied, coded, n_boot=300, seed=5)


class TestMultiLabel:
    """The vectorised many-codes path agrees with the per-code functions above."""

    @staticmethod
    def matrix(applied, coded, k):
        return np.where(coded, applied[:, :, k].astype(float), nan)

    def test_per_code_statistics(self, study):
        applied, coded, result = study
        for k in range(5):
            matrix = self.matrix(applied, coded, k)
            code = result.codes[k]
            assert code.alpha.value == pytest.approx(krippendorff_alpha(matrix).value, abs=1e-12)
            assert code.fleiss_kappa.value == pytest.approx(fleiss_kappa(matrix).value, abs=1e-12)
            assert code.percent.value == pytest.approx(percent_agreement(matrix).value, abs=1e-12)
            for pair, stat in pairwise_kappa(matrix).items():
                assert code.cohen[pair].value == pytest.approx(stat.value, abs=1e-12)
            assert code.alpha_ci == pytest.approx(alpha_interval(matrix, n_boot=300, seed=5), abs=1e-4)
            assert code.applied == applied[coded.sum(axis=1) >= 2][:, :, k].sum()

    def test_pooled_treats_each_unit_code_pair_as_an_item(self, study):
        applied, coded, result = study
        items = np.vstack([self.matrix(applied, coded, k) for k in range(applied.shape[2])])
        assert result.pooled.alpha.value == pytest.approx(krippendorff_alpha(items).value, abs=1e-12)
        assert result.pooled.fleiss_kappa.value == pytest.approx(fleiss_kappa(items).value, abs=1e-12)
        assert result.pooled.percent.value == pytest.approx(percent_agreement(items).value, abs=1e-12)
        lo, hi = result.pooled.alpha_ci
        assert lo < result.pooled.alpha.value < hi

    def test_unused_code_is_undefined_with_reason(self, study):
        _, _, result = study
        unused = result.codes[5]
        assert math.isnan(unused.alpha.value) and unused.alpha.reason == NEVER_APPLIED
        assert all(math.isnan(v) for v in unused.alpha_ci)
        assert unused.fleiss_kappa.reason == NO_VARIATION
        assert unused.percent.value == 1.0  # everyone agrees it is absent

    def test_one_coder(self):
        result = multilabel_agreement(np.ones((5, 1, 2), bool), n_boot=10)
        assert result.pooled.alpha.reason == ONE_CODER
        assert result.pooled.percent.reason == ONE_CODER
        assert result.pooled.cohen == {}

    def test_no_units(self):
        result = multilabel_agreement(np.zeros((0, 3, 2), bool), n_boot=10)
        assert result.pooled.alpha.reason == NO_PAIRABLE
        assert result.codes[0].fleiss_kappa.reason == NO_COMPLETE

    def test_no_codes(self):
        result = multilabel_agreement(np.zeros((4, 3, 0), bool), n_boot=10)
        assert result.codes == []
        assert result.pooled.alpha.reason == result.pooled.percent.reason == NO_CODES
        assert result.pooled.cohen[(0, 1)].reason == NO_CODES

    def test_application_outside_coded_units_is_refused(self):
        applied = np.zeros((2, 2, 1), bool)
        applied[0, 0, 0] = True
        with pytest.raises(ValueError, match="did not code"):
            multilabel_agreement(applied, np.array([[False, True], [True, True]]))


def pairs_agreement_by_loop(matrix) -> tuple[float, list[float]]:
    """pa and pi_k computed another way: every ordered pair of coders within a unit, counted
    one by one (Gwet 2014, eq. 4.1 written as pairs), and each unit's category shares."""
    rows = [[v for v in row if not (isinstance(v, float) and math.isnan(v))] for row in np.asarray(matrix, float)]
    categories = sorted({v for row in rows for v in row})
    per_unit = []
    for row in rows:
        if len(row) >= 2:
            pairs = list(itertools.permutations(range(len(row)), 2))
            per_unit.append(sum(row[a] == row[b] for a, b in pairs) / len(pairs))
    rated = [row for row in rows if row]
    shares = [sum(row.count(c) / len(row) for row in rated) / len(rated) for c in categories]
    return sum(per_unit) / len(per_unit), shares


class TestGwetAC1:
    def test_gwet_2014_four_raters_example(self):
        """Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., the 4 raters x 12 units
        example with missing ratings (Krippendorff's 2011 data, KRIPPENDORFF_C); also the
        documented output of irrCAC's ``CAC(raw_4raters()).gwet()``: AC1 = 0.77544, pa = 0.81818,
        pe = 0.19032. Unit 12 has one rating: it counts for pi, not for pa."""
        result = gwet_ac1(KRIPPENDORFF_C)
        assert round(result.value, 5) == 0.77544
        assert result.n_units == 11
        pa, shares = pairs_agreement_by_loop(KRIPPENDORFF_C)
        assert round(pa, 5) == 0.81818
        assert round(sum(p * (1 - p) for p in shares) / 4, 5) == 0.19032

    def test_fleiss_1971_diagnoses(self):
        """Fleiss (1971) Table 1: Fleiss' kappa .430 as published; AC1 on the same data from
        irrCAC 0.4.4 (pa 0.5556, pe 0.1950): 0.4478845."""
        assert round(fleiss_kappa(FLEISS_1971).value, 3) == 0.430
        assert gwet_ac1(FLEISS_1971).value == pytest.approx(0.4478845158, abs=1e-9)

    @pytest.mark.parametrize("table, kappa, ac1", [
        ((40, 9, 6, 45), 0.70, 0.7007481297),
        ((80, 10, 5, 5), 0.32, 0.808),
    ])
    def test_kappa_paradox_tables(self, table, kappa, ac1):
        """Feinstein and Cicchetti (1990), Table 1: both tables have 85% agreement; Cohen's
        kappa is .70 for the balanced one and .32 for the one where "yes" dominates (their
        published values). AC1 (irrCAC 0.4.4: 0.7007, 0.808) stays high in both: the paradox
        AC1 and Brennan-Prediger (2 x .85 - 1 = .70) resist."""
        ratings = two_by_two(*table)
        assert round(cohen_kappa(ratings[:, 0], ratings[:, 1]).value, 2) == kappa
        assert gwet_ac1(ratings).value == pytest.approx(ac1, abs=1e-9)
        assert brennan_prediger(ratings).value == pytest.approx(0.70)

    @pytest.mark.parametrize("seed", range(6))
    def test_matches_the_pairwise_loop_with_missing_values(self, seed):
        rng = np.random.default_rng(seed)
        coders, q = rng.integers(2, 6), rng.integers(2, 5)
        matrix = rng.integers(0, q, size=(50, coders)).astype(float)
        matrix[rng.random(matrix.shape) < 0.25] = nan
        pa, shares = pairs_agreement_by_loop(matrix)
        pe = sum(p * (1 - p) for p in shares) / (len(shares) - 1)
        assert gwet_ac1(matrix).value == pytest.approx((pa - pe) / (1 - pe), abs=1e-12)

    def test_categories_that_nobody_used_count(self):
        """With q given, pe divides by q - 1 over every possible category (Gwet 2014)."""
        matrix = [[1, 1], [1, 2], [2, 2], [1, 1]]
        pa, shares = pairs_agreement_by_loop(matrix)
        pe = sum(p * (1 - p) for p in shares) / 2  # q = 3: category 3 has share 0
        assert gwet_ac1(matrix, categories=[1, 2, 3]).value == pytest.approx((pa - pe) / (1 - pe))
        with pytest.raises(ValueError, match="not among the categories"):
            gwet_ac1(matrix, categories=[1, 3])

    def test_undefined_cases_are_nan_with_a_reason(self):
        assert gwet_ac1([[1], [0]]).reason == ONE_CODER
        assert gwet_ac1([[1, nan], [nan, 0]]).reason == NO_PAIRABLE
        constant = gwet_ac1([[1, 1], [1, 1]])
        assert math.isnan(constant.value) and constant.reason == ONE_CATEGORY
        assert gwet_ac1([[1, 1], [1, 1]], categories=[0, 1]).value == 1.0


class TestBrennanPrediger:
    def test_gwet_2014_four_raters_example(self):
        """Gwet (2014), the same 4 raters x 12 units with 5 categories: pa = 0.81818 and chance
        1/q = 0.2, so BP = (0.81818 - 0.2) / 0.8 = 0.7727 (irrCAC's R ``bp.coeff.raw``: 0.7727)."""
        assert round(brennan_prediger(KRIPPENDORFF_C).value, 4) == 0.7727

    @pytest.mark.parametrize("seed", range(4))
    def test_matches_the_pairwise_loop(self, seed):
        rng = np.random.default_rng(10 + seed)
        matrix = rng.integers(0, 3, size=(40, 4)).astype(float)
        matrix[rng.random(matrix.shape) < 0.2] = nan
        pa, _ = pairs_agreement_by_loop(matrix)
        assert brennan_prediger(matrix).value == pytest.approx((pa - 1 / 3) / (1 - 1 / 3), abs=1e-12)

    def test_rare_code_keeps_it_high_where_kappa_collapses(self):
        """300 lines, a code one coder applied to 3 and the other to 2 of them, 1 in common:
        98.7% agreement; kappa and alpha read it as barely reliable, BP and AC1 do not."""
        a = np.zeros(300, int)
        b = np.zeros(300, int)
        a[[0, 1, 2]] = 1
        b[[0, 3]] = 1
        matrix = np.column_stack([a, b])
        assert cohen_kappa(a, b).value < 0.5 and krippendorff_alpha(matrix).value < 0.5
        assert brennan_prediger(matrix).value > 0.97 and gwet_ac1(matrix).value > 0.98

    def test_undefined(self):
        assert brennan_prediger([[1], [2]]).reason == ONE_CODER
        assert brennan_prediger([[1, nan], [nan, 1]]).reason == NO_PAIRABLE
        assert brennan_prediger([[1, 1]]).reason == ONE_CATEGORY


class TestHolsti:
    def test_holsti_1969_formula(self):
        """Holsti (1969, p. 140): CR = 2M / (N1 + N2), M the coding decisions both coders made,
        N1 and N2 each coder's. Coder A makes 10 decisions, B 12, 9 of them the same:
        2 x 9 / 22 = 0.818."""
        a = {("line", i) for i in range(10)}
        b = {("line", i) for i in range(1, 10)} | {("line", i) for i in range(20, 23)}
        result = holsti(a, b)
        assert result.value == pytest.approx(18 / 22)
        assert round(result.value, 3) == 0.818
        assert result.n_units == 13

    def test_same_decisions_and_disjoint_decisions(self):
        assert holsti([(1, "a"), (2, "b")], [(2, "b"), (1, "a")]).value == 1.0
        assert holsti([(1, "a")], [(1, "b")]).value == 0.0

    def test_undefined_without_decisions(self):
        assert holsti([], []).reason == NO_DECISIONS
        assert holsti([], [(1, "a")]).value == 0.0


class TestNewStatisticsAgainstIrrCAC:
    """Seeded multi-label codings (``data/irrcac_reference.json``, made by
    ``data/make_irrcac_reference.py``) against the values irrCAC 0.4.4 computes for them, per
    code and pooled: 2 to 5 coders, rare codes (1-5% of lines), missing ratings by skipped
    transcripts and by single lines left out."""

    @staticmethod
    def arrays(data):
        ratings = np.array([[[nan if v is None else v for v in coder] for coder in unit]
                            for unit in data["ratings"]], dtype=float)
        coded = ~np.isnan(ratings[:, :, 0])
        return np.nan_to_num(ratings).astype(bool), coded

    @pytest.mark.parametrize("data", IRRCAC["datasets"], ids=lambda d: d["name"])
    def test_ac1_and_alpha_per_code_and_pooled(self, data):
        applied, coded = self.arrays(data)
        result = multilabel_agreement(applied, coded, n_boot=0)
        for code, expected in zip(result.codes, data["codes"]):
            assert code.gwet_ac1.value == pytest.approx(expected["gwet_ac1"], abs=1e-9)
            assert code.alpha.value == pytest.approx(expected["krippendorff_alpha"], abs=1e-9)
        assert result.pooled.gwet_ac1.value == pytest.approx(data["pooled"]["gwet_ac1"], abs=1e-9)
        assert result.pooled.alpha.value == pytest.approx(data["pooled"]["krippendorff_alpha"], abs=1e-9)

    @pytest.mark.parametrize("data", IRRCAC["datasets"], ids=lambda d: d["name"])
    def test_fleiss_kappa_on_complete_data(self, data):
        """Fleiss' kappa here counts the units every coder coded; irrCAC's generalisation for
        missing ratings differs, so they meet where no rating is missing."""
        applied, coded = self.arrays(data)
        if not coded.all():
            complete = coded.all(axis=1)
            applied, coded = applied[complete], coded[complete]
            assert multilabel_agreement(applied, coded, n_boot=0).pooled.fleiss_kappa.defined
            return
        result = multilabel_agreement(applied, coded, n_boot=0)
        for code, expected in zip(result.codes, data["codes"]):
            assert code.fleiss_kappa.value == pytest.approx(expected["fleiss_generalized"], abs=1e-9)

    def test_the_datasets_have_missing_ratings_rare_codes_and_many_coders(self):
        shapes = [self.arrays(d) for d in IRRCAC["datasets"]]
        assert sum(not coded.all() for _, coded in shapes) >= 3
        assert max(coded.shape[1] for _, coded in shapes) == 5
        assert min(applied[:, :, k].mean() for applied, _ in shapes for k in range(applied.shape[2])) <= 0.02


class TestMultiLabelNewStatistics:
    """The vectorised AC1, Brennan-Prediger and Holsti agree with the functions above."""

    matrix = staticmethod(TestMultiLabel.matrix)

    def test_per_code_and_pooled_ac1_and_bp(self, study):
        applied, coded, result = study
        for k in range(5):
            matrix = self.matrix(applied, coded, k)
            assert result.codes[k].gwet_ac1.value == pytest.approx(
                gwet_ac1(matrix, categories=[0.0, 1.0]).value, abs=1e-12)
            assert result.codes[k].brennan_prediger.value == pytest.approx(
                brennan_prediger(matrix, categories=[0.0, 1.0]).value, abs=1e-12)
        items = np.vstack([self.matrix(applied, coded, k) for k in range(applied.shape[2])])
        assert result.pooled.gwet_ac1.value == pytest.approx(gwet_ac1(items).value, abs=1e-12)
        assert result.pooled.brennan_prediger.value == pytest.approx(brennan_prediger(items).value, abs=1e-12)

    def test_pair_statistics(self, study):
        applied, coded, result = study
        for k in [*range(5), None]:
            variable = result.pooled if k is None else result.codes[k]
            codes = range(applied.shape[2]) if k is None else [k]
            for (i, j), stat in variable.pair_holsti.items():
                both = coded[:, i] & coded[:, j]
                a = {(u, c) for u in np.nonzero(both)[0] for c in codes if applied[u, i, c]}
                b = {(u, c) for u in np.nonzero(both)[0] for c in codes if applied[u, j, c]}
                assert stat.value == pytest.approx(holsti(a, b).value, abs=1e-12)
                pair = np.vstack([np.column_stack([applied[both, i, c], applied[both, j, c]]) for c in codes])
                assert variable.pair_ac1[(i, j)].value == pytest.approx(gwet_ac1(pair).value, abs=1e-12)
                assert variable.pair_brennan_prediger[(i, j)].value == pytest.approx(
                    brennan_prediger(pair).value, abs=1e-12)
            defined = [s.value for s in variable.pair_holsti.values() if s.defined]
            assert variable.holsti.value == pytest.approx(np.mean(defined), abs=1e-12)

    def test_unused_code_is_undefined_with_reason(self, study):
        _, _, result = study
        unused = result.codes[5]
        assert unused.gwet_ac1.reason == unused.brennan_prediger.reason == NEVER_APPLIED
        assert unused.holsti.reason == NEVER_APPLIED
        assert {s.reason for s in unused.pair_holsti.values()} == {NEITHER_APPLIED}
        assert {s.reason for s in unused.pair_ac1.values()} == {NEITHER_APPLIED}

    def test_holsti_ignores_the_lines_neither_coder_coded_with_the_code(self):
        """Percent agreement counts line x code pairs, so 100 lines and 20 codes with one
        disagreement read 0.9995; Holsti counts applications: 2 x 1 / (1 + 2) = 0.667."""
        applied = np.zeros((100, 2, 20), bool)
        applied[0, :, 0] = True
        applied[1, 1, 0] = True
        result = multilabel_agreement(applied, n_boot=0)
        assert result.pooled.percent.value == pytest.approx(1999 / 2000)
        assert result.pooled.holsti.value == pytest.approx(2 / 3)

    def test_one_coder_and_no_codes(self):
        one = multilabel_agreement(np.ones((5, 1, 2), bool), n_boot=10)
        assert one.pooled.gwet_ac1.reason == one.pooled.holsti.reason == ONE_CODER
        none = multilabel_agreement(np.zeros((4, 3, 0), bool), n_boot=10)
        assert none.pooled.gwet_ac1.reason == none.pooled.holsti.reason == NO_CODES
        empty = multilabel_agreement(np.zeros((0, 3, 2), bool), n_boot=10)
        assert empty.pooled.gwet_ac1.reason == empty.pooled.holsti.reason == NO_PAIRABLE


def test_band_labels_are_one_vocabulary():
    assert band_label(band(0.5)) == "신뢰하기 어려움"
    assert band_label(band(0.9), "en") == "reliable"
    guide = band_guide()
    for key in ("reliable", "tentative", "unreliable"):
        assert band_label(key) in guide
