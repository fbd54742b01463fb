"""The default clusterer: kNN-graph Louvain rounds aggregated into a co-association matrix."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from themes.cluster import get_clusterer
from themes.consensus import co_association, consensus_labels, knn_graph
from themes.embedders import get_embedder


def blobs(n_per, centers, seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    X = np.vstack([c + noise * rng.standard_normal((n_per, len(c))) for c in centers])
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.repeat(np.arange(len(centers)), n_per)


def test_knn_graph_is_symmetric_with_k_neighbours_each():
    X, _ = blobs(10, np.eye(6)[:3])
    A = knn_graph(X, 4).toarray()
    np.testing.assert_allclose(A, A.T)
    assert np.all(np.diag(A) == 0)
    assert np.all((A > 0).sum(axis=1) >= 4)


def test_co_association_counts_shares_of_rounds():
    X, y = blobs(12, np.eye(6)[:3], noise=0.02)
    C = co_association([X], runs=10, random_state=0)
    assert C.shape == (36, 36) and np.allclose(np.diag(C), 1.0)
    same = y[:, None] == y[None, :]
    assert C[~same].max() == 0.0  # separated blobs: never together
    assert C[same].mean() > 0.7  # a round at a high resolution may split a blob, most do not


@pytest.mark.parametrize("n_per,n_centers", [(10, 3), (40, 6), (8, 4)])
def test_auto_finds_separated_blobs(n_per, n_centers):
    X, y = blobs(n_per, np.eye(12)[:n_centers], noise=0.05)
    clu = get_clusterer("consensus", k="auto").fit(X)
    assert clu.n_clusters_ == n_centers
    assert adjusted_rand_score(y, clu.labels_) == 1.0
    (k, score), = clu.k_scores_.items()  # the modularity of the chosen partition
    assert k == n_centers and 0.5 < score <= 1.0


def test_fixed_k_cuts_the_consensus_tree():
    X, y = blobs(10, np.eye(8)[:4])
    clu = get_clusterer("consensus", k=2).fit(X)
    assert clu.n_clusters_ == 2
    # two whole blobs per cluster: the cut never splits a blob
    assert all(len(set(clu.labels_[y == b])) == 1 for b in range(4))
    C = co_association([X], runs=5, random_state=0)
    assert len(set(consensus_labels(C, 6, 0))) == 4  # lines always together cannot be cut apart...
    assert len(set(consensus_labels(C, 6, 0, X))) == 6  # ...unless their embeddings break the tie


def test_views_change_the_rounds_and_same_seed_same_labels(topic_texts):
    texts, truth = topic_texts
    emb = get_embedder("kiwi-lsa")
    Z, views = emb.embed(texts), emb.views(texts, n_views=5)
    assert len(views) == 5 and len({v.shape[1] for v in views}) > 1  # other dimensions
    a = get_clusterer("consensus", random_state=3).fit(Z, views=views)
    b = get_clusterer("consensus", random_state=3).fit(Z, views=views)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert adjusted_rand_score(truth, a.labels_) == 1.0


def test_30_korean_lines_get_a_readable_number_of_candidates(topic_texts):
    texts, _ = topic_texts
    texts = (texts + [t + " 정말" for t in texts])[:30]
    emb = get_embedder("kiwi-lsa")
    clu = get_clusterer("consensus").fit(emb.embed(texts), views=emb.views(texts))
    assert 2 <= clu.n_clusters_ <= 8


def test_micro_cluster_path_above_max_exact():
    X, y = blobs(300, np.eye(10)[:5], noise=0.05)
    clu = get_clusterer("consensus", max_exact=500, n_micro=60, runs=10).fit(X)
    assert clu.n_clusters_ == 5 and adjusted_rand_score(y, clu.labels_) == 1.0
    again = get_clusterer("consensus", max_exact=500, n_micro=60, runs=10).fit(X)
    np.testing.assert_array_equal(clu.labels_, again.labels_)
