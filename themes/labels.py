"""Keyword labels and representative quotes for clusters.

Terms. ``terms_of_runs`` takes a line's noun runs (``fgi.morphology.noun_runs``: stored at
import, or from Kiwi through ``label_terms`` for older imports) and keeps its *content nouns* (nouns
written together make one compound word: "슈퍼" + "비전" -> "슈퍼비전") and its *noun
phrases*: two or three such words one space apart with no particle between them ("자격증
취득", "사례관리자 역할"), with positional and filler nouns
(``LABEL_STOPWORDS``: 옆, 마디, 때, 정도, 농담, 얘기, ...) cut from both ends and left out as
single words. Dependent nouns (Kiwi's NNB: 것, 수, 거) never count, nor roots of adjectives
(중요, 다양: a noun followed by 하다 as an adjective suffix, XSA).

Weights. ``class_tfidf`` is the class-based TF-IDF of BERTopic (Grootendorst 2022): the
terms of a cluster are counted as one document, frequencies L1-normalised per cluster and
weighted by ``log(1 + A / f_t)``, A the average number of terms per cluster and f_t the
frequency of t over all clusters *and* the ``background`` (the project's other lines), so a
word every group says weighs little even when only one candidate holds it.

Choice. ``mmr_keywords`` takes the terms in turn by maximal marginal relevance (Carbonell
and Goldstein 1998): relevance (the c-TF-IDF weight; a phrase said in at least two of the
cluster's lines counts ``PHRASE_BOOST`` times its weight) minus ``1 - diversity`` times its
largest similarity to a term already taken (1 when one contains the other's words, else the
cosine of the lines they occur in). So a label reads "자격증 취득 · 취업 · 일자리" rather than
"자격증 · 자격증 취득 · 취득". Ties are broken alphabetically: the same input gives the same
label.

The terms stay out of the embeddings (noun lemmas there; phrases and stop-lists in the
features measured no better on the dev quotes); they serve the labels only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from fgi.morphology.noun_runs import Runs, noun_runs

# Talk about talk, place and time words, fillers and transcript markers: nouns every group
# says, which in a label only crowd out the words that tell candidates apart.
TALK_NOUNS = "얘기 이야기 말 말씀 생각 질문 대답 답변 농담 마디 한마디 표현 의견 소리 이름"
PLACE_NOUNS = "옆 앞 뒤 위 아래 안 밖 속 쪽 곳 데 사이 주변 근처 여기 거기 저기 이쪽 저쪽 그쪽"
TIME_NOUNS = ("때 그때 이때 지금 처음 이번 요즘 오늘 어제 내일 나중 다음 이후 이전 전 후 동안 순간 "
              "당시 시기 시절 최근 매번 항상 요새 중간 마지막 끝 시작 오랫동안 계속")
FILLER_NOUNS = ("정도 부분 자체 경우 중략 등 번 일단 약간 그냥 진짜 정말 뭐 거 것 게 건 수 점 식 면 측면 "
                "가지 개 명 분 쯤 중 상황 상태 문제 사실 느낌 기억 선생 선생님 우리 저희 자기 본인 "
                "누구 무엇 이거 그거 저거 이것 그것 저것 여러분 사람 분들 얘 애 걔 공식 의미 관련 대해")
LABEL_STOPWORDS = frozenset(" ".join([TALK_NOUNS, PLACE_NOUNS, TIME_NOUNS, FILLER_NOUNS]).split())

MAX_PHRASE = 3  # nouns in a phrase
PHRASE_BOOST = 2.0  # a phrase said in >= PHRASE_MIN_LINES of the cluster's lines, over a single word
PHRASE_MIN_LINES = 2
DIVERSITY = 0.3  # MMR: 0 = relevance only, 1 = diversity only


def is_label_word(lemma: str) -> bool:
    """A noun that may stand in a label: not a stop-word, not a lone Hangul syllable."""
    return lemma not in LABEL_STOPWORDS and not (len(lemma) == 1 and "가" <= lemma <= "힣")


def _word(lemmas: list[str]) -> str | None:
    """One written word of nouns ("슈퍼" + "비전" -> "슈퍼비전"), stop nouns cut from its ends;
    None when nothing is left or what is left is not a label word."""
    lemmas = list(lemmas)
    while lemmas and not is_label_word(lemmas[0]):
        lemmas.pop(0)
    while lemmas and not is_label_word(lemmas[-1]):
        lemmas.pop()
    word = "".join(lemmas)
    return word if word and is_label_word(word) else None


def terms_of_runs(runs: Runs) -> list[str]:
    """The content nouns and noun phrases of one line from its noun runs
    (``fgi.morphology.noun_runs``), in order of appearance: each written word of a run is a
    term (a compound: "사례관리자"); a run of 2 to ``MAX_PHRASE`` words, none a stop-word,
    also makes a phrase."""
    terms: list[str] = []
    for run in runs:
        words = [_word(word) for word in run]
        terms.extend(w for w in words if w)
        while words and words[0] is None:
            words.pop(0)
        while words and words[-1] is None:
            words.pop()
        if 2 <= len(words) <= MAX_PHRASE and all(words):
            terms.append(" ".join(words))
    return terms


def terms_of(text: str, morphemes) -> list[str]:
    """``terms_of_runs`` of one analysed line."""
    return terms_of_runs(noun_runs(text, morphemes))


def label_terms(texts: Sequence[str], batch_size: int = 2000) -> list[list[str]]:
    """``terms_of`` each text (Kiwi; repeated texts analysed once)."""
    from fgi.morphology import get_analyzer

    from themes.embedders import ANALYZER

    an = get_analyzer(ANALYZER)
    unique = list(dict.fromkeys(texts))
    found: dict[str, list[str]] = {}
    for i in range(0, len(unique), batch_size):
        batch = unique[i : i + batch_size]
        for text, morphs in zip(batch, an.analyze_many(batch)):
            found[text] = terms_of(text, morphs)
    return [list(found[t]) for t in texts]


def class_tfidf(token_lists: Sequence[Sequence[str]], labels: Sequence[int],
                background: Sequence[Sequence[str]] = ()) -> tuple[dict[int, dict[str, float]], list[int]]:
    """c-TF-IDF weights per cluster id (noise label -1 ignored); ``background``: token
    lists of other lines, counted in each term's overall frequency only."""
    labels = np.asarray(labels)
    clusters = sorted(int(c) for c in np.unique(labels) if c >= 0)
    counts = {c: Counter() for c in clusters}
    for toks, c in zip(token_lists, labels):
        if c >= 0:
            counts[int(c)].update(toks)
    total = Counter()
    for cnt in counts.values():
        total.update(cnt)
    for toks in background:
        total.update(toks)
    if not clusters:
        return {}, clusters
    avg = sum(sum(cnt.values()) for cnt in counts.values()) / len(clusters)
    weights: dict[int, dict[str, float]] = {}
    for c in clusters:
        n_c = sum(counts[c].values()) or 1
        weights[c] = {t: (f / n_c) * np.log(1.0 + avg / total[t]) for t, f in counts[c].items()}
    return weights, clusters


