"""Candidate themes for a set of lines: embed, cluster (k automatic or given), label.

    proposer = ThemeProposer(embedder="kiwi-lsa", clusterer="agglomerative", k="auto").fit(texts)
    proposer.labels_       # cluster of each text (0 = largest candidate; -1 = noise)
    proposer.candidates_   # list[Candidate], largest first

Plain data in and out; storing candidates is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from themes.cluster import get_clusterer
from themes.embedders import get_embedder, kiwi_lemmas
from themes.labels import class_tfidf_keywords, representatives


@dataclass(frozen=True)
class Candidate:
    cluster: int
    label: str                       # the top keywords joined, e.g. "취업 · 일자리 · 교육"
    keywords: list[str]
    members: list[int]               # indices into the texts given to fit()
    representatives: list[int]       # members closest to the centroid, closest first
    size: int = field(default=0)


class ThemeProposer:
    def __init__(self, embedder: str | Any = "kiwi-lsa", clusterer: str | Any = "agglomerative",
                 k: int | str = "auto", n_keywords: int = 8, n_label_keywords: int = 3,
                 n_representatives: int = 3, random_state: int = 0) -> None:
        self.embedder = embedder
        self.clusterer = clusterer
        self.k = k
        self.n_keywords = n_keywords
        self.n_label_keywords = n_label_keywords
        self.n_representatives = n_representatives
        self.random_state = random_state

    def _embedder(self):
        if isinstance(self.embedder, str):
            params = {} if self.embedder.startswith("sentence-transformers:") else {"random_state": self.random_state}
            return get_embedder(self.embedder, **params)
        return self.embedder

    def _clusterer(self):
        if isinstance(self.clusterer, str):
            return get_clusterer(self.clusterer, k=self.k, random_state=self.random_state)
        return self.clusterer

    def fit(self, texts: Sequence[str], embeddings: np.ndarray | None = None,
            tokens: Sequence[Sequence[str]] | None = None) -> ThemeProposer:
        """``embeddings`` (n x d) and ``tokens`` (keyword tokens per text, e.g. Kiwi noun
        lemmas) may be passed when the caller has them cached."""
        texts = list(texts)
        emb = self._embedder()
        is_kiwi = getattr(emb, "feature_id", None) == "kiwi-nouns.v1"
        if tokens is None and is_kiwi:
            tokens = emb.features(texts)
        if embeddings is None:
            embeddings = emb.embed(texts, features=tokens) if is_kiwi else emb.embed(texts)
        if tokens is None:
            tokens = kiwi_lemmas(texts)
        self.embedder_id_ = emb.id
        self.embeddings_ = np.asarray(embeddings)
        if len(texts) == 0:
            self.labels_ = np.zeros(0, dtype=np.int64)
            self.candidates_ = []
            self.n_clusters_ = 0
            return self
        clu = self._clusterer().fit(self.embeddings_)
        self.labels_ = np.asarray(clu.labels_)
        self.n_clusters_ = int(clu.n_clusters_)
        self.k_scores_ = dict(getattr(clu, "k_scores_", {}))
        keywords = class_tfidf_keywords(tokens, self.labels_, top_n=self.n_keywords)
        reps = representatives(self.embeddings_, self.labels_, k=self.n_representatives)
        self.candidates_ = []
        for c in sorted(keywords):
            members = [int(i) for i in np.flatnonzero(self.labels_ == c)]
            kw = keywords[c]
            self.candidates_.append(Candidate(
                cluster=c, label=" · ".join(kw[: self.n_label_keywords]) or f"#{c + 1}",
                keywords=kw, members=members, representatives=reps[c], size=len(members)))
        return self
