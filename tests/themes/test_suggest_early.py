"""Code suggestions with few coded lines: the codebook carries them."""

from themes.suggest import CodeSuggester

DEFINITIONS = {"취업": "취업 면접 이력서 일자리 회사", "음식": "김치 반찬 밥 음식", "날씨": "날씨 비 바람 기온"}
TOKENS = {"면접을 봤다": ["면접"], "김치를 먹었다": ["김치"], "비가 왔다": ["비"],
          "회사 일자리 면접 김치": ["회사", "일자리", "면접", "김치"], "반찬 밥 이력서": ["반찬", "밥", "이력서"]}


def tok(texts):
    return [TOKENS.get(t, t.split()) for t in texts]


def test_with_one_example_per_code_the_definition_outweighs_a_shared_word():
    # the one 음식 example happens to share 김치 with the target; the definition says 취업
    s = CodeSuggester(tokenizer=tok).fit(["김치를 먹었다", "면접을 봤다", "비가 왔다"], ["음식", "취업", "날씨"],
                                         definitions=DEFINITIONS)
    assert s.rank(["회사 일자리 면접 김치"])[0][0][0] == "취업"


def test_the_definition_weighs_more_while_few_lines_are_coded():
    one = CodeSuggester(tokenizer=tok).fit(["면접을 봤다", "김치를 먹었다"], ["취업", "음식"], definitions=DEFINITIONS)
    many = CodeSuggester(tokenizer=tok).fit(["면접을 봤다"] * 9 + ["김치를 먹었다"] * 9, ["취업"] * 9 + ["음식"] * 9,
                                            definitions=DEFINITIONS)
    assert one.definition_weight_ == 3.0 and many.definition_weight_ == 1.0 + 2.0 / 3.0
    assert CodeSuggester(definition_weight=1.5).fit(["면접을 봤다"], ["취업"], tokens=[["면접"]]).definition_weight_ == 1.5
    s = CodeSuggester(tokenizer=tok).fit(["면접을 봤다"], ["취업"], definitions=DEFINITIONS)
    scores = dict(s.rank(["반찬 밥 이력서"], top_k=3)[0])
    # no example of 음식 at all: its definition alone ranks it first for a line about food
    assert max(scores, key=scores.get) == "음식"
