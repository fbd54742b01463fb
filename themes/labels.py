"""Keyword labels and representative quotes for clusters.

``class_tfidf_keywords`` is the class-based TF-IDF of BERTopic (Grootendorst 2022): the
documents of a cluster are concatenated into one, term frequencies are L1-normalised
per cluster, and weighted by ``log(1 + A / f_t)`` with A the average number of tokens per
cluster and f_t the frequency of term t over all clusters. Tokens are whatever the
caller gives (Kiwi content lemmas by default in the proposer).

Labels leave out ``LABEL_STOPWORDS``: nouns of talk itself that every group says
("얘기", "말씀", "생각", "때", "부분") and transcript markers ("중략"). They stay in the
embeddings (leaving them out there did not change the dev-set scores); in a label they
only crowd out the words that tell candidates apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

LABEL_STOPWORDS = frozenset(
    "얘기 이야기 말 말씀 생각 때 그때 부분 정도 자체 지금 처음 이번 요즘 경우 중략 선생 선생님 "
    "안 뒤 앞 쪽 번 등 일단 약간 그냥 진짜 정말 거기 여기 저기 뭐".split())


def class_tfidf(token_lists: Sequence[Sequence[str]], labels: Sequence[int]) -> tuple[dict[int, dict[str, float]], list[int]]:
    """c-TF-IDF weights per cluster id (noise label -1 ignored)."""
    labels = np.asarray(labels)
    clusters = sorted(int(c) for c in np.unique(labels) if c >= 0)
    counts = {c: Counter() for c in clusters}
    for toks, c in zip(token_lists, labels):
        if c >= 0:
            counts[int(c)].update(toks)
    total = Counter()
    for cnt in counts.values():
        total.update(cnt)
    if not clusters:
        return {}, clusters
    avg = sum(total.values()) / len(clusters)
    weights: dict[int, dict[str, float]] = {}
    for c in clusters:
        n_c = sum(counts[c].values()) or 1
        weights[c] = {t: (f / n_c) * np.log(1.0 + avg / total[t]) for t, f in counts[c].items()}
    return weights, clusters


def class_tfidf_keywords(token_lists: Sequence[Sequence[str]], labels: Sequence[int], top_n: int = 8,
                         stopwords: frozenset[str] = LABEL_STOPWORDS) -> dict[int, list[str]]:
    """The ``top_n`` highest c-TF-IDF tokens of each cluster (ties broken alphabetically),
    ``stopwords`` left out."""
    weights, clusters = class_tfidf(token_lists, labels)
    return {c: [t for t, _ in sorted(weights[c].items(), key=lambda kv: (-kv[1], kv[0])) if t not in stopwords][:top_n]
            for c in clusters}


def representatives(embeddings: np.ndarray, labels: Sequence[int], k: int = 3) -> dict[int, list[int]]:
    """Indices of the ``k`` members of each cluster closest (cosine) to its centroid,
    closest first (ties: lower index)."""
    Z = np.asarray(embeddings, dtype=np.float64)
    labels = np.asarray(labels)
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    Zn = Z / np.where(norms == 0, 1.0, norms)
    out: dict[int, list[int]] = {}
    for c in sorted(int(c) for c in np.unique(labels) if c >= 0):
        members = np.flatnonzero(labels == c)
        centroid = Zn[members].mean(axis=0)
        cn = np.linalg.norm(centroid)
        sims = Zn[members] @ (centroid / cn if cn else centroid)
        order = np.lexsort((members, -np.round(sims, 9)))
        out[c] = [int(members[i]) for i in order[:k]]
    return out
