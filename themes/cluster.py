"""Clusterers with an automatically chosen number of clusters, scalable to 100k lines.

``get_clusterer(name, **params)`` with ``name`` in ``"consensus"`` (default; kNN-graph
Louvain rounds aggregated, see ``themes.consensus``), ``"agglomerative"`` (Ward on
L2-normalised vectors), ``"kmeans"`` and ``"hdbscan"``. Each follows scikit-learn
conventions: parameters in ``__init__``, ``fit(X)`` returns self, and sets ``labels_``
(ints; clusters numbered by decreasing size, -1 = noise for HDBSCAN), ``n_clusters_`` and,
when k was chosen automatically, ``k_scores_`` (here {k: mean cosine silhouette}).

Scalability: up to ``max_exact`` rows the agglomerative clusterer builds the full Ward
tree (O(n^2) memory). Above it, MiniBatchKMeans first summarises the rows into
``n_micro`` micro-clusters, Ward then runs on their centroids, and each row takes the
cluster of its micro-cluster. Silhouettes are computed on a fixed random sample of at most
``sample_size`` rows.

Automatic k for Ward and k-means (``k="auto"``): the k in [2, k_max] with the highest mean
cosine silhouette, k_max = min(40, ceil(sqrt(n))) unless given. Measured on the dev
quotes: silhouette, a gap statistic, a permutation-null silhouette and bootstrap stability
all *increase monotonically* with k on conversational text, so the sqrt(n) bound decides;
that is why the default clusterer lets modularity choose instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from themes.consensus import ConsensusGraphClusterer
from themes.partition import micro_clusters, relabel_by_size


def k_bounds(n: int, k_max: int | None = None) -> tuple[int, int]:
    hi = min(40, math.ceil(math.sqrt(max(n, 1)))) if k_max is None else int(k_max)
    hi = max(2, min(hi, n - 1))
    return 2, hi


def _silhouette(D: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return -1.0
    return float(silhouette_score(D, labels, metric="precomputed"))


def _sample(n: int, size: int, random_state: int) -> np.ndarray | None:
    if n <= size:
        return None
    return np.sort(np.random.default_rng(random_state).choice(n, size, replace=False))


def choose_k(X: np.ndarray, labelings: dict[int, np.ndarray], sample_size: int = 2000,
             random_state: int = 0) -> tuple[int, dict[int, float]]:
    """The k whose labelling has the best cosine silhouette (ties: the smaller k)."""
    from sklearn.metrics import pairwise_distances

    sample = _sample(len(X), sample_size, random_state)
    idx = np.arange(len(X)) if sample is None else sample
    D = pairwise_distances(X[idx], metric="cosine")  # once, reused for every k
    D[np.diag_indices_from(D)] = 0.0
    D = np.clip(D, 0.0, None)
    scores = {k: _silhouette(D, np.asarray(lab)[idx]) for k, lab in sorted(labelings.items())}
    best = max(scores, key=lambda k: (round(scores[k], 12), -k))
    return best, scores


class AgglomerativeClusterer:
    def __init__(self, k: int | str = "auto", linkage: str = "ward", k_max: int | None = None,
                 max_exact: int = 5000, n_micro: int = 400, sample_size: int = 2000,
                 random_state: int = 0) -> None:
        self.k = k
        self.linkage = linkage
        self.k_max = k_max
        self.max_exact = max_exact
        self.n_micro = n_micro
        self.sample_size = sample_size
        self.random_state = random_state

    def fit(self, X: np.ndarray) -> AgglomerativeClusterer:
        from scipy.cluster.hierarchy import fcluster, linkage

        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        self.k_scores_: dict[int, float] = {}
        if n < 3:
            self.labels_ = np.arange(n, dtype=np.int64)
            self.n_clusters_ = n
            return self
        if n > self.max_exact:
            micro, points = micro_clusters(X, min(self.n_micro, n), self.random_state)
        else:
            micro, points = np.arange(n), X
        method = self.linkage
        tree = linkage(points, method) if method == "ward" else linkage(points, method, metric="cosine")

        def cut(k: int) -> np.ndarray:
            return fcluster(tree, k, "maxclust")[micro]

        if self.k == "auto":
            lo, hi = k_bounds(n, self.k_max)
            hi = min(hi, len(points) - 1)
            labelings = {k: cut(k) for k in range(lo, max(lo, hi) + 1)}
            best, self.k_scores_ = choose_k(X, labelings, self.sample_size, self.random_state)
            labels = labelings[best]
        else:
            labels = cut(max(1, min(int(self.k), len(points))))
        self.labels_ = relabel_by_size(labels)
        self.n_clusters_ = int(self.labels_.max()) + 1
        return self

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).labels_


class KMeansClusterer:
    """k-means on L2-normalised rows (spherical-ish); MiniBatchKMeans above max_exact."""

    def __init__(self, k: int | str = "auto", k_max: int | None = None, max_exact: int = 5000,
                 sample_size: int = 2000, random_state: int = 0) -> None:
        self.k = k
        self.k_max = k_max
        self.max_exact = max_exact
        self.sample_size = sample_size
        self.random_state = random_state

    def _run(self, X: np.ndarray, k: int) -> np.ndarray:
        from sklearn.cluster import KMeans, MiniBatchKMeans

        if len(X) > self.max_exact:
            est = MiniBatchKMeans(k, batch_size=4096, n_init=3, random_state=self.random_state)
        else:
            est = KMeans(k, n_init=10, random_state=self.random_state)
        return est.fit_predict(X)

    def fit(self, X: np.ndarray) -> KMeansClusterer:
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        self.k_scores_ = {}
        if n < 3:
            self.labels_, self.n_clusters_ = np.arange(n, dtype=np.int64), n
            return self
        if self.k == "auto":
            lo, hi = k_bounds(n, self.k_max)
            labelings = {k: self._run(X, k) for k in range(lo, hi + 1)}
            best, self.k_scores_ = choose_k(X, labelings, self.sample_size, self.random_state)
            labels = labelings[best]
        else:
            labels = self._run(X, max(1, min(int(self.k), n)))
        self.labels_ = relabel_by_size(labels)
        self.n_clusters_ = int(self.labels_.max()) + 1
        return self

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).labels_


class HDBSCANClusterer:
    """scikit-learn HDBSCAN (density based; chooses its own number of clusters, -1 =
    noise). Above max_exact rows it runs on MiniBatchKMeans micro-cluster centroids."""

    def __init__(self, k: int | str = "auto", min_cluster_size: int | str = "auto",
                 max_exact: int = 5000, n_micro: int = 400, random_state: int = 0) -> None:
        self.k = k
        self.min_cluster_size = min_cluster_size
        self.max_exact = max_exact
        self.n_micro = n_micro
        self.random_state = random_state

    def fit(self, X: np.ndarray) -> HDBSCANClusterer:
        from sklearn.cluster import HDBSCAN

        if self.k != "auto":
            raise ValueError("hdbscan chooses its own number of clusters; use k='auto'")
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        micro, points = (micro_clusters(X, min(self.n_micro, n), self.random_state) if n > self.max_exact
                         else (np.arange(n), X))
        mcs = max(2, round(math.sqrt(len(points)) / 2)) if self.min_cluster_size == "auto" else int(self.min_cluster_size)
        if len(points) <= mcs:
            labels = np.zeros(len(points), dtype=np.int64)
        else:
            labels = HDBSCAN(min_cluster_size=mcs, copy=True).fit_predict(points)
        self.labels_ = relabel_by_size(labels[micro])
        self.n_clusters_ = int(self.labels_.max()) + 1
        self.k_scores_ = {}
        return self

    def fit_predict(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).labels_


_REGISTRY: dict[str, Any] = {
    "consensus": ConsensusGraphClusterer,
    "agglomerative": AgglomerativeClusterer,
    "kmeans": KMeansClusterer,
    "hdbscan": HDBSCANClusterer,
}


def available_clusterers() -> list[str]:
    return sorted(_REGISTRY)


def get_clusterer(name: str = "consensus", **params: Any):
    try:
        return _REGISTRY[name](**params)
    except KeyError:
        raise ValueError(f"unknown clusterer {name!r}; choose one of: {', '.join(available_clusterers())}") from None
