"""Rank codes for a text, given already-coded examples and optional code definitions.

Score of code c for a text x (all vectors TF-IDF over Kiwi noun lemmas, sublinear tf,
L2-normalised; the vocabulary and IDF are fit on the examples plus the definitions):

    centroid_weight   * cos(x, mean of c's example vectors)
  + definition_weight * cos(x, c's definition)            (when c has a definition)
  + knn_weight        * share of similarity of the n_neighbors nearest examples coded c

Defaults (centroid 1, definition ``auto``, kNN 0) are what measured best on the dev quotes:
the kNN vote (the earlier baseline) was weaker than the centroid and adding it to
centroid+definition lowered top-3, also with few examples. The definition weighs more
while few lines are coded (``auto_definition_weight``: 3 with one example per code, 1.6
with ten): with one or two examples the centroid is one or two lines, and the codebook
says more (top-3 with 2 examples per code 0.592 -> 0.641, 20 random orders; the learning
curve in docs/benchmarks.md, ``bench/suggest_curve.py``); leave-one-out top-3 (about 8
examples per code) went from 0.745 to 0.716. Raw TF-IDF beat LSA here (no SVD);
fitting the IDF on the uncoded lines too, smoothing scores over similar uncoded lines
and noun phrases as features did not help.

    s = CodeSuggester().fit(example_texts, example_codes, definitions={"code": "text"})
    s.rank(["새 인용문"], top_k=3)   # [[("code", score), ...]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from themes.embedders import kiwi_lemmas


def _identity(doc):
    return doc


class CodeSuggester:
    def __init__(self, centroid_weight: float = 1.0, definition_weight: float | str = "auto",
                 knn_weight: float = 0.0, n_neighbors: int = 10,
                 tokenizer: Callable[[Sequence[str]], list[list[str]]] | None = None) -> None:
        self.centroid_weight = centroid_weight
        self.definition_weight = definition_weight
        self.knn_weight = knn_weight
        self.n_neighbors = n_neighbors
        self.tokenizer = tokenizer

    def _tokens(self, texts: Sequence[str]) -> list[list[str]]:
        return (self.tokenizer or kiwi_lemmas)(list(texts))

    def fit(self, texts: Sequence[str], codes: Sequence[str], definitions: Mapping[str, str] | None = None,
            tokens: Sequence[Sequence[str]] | None = None,
            definition_tokens: Mapping[str, Sequence[str]] | None = None) -> CodeSuggester:
        """``tokens`` / ``definition_tokens``: pre-computed lemma lists (e.g. cached)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        if len(texts) != len(codes):
            raise ValueError("texts and codes must have the same length")
        definitions = dict(definitions or {})
        self.codes_ = sorted(set(codes) | set(definitions))
        if not self.codes_:
            raise ValueError("need at least one coded example or one code definition")
        tok = list(tokens) if tokens is not None else self._tokens(texts)
        if definition_tokens is not None:
            dtok = [list(definition_tokens.get(c, [])) for c in self.codes_]
        else:
            dtok = self._tokens([definitions.get(c, "") for c in self.codes_])
        self.vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        try:
            self.vectorizer_.fit([list(t) for t in tok] + dtok)
        except ValueError:  # no token anywhere
            self.vectorizer_.fit([["∅"]])
        index = {c: i for i, c in enumerate(self.codes_)}
        self.example_codes_ = np.array([index[c] for c in codes], dtype=np.int64)
        if tok:
            X = normalize(self.vectorizer_.transform([list(t) for t in tok]))
        else:  # nobody has coded yet: the definitions alone rank the codes
            from scipy.sparse import csr_matrix

            X = csr_matrix((0, len(self.vectorizer_.vocabulary_)))
        self.examples_ = X
        n_codes, dim = len(self.codes_), X.shape[1]
        C = np.zeros((n_codes, dim))
        for i in range(n_codes):
            rows = self.example_codes_ == i
            if rows.any():
                C[i] = np.asarray(X[rows].mean(axis=0)).ravel()
        self.centroids_ = normalize(C)
        D = normalize(self.vectorizer_.transform(dtok)).toarray()
        self.has_definition_ = np.array([bool(definitions.get(c, "").strip()) for c in self.codes_])
        D[~self.has_definition_] = 0.0
        self.definitions_ = D
        self.definition_weight_ = (auto_definition_weight(self.example_codes_, len(self.codes_))
                                   if self.definition_weight == "auto" else float(self.definition_weight))
        return self

    def scores(self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """n_texts x n_codes score matrix (columns in ``codes_`` order)."""
        from sklearn.preprocessing import normalize

        tok = list(tokens) if tokens is not None else self._tokens(texts)
        Q = normalize(self.vectorizer_.transform([list(t) for t in tok]))
        S = self.centroid_weight * np.asarray(Q @ self.centroids_.T)
        S += self.definition_weight_ * np.asarray(Q @ self.definitions_.T)
        if self.knn_weight and self.examples_.shape[0]:
            sims = np.asarray((Q @ self.examples_.T).todense())
            k = min(self.n_neighbors, sims.shape[1])
            for r in range(sims.shape[0]):
                nn = np.argsort(-sims[r], kind="stable")[:k]
                w = np.clip(sims[r, nn], 0, None)
                vote = np.bincount(self.example_codes_[nn], weights=w, minlength=len(self.codes_))
                S[r] += self.knn_weight * vote / max(w.sum(), 1e-12)
        return S

    def rank(self, texts: Sequence[str], top_k: int = 3,
             tokens: Sequence[Sequence[str]] | None = None) -> list[list[tuple[str, float]]]:
        """For each text, the ``top_k`` codes with their scores, best first (ties: code name)."""
        S = self.scores(texts, tokens)
        out = []
        for row in S:
            order = sorted(range(len(self.codes_)), key=lambda i: (-round(float(row[i]), 12), self.codes_[i]))
            out.append([(self.codes_[i], float(row[i])) for i in order[:top_k]])
        return out


def auto_definition_weight(example_codes: np.ndarray, n_codes: int) -> float:
    """1 + 2 / sqrt(median examples per coded code): 3 with one example each, 2.4 with two,
    1.9 with five, 1.6 with ten. One weight for every code: a per-code weight pulled lines
    towards the codes with the fewest examples."""
    counts = np.bincount(example_codes, minlength=n_codes)
    counts = counts[counts > 0]
    return 1.0 + 2.0 / np.sqrt(float(np.median(counts)) if len(counts) else 1.0)


def suggest_codes(text: str, example_texts: Sequence[str], example_codes: Sequence[str],
                  definitions: Mapping[str, str] | None = None, top_k: int = 3) -> list[tuple[str, float]]:
    """One-shot helper: the ``top_k`` (code, score) for ``text``."""
    return CodeSuggester().fit(example_texts, example_codes, definitions).rank([text], top_k)[0]
