from __future__ import annotations

from pathlib import Path

import docx
import pytest

from fgi.errors import InputError
from fgi.ingest.layout import format_timestamp, parse_timestamp
from fgi.ingest.reader import read_source

MB = 1024 * 1024


def read(path: Path, fmt: str | None = None):
    return read_source(path, fmt=fmt, max_bytes=20 * MB)


def slices(source):
    return [(u.speaker, source.text[u.start : u.end]) for u in source.layout.utterances]


def test_clova_note_export(tmp_path):
    path = tmp_path / "clova.txt"
    path.write_text(
        "자활 FGI\n2024.05.14 화 오후 2:03 ・ 58분\n연구팀\n\n\n"
        "참석자 1 00:00\n안녕하세요.\n오늘 주제는 사례관리입니다.\n\n"
        "김도현 01:41\n네 반갑습니다.\n\n"
        "화자 2 1:02:03\n마지막 말씀입니다.\n",
        encoding="utf-8",
    )
    source = read(path)
    assert source.layout.format == "clova"
    assert source.layout.meta == {"title": "자활 FGI", "date": "2024.05.14 화 오후 2:03 ・ 58분", "author": "연구팀"}
    assert slices(source) == [
        ("참석자 1", "안녕하세요."),
        ("참석자 1", "오늘 주제는 사례관리입니다."),
        ("김도현", "네 반갑습니다."),
        ("화자 2", "마지막 말씀입니다."),
    ]
    assert [u.timestamp for u in source.layout.utterances] == [0.0, 0.0, 101.0, 3723.0]
    assert [u.source_line for u in source.layout.utterances] == [7, 8, 11, 14]


@pytest.mark.parametrize(
    ("line", "speaker", "text"),
    [
        ("진행자: 자기소개 부탁드려요", "진행자", "자기소개 부탁드려요"),
        ("참여자3 : 네 저는요", "참여자3", "네 저는요"),
        ("참여자 3: 저는", "참여자 3", "저는"),
        ("A: 좋습니다", "A", "좋습니다"),
        ("[사회자] 시작하겠습니다", "사회자", "시작하겠습니다"),
        ("P1：전각 콜론도 됩니다", "P1", "전각 콜론도 됩니다"),
    ],
)
def test_speaker_prefixes(tmp_path, line, speaker, text):
    path = tmp_path / "t.txt"
    path.write_text(f"{line}\n진행자: 다음\n", encoding="utf-8")
    source = read(path)
    assert source.layout.format == "prefixed"
    assert slices(source)[0] == (speaker, text)


def test_continuation_lines_belong_to_the_last_speaker_and_times_are_not_labels(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "[1차 FGI 녹취록]\n\n진행자: 시작할게요\n참여자1: 저는 10:30에 왔어요\n그리고 계속 말해요\n"
        "https://example.org 같은 주소도 있고요\n",
        encoding="utf-8",
    )
    source = read(path)
    assert source.layout.meta["title"] == "[1차 FGI 녹취록]"
    assert slices(source) == [
        ("진행자", "시작할게요"),
        ("참여자1", "저는 10:30에 왔어요"),
        ("참여자1", "그리고 계속 말해요"),
        ("참여자1", "https://example.org 같은 주소도 있고요"),
    ]


def test_docx_paragraphs_and_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("2차 FGI")
    document.add_paragraph("[사회자] 어떠셨어요?")
    document.add_paragraph("[참여자A] 좋았어요.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "참여자B"
    table.rows[0].cells[1].text = "표 안의 발언입니다."
    path = tmp_path / "t.docx"
    document.save(path)
    source = read(path)
    assert (source.layout.format, source.encoding) == ("docx", "docx")
    assert slices(source) == [("사회자", "어떠셨어요?"), ("참여자A", "좋았어요."), ("참여자B", "표 안의 발언입니다.")]


def test_docx_under_another_extension_is_still_read_as_docx(tmp_path):
    document = docx.Document()
    document.add_paragraph("진행자: 안녕하세요")
    document.add_paragraph("참여자1: 네")
    path = tmp_path / "renamed.txt"
    document.save(path)
    assert read(path).layout.format == "docx"


def test_srt(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,500\n진행자: 시작합니다\n\n"
        "2\n00:01:02,250 --> 00:01:04,000\n참여자1: 네\n두 줄째\n\n"
        "3\n01:00:00,000 --> 01:00:01,000\n계속 같은 사람\n",
        encoding="utf-8",
    )
    source = read(path)
    assert source.layout.format == "srt"
    assert slices(source) == [("진행자", "시작합니다"), ("참여자1", "네"), ("참여자1", "두 줄째"), ("참여자1", "계속 같은 사람")]
    assert [u.timestamp for u in source.layout.utterances] == [1.0, 62.25, 62.25, 3600.0]


def test_vtt_with_voice_tags(tmp_path):
    path = tmp_path / "t.vtt"
    path.write_text(
        "WEBVTT\n\nNOTE 녹취\n\n00:01.000 --> 00:02.000\n<v 진행자>안녕하세요</v>\n\n"
        "cue-2\n00:00:03.000 --> 00:00:04.000\n<v.loud 참여자 2>반갑습니다\n",
        encoding="utf-8",
    )
    source = read(path)
    assert source.layout.format == "vtt"
    assert slices(source) == [("진행자", "안녕하세요"), ("참여자 2", "반갑습니다")]


def test_plain_format_takes_every_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("첫 번째 문장\n\n두 번째 문장\n", encoding="utf-8")
    with pytest.raises(InputError, match="--format plain"):
        read(path)
    source = read(path, fmt="plain")
    assert slices(source) == [(None, "첫 번째 문장"), (None, "두 번째 문장")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "no text"),
        ("그냥 글입니다.\n화자 없이 씁니다.\n".encode(), "no speaker labels"),
        ("참석자 1 00:00\n\n참석자 2 00:05\n".encode(), "no utterances"),
        (b"PK\x03\x04rest-of-a-zip", "zip archive"),
    ],
    ids=["empty", "blank", "no-speakers", "clova-without-text", "zip"],
)
def test_bad_input_is_named(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        read(path)
    assert "bad.txt" in str(error.value)
    assert error.value.hint


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * MB)
    with pytest.raises(InputError, match=r"50\.0 MB, over the 20 MB limit") as error:
        read(path)
    assert "FGI_MAX_IMPORT_MB" in error.value.hint


@pytest.mark.parametrize(
    ("text", "seconds", "again"),
    [("00:00", 0.0, "00:00"), ("01:41", 101.0, "01:41"), ("1:02:03", 3723.0, "1:02:03"),
     ("00:01:02,250", 62.25, "01:02"), ("75:00", 4500.0, "1:15:00"), ("1:61:00", None, None)],
)
def test_timestamps(text, seconds, again):
    assert parse_timestamp(text) == seconds
    assert format_timestamp(seconds) == again
