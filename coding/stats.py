"""Inter-coder agreement on nominal data: pure functions over arrays, no database.

A *reliability matrix* has one row per unit and one column per coder; a cell holds the
value the coder gave the unit (for one code: 1 applied, 0 not) or ``None``/NaN when the
coder did not code that unit. Every statistic returns a :class:`Stat`; when it is
undefined (one coder, no unit coded twice, no variation) the value is NaN and ``reason``
says why. Nothing returns a string in place of a number.

- percent agreement: the mean over coder pairs of the share of their common units on
  which they agree (for two coders, simply the share of agreement);
- Cohen's kappa for each coder pair, over the units both coded;
- Fleiss' kappa (``statsmodels``) over the units every coder coded;
- Krippendorff's alpha, nominal (``krippendorff``), with a unit-bootstrap interval;
- Gwet's AC1 and Brennan and Prediger's kappa (Gwet 2014, with missing ratings): the same
  observed agreement as Fleiss' kappa, but a chance agreement that stays small when one
  category dominates, so they do not collapse when a code is rare;
- Holsti's coefficient of two coders' sets of coding decisions, CR = 2M / (N1 + N2).

The many-codes case used by the reports (units x coders x codes, each code a binary
variable) lives in :mod:`coding.multilabel`, vectorised over codes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np

from coding.bands import RELIABLE, TENTATIVE, band  # noqa: F401  (re-exported: the one reading of alpha)
from fgi.i18n import N_, _

NAN = float("nan")

# Why a statistic is undefined (marked for the catalogue; shown through ``reason_text``).
ONE_CODER = N_("fewer than two coders")
NO_PAIRABLE = N_("no unit was coded by two or more coders")
NO_COMMON = N_("the two coders have no unit in common")
NO_COMPLETE = N_("no unit was coded by every coder")
NO_VARIATION = N_("no variation: every coder gave every unit the same value, so expected disagreement is 0")
ONE_CATEGORY = N_("only one category is possible, so chance agreement is undefined")
NO_DECISIONS = N_("neither coder made a coding decision")


def reason_text(reason: str | None) -> str | None:
    """Why a statistic is undefined, in the user's language (None when it is defined)."""
    return _(reason) if reason else None


