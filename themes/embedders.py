"""Text embedders behind one protocol, with a small registry of named configurations.

``get_embedder(name)`` accepts

* ``"kiwi-lsa"`` (offline default): TF-IDF (sublinear tf) over Kiwi content *noun* lemmas
  (NNG, NNP, XR, SL, SH; verb/adjective stems measured worse on the dev set), then
  TruncatedSVD to ``n_components`` dimensions, rows L2-normalised.
* ``"char-lsa"``: TF-IDF over character 2-3-grams inside word boundaries, then SVD.
* ``"sentence-transformers:<model name or local path>"``: a SentenceTransformer model,
  imported lazily (``pip install -c constraints.txt ".[embed]"``), vectors L2-normalised.

Determinism and caching. The LSA embedders are *transductive*: ``embed(texts)`` fits the
TF-IDF vocabulary, the IDF weights and the SVD on exactly ``texts`` (randomised SVD with a
fixed ``random_state``), so the same list gives the same matrix, but the vector of one
text depends on the other texts. A cache keyed by (embedder id, text hash) is therefore
NOT valid for their dense vectors, and they say so with ``cacheable = False``. What is
per-text and expensive is the morphological analysis; it is exposed as
``features(texts)`` (a list of lemma lists / the texts themselves) with its own id
``feature_id`` (e.g. ``"kiwi-nouns.v1"``), which a database may cache per text hash (or
read from the lemmas Kiwi stored at import, see ``themes.cache``) and pass back as
``embed(texts, features=...)``. Refitting TF-IDF + SVD from cached features
takes well under a second for thousands of lines. A fixed background space was measured
and rejected: fitting on the other Korean documents in the shared corpus lowered AMI
(0.161 -> 0.100 at 20 dims). Neural embedders are inductive, ``cacheable = True``.

``id`` names the configuration ("kiwi-lsa.v1" for the defaults; non-default parameters
are appended) so results can be keyed by it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
from fgi.i18n import _

NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
ANALYZER = "kiwi"  # the backend of kiwi_lemmas: lines it analysed at import carry the same lemmas
KIWI_NOUNS = "kiwi-nouns.v1"  # the feature id of kiwi_lemmas' noun lemmas


@runtime_checkable
class Embedder(Protocol):
    id: str
    cacheable: bool

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def auto_components(n_docs: int, n_features: int) -> int:
    """LSA dimensionality: about n/7 (20 for 141 quotes), between 10 and 100, and below
    the matrix rank bound."""
    d = int(min(100, max(10, round(n_docs / 7))))
    return max(1, min(d, n_docs - 1, n_features - 1))


def lsa(X, n_components: int | str = "auto", random_state: int = 0) -> np.ndarray:
    """TruncatedSVD of a sparse TF-IDF matrix, rows L2-normalised (float32)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n, m = X.shape
    d = auto_components(n, m) if n_components == "auto" else int(n_components)
    d = max(1, min(d, n - 1, m - 1))
    if n < 3 or m < 3:  # too small for an SVD: use the TF-IDF itself
        Z = X.toarray()
    else:
        Z = TruncatedSVD(d, algorithm="randomized", n_iter=5, random_state=random_state).fit_transform(X)
    return normalize(Z).astype(np.float32)


def lsa_views(X, n_views: int, n_components: int | str = "auto", random_state: int = 0) -> list[np.ndarray]:
    """``n_views`` LSA embeddings of one TF-IDF matrix, each with its own SVD seed and
    between 0.6 and 1.8 times the dimensions: the perturbed views a consensus clusterer
    aggregates (the lower SVD components differ between seeds and carry no more signal
    than noise on short lines, so no single fit is the right one)."""
    n, m = X.shape
    d = auto_components(n, m) if n_components == "auto" else int(n_components)
    rng = np.random.default_rng(random_state)
    return [lsa(X, int(rng.integers(max(2, round(d * 0.6)), round(d * 1.8) + 1)), int(rng.integers(2**31)))
            for _ in range(n_views)]


def _identity(doc):
    return doc


def kiwi_lemmas(texts: Sequence[str], tags=NOUN_TAGS, batch_size: int = 2000) -> list[list[str]]:
    """Lemmas of the morphemes with the given tags, per text; distinct texts are analysed
    in batches (keeps memory flat at 100k lines)."""
    from fgi.morphology import get_analyzer

    an = get_analyzer(ANALYZER)
    unique = list(dict.fromkeys(texts))  # repeated lines ("네", "맞아요") are analysed once
    lemmas: dict[str, list[str]] = {}
    for i in range(0, len(unique), batch_size):
        batch = unique[i : i + batch_size]
        for text, morphs in zip(batch, an.analyze_many(batch)):
            lemmas[text] = [m.lemma for m in morphs if m.base_tag in tags]
    return [list(lemmas[t]) for t in texts]


