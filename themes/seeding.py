"""Seeded proposals: anchors (the codebook's codes with their definitions, or accepted
themes) that lines are attracted to.

Each line's similarity to each anchor (cosine of TF-IDF over Kiwi noun lemmas, the space
of the code suggestions) is appended to its embedding, weighted by ``weight`` and the
rows normalised again: two lines close to the same anchor come closer, whatever else they
share. ``co_coded_views`` does the same with the codes lines carry: lines coded with the
same code share a coordinate. Both return new views for the consensus clusterer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from themes.partition import unit_rows


def _identity(doc):
    return doc


def anchor_similarities(tokens: Sequence[Sequence[str]], anchor_tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """n_lines x n_anchors cosine similarities (TF-IDF fit on lines and anchors)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    vec.fit([list(t) or ["∅"] for t in tokens] + [list(a) or ["∅"] for a in anchor_tokens])
    X = normalize(vec.transform([list(t) for t in tokens]))
    A = normalize(vec.transform([list(a) for a in anchor_tokens]))
    return np.asarray((X @ A.T).todense())


def attracted(views: Sequence[np.ndarray], extra: np.ndarray, weight: float) -> list[np.ndarray]:
    """Each view with ``weight`` x the rows of ``extra`` (row-normalised) appended."""
    E = unit_rows(np.asarray(extra, dtype=np.float64)) * weight
    return [unit_rows(np.hstack([unit_rows(np.asarray(V, dtype=np.float64)), E])) for V in views]


def co_coded_matrix(codes: Sequence[Sequence[object]]) -> np.ndarray:
    """n_lines x n_codes indicator of the codes each line carries."""
    names = sorted({c for cs in codes for c in cs}, key=str)
    index = {c: i for i, c in enumerate(names)}
    M = np.zeros((len(codes), len(names)))
    for r, cs in enumerate(codes):
        for c in cs:
            M[r, index[c]] = 1.0
    return M
