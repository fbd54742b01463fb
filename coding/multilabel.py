"""Agreement for multi-label coding: every code is a binary variable, all codes at once.

Input: ``applied[u, c, k]`` (did coder ``c`` apply code ``k`` to unit ``u``) and
``coded[u, c]`` (did coder ``c`` code unit ``u`` at all; if not, the cell is missing for
every code). Output, per code and *pooled*: Krippendorff's alpha with a unit-bootstrap
interval, Fleiss' kappa, average pairwise percent agreement, and Cohen's kappa per pair.

**Pooled** treats every (unit, code) pair as one binary item and computes each statistic
over all items together (one coincidence matrix, one 2x2 table per coder pair). It weighs
codes by how many units they span, and it is not the mean of the per-code values.
Percent agreement pooled this way is dominated by joint absences when codes are sparse;
alpha and kappa correct for that, which is why the reports lead with alpha.

The formulas are the closed forms of :mod:`coding.stats` for two categories, vectorised
over codes; the tests check them against the per-code functions there (which call
``krippendorff``, ``statsmodels`` and their own Cohen's kappa).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coding.stats import (
    NO_COMMON, NO_COMPLETE, NO_PAIRABLE, NO_VARIATION, ONE_CODER, Stat, bootstrap_sums,
    percentile_interval,
)
from fgi.i18n import N_

NEVER_APPLIED = N_("no coder applied this code to a unit coded by two or more coders")
NEITHER_APPLIED = N_("neither coder applied this code on the units both coded")
NO_CODES = "no code was applied in scope"


@dataclass(frozen=True)
class VariableAgreement:
    """Agreement on one binary variable: one code, or all codes pooled."""

    alpha: Stat
    alpha_ci: tuple[float, float]
    percent: Stat
    fleiss_kappa: Stat
    cohen: dict[tuple[int, int], Stat]  # (coder i, coder j), i < j
    pair_percent: dict[tuple[int, int], Stat]
    n_units: int  # units coded by two or more coders
    applied: int  # applications counted (on those units)
    gwet_ac1: Stat = Stat.undefined(NO_CODES)
    brennan_prediger: Stat = Stat.undefined(NO_CODES)
    holsti: Stat = Stat.undefined(NO_CODES)  # mean over coder pairs
    pair_ac1: dict[tuple[int, int], Stat] = field(default_factory=dict)
    pair_brennan_prediger: dict[tuple[int, int], Stat] = field(default_factory=dict)
    pair_holsti: dict[tuple[int, int], Stat] = field(default_factory=dict)


@dataclass(frozen=True)
class MultiLabelAgreement:
    codes: list[VariableAgreement]  # in the order of the code axis
    pooled: VariableAgreement
    n_coders: int
    n_boot: int


def multilabel_agreement(
    applied: np.ndarray, coded: np.ndarray | None = None, *, n_boot: int = 1000, seed: int = 0,
    level: float = 0.95,
) -> MultiLabelAgreement:
    applied = np.asarray(applied, dtype=bool)
    if applied.ndim != 3:
        raise ValueError(f"applied is units x coders x codes, got shape {applied.shape}")
    n_units, n_coders, n_codes = applied.shape
    coded = np.ones((n_units, n_coders), bool) if coded is None else np.asarray(coded, dtype=bool)
    if coded.shape != (n_units, n_coders):
        raise ValueError(f"coded must be units x coders {(n_units, n_coders)}, got {coded.shape}")
    if (applied & ~coded[:, :, None]).any():
        raise ValueError("a code is applied to a unit its coder did not code")

    m = coded.sum(axis=1)
    if n_codes == 0:
        return _no_codes(n_units=int((m >= 2).sum()), n_coders=n_coders, n_boot=n_boot)
    pairable = (m >= 2) if n_coders >= 2 else np.zeros(n_units, bool)
    rated = m >= 1
    ones_rated = applied[rated].sum(axis=1, dtype=np.int64)  # units with a coder x codes
    ones = ones_rated[pairable[rated]]  # pairable units x codes
    alpha, intervals = _alpha(ones, m[pairable], n_coders, n_boot, seed, level)
    fleiss = _fleiss(ones[m[pairable] == n_coders], n_coders)
    ac1, bp = _ac1_and_bp(ones, m[pairable], ones_rated, m[rated], n_coders)
    tables = _pair_tables(applied, coded)
    pair_stats = _pairs(tables, n_coders, int(pairable.sum()))

    def variable(k: int | None) -> VariableAgreement:
        i = n_codes if k is None else k  # the pooled value comes last in every list

        def per_pair(stats: dict[tuple[int, int], list[Stat]]) -> dict[tuple[int, int], Stat]:
            return {pair: values[i] for pair, values in stats.items()}

        return VariableAgreement(
            alpha=alpha[i], alpha_ci=intervals[i], percent=pair_stats.percent[i], fleiss_kappa=fleiss[i],
            cohen=per_pair(pair_stats.cohen), pair_percent=per_pair(pair_stats.pair_percent),
            n_units=int(pairable.sum()),
            applied=int(ones.sum() if k is None else ones[:, k].sum()),
            gwet_ac1=ac1[i], brennan_prediger=bp[i], holsti=pair_stats.holsti[i],
            pair_ac1=per_pair(pair_stats.pair_ac1), pair_brennan_prediger=per_pair(pair_stats.pair_bp),
            pair_holsti=per_pair(pair_stats.pair_holsti),
        )

    return MultiLabelAgreement(
        codes=[variable(k) for k in range(n_codes)], pooled=variable(None),
        n_coders=n_coders, n_boot=n_boot,
    )


def _no_codes(n_units: int, n_coders: int, n_boot: int) -> MultiLabelAgreement:
    stat = Stat.undefined(ONE_CODER if n_coders < 2 else NO_CODES, n_units)
    pairs = {(i, j): stat for i in range(n_coders) for j in range(i + 1, n_coders)}
    pooled = VariableAgreement(stat, (np.nan, np.nan), stat, stat, pairs, dict(pairs), n_units, 0,
                               stat, stat, stat, dict(pairs), dict(pairs), dict(pairs))
    return MultiLabelAgreement([], pooled, n_coders, n_boot)


def _alpha(ones, m, n_coders, n_boot, seed, level):
    """Alpha per code and pooled (last entry), each with a bootstrap interval."""
    n_units, n_codes = ones.shape
    m = m.astype(np.float64)[:, None]
    # Observed disagreement of a unit for a binary code: 2 n0 n1 / (m - 1); we keep n0 n1 / (m - 1).
    disagree = ones * (m - ones) / (m - 1) if n_units else np.zeros((0, n_codes))
    terms = np.column_stack([disagree, ones, m])
    point = _binary_alpha(terms.sum(axis=0)[None, :], n_codes)[0]
    if n_boot > 0 and n_units >= 2:
        lo, hi = percentile_interval(_binary_alpha(bootstrap_sums(terms, n_boot, seed), n_codes), level)
    else:
        lo = hi = np.full(n_codes + 1, np.nan)
    stats = []
    for k in range(n_codes + 1):
        applied = terms[:, n_codes:2 * n_codes].sum() if k == n_codes else terms[:, n_codes + k].sum()
        if n_coders < 2:
            stats.append(Stat.undefined(ONE_CODER))
        elif n_units == 0:
            stats.append(Stat.undefined(NO_PAIRABLE))
        elif np.isnan(point[k]):
            stats.append(Stat.undefined(NEVER_APPLIED if applied == 0 else NO_VARIATION, n_units))
        else:
            stats.append(Stat(float(point[k]), None, n_units))
    intervals = [(float(lo[k]), float(hi[k])) if stats[k].defined else (np.nan, np.nan)
                 for k in range(n_codes + 1)]
    return stats, intervals


def _binary_alpha(sums: np.ndarray, n_codes: int) -> np.ndarray:
    """Rows of summed terms [disagreement x K, ones x K, m] -> alpha x (K + 1), pooled last."""
    disagree, ones, n = sums[:, :n_codes], sums[:, n_codes:2 * n_codes], sums[:, 2 * n_codes:]
    disagree = np.column_stack([disagree, disagree.sum(axis=1)])
    ones = np.column_stack([ones, ones.sum(axis=1)])
    n = np.column_stack([np.repeat(n, n_codes, axis=1), n * n_codes])
    expected = ones * (n - ones)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - (n - 1) * disagree / expected, np.nan)


def _fleiss(ones: np.ndarray, n_coders: int) -> list[Stat]:
    """Fleiss' kappa per code and pooled, over the units every coder coded."""
    n_units, n_codes = ones.shape
    if n_coders < 2:
        return [Stat.undefined(ONE_CODER)] * (n_codes + 1)
    if n_units == 0:
        return [Stat.undefined(NO_COMPLETE)] * (n_codes + 1)
    c = n_coders
    agreement = (ones**2 + (c - ones) ** 2 - c) / (c * (c - 1))  # P_i for each unit and code
    observed = np.append(agreement.mean(axis=0), agreement.mean())
    share = np.append(ones.sum(axis=0), ones.sum()) / (n_units * c * np.append(np.ones(n_codes), n_codes))
    expected = share**2 + (1 - share) ** 2
    return [
        Stat(float((observed[k] - expected[k]) / (1 - expected[k])), None, n_units)
        if 0 < share[k] < 1 else Stat.undefined(NO_VARIATION, n_units)
        for k in range(n_codes + 1)
    ]


