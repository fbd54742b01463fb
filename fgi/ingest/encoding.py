"""Turning a file's bytes into normalised text: encoding, line endings, NFC.

Korean transcripts arrive as UTF-8 (with or without BOM), CP949/EUC-KR (older Windows
tools, Hangul Word Processor exports) or UTF-16 (some Windows editors). The encoding is
decided before any parsing, from the BOM or by strict trial decoding.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from fgi.errors import InputError
from fgi.i18n import N_, _

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = {
    b"%PDF": N_("a PDF document"),
    b"\x89PNG": N_("a PNG image"),
    b"\xff\xd8\xff": N_("a JPEG image"),
    b"GIF8": N_("a GIF image"),
    b"\xd0\xcf\x11\xe0": N_("an old Office (.doc/.hwp) file"),
    b"HWP Document": N_("a Hangul (.hwp) file"),
    b"ID3": N_("an MP3 recording"),
    b"RIFF": N_("a WAV recording"),
    b"\x1f\x8b": N_("a gzip archive"),
    b"SQLite format 3": N_("a SQLite database"),
}


def _export_hint() -> str:
    return _("export the transcript as text (.txt), Word (.docx), 한글 (.hwpx/.hwp) or subtitles (.srt/.vtt)")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of ASCII-heavy text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if odd_nuls > half * 0.3 and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls == 0:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes, path: str | Path) -> str:
    """The encoding of ``data``; raises InputError naming the file and line if none fits."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(
                _("this is {what}, not a transcript", what=_(what)),
                path=path,
                hint=_export_hint(),
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            _("the file contains binary data (NUL bytes), not text"),
            path=path,
            line=_line_of(data, nul),
            hint=_export_hint(),
        )
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            data.decode("cp949")
            return "cp949"
        except UnicodeDecodeError:
            raise InputError(
                _("the text is neither UTF-8 nor CP949/EUC-KR (undecodable byte 0x{byte:02x})",
                  byte=data[utf8_error.start]),
                path=path,
                line=_line_of(data, utf8_error.start),
                hint=_("open the file in an editor and save it as UTF-8"),
            ) from None


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line endings, no BOM, no trailing spaces at line ends."""
    text = text.replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """``(normalised text, encoding name)`` of a text file's bytes."""
    encoding = detect_encoding(data, path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            _("the text could not be decoded as {encoding}", encoding=encoding),
            path=path,
            line=_line_of(data, exc.start),
            hint=_("open the file in an editor and save it as UTF-8"),
        ) from None
    encoding = {"utf-8-sig": "utf-8-bom"}.get(encoding, encoding)
    return normalise_text(text), encoding
