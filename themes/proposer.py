"""Candidate themes for a set of lines: embed, cluster (k automatic or given), label.

    proposer = ThemeProposer(embedder="kiwi-lsa", clusterer="consensus", k="auto").fit(texts)
    proposer.labels_       # cluster of each text (0 = largest candidate; -1 = noise)
    proposer.candidates_   # list[Candidate], largest first

The default clusterer (``themes.consensus``) aggregates many kNN-graph clusterings; when
the embedder can give other fits of the same lines (``views``: the LSA embedders refit
with other seeds and dimensions) and there are at most ``VIEWS_MAX`` lines, the rounds
run over those views too. Each candidate's stability is how often it reappears when the
lines are resampled and clustered again (``themes.stability``; ``n_boot`` resamples, 0 =
none). Plain data in and out; storing candidates is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from themes.cluster import get_clusterer
from themes.consensus import ConsensusGraphClusterer
from themes.embedders import get_embedder, kiwi_lemmas
from themes.labels import label_terms, mmr_keywords, representatives
from themes.stability import N_BOOT, bootstrap_stability

VIEWS_MAX = 2000  # above this many lines one fit is used (refitting LSA 20 times costs seconds)
N_VIEWS = 20
STABILITY_RUNS = 20  # consensus rounds per resample (50 for the proposal itself)
LARGE = 5000  # above this many lines a third of the resamples are made (each costs a clustering)


@dataclass(frozen=True)
class Candidate:
    cluster: int
    label: str                       # the top keywords joined, e.g. "취업 · 일자리 · 교육"
    keywords: list[str]
    members: list[int]               # indices into the texts given to fit()
    representatives: list[int]       # members closest to the centroid, closest first
    size: int = field(default=0)
    stability: float | None = None   # share of resamples it reappeared in (themes.stability)
    resamples: int = 0


class ThemeProposer:
    def __init__(self, embedder: str | Any = "kiwi-lsa", clusterer: str | Any = "consensus",
                 k: int | str = "auto", n_keywords: int = 8, n_label_keywords: int = 3,
                 n_representatives: int = 3, random_state: int = 0, n_boot: int = N_BOOT) -> None:
        self.embedder = embedder
        self.clusterer = clusterer
        self.k = k
        self.n_keywords = n_keywords
        self.n_label_keywords = n_label_keywords
        self.n_representatives = n_representatives
        self.random_state = random_state
        self.n_boot = n_boot

    def _embedder(self):
        if isinstance(self.embedder, str):
            params = {} if self.embedder.startswith("sentence-transformers:") else {"random_state": self.random_state}
            return get_embedder(self.embedder, **params)
        return self.embedder

    def _clusterer(self, seed: int | None = None, runs: int | None = None):
        seed = self.random_state if seed is None else seed
        if isinstance(self.clusterer, str):
            extra = {"runs": runs} if runs and self.clusterer == "consensus" else {}
            return get_clusterer(self.clusterer, k=self.k, random_state=seed, **extra)
        if seed == self.random_state:
            return self.clusterer
        import copy

        clu = copy.deepcopy(self.clusterer)
        if hasattr(clu, "random_state"):
            clu.random_state = seed
        return clu

    def _stability(self, views) -> dict:
        """Bootstrap stability of the clusters in ``labels_`` (see ``themes.stability``)."""
        n = len(self.labels_)
        n_boot = self.n_boot if n <= LARGE else max(1, self.n_boot // 3)
        if n_boot < 1:
            return {}

        def refit(rows: np.ndarray, seed: int) -> np.ndarray:
            clu = self._clusterer(seed, STABILITY_RUNS)
            Z = self.embeddings_[rows]
            if views is not None and takes_views(clu):
                return clu.fit(Z, views=[V[rows] for V in views]).labels_
            return clu.fit(Z).labels_

        return bootstrap_stability(self.labels_, refit, n_boot=n_boot, random_state=self.random_state)

    def fit(self, texts: Sequence[str], embeddings: np.ndarray | None = None,
            tokens: Sequence[Sequence[str]] | None = None,
            views: Sequence[np.ndarray] | None = None, terms: Sequence[Sequence[str]] | None = None,
            background: Sequence[Sequence[str]] = ()) -> ThemeProposer:
        """``embeddings`` (n x d) and ``tokens`` (keyword tokens per text, e.g. Kiwi noun
        lemmas) may be passed when the caller has them cached; ``views`` (other embeddings
        of the same rows) go to a clusterer that takes them. Without ``embeddings`` the
        views are made here (``embedding_views``). ``terms``: the label terms of each text
        (``themes.labels.label_terms``: nouns and noun phrases; computed here when None);
        ``background``: the label terms of the project's other lines, for c-TF-IDF."""
        texts = list(texts)
        emb = self._embedder()
        is_kiwi = getattr(emb, "feature_id", None) == "kiwi-nouns.v1"
        if tokens is None and is_kiwi:
            tokens = emb.features(texts)
        clu = self._clusterer()
        if embeddings is None:
            embeddings = emb.embed(texts, features=tokens) if is_kiwi else emb.embed(texts)
            if views is None and takes_views(clu):
                views = embedding_views(emb, texts, tokens if is_kiwi else None)
        if tokens is None:
            tokens = kiwi_lemmas(texts)
        self.embedder_id_ = emb.id
        self.embeddings_ = np.asarray(embeddings)
        if len(texts) == 0:
            self.labels_ = np.zeros(0, dtype=np.int64)
            self.candidates_ = []
            self.n_clusters_ = 0
            return self
        if views is not None and takes_views(clu):
            clu.fit(self.embeddings_, views=views)
        else:
            clu.fit(self.embeddings_)
        self.labels_ = np.asarray(clu.labels_)
        self.n_clusters_ = int(clu.n_clusters_)
        self.k_scores_ = dict(getattr(clu, "k_scores_", {}))
        if terms is None:
            terms = label_terms(texts)
        keywords = mmr_keywords(terms, self.labels_, top_n=self.n_keywords, background=background)
        reps = representatives(self.embeddings_, self.labels_, k=self.n_representatives)
        stable = self._stability(views if takes_views(clu) else None)
        self.candidates_ = []
        for c in sorted(keywords):
            members = [int(i) for i in np.flatnonzero(self.labels_ == c)]
            kw = keywords[c]
            st = stable.get(c)
            self.candidates_.append(Candidate(
                cluster=c, label=" · ".join(kw[: self.n_label_keywords]) or f"#{c + 1}",
                keywords=kw, members=members, representatives=reps[c], size=len(members),
                stability=round(st.share, 4) if st else None, resamples=st.resamples if st else 0))
        return self


def takes_views(clusterer) -> bool:
    return isinstance(clusterer, ConsensusGraphClusterer) or (
        isinstance(clusterer, str) and clusterer == "consensus")


def embedding_views(embedder, texts: Sequence[str], features=None) -> list[np.ndarray] | None:
    """Other fits of the same texts from an embedder that has them (LSA: other seeds and
    dimensions), for at most ``VIEWS_MAX`` texts; else None (the clusterer uses one)."""
    if not hasattr(embedder, "views") or not 3 <= len(texts) <= VIEWS_MAX:
        return None
    if features is None:
        return embedder.views(list(texts), n_views=N_VIEWS)
    return embedder.views(list(texts), features=features, n_views=N_VIEWS)
