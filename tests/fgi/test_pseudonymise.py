from __future__ import annotations

import pytest

from fgi.ingest.pseudonymise import Replacement, Rewrite, find_masks, fold, is_real_name, mask_text


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


@pytest.mark.parametrize("written", [
    "+82-10-2222-3333", "+82 10 4444 5555", "82-10-9999-8888", "(010)1234-5678", "010 - 3333 - 4444",
    "010–5555–6666", "010—5555—6666", "010‐5555‐6666", "０１０－１２３４－５６７８", "010 1234 5678",
    "+82 (0)10-1234-5678", "(+82) 10.1234.5678", "031)123-4567", "(02) 123 4567", "010ㅡ1234ㅡ5678",
    "０１０ １２３４ ５６７８", "010\u00a01234\u00a05678", "010.1234.5678",
])
def test_phone_variants_are_masked(written):
    assert mask_text(f"제 번호는 {written}이에요.") == "제 번호는 [전화번호]이에요."


@pytest.mark.parametrize("written", [
    "9001011234567", "900101 1234567", "900101–2345678", "900101-2345678", "900101 - 2345678",
    "９００１０１－２３４５６７８", "900101-1******",
])
def test_resident_number_variants_are_masked(written):
    assert mask_text(f"주민번호 {written} 적었어요") == "주민번호 [주민등록번호] 적었어요"


@pytest.mark.parametrize("written", [
    "dohyun@example.com", "dohyun(at)example.com", "dohyun [at] example [dot] com", "dohyun＠example.com",
    "dohyun at example dot com", "do.hyun+fgi@mail.example.co.kr", "dohyun{at}example{dot}co{dot}kr",
    "dohyun 골뱅이 example.com", "ｄｏｈｙｕｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
])
def test_email_variants_are_masked(written):
    assert mask_text(f"메일은 {written} 으로 보내 주세요") == "메일은 [이메일] 으로 보내 주세요"