@dataclass(frozen=True)
class Stat:
    """One statistic: ``value`` is NaN exactly when ``reason`` says why."""

    value: float
    reason: str | None = None
    n_units: int = 0  # units the value rests on

    @property
    def defined(self) -> bool:
        return not math.isnan(self.value)

    @classmethod
    def undefined(cls, reason: str, n_units: int = 0) -> Stat:
        return cls(NAN, reason, n_units)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def encode(matrix: Sequence[Sequence[Any]] | np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (units x coders, -1 = missing) and the sorted categories they stand for."""
    numeric = np.asarray(matrix) if not isinstance(matrix, np.ndarray) else matrix
    if numeric.ndim == 2 and numeric.dtype.kind in "fiub":
        values = numeric.astype(np.float64)
        present = ~np.isnan(values)
        found, inverse = np.unique(values[present], return_inverse=True)
        codes = np.full(values.shape, -1, dtype=np.int64)
        codes[present] = inverse
        return codes, [v.item() for v in found]
    rows = np.asarray(matrix, dtype=object)
    if rows.ndim != 2:
        raise ValueError(f"a reliability matrix is units x coders, got shape {rows.shape}")
    missing = np.vectorize(_is_missing, otypes=[bool])(rows) if rows.size else np.zeros(rows.shape, bool)
    categories = sorted({v.item() if isinstance(v, np.generic) else v for v in rows[~missing]})
    index = {c: i for i, c in enumerate(categories)}
    codes = np.full(rows.shape, -1, dtype=np.int64)
    for (u, c), value in np.ndenumerate(rows):
        if not missing[u, c]:
            codes[u, c] = index[value.item() if isinstance(value, np.generic) else value]
    return codes, categories


def value_counts(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """How many coders gave each unit each category: units x categories."""
    counts = np.zeros((codes.shape[0], max(n_categories, 1)), dtype=np.int64)
    units, _ = np.nonzero(codes >= 0)
    np.add.at(counts, (units, codes[codes >= 0]), 1)
    return counts


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> Stat:
    """Cohen's kappa of two coders over the units both coded."""
    codes, categories = encode(np.column_stack([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]))
    both = (codes >= 0).all(axis=1)
    n = int(both.sum())
    if n == 0:
        return Stat.undefined(NO_COMMON)
    k = len(categories)
    table = np.zeros((k, k))
    np.add.at(table, (codes[both, 0], codes[both, 1]), 1)
    observed = np.trace(table) / n
    expected = float(table.sum(1) @ table.sum(0)) / n**2
    if expected >= 1.0:
        return Stat.undefined(NO_VARIATION, n)
    return Stat((observed - expected) / (1.0 - expected), None, n)


def pairwise_kappa(matrix) -> dict[tuple[int, int], Stat]:
    """Cohen's kappa for every pair of coders (column indices ``i < j``)."""
    columns = np.asarray(matrix, dtype=object)
    return {
        (i, j): cohen_kappa(columns[:, i], columns[:, j])
        for i, j in itertools.combinations(range(columns.shape[1]), 2)
    }


def percent_agreement(matrix) -> Stat:
    """Mean over coder pairs of the share of their common units on which they agree."""
    codes, _ = encode(matrix)
    if codes.shape[1] < 2:
        return Stat.undefined(ONE_CODER)
    shares = []
    for i, j in itertools.combinations(range(codes.shape[1]), 2):
        common = (codes[:, i] >= 0) & (codes[:, j] >= 0)
        if common.any():
            shares.append(float((codes[common, i] == codes[common, j]).mean()))
    pairable = int(((codes >= 0).sum(axis=1) >= 2).sum())
    if not shares:
        return Stat.undefined(NO_PAIRABLE)
    return Stat(float(np.mean(shares)), None, pairable)


def fleiss_kappa(matrix) -> Stat:
    """Fleiss' kappa over the units every coder coded (statsmodels)."""
    codes, categories = encode(matrix)
    if codes.shape[1] < 2:
        return Stat.undefined(ONE_CODER)
    complete = codes[(codes >= 0).all(axis=1)]
    if len(complete) == 0:
        return Stat.undefined(NO_COMPLETE)
    if len(np.unique(complete)) < 2:
        return Stat.undefined(NO_VARIATION, len(complete))
    # imported here: statsmodels takes 2 s to import, which every `fgi` command would pay
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa as statsmodels_fleiss

    table, _ = aggregate_raters(complete, n_cat=len(categories))
    return Stat(float(statsmodels_fleiss(table, method="fleiss")), None, len(complete))


def _category_count(found: list[Any], categories: Sequence[Any] | None) -> int:
    """q: the categories given (every one possible), else the ones observed."""
    if categories is None:
        return len(found)
    unknown = [c for c in found if c not in set(categories)]
    if unknown:
        raise ValueError(f"value {unknown[0]!r} is not among the categories {list(categories)!r}")
    return len(set(categories))


def _pairwise_agreement(counts: np.ndarray) -> tuple[float, int]:
    """Observed agreement pa: over units with two or more values, the share of agreeing
    ordered coder pairs, sum_k n_uk (n_uk - 1) / (m_u (m_u - 1)), averaged over units."""
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return NAN, 0
    c, m = counts[keep].astype(np.float64), m[keep].astype(np.float64)
    return float(((c * (c - 1)).sum(axis=1) / (m * (m - 1))).mean()), int(keep.sum())


def _chance_corrected(matrix, categories, chance) -> Stat:
    codes, found = encode(matrix)
    if codes.shape[1] < 2:
        return Stat.undefined(ONE_CODER)
    q = _category_count(found, categories)
    counts = value_counts(codes, len(found))
    pa, n = _pairwise_agreement(counts)
    if n == 0:
        return Stat.undefined(NO_PAIRABLE)
    if q < 2:
        return Stat.undefined(ONE_CATEGORY, n)
    m = counts.sum(axis=1)
    rated = m >= 1
    shares = (counts[rated] / m[rated, None]).mean(axis=0)  # pi_k over every unit with a value
    pe = chance(shares, q)
    return Stat(float((pa - pe) / (1.0 - pe)), None, n)


def gwet_ac1(matrix, categories: Sequence[Any] | None = None) -> Stat:
    """Gwet's AC1 for any number of coders, with missing values (Gwet 2008; 2014, ch. 4).

    pa as for Fleiss' kappa over the units with two or more values; chance agreement
    pe = sum_k pi_k (1 - pi_k) / (q - 1), with pi_k the mean share of category k over every
    unit with a value. ``categories`` lists every possible category (q); by default, those seen.
    """
    return _chance_corrected(matrix, categories, lambda pi, q: float((pi * (1 - pi)).sum() / (q - 1)))


def brennan_prediger(matrix, categories: Sequence[Any] | None = None) -> Stat:
    """Brennan and Prediger's (1981) kappa, chance agreement 1/q (Gwet 2014, ch. 4):
    the coders' own category shares do not enter, so a rare category cannot deflate it."""
    return _chance_corrected(matrix, categories, lambda pi, q: 1.0 / q)


def holsti(decisions_a: Iterable[Any], decisions_b: Iterable[Any]) -> Stat:
    """Holsti's (1969, p. 140) coefficient of reliability of two coders' coding decisions,
    CR = 2M / (N1 + N2): M decisions both made, N1 and N2 the decisions each made.

    For line-by-line coding a decision is a (line, code) application, so, unlike percent
    agreement over line x code pairs, the many codes neither coder applied do not count.
    ``n_units`` is the number of distinct decisions.
    """
    a, b = set(decisions_a), set(decisions_b)
    if not a and not b:
        return Stat.undefined(NO_DECISIONS)
    return Stat(2 * len(a & b) / (len(a) + len(b)), None, len(a | b))


def _alpha_undefined(counts: np.ndarray, n_coders: int) -> Stat | None:
    if n_coders < 2:
        return Stat.undefined(ONE_CODER)
    pairable = counts.sum(axis=1) >= 2
    if not pairable.any():
        return Stat.undefined(NO_PAIRABLE)
    if (counts[pairable].sum(axis=0) > 0).sum() < 2:
        return Stat.undefined(NO_VARIATION, int(pairable.sum()))
    return None


def krippendorff_alpha(matrix) -> Stat:
    """Krippendorff's alpha for nominal data (the ``krippendorff`` package)."""
    codes, categories = encode(matrix)
    counts = value_counts(codes, len(categories))
    undefined = _alpha_undefined(counts, codes.shape[1])
    if undefined is not None:
        return undefined
    pairable = int((counts.sum(axis=1) >= 2).sum())
    value = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    return Stat(float(value), None, pairable)


def alpha_from_counts(counts: np.ndarray) -> float:
    """Nominal alpha from unit x category counts (the coincidence-matrix formula, closed form).

    alpha = 1 - (n - 1) * sum_u D_u / (n^2 - sum_c n_c^2), with
    D_u = (m_u^2 - sum_c n_uc^2) / (m_u - 1) over units with m_u >= 2 values.
    """
    sums = _alpha_terms(counts).sum(axis=0)
    return float(_alpha_from_sums(sums[0], sums[1:]))


def _alpha_terms(counts: np.ndarray) -> np.ndarray:
    """Per pairable unit: [D_u, n_u1, ..., n_uV]; summing rows (with weights) gives alpha."""
    m = counts.sum(axis=1)
    counts = counts[m >= 2].astype(np.float64)
    m = m[m >= 2]
    disagreement = (m.astype(np.float64) ** 2 - (counts**2).sum(axis=1)) / (m - 1)
    return np.column_stack([disagreement, counts])


def _alpha_from_sums(disagreement: np.ndarray, category_totals: np.ndarray) -> np.ndarray:
    """Alpha from summed terms; ``category_totals`` has categories on its last axis."""
    n = category_totals.sum(axis=-1)
    expected = n**2 - (category_totals**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1) * disagreement / expected, np.nan)


