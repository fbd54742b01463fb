"""How solid a candidate is: how often it reappears when the proposal is run again on
resamples of its lines (clusterwise stability, Hennig 2007).

Each of ``n_boot`` resamples keeps a random ``share`` of the lines (without replacement:
a repeated line would be its own nearest neighbour) and clusters them again with a new
seed. A candidate *reappears* in a resample when some cluster of it has a Jaccard
similarity of at least ``threshold`` with the candidate's lines that were kept. Its
stability is the share of resamples in which it reappears (1.0: every time; below about
0.5: a grouping the data do not hold together). Hennig reads a mean Jaccard below 0.5 as
"dissolved" and above 0.75 as "stable"; the share of reappearances is what the card shows,
because "8 of 10 times" reads more plainly than a mean similarity.

Resamples and their seeds are drawn from ``random_state``: the same input and seed give
the same stabilities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

N_BOOT = 10
SHARE = 0.8
THRESHOLD = 0.5


@dataclass(frozen=True)
class Stability:
    reappeared: int  # resamples in which the candidate reappeared
    resamples: int  # resamples that kept at least one of its lines
    mean_jaccard: float

    @property
    def share(self) -> float:
        return self.reappeared / self.resamples if self.resamples else 0.0


def bootstrap_stability(labels: np.ndarray, refit: Callable[[np.ndarray, int], np.ndarray], *,
                        n_boot: int = N_BOOT, share: float = SHARE, threshold: float = THRESHOLD,
                        random_state: int = 0) -> dict[int, Stability]:
    """Stability of each cluster of ``labels`` (noise -1 left out). ``refit(rows, seed)``
    clusters the rows ``rows`` (sorted indices) again and returns their labels."""
    labels = np.asarray(labels)
    n = len(labels)
    clusters = sorted(int(c) for c in np.unique(labels) if c >= 0)
    hits = {c: 0 for c in clusters}
    seen = {c: 0 for c in clusters}
    jac: dict[int, list[float]] = {c: [] for c in clusters}
    rng = np.random.default_rng(random_state)
    keep = max(3, int(round(share * n)))
    if n < 4 or not clusters:
        return {c: Stability(0, 0, 0.0) for c in clusters}
    for _ in range(n_boot):
        rows = np.sort(rng.choice(n, min(keep, n), replace=False))
        sub = np.asarray(refit(rows, int(rng.integers(2**31))))
        groups = [set(rows[sub == g].tolist()) for g in np.unique(sub) if g >= 0]
        for c in clusters:
            kept = set(rows[labels[rows] == c].tolist())
            if not kept:
                continue
            seen[c] += 1
            best = max((len(kept & g) / len(kept | g) for g in groups), default=0.0)
            jac[c].append(best)
            hits[c] += best >= threshold
    return {c: Stability(hits[c], seen[c], round(float(np.mean(jac[c])), 4) if jac[c] else 0.0) for c in clusters}