def _pair_tables(applied: np.ndarray, coded: np.ndarray, chunk: int = 512):
    """2x2 tables of every coder pair for every code: (both, n11, n10) with n10[k, i, j] =
    units where i applied k and j coded the unit without applying it."""
    n_units, n_coders, n_codes = applied.shape
    both = np.zeros((n_coders, n_coders))
    n11 = np.zeros((n_codes, n_coders, n_coders))
    i_yes = np.zeros((n_codes, n_coders, n_coders))  # i applied, j coded the unit
    for start in range(0, n_units, chunk):
        present = coded[start:start + chunk].astype(np.float32)
        by_code = np.ascontiguousarray(applied[start:start + chunk].transpose(2, 0, 1), dtype=np.float32)
        both += present.T @ present
        n11 += by_code.transpose(0, 2, 1) @ by_code
        i_yes += by_code.transpose(0, 2, 1) @ present
    return both, n11, i_yes - n11


def _ac1_and_bp(ones, m, ones_rated, m_rated, n_coders) -> tuple[list[Stat], list[Stat]]:
    """Gwet's AC1 and Brennan-Prediger's kappa per code and pooled (last), two categories.

    ``ones``/``m``: units coded by two or more coders (observed agreement); ``ones_rated``/
    ``m_rated``: every unit some coder coded (pi, the share of coders applying the code).
    Pooled: every (unit, code) item one yes/no variable, so pa and pi are means over codes.
    """
    n_units, n_codes = ones.shape
    if n_coders < 2:
        return [Stat.undefined(ONE_CODER)] * (n_codes + 1), [Stat.undefined(ONE_CODER)] * (n_codes + 1)
    if n_units == 0:
        return [Stat.undefined(NO_PAIRABLE)] * (n_codes + 1), [Stat.undefined(NO_PAIRABLE)] * (n_codes + 1)
    # A unit's agreement, (n1 (n1 - 1) + n0 (n0 - 1)) / (m (m - 1)) with n0 = m - n1, is
    # w (2 n1^2 - 2 m n1) + 1 with w = 1 / (m (m - 1)): two matrix-vector products.
    m = m.astype(np.float64)
    w = 1.0 / (m * (m - 1))
    ones_f = ones.astype(np.float64)
    pa = 1.0 + 2.0 * (w @ ones_f**2 - (w * m) @ ones_f) / n_units
    pa = np.append(pa, pa.mean())
    pi = (1.0 / m_rated.astype(np.float64)) @ ones_rated.astype(np.float64) / len(m_rated)
    pi = np.append(pi, pi.mean())
    pe = 2 * pi * (1 - pi)  # at most 1/2, so the denominator never vanishes
    ac1 = (pa - pe) / (1 - pe)
    bp = 2 * pa - 1
    used = np.append(ones.sum(axis=0), ones.sum()) > 0
    out_ac1 = [Stat(float(ac1[k]), None, n_units) if used[k] else Stat.undefined(NEVER_APPLIED, n_units)
               for k in range(n_codes + 1)]
    out_bp = [Stat(float(bp[k]), None, n_units) if used[k] else Stat.undefined(NEVER_APPLIED, n_units)
              for k in range(n_codes + 1)]
    return out_ac1, out_bp


