"""Agreement statistics at scale, against naive per-code loops in the same run.

    python bench/agreement.py [--units 50000] [--coders 10] [--codes 100] [--boot 1000] [--repeats 3]

Synthetic, seeded study: each code has a true prevalence of 0.5-5% of lines; each coder
finds a true code with probability 0.75-0.95 and adds a false one with probability
0.1-1%; lines come in transcripts of 1,000 and each coder skips about 10% of transcripts
(missing values, not absences). Timed: the statistics part only, from the units x coders
x codes arrays to every per-code statistic (Krippendorff's alpha with a bootstrap 95%
interval, Fleiss' kappa, Gwet's AC1, Brennan-Prediger's kappa, pairwise percent agreement,
Holsti's coefficient, and Cohen's kappa, percent, AC1, Brennan-Prediger and Holsti for every
coder pair) and the pooled overall values. Baselines: ``krippendorff.alpha`` per code in a Python loop
(point estimates only, measured in full), the same loop once per bootstrap resample
(measured on a few resamples and scaled), and scikit-learn's ``cohen_kappa_score`` for every
pair and code (measured on 10 codes and scaled). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import krippendorff  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from coding.multilabel import multilabel_agreement  # noqa: E402


def synthetic(units: int, coders: int, codes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.random((units, codes)) < rng.uniform(0.005, 0.05, codes)
    sensitivity = rng.uniform(0.75, 0.95, coders)[None, :, None]
    noise = rng.uniform(0.001, 0.01, coders)[None, :, None]
    draw = rng.random((units, coders, codes), dtype=np.float32)
    applied = np.where(truth[:, None, :], draw < sensitivity, draw < noise)
    transcripts = np.arange(units) // 1000
    skipped = rng.random((transcripts.max() + 1, coders)) < 0.10
    coded = ~skipped[transcripts]
    applied &= coded[:, :, None]
    return applied, coded


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_alpha_loop(applied: np.ndarray, coded: np.ndarray, rows: np.ndarray | None = None) -> list[float]:
    """The baseline: one ``krippendorff.alpha`` call per code (coders x units, NaN missing)."""
    if rows is not None:
        applied, coded = applied[rows], coded[rows]
    out = []
    for k in range(applied.shape[2]):
        data = np.where(coded, applied[:, :, k], np.nan).T
        try:
            out.append(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
        except ValueError:  # one value only
            out.append(float("nan"))
    return out


def naive_cohen(applied: np.ndarray, coded: np.ndarray, codes: int) -> None:
    for k in range(codes):
        for i in range(applied.shape[1]):
            for j in range(i + 1, applied.shape[1]):
                both = coded[:, i] & coded[:, j]
                cohen_kappa_score(applied[both, i, k], applied[both, j, k])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    applied, coded = synthetic(args.units, args.coders, args.codes)
    multilabel_agreement(applied[:2000], coded[:2000], n_boot=10)  # warm up BLAS threads

    full, result = timed(lambda: multilabel_agreement(applied, coded, n_boot=args.boot, seed=0), args.repeats)
    points, _ = timed(lambda: multilabel_agreement(applied, coded, n_boot=0), args.repeats)
    loop, naive = timed(lambda: naive_alpha_loop(applied, coded), 1)
    ours = np.array([c.alpha.value for c in result.codes])
    assert np.allclose(ours, naive, equal_nan=True), "the vectorised alpha differs from krippendorff.alpha"

    rng = np.random.default_rng(1)
    pairable = np.nonzero(coded.sum(axis=1) >= 2)[0]
    sample = 3
    start = time.perf_counter()
    for _ in range(sample):
        naive_alpha_loop(applied, coded, rng.choice(pairable, len(pairable)))
    naive_boot = (time.perf_counter() - start) / sample * args.boot + loop
    start = time.perf_counter()
    naive_cohen(applied, coded, 10)
    cohen = (time.perf_counter() - start) * args.codes / 10

    pooled = result.pooled
    print(f"\n{args.units:,} units x {args.coders} coders x {args.codes} codes "
          f"({int(applied.sum()):,} applications, {1 - coded.mean():.0%} missing); median of {args.repeats} runs\n")
    print("| what | time (s) | vs ours |")
    print("| --- | ---: | ---: |")
    print(f"| ours: every statistic per code + pooled, alpha CI from {args.boot} unit resamples | {full:.2f} | 1.0x |")
    print(f"| ours: the same without the bootstrap | {points:.2f} | {points / full:.2f}x |")
    print(f"| naive: krippendorff.alpha per code, point estimates only (measured) | {loop:.2f} | "
          f"{loop / points:.1f}x our point estimates |")
    print(f"| naive: that loop per resample for a {args.boot}-resample CI (scaled from {sample}) | {naive_boot:,.0f} | "
          f"{naive_boot / full:,.0f}x |")
    print(f"| naive: sklearn cohen_kappa_score for every pair and code (scaled from 10 codes) | {cohen:.1f} | "
          f"{cohen / points:.1f}x our point estimates |")
    print(f"\noverall alpha {pooled.alpha.value:.3f} [{pooled.alpha_ci[0]:.3f}, {pooled.alpha_ci[1]:.3f}], "
          f"Fleiss {pooled.fleiss_kappa.value:.3f}, AC1 {pooled.gwet_ac1.value:.3f}, "
          f"BP {pooled.brennan_prediger.value:.3f}, Holsti {pooled.holsti.value:.3f}, percent {pooled.percent.value:.3f}")


if __name__ == "__main__":
    main()
