import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from themes.labels import class_tfidf_keywords, representatives
from themes.proposer import Candidate, ThemeProposer
from themes.suggest import CodeSuggester, suggest_codes


def test_class_tfidf_known_answer():
    docs = [["김치", "밥"], ["김치", "반찬"], ["면접", "밥"], ["면접", "회사"]]
    kw = class_tfidf_keywords(docs, [0, 0, 1, 1], top_n=2)
    assert kw[0][0] == "김치" and kw[1][0] == "면접"
    assert "밥" not in kw[0][:1]
    assert class_tfidf_keywords(docs, [-1, 0, 0, 0])[0][0] == "면접"  # noise ignored


def test_labels_leave_out_talk_nouns_but_keep_content():
    docs = [["얘기", "때", "취업", "얘기"], ["얘기", "취업", "말씀"], ["생각", "상담", "부분"], ["생각", "상담"]]
    kw = class_tfidf_keywords(docs, [0, 0, 1, 1])
    assert kw == {0: ["취업"], 1: ["상담"]}
    assert "얘기" in class_tfidf_keywords(docs, [0, 0, 1, 1], stopwords=frozenset())[0]


def test_representatives_known_answer():
    Z = np.array([[1, 0], [0.9, 0.1], [0.6, 0.4], [0, 1], [0.1, 0.9]], float)
    reps = representatives(Z, [0, 0, 0, 1, 1], k=2)
    assert reps[0] == [1, 0] and len(reps[1]) == 2


def test_proposer_splits_topics(topic_texts):
    texts, truth = topic_texts
    p = ThemeProposer(k="auto", random_state=0).fit(texts)
    assert adjusted_rand_score(truth, p.labels_) == 1.0
    assert len(p.candidates_) == 3 and all(isinstance(c, Candidate) for c in p.candidates_)
    words = {w for c in p.candidates_ for w in c.keywords[:4]}
    assert {"김치", "면접", "날씨"} <= words
    for c in p.candidates_:
        assert c.size == len(c.members) and set(c.representatives) <= set(c.members)
        assert 1 <= len(c.representatives) <= 3
    q = ThemeProposer(k=3, random_state=0).fit(texts)
    np.testing.assert_array_equal(q.labels_, p.labels_)
    assert [c.keywords for c in q.candidates_] == [c.keywords for c in p.candidates_]


def test_proposer_other_engines(topic_texts):
    texts, truth = topic_texts
    for clusterer in ("kmeans", "agglomerative"):
        p = ThemeProposer(embedder="char-lsa", clusterer=clusterer, k=3).fit(texts)
        assert len(p.candidates_) == 3
    assert ThemeProposer().fit([]).candidates_ == []


def test_suggester(topic_texts):
    texts, truth = topic_texts
    held = [0, 8, 16]  # one line of each topic
    keep = [i for i in range(len(texts)) if i not in held]
    s = CodeSuggester().fit([texts[i] for i in keep], [truth[i] for i in keep])
    ranked = s.rank([texts[i] for i in held], top_k=2)
    assert [r[0][0] for r in ranked] == ["food", "job", "weather"]
    assert all(len(r) == 2 and r[0][1] >= r[1][1] for r in ranked)
    # a code known only by its definition can still be suggested
    s2 = CodeSuggester().fit(["김치를 먹었다"], ["food"], definitions={"weather": "날씨 비 바람 눈 기온"})
    assert s2.rank(["비와 바람이 심한 날씨"])[0][0][0] == "weather"
    assert suggest_codes("회사 면접을 보았다", texts, truth, top_k=1)[0][0] == "job"
    with pytest.raises(ValueError):
        CodeSuggester().fit(["a"], [])


def test_dev_quotes_smoke(shared_dir):
    rows = [json.loads(l) for l in (shared_dir / "corpus" / "dev_quotes.jsonl").read_text().splitlines() if l.strip()]
    texts = [r["text"] for r in rows]
    p = ThemeProposer(random_state=0).fit(texts)
    assert 2 <= p.n_clusters_ <= 12 and sum(c.size for c in p.candidates_) == len(texts)


def test_suggester_ranks_by_definitions_before_anyone_has_coded():
    from themes.suggest import CodeSuggester

    suggester = CodeSuggester().fit(
        [], [], {"자신감": "자신감이 생겼다는 진술", "서류": "서류 작업이 힘들다는 진술"},
        tokens=[], definition_tokens={"자신감": ["자신감", "진술"], "서류": ["서류", "작업", "진술"]},
    )
    [(best, score), (other, rest)] = suggester.rank(["서류가 많아요"], tokens=[["서류"]], top_k=2)[0]
    assert (best, other) == ("서류", "자신감") and score > 0 and rest == 0
