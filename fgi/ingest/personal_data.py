"""Phone numbers, resident registration numbers and e-mail addresses, in the forms people
actually write them: country codes, brackets, spaces, any dash, full-width characters,
``(at)`` and ``[dot]``.

Patterns run on a *folded* copy of the text that has exactly the same length: every
full-width or other digit becomes its ASCII digit, every dash ``-``, every space a plain
space, full-width ``＠`` and ``．`` their ASCII forms. A match's offsets are therefore the
offsets of the original characters, so masking keeps ``text[start:end] == segment.text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII; dashes -> '-'; spaces -> ' ' (one for one).
_FOLD: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({ord(c): ord("-") for c in "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796"
                                         "\ufe58\ufe63\u30fc\u3161"})  # ... katakana ー, Hangul ㅡ used as dashes
_FOLD.update({ord(c): ord(" ") for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                                         "\u2008\u2009\u200a\u202f\u205f\u3000"
                                         "\u200b\u200c\u200d\u2060\ufeff"})  # zero-width ones too
_FOLD.update({ord("\ufe6b"): ord("@"), ord("\u3002"): ord("."), ord("\uff61"): ord("."),
              ord("\u2024"): ord("."), ord("\u00b7"): ord("."), ord("\u318d"): ord(".")})
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def fold(text: str) -> str:
    """``text`` with digits, dashes, spaces and full-width forms in ASCII; same length."""
    folded = text.translate(_FOLD)
    if _OTHER_DIGIT.search(folded):
        folded = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), folded)
    return folded


_SP = r"[ \t]"
_SEP = rf"(?:{_SP}*[-./_]{_SP}*|{_SP}{{1,3}})?"  # between digit groups, never across lines
# Korean numbers without their leading 0: mobile, Seoul, regional, internet phone, 050x, 080.
_PREFIX = r"(?:1[016789]|2|[3-6][1-5]|70|80|50[2-8]?)"
_PHONE = re.compile(
    rf"(?<![\d+])(?:"
    rf"\+?{_SP}*\(?{_SP}*\+?{_SP}*82{_SP}*\)?{_SEP}(?:\({_SP}*0{_SP}*\){_SP}*)?0?{_PREFIX}"  # +82 10, 82-(0)10
    rf"|\(?{_SP}*0{_PREFIX}{_SP}*\){_SP}*"  # (010) 1234-5678, 031)123-4567
    rf"|0{_PREFIX}"
    rf"){_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)"
)
# 6 digits (birth date), a separator or none, then the 7 digits (or a starred-out tail).
_RRN = re.compile(rf"(?<!\d)\d{{6}}{_SEP}[1-8](?:\d{{6}}|[*xX]{{6}})(?![\dA-Za-z*])")

_WORD_AT = r"(?:at|AT|At|골뱅이|골뱅|앳)"
_WORD_DOT = r"(?:dot|DOT|Dot|점|닷)"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT = rf"(?:{_SP}*@{_SP}*|{_SP}*{_OPEN}{_SP}*{_WORD_AT}{_SP}*{_CLOSE}{_SP}*|{_SP}+(?:골뱅이|골뱅|앳){_SP}+)"
_DOT = rf"(?:\.|{_SP}*{_OPEN}{_SP}*{_WORD_DOT}{_SP}*{_CLOSE}{_SP}*|{_SP}+(?:닷|dot|DOT){_SP}+)"
_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+-]*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?:"
    rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[A-Za-z]{{2,}}"
    # fully spelled out: dohyun at example dot com
    rf"|{_LOCAL}{_SP}+(?:at|AT){_SP}+{_LABEL}(?:{_SP}+(?:dot|DOT){_SP}+{_LABEL})+"
    rf")(?![A-Za-z0-9-])"
)

PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "rrn": (_RRN, "[주민등록번호]"),
    "phone": (_PHONE, "[전화번호]"),
    "email": (_EMAIL, "[이메일]"),
}


def personal_data(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of every phone number, resident number and e-mail in ``text``."""
    folded = fold(text)
    for kind, (pattern, _) in PATTERNS.items():
        for match in pattern.finditer(folded):
            start, end = match.span()
            while end > start and folded[end - 1] in " \t":  # separators may stand around
                end -= 1
            while start < end and folded[start] in " \t":
                start += 1
            yield kind, start, end