@dataclass(frozen=True)
class _PairStats:
    """Per coder pair, a list per code with the pooled value last; and pair means."""

    cohen: dict[tuple[int, int], list[Stat]]
    pair_percent: dict[tuple[int, int], list[Stat]]
    pair_ac1: dict[tuple[int, int], list[Stat]]
    pair_bp: dict[tuple[int, int], list[Stat]]
    pair_holsti: dict[tuple[int, int], list[Stat]]
    percent: list[Stat]  # mean over pairs
    holsti: list[Stat]  # mean over pairs


def _pairs(tables, n_coders, n_pairable) -> _PairStats:
    """Two-coder statistics per pair (per code and pooled) from the 2x2 tables, and pair means.

    a = both applied, b = only i, c = only j, d = neither, on the units both coded.
    Cohen's kappa: 2 (ad - bc) / ((a + b)(b + d) + (a + c)(c + d)); AC1 with
    pi = (2a + b + c) / 2n; Brennan-Prediger 2 (a + d) / n - 1; Holsti 2a / (2a + b + c).
    """
    both, n11, n10 = tables
    n01 = n10.transpose(0, 2, 1)
    n00 = both[None] - n11 - n10 - n01
    # Pooled over codes: one 2x2 table per pair, summed.
    a, b, c, d = (np.concatenate([t, t.sum(axis=0, keepdims=True)]) for t in (n11, n10, n01, n00))
    n = a + b + c + d
    denominator = (a + b) * (b + d) + (a + c) * (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(denominator > 0, 2 * (a * d - b * c) / denominator, np.nan)
        share = np.where(n > 0, (a + d) / n, np.nan)
        pi = np.where(n > 0, (2 * a + b + c) / (2 * n), np.nan)
        pe = 2 * pi * (1 - pi)
        ac1 = (share - pe) / (1 - pe)
        decisions = 2 * a + b + c
        holsti = np.where(decisions > 0, 2 * a / decisions, np.nan)
    bp = 2 * share - 1
    slots = kappa.shape[0]
    out = _PairStats({}, {}, {}, {}, {}, [], [])
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            units = int(both[i, j])

            def stats(values, undefined_reason):
                return [
                    Stat(v, None, units) if units and not math.isnan(v)
                    else Stat.undefined(undefined_reason if units else NO_COMMON, units)
                    for v in values[:, i, j].tolist()
                ]

            tested = (decisions[:, i, j] > 0).tolist()
            out.cohen[(i, j)] = stats(kappa, NO_VARIATION)
            out.pair_percent[(i, j)] = stats(share, NO_COMMON)
            out.pair_holsti[(i, j)] = stats(holsti, NEITHER_APPLIED)
            # AC1 and Brennan-Prediger have a value without applications, but a pair that never
            # applied the code has not been tested on it: undefined, as alpha is.
            out.pair_ac1[(i, j)] = [s if tested[k] or not units else Stat.undefined(NEITHER_APPLIED, units)
                                    for k, s in enumerate(stats(ac1, NO_COMMON))]
            out.pair_bp[(i, j)] = [s if tested[k] or not units else Stat.undefined(NEITHER_APPLIED, units)
                                   for k, s in enumerate(stats(bp, NO_COMMON))]
    out.percent.extend(_pair_mean(out.pair_percent, slots, n_coders, n_pairable, NO_PAIRABLE))
    out.holsti.extend(_pair_mean(out.pair_holsti, slots, n_coders, n_pairable, NEVER_APPLIED))
    return out


def _pair_mean(per_pair, slots, n_coders, n_pairable, none_defined) -> list[Stat]:
    """The mean over pairs of each slot's defined values."""
    out = []
    for k in range(slots):
        values = [s[k].value for s in per_pair.values() if s[k].defined]
        if n_coders < 2:
            out.append(Stat.undefined(ONE_CODER))
        elif not any(s[k].n_units for s in per_pair.values()):
            out.append(Stat.undefined(NO_PAIRABLE))
        elif not values:
            out.append(Stat.undefined(none_defined, n_pairable))
        else:
            out.append(Stat(float(np.mean(values)), None, n_pairable))
    return out
