"""Known-answer tests for the agreement statistics, cross-checked against independent code."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from coding.multilabel import NEVER_APPLIED, NO_CODES, multilabel_agreement
from coding.stats import (
    NO_COMMON, NO_COMPLETE, NO_PAIRABLE, NO_VARIATION, ONE_CODER, alpha_from_counts, alpha_interval,
    band, cohen_kappa, encode, fleiss_kappa, krippendorff_alpha, pairwise_kappa, percent_agreement,
    value_counts,
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
