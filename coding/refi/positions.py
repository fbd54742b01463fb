"""What ``startPosition``/``endPosition`` count, tool by tool, and which reading fits a file.

REFI-QDA says positions count characters, but tools count differently:

* ``codepoint``: Unicode code points of the source text as stored in the archive
  (QualCoder, this toolkit).
* ``utf16``: UTF-16 code units, so a character outside the Basic Multilingual Plane (an
  emoji) counts two (NVivo for Windows and Mac, whose texts are .NET / Cocoa strings).
* ``crlf1``: code points with a ``\\r\\n`` line break counted as one character (QualCoder's
  "MAXQDA line endings" export writes CRLF text with the positions of its LF text; QualCoder
  says ATLAS.ti counts so too).
* ``utf16-crlf1``: both (the likely reading of MAXQDA and ATLAS.ti on Windows).

``choose_convention`` tries the reading the producing tool (``origin``) suggests first. A
reading *fits* when every selection lies inside the text and no boundary splits a surrogate
pair or a CRLF. Where selections carry their text (QualCoder writes it in ``name``), the
reading under which most of them match wins, and the selections that still do not match are
reported. Where nothing fits, the caller imports nothing and names the failed selections.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate

from fgi.i18n import N_

CODEPOINT, UTF16, CRLF1, UTF16_CRLF1 = "codepoint", "utf16", "crlf1", "utf16-crlf1"
CONVENTIONS = (CODEPOINT, UTF16, CRLF1, UTF16_CRLF1)
CONVENTION_NAMES = {
    CODEPOINT: N_("code points"),
    UTF16: N_("UTF-16 code units"),
    CRLF1: N_("code points with CRLF as one"),
    UTF16_CRLF1: N_("UTF-16 code units with CRLF as one"),
}
_SPACE = re.compile(r"\s+")


def conventions_for(origin: str) -> tuple[str, ...]:
    """The readings to try, the producing tool's most likely first."""
    tool = origin.lower()
    if "nvivo" in tool:
        first = (UTF16, UTF16_CRLF1)
    elif "maxqda" in tool or "atlas" in tool:
        first = (UTF16_CRLF1, CRLF1, UTF16)
    else:  # QualCoder, this toolkit, Taguette and unknown tools count code points
        first = (CODEPOINT, CRLF1)
    return first + tuple(c for c in CONVENTIONS if c not in first)


@dataclass(frozen=True)
class RawSelection:
    guid: str
    start: int
    end: int
    text: str | None = None  # the selected text as the file states it (QualCoder's ``name``)


class Reader:
    """Converts positions of one convention into code-point offsets of the raw text."""

    def __init__(self, text: str, convention: str) -> None:
        self.convention = convention
        units: list[int] = []  # units each raw character adds under this convention
        for index, char in enumerate(text):
            width = 2 if convention in (UTF16, UTF16_CRLF1) and ord(char) > 0xFFFF else 1
            if convention in (CRLF1, UTF16_CRLF1) and char == "\r" and text[index + 1:index + 2] == "\n":
                width = 0  # the \n that follows carries the break
            units.append(width)
        self._ends = list(accumulate(units))  # units up to and including each character
        self._index: dict[int, int] = {0: 0}  # unit position -> raw offset, at character starts
        for offset, end in enumerate(self._ends, start=1):
            self._index.setdefault(end, offset)
        self.length = self._ends[-1] if self._ends else 0
        self._text = text

    def offset(self, position: int) -> int | None:
        """The raw code-point offset of a unit position, or None if it falls inside a character
        (half a surrogate pair) or past the end."""
        if position < 0 or position > self.length:
            return None
        found = self._index.get(position)
        if found is None:
            return None
        # A position counted before a CRLF's \n in crlf1 readings is the start of the \r\n.
        return found

    def splits_break(self, offset: int) -> bool:
        return 0 < offset < len(self._text) and self._text[offset - 1] == "\r" and self._text[offset] == "\n"


def comparable(text: str) -> str:
    """Text as compared with a selection's stated text: NFC, whitespace runs as one space
    (XML attribute values turn line breaks into spaces)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass
class Placement:
    """A reading of one source's selections: raw code-point spans, or why it does not fit."""

    convention: str
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # selection guid -> raw span
    failed: list[RawSelection] = field(default_factory=list)  # outside the text or mid-character
    matched: int = 0  # selections whose stated text matches
    mismatched: list[RawSelection] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return not self.failed


def place(text: str, selections: list[RawSelection], convention: str) -> Placement:
    reader = Reader(text, convention)
    placement = Placement(convention)
    for index, selection in enumerate(selections):
        start, end = reader.offset(selection.start), reader.offset(selection.end)
        if start is None or end is None or end < start or reader.splits_break(start) or reader.splits_break(end):
            placement.failed.append(selection)
            continue
        placement.spans[selection.guid or f"#{index}"] = (start, end)
        if selection.text is not None and comparable(selection.text):
            if comparable(text[start:end]) == comparable(selection.text):
                placement.matched += 1
            else:
                placement.mismatched.append(selection)
    return placement


def choose_convention(text: str, selections: list[RawSelection], origin: str) -> Placement:
    """The reading that fits (see the module's docstring); when none fits, the tool's first
    reading with its failed selections."""
    placements = [place(text, selections, convention) for convention in conventions_for(origin)]
    fitting = [p for p in placements if p.fits]
    if not fitting:
        return placements[0]
    stated = any(s.text is not None and comparable(s.text) for s in selections)
    if stated:  # the selections say what they cover: believe them over the tool's name
        return max(fitting, key=lambda p: p.matched)  # max keeps the first of equals
    return fitting[0]
