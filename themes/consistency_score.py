"""How well each coded line fits its code, and which other code it would fit better: the
arithmetic of the coding-consistency check (``themes.consistency`` reads the database).

Each line is a TF-IDF vector over its Kiwi noun lemmas (sublinear tf, L2-normalised, the
space of the code suggestions). A code is the mean of its lines' vectors. For a pair
(line, code):

* *fit*: the cosine of the line with the mean of the code's *other* lines (leave one out,
  so a line does not vouch for itself);
* *better*: among the codes the line does not carry, the one whose mean it is closest to,
  and that cosine;
* *doubt* = better - fit: how much closer the line is to another code than to its own.

Pairs are ranked by doubt, largest first. A code with fewer than ``MIN_OTHERS`` other
lines gives no fit to compare with and is not judged. Ties: segment, then code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_OTHERS = 2


def _identity(doc):
    return doc


@dataclass(frozen=True)
class PairScore:
    line: int  # index into the lines given
    code: str
    fit: float
    better: str | None
    better_fit: float
    doubt: float


def line_vectors(tokens: Sequence[Sequence[str]]):
    """Row-normalised TF-IDF (sublinear tf) of the lines' token lists (sparse)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    docs = [list(t) or ["∅"] for t in tokens]
    return normalize(vec.fit_transform(docs))


def consistency_scores(tokens: Sequence[Sequence[str]], pairs: Sequence[tuple[int, str]],
                       X=None) -> list[PairScore]:
    """Scores of the (line index, code) ``pairs``, most doubtful first. ``X``: line vectors
    to use instead of ``line_vectors(tokens)`` (rows L2-normalised)."""
    X = line_vectors(tokens) if X is None else X
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=np.float64)
    pairs = sorted(set(pairs))
    codes = sorted({c for _, c in pairs})
    index = {c: i for i, c in enumerate(codes)}
    sums = np.zeros((len(codes), X.shape[1]))
    counts = np.zeros(len(codes), dtype=np.int64)
    carried: dict[int, set[int]] = {}
    for line, code in pairs:
        sums[index[code]] += X[line]
        counts[index[code]] += 1
        carried.setdefault(line, set()).add(index[code])
    means = sums / np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(means, axis=1)
    unit = means / np.where(norms == 0, 1.0, norms)[:, None]
    out = []
    for line, code in pairs:
        c = index[code]
        if counts[c] - 1 < MIN_OTHERS:
            continue
        rest = sums[c] - X[line]
        rn = np.linalg.norm(rest)
        fit = float(X[line] @ rest / rn) if rn else 0.0
        sims = unit @ X[line]
        sims[list(carried[line])] = -np.inf
        sims[counts < MIN_OTHERS] = -np.inf
        b = int(np.argmax(sims)) if np.isfinite(sims).any() else None
        better_fit = float(sims[b]) if b is not None else 0.0
        out.append(PairScore(line, code, round(fit, 6), codes[b] if b is not None else None, round(better_fit, 6),
                             round(better_fit - fit if b is not None else -fit, 6)))
    out.sort(key=lambda s: (-s.doubt, s.line, s.code))
    return out
