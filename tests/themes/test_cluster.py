import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from themes.cluster import available_clusterers, get_clusterer, k_bounds
from themes.embedders import get_embedder


def blobs(n_per, centers, seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    X = np.vstack([c + noise * rng.standard_normal((n_per, len(c))) for c in centers])
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.repeat(np.arange(len(centers)), n_per)


def test_registry():
    assert available_clusterers() == ["agglomerative", "consensus", "hdbscan", "kmeans"]
    with pytest.raises(ValueError):
        get_clusterer("nope")


def test_k_bounds():
    assert k_bounds(30) == (2, 6)
    assert k_bounds(141) == (2, 12)
    assert k_bounds(100_000) == (2, 40)
    assert k_bounds(3) == (2, 2)


@pytest.mark.parametrize("name", ["agglomerative", "kmeans"])
def test_auto_k_finds_separated_blobs(name):
    X, y = blobs(10, np.eye(8)[:4])
    clu = get_clusterer(name, k="auto").fit(X)
    assert clu.n_clusters_ == 4
    assert adjusted_rand_score(y, clu.labels_) == 1.0
    assert set(clu.k_scores_) == set(range(2, 8))  # ceil(sqrt(40)) = 7


def test_fixed_k_and_size_order():
    X, y = blobs(10, np.eye(8)[:4])
    lab = get_clusterer("agglomerative", k=3).fit_predict(X)
    assert len(set(lab)) == 3
    sizes = np.bincount(lab)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_korean_topics_split(topic_texts):
    texts, truth = topic_texts
    Z = get_embedder("kiwi-lsa").embed(texts)
    for name in ("agglomerative", "kmeans"):
        lab = get_clusterer(name, k=3).fit_predict(Z)
        assert adjusted_rand_score(truth, lab) == 1.0, name
    lab = get_clusterer("agglomerative", k="auto").fit_predict(Z)
    assert adjusted_rand_score(truth, lab) == 1.0


def test_auto_k_on_30_korean_lines_deterministic(topic_texts):
    texts, _ = topic_texts
    texts = (texts + [t + " 정말" for t in texts])[:30]
    Z = get_embedder("kiwi-lsa").embed(texts)
    a = get_clusterer("agglomerative", k="auto", random_state=1).fit(Z)
    b = get_clusterer("agglomerative", k="auto", random_state=1).fit(Z)
    assert 2 <= a.n_clusters_ <= 6
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_micro_cluster_path_matches_blobs():
    X, y = blobs(400, np.eye(10)[:5], noise=0.05)
    clu = get_clusterer("agglomerative", k="auto", max_exact=500, n_micro=50, sample_size=500).fit(X)
    assert clu.n_clusters_ == 5 and adjusted_rand_score(y, clu.labels_) == 1.0
    again = get_clusterer("agglomerative", k="auto", max_exact=500, n_micro=50, sample_size=500).fit(X)
    np.testing.assert_array_equal(clu.labels_, again.labels_)


def test_hdbscan():
    X, y = blobs(15, np.eye(8)[:3], noise=0.02)
    clu = get_clusterer("hdbscan").fit(X)
    assert clu.n_clusters_ == 3
    with pytest.raises(ValueError):
        get_clusterer("hdbscan", k=3).fit(X)


def test_tiny_inputs():
    assert list(get_clusterer("agglomerative").fit_predict(np.ones((2, 3)))) == [0, 1]
    assert list(get_clusterer("consensus").fit_predict(np.ones((2, 3)))) == [0, 1]
    assert get_clusterer("kmeans").fit(np.zeros((0, 3))).n_clusters_ == 0
