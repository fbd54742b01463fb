from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

# Three clearly separate topics; each line is distinct.
_KEYS = {
    "food": ("식당", "김치", "반찬", "메뉴"),
    "job": ("회사", "면접", "취업", "이력서"),
    "weather": ("날씨", "기온", "태풍", "장마"),
}
_EXTRA = ("오늘", "어제", "친구", "가족", "동네", "주말", "아침", "저녁")
# Every line of a topic carries three of its four keywords plus one everyday noun.
TOPICS = {
    topic: [f"{_EXTRA[i]} {keys[i % 4]}와 {keys[(i + 1) % 4]} 그리고 {keys[(i + 2) % 4]} 이야기" for i in range(8)]
    for topic, keys in _KEYS.items()
}


@pytest.fixture(scope="session")
def topic_texts():
    texts, truth = [], []
    for t, lines in TOPICS.items():
        texts += lines
        truth += [t] * len(lines)
    return texts, truth


@pytest.fixture(scope="session")
def shared_dir():
    path = SHARED / "corpus" / "dev_quotes.jsonl"
    if not path.exists():
        pytest.skip(f"{path} absent: the shared dev corpus (../shared relative to the repo) is not here")
    return SHARED
