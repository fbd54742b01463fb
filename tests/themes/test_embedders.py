import numpy as np
import pytest

from themes.embedders import Embedder, available_embedders, auto_components, get_embedder


def test_registry():
    names = available_embedders()
    assert "kiwi-lsa" in names and "char-lsa" in names
    assert get_embedder("kiwi-lsa").id == "kiwi-lsa.v1"
    assert get_embedder("char-lsa").id == "char-lsa.v1"
    assert get_embedder("kiwi-lsa", n_components=50).id == "kiwi-lsa.v1[d=50]"
    with pytest.raises(ValueError):
        get_embedder("nope")
    with pytest.raises(ValueError):
        get_embedder("sentence-transformers:")


@pytest.mark.parametrize("name", ["kiwi-lsa", "char-lsa"])
def test_lsa_deterministic_and_normalised(name, topic_texts):
    texts, _ = topic_texts
    a = get_embedder(name).embed(texts)
    b = get_embedder(name).embed(texts)
    assert isinstance(get_embedder(name), Embedder)
    assert a.shape[0] == len(texts) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert get_embedder(name).cacheable is False


def test_kiwi_features_roundtrip(topic_texts):
    texts, _ = topic_texts
    emb = get_embedder("kiwi-lsa")
    feats = emb.features(texts)
    assert "김치" in feats[0] and "식당" in feats[0] and emb.feature_id == "kiwi-nouns.v1"
    np.testing.assert_array_equal(emb.embed(texts, features=feats), emb.embed(texts))


def test_edge_cases():
    emb = get_embedder("kiwi-lsa")
    assert emb.embed([]).shape[0] == 0
    z = emb.embed(["ㅋㅋㅋ", "네", "음"])  # no nouns at all
    assert z.shape[0] == 3 and np.isfinite(z).all()
    assert auto_components(141, 1000) == 20 and auto_components(100_000, 50_000) == 100
    assert auto_components(30, 200) == 10


def test_sentence_transformers_tiny_local_model(tmp_path, topic_texts):
    pytest.importorskip("sentence_transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from transformers import PreTrainedTokenizerFast

    texts, _ = topic_texts
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    model = SentenceTransformer(modules=[StaticEmbedding(fast, embedding_dim=16)])
    path = tmp_path / "tiny-st"
    model.save(str(path))
    emb = get_embedder("sentence-transformers:" + str(path))
    assert emb.id == f"sentence-transformers:{path}" and emb.cacheable
    z = emb.embed(texts[:5])
    assert z.shape == (5, 16)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(z, get_embedder("sentence-transformers:" + str(path)).embed(texts[:5]))


def test_sentence_transformers_missing_hint(monkeypatch):
    import builtins

    from fgi.errors import MissingDependency

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("sentence_transformers"):
            raise ImportError("no")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(MissingDependency) as e:
        get_embedder("sentence-transformers:whatever").embed(["a"])
    assert ".[embed]" in e.value.hint
