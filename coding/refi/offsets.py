"""Normalise another tool's source text the way ingest does, and carry offsets along.

Ingest stores text NFC-normalised, with ``\\n`` line endings, without BOM characters and
without trailing spaces (``fgi.ingest.encoding.normalise_text``). A REFI selection counts
code points in the text as the other tool stored it (often with ``\\r\\n``), so its
offsets are mapped into the normalised text: each line is normalised on its own and an
offset inside it moves by what was removed or composed before it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from fgi.ingest.encoding import normalise_text

_BREAK = re.compile("\r\n|\r|\n|\u2028")


def _normal_line(line: str) -> str:
    return unicodedata.normalize("NFC", line.replace("\ufeff", "")).rstrip()


@dataclass
class OffsetMap:
    """``new(offset)``: where a code-point offset of the original text lands in ``text``."""

    text: str
    _starts: list[int]  # original start of each line
    _new_starts: list[int]  # its start in the normalised text
    _lines: list[str]  # original lines (without their break)

    def new(self, offset: int) -> int:
        index = max(0, bisect_right(self._starts, offset) - 1)
        line = self._lines[index]
        inside = min(max(0, offset - self._starts[index]), len(line))
        normal = _normal_line(line)
        if inside == len(line):
            moved = len(normal)
        elif normal == line:
            moved = inside
        else:
            # The prefix composed but not stripped: its trailing space is still inside the line.
            moved = min(len(unicodedata.normalize("NFC", line[:inside].replace("\ufeff", ""))), len(normal))
        return self._new_starts[index] + moved


def normalise_with_offsets(text: str) -> OffsetMap:
    starts, lines = [], []
    position = 0
    for match in _BREAK.finditer(text):
        starts.append(position)
        lines.append(text[position:match.start()])
        position = match.end()
    starts.append(position)
    lines.append(text[position:])
    normal = [_normal_line(line) for line in lines]
    new_starts, at = [], 0
    for line in normal:
        new_starts.append(at)
        at += len(line) + 1
    joined = "\n".join(normal)
    assert joined == normalise_text(text), "offset mapping out of step with ingest normalisation"
    return OffsetMap(joined, starts, new_starts, lines)
