"""The embedding cache: per-text results kept in the database by (what computed them, text hash).

What may be cached depends on the embedder (see ``themes.embedders``):

* An *inductive* embedder (``cacheable = True``, e.g. sentence-transformers) maps each text
  to a vector on its own, so its vectors are cached by (``embedder.id``, text hash). The id
  names the model and its configuration, so another model or setting never reads them.
* A *transductive* embedder (``cacheable = False``: kiwi-lsa, char-lsa) fits TF-IDF and SVD
  on the whole input, so one text's vector depends on the others and caching it would be
  wrong. What is per-text and slow there is the morphological analysis; its result
  (``embedder.features``) is cached by (``embedder.feature_id``, text hash) and the cheap
  fit runs again on every proposal. A feature id of ``"text"`` means the features are the
  texts themselves: nothing to cache.

Kiwi noun lemmas (feature id ``kiwi-nouns.v1``: kiwi-lsa's features, and the tokens of
keyword labels and code suggestions) are mostly not analysed here at all: a line whose
transcript Kiwi analysed at import carries them (``themes.units.Line.nouns``, read from
``Segment.lemmas``), and callers pass them as ``nouns``; they are used as they are,
neither looked up nor stored. The cache holds the lemmas of the other texts: lines of
transcripts imported before the backend was recorded or analysed by another backend
(Okt's nouns are not Kiwi's), and texts that are not lines (code definitions).

So a second run on the same lines analyses and encodes nothing new. Texts are hashed
after NFC normalisation (SHA-256 of UTF-8). Missing entries are computed in batches, and
``progress(done, total)`` is called after each batch.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from themes.embedders import KIWI_NOUNS
from themes.models import EmbeddingCache, FeatureCache

Progress = Callable[[int, int], None]
BATCH = 256  # texts computed (and reported) at a time
_LOOKUP_CHUNK = 500  # hashes per SELECT ... IN (...)
TEXT_FEATURES = "text"


@dataclass
class CacheStats:
    """How many distinct texts were found in the cache and how many were computed; how many
    lines came with their features (``stored``: lemmas from the import)."""

    hits: int = 0
    computed: int = 0
    stored: int = 0

    def add(self, other: CacheStats) -> None:
        self.hits += other.hits
        self.computed += other.computed
        self.stored += other.stored


def text_hash(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def _lookup(session: Session, column_key, column_hash, key: str, hashes: list[str]) -> dict:
    found = {}
    model = column_key.class_
    for i in range(0, len(hashes), _LOOKUP_CHUNK):
        chunk = hashes[i : i + _LOOKUP_CHUNK]
        for row in session.scalars(select(model).where(column_key == key, column_hash.in_(chunk))):
            found[row.text_hash] = row
    return found


def _in_batches(texts: list[str], compute: Callable[[list[str]], Sequence], progress: Progress | None) -> list:
    out: list = []
    for i in range(0, len(texts), BATCH):
        out.extend(compute(texts[i : i + BATCH]))
        if progress is not None:
            progress(min(i + BATCH, len(texts)), len(texts))
    return out


def cached_features(session: Session, feature_id: str, compute: Callable[[list[str]], Sequence[Sequence[str]]],
                    texts: Sequence[str], *, known: Sequence[Sequence[str] | None] | None = None,
                    progress: Progress | None = None, stats: CacheStats | None = None) -> list[list[str]]:
    """Per-text features (lemma lists) of ``texts``. ``known[i]``, where not None, are the
    features of ``texts[i]`` already (stored at import): taken as they are. The others come
    from the cache; those not cached are computed with ``compute`` and stored."""
    texts = list(texts)
    if feature_id == TEXT_FEATURES:
        return texts  # type: ignore[return-value]
    known = [None] * len(texts) if known is None else list(known)
    if len(known) != len(texts):
        raise ValueError(f"{len(known)} known feature lists for {len(texts)} texts")
    todo = [t for t, k in zip(texts, known) if k is None]
    hashes = [text_hash(t) for t in todo]
    unique = dict(zip(hashes, todo))
    found = {h: list(row.features) for h, row in
             _lookup(session, FeatureCache.feature_id, FeatureCache.text_hash, feature_id, list(unique)).items()}
    missing = [h for h in unique if h not in found]
    if missing:
        values = _in_batches([unique[h] for h in missing], compute, progress)
        for h, value in zip(missing, values):
            found[h] = [str(v) for v in value]
            session.add(FeatureCache(feature_id=feature_id, text_hash=h, features=found[h]))
        session.flush()
    if stats is not None:
        stats.add(CacheStats(len(unique) - len(missing), len(missing), len(texts) - len(hashes)))
    rest = iter(hashes)
    return [list(k) if k is not None else list(found[next(rest)]) for k in known]


def cached_vectors(session: Session, embedder, texts: Sequence[str], *, progress: Progress | None = None,
                   stats: CacheStats | None = None) -> np.ndarray:
    """Vectors of an inductive embedder (``embedder.cacheable``), cached by its id."""
    if not getattr(embedder, "cacheable", False):
        raise ValueError(f"embedder {embedder.id!r} fits on its input; its vectors cannot be cached per text")
    texts = list(texts)
    hashes = [text_hash(t) for t in texts]
    unique = dict(zip(hashes, texts))
    found = {h: np.frombuffer(row.vector, dtype=np.float32) for h, row in
             _lookup(session, EmbeddingCache.embedder_id, EmbeddingCache.text_hash, embedder.id, list(unique)).items()}
    missing = [h for h in unique if h not in found]
    if missing:
        rows = _in_batches([unique[h] for h in missing], lambda batch: list(np.asarray(embedder.embed(batch))),
                           progress)
        for h, vector in zip(missing, rows):
            vector = np.asarray(vector, dtype=np.float32).ravel()
            found[h] = vector
            session.add(EmbeddingCache(embedder_id=embedder.id, text_hash=h, dim=len(vector),
                                       vector=vector.tobytes()))
        session.flush()
    if stats is not None:
        stats.add(CacheStats(len(unique) - len(missing), len(missing)))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([found[h] for h in hashes]).astype(np.float32)


def embed_with_cache(session: Session, embedder, texts: Sequence[str], *,
                     nouns: Sequence[Sequence[str] | None] | None = None, progress: Progress | None = None,
                     stats: CacheStats | None = None) -> tuple[np.ndarray, list | None]:
    """The embeddings of ``texts`` and, for a transductive embedder, the features it was
    fit on. Inductive: vectors from the cache. Transductive: features from the cache (for
    kiwi-lsa, ``nouns[i]`` where not None: the Kiwi noun lemmas stored for ``texts[i]``),
    then ``embed(texts, features=...)`` fits on them."""
    if getattr(embedder, "cacheable", False):
        return cached_vectors(session, embedder, texts, progress=progress, stats=stats), None
    feature_id = getattr(embedder, "feature_id", None)
    if feature_id is None:  # an embedder that exposes no features: nothing can be cached
        return np.asarray(embedder.embed(list(texts))), None
    known = nouns if feature_id == KIWI_NOUNS else None
    features = cached_features(session, feature_id, embedder.features, texts, known=known, progress=progress,
                               stats=stats)
    return np.asarray(embedder.embed(list(texts), features=features)), features


def keyword_tokens(session: Session, texts: Sequence[str], *, nouns: Sequence[Sequence[str] | None] | None = None,
                   progress: Progress | None = None, stats: CacheStats | None = None) -> list[list[str]]:
    """Kiwi noun lemmas of ``texts`` (the tokens of keyword labels and code suggestions):
    ``nouns[i]`` where not None (stored at import), the others cached under the kiwi-lsa
    feature id."""
    from themes import embedders

    return cached_features(session, KIWI_NOUNS, lambda batch: embedders.kiwi_lemmas(batch), texts, known=nouns,
                           progress=progress, stats=stats)
