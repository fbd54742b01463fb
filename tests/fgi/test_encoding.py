from __future__ import annotations

import codecs

import pytest

from fgi.errors import InputError
from fgi.ingest.encoding import decode_bytes, normalise_text

TEXT = "진행자: 오늘 자활센터 이야기를 해 볼게요.\n참여자1: 네, 좋아요.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-bom"),
        (TEXT.encode("cp949"), "cp949"),
        (TEXT.encode("euc-kr"), "cp949"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("\n", "\r\n").encode("cp949"), "cp949"),
    ],
    ids=["utf8", "utf8-bom", "cp949", "euc-kr", "utf16le", "utf16be", "cp949-crlf"],
)
def test_every_common_korean_encoding_decodes_to_the_same_text(data, encoding):
    text, found = decode_bytes(data, "x.txt")
    assert found == encoding
    assert text == TEXT


def test_cp949_only_hangul_decodes():
    # 똠 and 햏 are outside EUC-KR's 2,350 syllables but inside CP949.
    text, encoding = decode_bytes("똠양꿍 먹고 햏".encode("cp949"), "x.txt")
    assert (text, encoding) == ("똠양꿍 먹고 햏", "cp949")


def test_undecodable_bytes_name_the_line():
    data = "첫 줄\n둘째 줄\n".encode() + b"\xff\xfe\xff bad\n"
    with pytest.raises(InputError) as error:
        decode_bytes(data, "broken.txt")
    assert error.value.line == 3
    assert "broken.txt, line 3" in str(error.value)
    assert "UTF-8" in error.value.hint


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"%PDF-1.7 ...", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"abc\x00\x01\x02def", "binary")],
)
def test_binary_files_are_refused(data, what):
    with pytest.raises(InputError, match=what):
        decode_bytes(data, "x.txt")


def test_normalisation_composes_hangul_and_unifies_line_endings():
    decomposed = "\u1100\u1161 \r\n나\r다  \n"  # 가 written as two jamo
    assert normalise_text(decomposed) == "가\n나\n다\n"
