"""Small helpers shared by the clusterers: unit rows, numbering clusters, micro-clusters for scale."""

from __future__ import annotations

import numpy as np


def unit_rows(X: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float64."""
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1.0, norms)


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by decreasing size (ties: by first member); -1 stays."""
    labels = np.asarray(labels)
    ids = [c for c in np.unique(labels) if c >= 0]
    first = {c: int(np.flatnonzero(labels == c)[0]) for c in ids}
    order = sorted(ids, key=lambda c: (-int((labels == c).sum()), first[c]))
    out = np.full(labels.shape, -1, dtype=np.int64)
    for new, c in enumerate(order):
        out[labels == c] = new
    return out


def micro_clusters(X: np.ndarray, n_micro: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import MiniBatchKMeans

    mbk = MiniBatchKMeans(n_clusters=n_micro, init="random", batch_size=4096, n_init=1, max_iter=20,
                          random_state=random_state).fit(X)
    return mbk.labels_, mbk.cluster_centers_