def class_tfidf_keywords(token_lists: Sequence[Sequence[str]], labels: Sequence[int], top_n: int = 8,
                         stopwords: frozenset[str] = LABEL_STOPWORDS) -> dict[int, list[str]]:
    """The ``top_n`` highest c-TF-IDF tokens of each cluster (ties broken alphabetically),
    ``stopwords`` left out (the plain ranking, without phrases or MMR)."""
    weights, clusters = class_tfidf(token_lists, labels)
    return {c: [t for t, _ in sorted(weights[c].items(), key=lambda kv: (-kv[1], kv[0])) if t not in stopwords][:top_n]
            for c in clusters}


def _similarity(a: str, b: str, lines_a: set[int], lines_b: set[int]) -> float:
    wa, wb = set(a.split()), set(b.split())
    if wa <= wb or wb <= wa or a in b or b in a:
        return 1.0
    if not lines_a or not lines_b:
        return 0.0
    return len(lines_a & lines_b) / np.sqrt(len(lines_a) * len(lines_b))


def mmr_keywords(token_lists: Sequence[Sequence[str]], labels: Sequence[int], top_n: int = 8,
                 background: Sequence[Sequence[str]] = (), diversity: float = DIVERSITY,
                 pool: int = 40) -> dict[int, list[str]]:
    """Up to ``top_n`` terms per cluster chosen by maximal marginal relevance (see the
    module); only terms that pass ``is_label_word`` word by word are chosen."""
    labels = np.asarray(labels)
    weights, clusters = class_tfidf(token_lists, labels, background)
    out: dict[int, list[str]] = {}
    for c in clusters:
        rows = np.flatnonzero(labels == c)
        lines: dict[str, set[int]] = {}
        for r in rows:
            for t in token_lists[r]:
                lines.setdefault(t, set()).add(int(r))
        rel = {}
        for t, w in weights[c].items():
            if not all(is_label_word(word) for word in t.split()):
                continue
            if " " in t:
                if len(lines.get(t, ())) < PHRASE_MIN_LINES:
                    continue
                w *= PHRASE_BOOST
            rel[t] = w
        ranked = sorted(rel, key=lambda t: (-rel[t], t))[:pool]
        if not ranked:
            out[c] = []
            continue
        top = rel[ranked[0]] or 1.0
        chosen: list[str] = []
        while ranked and len(chosen) < top_n:
            # A term whose words repeat a chosen term's ("단계" after "게이트 단계") is not taken.
            ranked = [t for t in ranked if all(_similarity(t, s, set(), set()) < 1.0 for s in chosen)]
            if not ranked:
                break

            def score(t: str) -> float:
                sim = max((_similarity(t, s, lines.get(t, set()), lines.get(s, set())) for s in chosen), default=0.0)
                return (1 - diversity) * rel[t] / top - diversity * sim

            best = max(ranked, key=lambda t: (round(score(t), 12), -ranked.index(t)))
            chosen.append(best)
            ranked.remove(best)
        out[c] = chosen
    return out


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
