"""What a parser returns: utterance lines with speakers, and where labels stand.

All offsets are code-point indices into the normalised text the parser was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TIMESTAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})(?:[.,](\d{1,3}))?$")


@dataclass(frozen=True, slots=True)
class Utterance:
    """One physical utterance line of the transcript."""

    speaker: str | None
    start: int
    end: int
    source_line: int  # 1-based line number in the file
    timestamp: float | None = None


@dataclass(frozen=True, slots=True)
class LabelSpan:
    """Where a speaker label is written in the text (so it can be pseudonymised)."""

    label: str
    start: int
    end: int


@dataclass
class Layout:
    format: str
    utterances: list[Utterance]
    labels: list[LabelSpan] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for utterance in self.utterances:
            if utterance.speaker is not None:
                seen.setdefault(utterance.speaker)
        return list(seen)


def parse_timestamp(value: str) -> float | None:
    """Seconds in ``MM:SS``, ``H:MM:SS`` or ``HH:MM:SS,mmm``; None if it is not one."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if millis:
        total += int(millis.ljust(3, "0")) / 1000
    return float(total)


def format_timestamp(seconds: float | None) -> str | None:
    """``01:41`` or ``1:02:03``, as CLOVA Note writes them."""
    if seconds is None:
        return None
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text``, newline excluded."""
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