@pytest.mark.parametrize("text", [
    "2024-05-14에 10:30까지 오세요", "총 1,234,567원이 들었어요", "2023년 12월 31일", "1588-1234로 전화",
    "참여자 3명 중 2명이 10-20분", "at home, dot com 시대", "점수는 90.5점",
])
def test_ordinary_numbers_and_words_stay(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(("text", "masked"), [
    ("도현 씨가 말했어요", "[이름] 씨가 말했어요"),
    ("도현님이 오셨어요", "[이름]님이 오셨어요"),
    ("도현이가 그랬어요", "[이름]이가 그랬어요"),
    ("도현아, 이리 와", "[이름]아, 이리 와"),
    ("도현 선생님께서", "[이름] 선생님께서"),
    ("도현은 그때 없었어요", "[이름]은 그때 없었어요"),
    ("김 도현 씨", "[이름] 씨"),
    ("하늘 씨가 왔어요", "[이름] 씨가 왔어요"),
    ("하늘이 맑아요", "하늘이 맑아요"),  # 하늘 is a word: only where Korean marks a person
    ("하늘은 파랗고", "하늘은 파랗고"),
    ("지원이 필요해요", "지원이 필요해요"),
    ("지원이가 왔어요", "[이름]이가 왔어요"),
    ("박도현 씨는 다른 사람", "박도현 씨는 다른 사람"),  # another person's full name
])
def test_given_names_of_listed_names_are_masked(text, masked):
    words = {"하늘", "지원"}
    assert mask_text(text, ["김도현", "정하늘", "김지원"], ordinary_word=words.__contains__) == masked


@pytest.mark.parametrize("label", ["John Smith", "Kim Dohyun", "박 서준", "남궁 민수", "KIM Do-hyun"])
def test_latin_and_spaced_names_are_names(label):
    assert is_real_name(label)


@pytest.mark.parametrize("label", ["P03", "M01", "Speaker 2", "Moderator", "참여자 가", "Q"])
def test_role_labels_are_not_names(label):
    assert not is_real_name(label)


def test_latin_speaker_names_and_their_parts_are_replaced():
    text = "Kim Dohyun said Dohyun is here; kim  dohyun again"
    assert mask_text(text, [], {"Kim Dohyun": "P01"}) == "P01 said [이름] is here; P01 again"


def test_folding_keeps_length_and_offsets():
    text = "０１０－１２３４－５６７８ 그리고 ９"
    assert len(fold(text)) == len(text) and fold(text).startswith("010-1234-5678")
    rewrite = Rewrite(text, find_masks(text, [], {}))
    tail = text.index("그리고")
    start, end = rewrite.span(tail, len(text))
    assert rewrite.text[start:end] == "그리고 ９"


def test_a_span_that_starts_inside_a_replacement_keeps_it():
    text = "전화 010-1234-5678 주세요"
    rewrite = Rewrite(text, find_masks(text, [], {}))
    start, end = rewrite.span(text.index("1234"), len(text))
    assert rewrite.text[start:end] == "[전화번호] 주세요"


CLOVA_WITH_NAMES = """김도현 이민지 면담
2024.05.14 화 오후 2:03 ・ 1시간 5분
작성자 정하늘

김도현 00:00
안녕하세요, 민지 씨는 어떻게 생각하세요? 하늘 씨도 계시고요.

이민지 00:12
저는 도현 씨 말에 동의해요. 제 번호는 ０１０－１２３４－５６７８이에요.

John Smith 00:30
John said so. 메일은 smith(at)example.com 입니다.

박 서준 00:45
네, 서준이가 정리할게요. 정하늘 선생님께 보내 주세요.
"""


def _import_named_file(db, kiwi, tmp_path, **options):
    from fgi.ingest import ImportOptions, import_files
    from fgi.study import create_project

    path = tmp_path / "김도현_이민지_면담.txt"
    path.write_text(CLOVA_WITH_NAMES, encoding="utf-8")
    with db.transaction() as session:
        project = create_project(session, "이름 시험", actor="tester")
        [result] = import_files(session, project, [path], ImportOptions(**options), actor="tester", analyzer=kiwi)
    return result


def test_names_in_file_name_header_labels_and_text_are_pseudonymised(db, kiwi, tmp_path):
    from sqlalchemy import select

    from fgi.models import Event, PseudonymKey, Segment, Transcript

    result = _import_named_file(db, kiwi, tmp_path)
    assert result.name == "전사본 1"
    with db.reading() as session:
        transcript = session.get(Transcript, result.transcript_id)
        stored = [transcript.name, transcript.source_name, transcript.text, repr(transcript.meta),
                  *(repr(e.payload) for e in session.scalars(select(Event)))]
        segments = list(session.scalars(select(Segment).where(Segment.transcript_id == transcript.id)))
        keys = {(k.kind, k.original) for k in session.scalars(select(PseudonymKey))}
    everything = "\n".join(stored)
    for secret in ("김도현", "이민지", "정하늘", "John", "Smith", "박 서준", "서준", "도현", "민지", "하늘",
                   "1234", "smith(at)"):
        assert secret not in everything, secret
    assert transcript.source_name == "전사본 1.txt"
    assert "작성자 [이름]" in transcript.text and transcript.meta["author"] == "[이름]"
    assert {s.speaker for s in segments} == {"P01", "P02", "P03", "P04"}
    for segment in segments:
        assert transcript.text[segment.start:segment.end] == segment.text
    assert ("file", "김도현_이민지_면담.txt") in keys and ("author", "정하늘") in keys
    assert ("speaker", "John Smith") in keys and ("speaker", "박 서준") in keys


def test_without_pseudonymisation_the_file_name_stays(db, kiwi, tmp_path):
    result = _import_named_file(db, kiwi, tmp_path, pseudonymise=False)
    assert result.name == "김도현_이민지_면담"


# Names whose given part is often an ordinary word (하늘, 지원, 보람, 하나, 미래, 희망...) and some that are not.
COMMON_NAMES = ["김도현", "이민지", "정하늘", "박서준", "김지원", "이수진", "박민수", "김보람", "이슬기", "박하나", "정미래",
                "김소망", "이현우", "최지우", "강하은", "윤서연", "장민준", "임지훈", "한예은", "최성공", "김희망", "이사랑",
                "박은혜", "정다운", "김한결"]


def test_listed_names_mask_no_ordinary_word_of_the_corpus(kiwi):
    """Real Korean text (public welfare documents and FGI quotes, 16k tokens) with 25 listed
    names: the only name masked is a listed name that really is in it (a signatory)."""
    import json

    from fgi.ingest.prepare import ordinary_word_test
    from fgi.ingest.pseudonymise import without_overlaps
    from tests.conftest import shared_path

    corpus = shared_path("corpus")
    texts = []
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".jsonl":
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        elif path.suffix in (".txt", ".md"):
            texts.append(path.read_text(encoding="utf-8"))
    assert sum(len(t.split()) for t in texts) > 15_000
    ordinary = ordinary_word_test(kiwi)
    masked = [text[r.start:r.end] for text in texts
              for r in without_overlaps(find_masks(text, COMMON_NAMES, {}, ordinary_word=ordinary)) if r.kind == "name"]
    assert masked == ["이수진"]
    # Without the word test, given names that are words would be masked all over (지원 alone ~150 times).
    naive = [r for text in texts for r in find_masks(text, COMMON_NAMES, {}, ordinary_word=lambda g: False)]
    assert len(naive) > 100
