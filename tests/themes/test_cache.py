"""The embedding cache: per-text results by (what computed them, text hash), never the
vectors of an embedder fit on its input."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from themes import embedders
from themes.cache import CacheStats, cached_vectors, embed_with_cache, keyword_tokens, text_hash
from themes.models import EmbeddingCache, FeatureCache

TEXTS = ["서류 작업이 너무 많아요.", "취업하고 나서 자신감이 생겼어요.", "서류 작업이 너무 많아요.", "동료들과 같이 일해요."]


class CountingEmbedder:
    """An inductive embedder (each text on its own) that counts what it computes."""

    cacheable = True

    def __init__(self, name: str = "counting.v1") -> None:
        self.id = name
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded += list(texts)
        return np.array([[len(t), t.count(" "), 1.0 / 3.0] for t in texts], dtype=np.float32)


@pytest.fixture
def counting_lemmas(monkeypatch):
    """Count the texts Kiwi analyses for lemma features."""
    seen: list[str] = []
    real = embedders.kiwi_lemmas

    def counting(texts, *args, **kwargs):
        seen.extend(texts)
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(embedders, "kiwi_lemmas", counting)
    return seen


def test_text_hash_is_of_the_nfc_text():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "자활")
    assert decomposed != "자활" and text_hash(decomposed) == text_hash("자활")
    assert len(text_hash("")) == 64


def test_inductive_vectors_are_cached_by_embedder_id(db):
    first = CountingEmbedder()
    with db.transaction() as session:
        stats = CacheStats()
        Z = cached_vectors(session, first, TEXTS, stats=stats)
    assert first.embedded == [TEXTS[0], TEXTS[1], TEXTS[3]]  # a repeated text once
    assert (stats.hits, stats.computed) == (0, 3)
    assert Z.shape == (4, 3) and Z.dtype == np.float32
    np.testing.assert_array_equal(Z[0], Z[2])

    again = CountingEmbedder()
    with db.transaction() as session:
        stats = CacheStats()
        Z2 = cached_vectors(session, again, TEXTS + ["새 문장이에요."], stats=stats)
    assert again.embedded == ["새 문장이에요."]  # only the new text
    assert (stats.hits, stats.computed) == (3, 1)
    np.testing.assert_array_equal(Z2[:4], Z)  # float32 survives the round trip exactly

    other = CountingEmbedder("counting.v1[d=8]")  # another configuration reads nothing of the first
    with db.transaction() as session:
        cached_vectors(session, other, TEXTS)
    assert len(other.embedded) == 3


def test_transductive_embedder_caches_features_not_vectors(db, counting_lemmas):
    lsa = embedders.get_embedder("kiwi-lsa")
    assert lsa.cacheable is False
    with db.transaction() as session:
        stats = CacheStats()
        Z, features = embed_with_cache(session, lsa, TEXTS, stats=stats)
    assert sorted(counting_lemmas) == sorted(set(TEXTS))
    assert features[0] == features[2] and "서류" in features[0]
    np.testing.assert_allclose(Z, lsa.embed(TEXTS), atol=1e-6)  # the same as without the cache
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(EmbeddingCache)) == 0
        keys = set(session.scalars(select(FeatureCache.feature_id)))
    assert keys == {lsa.feature_id}

    counting_lemmas.clear()
    with db.transaction() as session:
        stats = CacheStats()
        Z2, _ = embed_with_cache(session, lsa, TEXTS, stats=stats)
        tokens = keyword_tokens(session, TEXTS)
    assert counting_lemmas == [] and (stats.hits, stats.computed) == (3, 0)
    np.testing.assert_array_equal(Z, Z2)
    assert tokens == features


def test_features_given_per_text_are_used_as_they_are_and_only_the_rest_is_analysed(db, counting_lemmas):
    lsa = embedders.get_embedder("kiwi-lsa")
    known = [["서류", "작업"], None, ["서류", "작업"], None]  # e.g. lemmas stored at import
    with db.transaction() as session:
        stats = CacheStats()
        Z, features = embed_with_cache(session, lsa, TEXTS, nouns=known, stats=stats)
        chars, _ = embed_with_cache(session, embedders.get_embedder("char-lsa"), TEXTS, nouns=known)
    assert counting_lemmas == [TEXTS[1], TEXTS[3]]  # only the texts without features
    assert features[0] == features[2] == ["서류", "작업"] and features[1] == embedders.kiwi_lemmas([TEXTS[1]])[0]
    assert (stats.hits, stats.computed, stats.stored) == (0, 2, 2)
    np.testing.assert_allclose(Z, lsa.embed(TEXTS, features=features), atol=1e-6)
    np.testing.assert_allclose(chars, embedders.get_embedder("char-lsa").embed(TEXTS), atol=1e-6)  # not nouns
    with db.reading() as session:  # given features are not written to the cache
        assert session.scalar(select(func.count()).select_from(FeatureCache)) == 2

    counting_lemmas.clear()
    with db.transaction() as session:
        stats = CacheStats()
        tokens = keyword_tokens(session, TEXTS, nouns=[None, ["취업"], None, None], stats=stats)
        with pytest.raises(ValueError, match="2 known feature lists for 4 texts"):
            keyword_tokens(session, TEXTS, nouns=[None, None])
    assert counting_lemmas == [TEXTS[0]] and tokens[1] == ["취업"] and tokens[0] == tokens[2]
    assert (stats.hits, stats.computed, stats.stored) == (1, 1, 1)


def test_progress_is_reported_in_batches(db, monkeypatch):
    from themes import cache

    monkeypatch.setattr(cache, "BATCH", 2)
    calls = []
    with db.transaction() as session:
        cached_vectors(session, CountingEmbedder(), [f"문장 {i}" for i in range(5)],
                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_a_transductive_embedder_cannot_use_the_vector_cache(db):
    with db.transaction() as session, pytest.raises(ValueError, match="cannot be cached"):
        cached_vectors(session, embedders.get_embedder("char-lsa"), TEXTS)
