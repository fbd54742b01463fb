from __future__ import annotations

import pytest

from fgi.ingest.pseudonymise import Replacement, Rewrite, find_masks, is_real_name


@pytest.mark.parametrize(
    ("label", "real"),
    [("김도현", True), ("이수진", True), ("남궁민수", True), ("참석자 1", False), ("진행자", False),
     ("사회자", False), ("참여자3", False), ("참여자A", False), ("A", False), ("P1", False),
     ("화자 2", False), ("주민2", False), ("Speaker 1", False)],
)
def test_which_labels_are_real_names(label, real):
    assert is_real_name(label) is real


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("번호는 010-1234-5678이에요", "번호는 [전화번호]이에요"),
        ("사무실 02-123-4567 로", "사무실 [전화번호] 로"),
        ("01012345678 로 주세요", "[전화번호] 로 주세요"),
        ("주민번호 901010-1234567 적고", "주민번호 [주민등록번호] 적고"),
        ("메일은 hong.gil@example.co.kr 입니다", "메일은 [이메일] 입니다"),
        ("박민수 씨가 박민수씨를", "[이름] 씨가 [이름]씨를"),
        ("2024-05-14에 10:30까지", "2024-05-14에 10:30까지"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert Rewrite(text, find_masks(text, ["박민수"], {})).text == masked


def test_offsets_map_through_replacements():
    text = "김도현: 010-1234-5678로 연락 주세요. 김도현 씨"
    replacements = [Replacement(0, 3, "P03", "speaker"), *find_masks(text, [], {"김도현": "P03"})]
    rewrite = Rewrite(text, replacements)
    assert rewrite.text == "P03: [전화번호]로 연락 주세요. P03 씨"
    tail = text.index("로 연락")
    start, end = rewrite.span(tail, len(text))
    assert rewrite.text[start:end] == "로 연락 주세요. P03 씨"
    # A boundary inside a replaced span snaps to the end of its replacement.
    assert rewrite.position(text.index("1234")) == rewrite.text.index("로 연락")


def test_overlapping_replacements_keep_the_first_and_longest():
    text = "김도현수"
    rewrite = Rewrite(text, [Replacement(0, 3, "A", "name"), Replacement(0, 4, "B", "name"),
                             Replacement(2, 4, "C", "name")])
    assert rewrite.text == "B"
