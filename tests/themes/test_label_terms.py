"""Labels from noun phrases, a stop-list of positional and filler nouns, and MMR."""

from themes.labels import LABEL_STOPWORDS, class_tfidf, is_label_word, label_terms, mmr_keywords


def test_stop_list_holds_positional_and_filler_nouns():
    for word in ("옆", "마디", "때", "정도", "농담", "얘기", "부분"):
        assert word in LABEL_STOPWORDS and not is_label_word(word)
    assert is_label_word("자격증") and is_label_word("취업")
    assert not is_label_word("집")  # a lone syllable is too vague for a label


def test_noun_phrases_and_compounds_come_from_kiwi():
    terms = label_terms(["옆에 있던 아이가 자격증 취득을 준비했어요", "사례관리 회의에서 농담 한 마디 했어요"])
    first, second = terms
    assert "자격증 취득" in first and "자격증" in first and "취득" in first
    assert "옆" not in first and not any(t.startswith("옆") for t in first)
    assert "농담" not in second and "마디" not in second
    assert "사례관리" in second and "사례관리 회의" in second and "사례" not in second  # one compound word


def test_phrases_lead_the_label_and_repeated_words_are_not_taken_twice():
    docs = [["자격증", "취득", "자격증 취득", "취업"], ["자격증", "취득", "자격증 취득", "일자리"],
            ["자격증", "취득", "자격증 취득"], ["상담", "회의"], ["상담", "기록"], ["상담", "회의"]]
    kw = mmr_keywords(docs, [0, 0, 0, 1, 1, 1], top_n=3)
    assert kw[0][0] == "자격증 취득"
    assert "자격증" not in kw[0] and "취득" not in kw[0]  # contained in the phrase taken first
    assert kw[1][0] == "상담"


def test_a_phrase_said_once_is_not_a_label():
    docs = [["자격증", "취득", "자격증 취득"], ["자격증", "시험"], ["상담"], ["상담"]]
    assert "자격증 취득" not in mmr_keywords(docs, [0, 0, 1, 1])[0]


def test_stop_words_never_reach_a_label_even_when_they_dominate():
    docs = [["옆", "옆", "때", "자격증"], ["옆", "정도", "자격증"], ["상담", "농담"], ["상담", "마디"]]
    kw = mmr_keywords(docs, [0, 0, 1, 1])
    assert kw == {0: ["자격증"], 1: ["상담"]}


def test_background_lowers_words_the_whole_project_says():
    docs = [["지원", "취업"], ["지원", "취업"], ["상담"], ["상담"]]
    alone, _ = class_tfidf(docs, [0, 0, 1, 1])
    weighed, _ = class_tfidf(docs, [0, 0, 1, 1], background=[["취업"]] * 20)
    assert weighed[0]["취업"] < alone[0]["취업"] and weighed[0]["지원"] == alone[0]["지원"]
    assert mmr_keywords(docs, [0, 0, 1, 1], background=[["취업"]] * 20)[0][0] == "지원"


def test_mmr_is_deterministic_and_prefers_diverse_words():
    docs = [["취업", "면접", "이력서", "교육"], ["취업", "면접", "이력서"], ["취업", "교육"], ["취업", "면접", "이력서"],
            ["상담"], ["상담", "기록"]]
    labels = [0, 0, 0, 0, 1, 1]
    runs = [mmr_keywords(docs, labels, top_n=3) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    plain = mmr_keywords(docs, labels, top_n=3, diversity=0.0)[0]
    diverse = mmr_keywords(docs, labels, top_n=3, diversity=0.9)[0]
    assert plain[0] == diverse[0] == "취업"
    # 면접 and 이력서 always occur together: with diversity the second of them gives way to 교육
    assert "교육" in diverse and not {"면접", "이력서"} <= set(diverse)
    assert {"면접", "이력서"} <= set(plain)
