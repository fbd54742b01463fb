"""Consensus graph clustering, the default clusterer of theme proposals.

Each of ``runs`` rounds links every line to its nearest neighbours (cosine) in one *view*
of the lines, finds the communities of that graph by Louvain modularity (Blondel et al.
2008; igraph's C implementation) and counts which lines land together. The share of rounds
in which two lines share a community is their *co-association*; the final candidates are
found in that matrix:

* ``k="auto"``: Louvain on the co-association graph (pairs together in < 20 % of rounds
  dropped; resolution 2.0). Modularity decides the number of candidates: there is no k to
  guess, and no silhouette that only grows with k. ``k_scores_`` = {k: modularity}.
* ``k=N``: average linkage on 1 - co-association, cut into N clusters.

Rounds differ in their view (the caller may pass several, e.g. LSA fits with other seeds
and dimensions; ``views[r % len(views)]``), in the number of neighbours (0.6-1.4 x about
sqrt(n), 4-15), in the Louvain resolution (1.0-2.0) and seed, all drawn from
``random_state``: the same input and seed give the same clusters. Measured on the dev
quotes (docs/benchmarks.md): one kNN-graph Louvain clustering beats Ward and average
linkage, and the consensus of many is better and steadier than one.

Scalability: up to ``max_exact`` rows the rounds run on the rows. Above it, MiniBatchKMeans
summarises the first view into ``n_micro`` micro-clusters, the rounds run on their centroids
(in every view) and each row takes its micro-cluster's cluster.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Sequence

import numpy as np

from themes.partition import micro_clusters, relabel_by_size, unit_rows

KEEP = 0.2  # co-association below this is not an edge of the final graph
TIE_BREAK = 0.01  # weight of the embedding distance in a cut at a given k
FINAL_RESOLUTION = 2.0  # of the final Louvain; 1.5-2.5 measured alike on the dev quotes


def nearest(Z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most cosine-similar other rows of each (unit) row, most similar first:
    (indices, similarities), each n x k."""
    n = len(Z)
    k = max(1, min(k, n - 1))
    S = Z @ Z.T
    np.fill_diagonal(S, -np.inf)
    top = np.argpartition(-S, k - 1, axis=1)[:, :k]
    sims = np.take_along_axis(S, top, axis=1)
    order = np.argsort(-sims, axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(sims, order, axis=1)


def knn_graph(Z: np.ndarray, k: int, neighbours: tuple[np.ndarray, np.ndarray] | None = None):
    """Symmetric sparse graph linking each row to its ``k`` most cosine-similar rows,
    weighted by the similarity (floored at a tiny positive weight). ``neighbours``: a
    ``nearest`` result for at least ``k``, to reuse."""
    from scipy.sparse import csr_matrix

    n = len(Z)
    k = max(1, min(k, n - 1))
    idx, sims = neighbours if neighbours is not None else nearest(Z, k)
    rows = np.repeat(np.arange(n), k)
    A = csr_matrix((np.maximum(sims[:, :k].ravel(), 1e-6), (rows, idx[:, :k].ravel())), shape=(n, n))
    return A.maximum(A.T)


_RNG_LOCK = threading.Lock()  # igraph's random generator is process-wide


def _graph(A):
    """An undirected weighted igraph graph from a symmetric adjacency (sparse or dense)."""
    import igraph
    from scipy.sparse import csr_matrix, triu

    upper = triu(csr_matrix(A), k=1).tocoo()
    return igraph.Graph(n=A.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist(),
                        edge_attrs={"weight": upper.data.tolist()})


def louvain(A, resolution: float, seed: int) -> np.ndarray:
    """Louvain communities (igraph's multilevel) of the weighted graph with adjacency ``A``;
    the vertex order it visits is drawn from ``seed``, so the result is reproducible."""
    import igraph

    graph = _graph(A)
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            membership = graph.community_multilevel(weights="weight", resolution=resolution).membership
        finally:
            igraph.set_random_number_generator(random)
    return np.asarray(membership, dtype=np.int64)


def base_neighbours(n: int) -> int:
    return int(np.clip(round(math.sqrt(n)), 4, 15))


def co_association(views: Sequence[np.ndarray], runs: int, random_state: int) -> np.ndarray:
    """Share of ``runs`` kNN-graph Louvain rounds in which each pair of rows is together."""
    n = len(views[0])
    rng = np.random.default_rng(random_state)
    base = base_neighbours(n)
    k_lo, k_hi = max(2, int(base * 0.6)), int(base * 1.4)
    neighbours = [nearest(Z, k_hi) for Z in views]  # once per view, every round reuses them
    C = np.zeros((n, n), dtype=np.float32)
    for r in range(runs):
        Z = views[r % len(views)]
        k = int(rng.integers(k_lo, k_hi + 1))
        graph = knn_graph(Z, k, neighbours[r % len(views)])
        labels = louvain(graph, float(rng.uniform(1.0, 2.0)), int(rng.integers(2**31)))
        C += labels[:, None] == labels[None, :]
    return C / runs


def _final_graph(C: np.ndarray) -> np.ndarray:
    A = np.where(C >= KEEP, C, 0.0)
    np.fill_diagonal(A, 0.0)
    return A


def modularity(C: np.ndarray, labels: np.ndarray) -> float:
    """Newman's modularity (resolution 1) of ``labels`` on the co-association graph:
    0 = no better than chance, towards 1 = dense communities with few links between."""
    graph = _graph(_final_graph(C))
    if graph.ecount() == 0:
        return 0.0
    return float(graph.modularity(np.asarray(labels).tolist(), weights="weight"))


def consensus_labels(C: np.ndarray, k: int | str, random_state: int, Z: np.ndarray | None = None) -> np.ndarray:
    """Clusters of a co-association matrix: by modularity (``auto``) or cut into ``k``.
    For the cut, rows that were never together are told apart by the cosine distance of
    their embeddings ``Z`` (unit rows), weighted below one round's share."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if k == "auto":
        return louvain(_final_graph(C), FINAL_RESOLUTION, random_state)
    D = 1.0 - C.astype(np.float64)
    if Z is not None:
        D += TIE_BREAK * np.clip(1.0 - Z @ Z.T, 0.0, 2.0)
    np.fill_diagonal(D, 0.0)
    tree = linkage(squareform(D, checks=False), "average")
    return fcluster(tree, max(1, min(int(k), len(C))), "maxclust") - 1


class ConsensusGraphClusterer:
    def __init__(self, k: int | str = "auto", runs: int = 50, max_exact: int = 2000, n_micro: int = 400,
                 random_state: int = 0) -> None:
        self.k = k
        self.runs = runs
        self.max_exact = max_exact
        self.n_micro = n_micro
        self.random_state = random_state

    def fit(self, X: np.ndarray, views: Sequence[np.ndarray] | None = None) -> ConsensusGraphClusterer:
        """``X``: the embeddings; ``views``: other embeddings of the same rows for the
        rounds (``X`` is used when there are none)."""
        views = [unit_rows(V) for V in (views or [X])]
        n = len(views[0])
        self.k_scores_: dict[int, float] = {}
        if n < 3:
            self.labels_ = np.arange(n, dtype=np.int64)
            self.n_clusters_ = n
            return self
        micro = np.arange(n)
        if n > self.max_exact:
            micro, _ = micro_clusters(views[0], min(self.n_micro, n), self.random_state)
            counts = np.maximum(np.bincount(micro, minlength=micro.max() + 1), 1)[:, None]
            centroids = []
            for V in views:
                sums = np.zeros((micro.max() + 1, V.shape[1]))
                np.add.at(sums, micro, V)
                centroids.append(unit_rows(sums / counts))
            views = centroids
        C = co_association(views, self.runs, self.random_state)
        labels = consensus_labels(C, self.k, self.random_state, views[0])
        if self.k == "auto":  # what chose the number: the modularity of the partition
            self.k_scores_ = {int(labels.max()) + 1: round(modularity(C, labels), 6)}
        labels = labels[micro]
        self.labels_ = relabel_by_size(labels)
        self.n_clusters_ = int(self.labels_.max()) + 1
        return self

    def fit_predict(self, X: np.ndarray, views: Sequence[np.ndarray] | None = None) -> np.ndarray:
        return self.fit(X, views).labels_