def bootstrap_sums(terms: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Column sums of ``terms`` (units x k) over ``n_boot`` resamples of its rows.

    Each resample draws as many units as there are, with replacement; its sums are the
    resample's counts (a multinomial weight row) times ``terms``. The whole bootstrap is
    thus a few matrix products, built a block of resamples at a time (about 64 MB).
    """
    n_units = terms.shape[0]
    rng = np.random.default_rng(seed)
    values = np.ascontiguousarray(terms, dtype=np.float32)
    out = np.empty((n_boot, terms.shape[1]), dtype=np.float64)
    block = max(1, min(n_boot, max(64, 16_000_000 // max(n_units, 1))))
    weights = np.empty((block, n_units), dtype=np.float32)
    for start in range(0, n_boot, block):
        rows = min(block, n_boot - start)
        draws = rng.integers(0, n_units, size=(rows, n_units), dtype=np.int32)
        for r in range(rows):
            weights[r] = np.bincount(draws[r], minlength=n_units)
        out[start:start + rows] = weights[:rows] @ values
    return out


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring resamples where the statistic was undefined."""
    tail = (1.0 - level) / 2.0 * 100.0
    if samples.shape[0] == 0 or np.isnan(samples).all():
        shape = samples.shape[1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, as they should
        lo, hi = np.nanpercentile(samples, [tail, 100.0 - tail], axis=0)
    return lo, hi


def alpha_interval(matrix, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """A bootstrap percentile interval for nominal alpha, resampling the pairable units."""
    codes, categories = encode(matrix)
    counts = value_counts(codes, len(categories))
    if _alpha_undefined(counts, codes.shape[1]) is not None or n_boot <= 0:
        return NAN, NAN
    terms = _alpha_terms(counts)
    sums = bootstrap_sums(terms, n_boot, seed)
    lo, hi = percentile_interval(_alpha_from_sums(sums[:, 0], sums[:, 1:]), level)
    return float(lo), float(hi)