class KiwiLSAEmbedder:
    """TF-IDF over Kiwi noun lemmas + LSA; fit on the texts given to ``embed``."""

    cacheable = False
    feature_id = KIWI_NOUNS

    def __init__(self, n_components: int | str = "auto", sublinear_tf: bool = True,
                 min_df: int | str = "auto", random_state: int = 0) -> None:
        self.n_components = n_components
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.random_state = random_state

    @property
    def id(self) -> str:
        extra = [f"{k}={v}" for k, v, d in (("d", self.n_components, "auto"), ("sub", self.sublinear_tf, True),
                                             ("min_df", self.min_df, "auto"), ("seed", self.random_state, 0)) if v != d]
        return "kiwi-lsa.v1" + ("[" + ",".join(extra) + "]" if extra else "")

    def features(self, texts: Sequence[str]) -> list[list[str]]:
        return kiwi_lemmas(texts)

    def tfidf(self, features: Sequence[Sequence[str]]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = (1 if len(features) < 5000 else 2) if self.min_df == "auto" else int(self.min_df)
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=self.sublinear_tf, min_df=min_df, dtype=np.float32)
        # A line with no noun still needs a row; an empty vocabulary gets a dummy token.
        docs = [list(f) or ["∅"] for f in features]
        try:
            return vec.fit_transform(docs)
        except ValueError:  # every token below min_df
            vec.set_params(min_df=1)
            return vec.fit_transform(docs)

    def embed(self, texts: Sequence[str], features: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        if features is None:
            features = self.features(texts)
        if len(features) == 0:
            return np.zeros((0, 0), dtype=np.float32)
        return lsa(self.tfidf(features), self.n_components, self.random_state)

    def views(self, texts: Sequence[str], features: Sequence[Sequence[str]] | None = None,
              n_views: int = 10) -> list[np.ndarray]:
        """Other LSA fits of the same texts (see ``lsa_views``)."""
        if features is None:
            features = self.features(texts)
        return lsa_views(self.tfidf(features), n_views, self.n_components, self.random_state)


class CharLSAEmbedder:
    """TF-IDF over character n-grams (no morphology) + LSA; fit on the texts given."""

    cacheable = False
    feature_id = "text"

    def __init__(self, ngram_range: tuple[int, int] = (2, 3), n_components: int | str = "auto",
                 min_df: int | str = "auto", random_state: int = 0) -> None:
        self.ngram_range = ngram_range
        self.n_components = n_components
        self.min_df = min_df
        self.random_state = random_state

    @property
    def id(self) -> str:
        extra = [f"{k}={v}" for k, v, d in (("ngram", tuple(self.ngram_range), (2, 3)), ("d", self.n_components, "auto"),
                                             ("min_df", self.min_df, "auto"), ("seed", self.random_state, 0)) if v != d]
        return "char-lsa.v1" + ("[" + ",".join(map(str, extra)) + "]" if extra else "")

    def features(self, texts: Sequence[str]) -> list[str]:
        return list(texts)

    def tfidf(self, texts: Sequence[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = (1 if len(texts) < 5000 else 2) if self.min_df == "auto" else int(self.min_df)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), sublinear_tf=True,
                              min_df=min_df, dtype=np.float32)
        try:
            return vec.fit_transform([t or " " for t in texts])
        except ValueError:
            return vec.set_params(min_df=1).fit_transform([t or "∅" for t in texts])

    def embed(self, texts: Sequence[str], features: Sequence[str] | None = None) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, 0), dtype=np.float32)
        return lsa(self.tfidf(texts), self.n_components, self.random_state)

    def views(self, texts: Sequence[str], features: Sequence[str] | None = None, n_views: int = 10) -> list[np.ndarray]:
        """Other LSA fits of the same texts (see ``lsa_views``)."""
        return lsa_views(self.tfidf(texts), n_views, self.n_components, self.random_state)


class SentenceTransformerEmbedder:
    """A sentence-transformers model by hub name or local path; loaded on first use."""

    cacheable = True

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu") -> None:
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    @property
    def id(self) -> str:
        return f"sentence-transformers:{self.model}"

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                from fgi.errors import MissingDependency

                raise MissingDependency(
                    _('the sentence-transformers embedder needs sentence-transformers and torch'),
                    hint=_('pip install -c constraints.txt ".[embed]"'),
                ) from exc
            self._model = SentenceTransformer(self.model, device=self.device)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        Z = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(Z, dtype=np.float32).reshape(len(texts), -1)


_REGISTRY: dict[str, Callable[..., Embedder]] = {
    "kiwi-lsa": KiwiLSAEmbedder,
    "char-lsa": CharLSAEmbedder,
}


def available_embedders() -> list[str]:
    return sorted(_REGISTRY) + ["sentence-transformers:<model name or path>"]


def get_embedder(name: str = "kiwi-lsa", **params: Any) -> Embedder:
    """The embedder called ``name``; keyword arguments go to its constructor."""
    if name.startswith("sentence-transformers:"):
        model = name.split(":", 1)[1]
        if not model:
            raise ValueError("give a model: 'sentence-transformers:<model name or local path>'")
        return SentenceTransformerEmbedder(model, **params)
    try:
        return _REGISTRY[name](**params)
    except KeyError:
        raise ValueError(f"unknown embedder {name!r}; choose one of: {', '.join(available_embedders())}") from None
