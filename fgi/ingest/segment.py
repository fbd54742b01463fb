"""Coding units from utterance lines: one per line, or one per sentence with Kiwi.

Every unit keeps its speaker, timestamp, source line and offsets, gets its content
lemmas, and is flagged as a back-channel when it carries no content of its own
(``네``, ``음``, ``아 네``), so agreement and theme steps can leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fgi.morphology import Analyzer, Morpheme, dump_runs, noun_runs, tagged_lemmas

UNITS = ("line", "sentence")
BACKCHANNELS = frozenset(
    {
        "네", "예", "응", "음", "어", "아", "흠", "으음", "음음", "네네", "예예", "아네", "아예",
        "그쵸", "그죠", "맞아요", "맞아", "맞습니다", "그렇죠", "그럼요", "그렇네요", "그래요",
        "알겠습니다", "네맞아요", "아그렇구나", "아하", "오", "와", "하하", "허허", "웃음",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")
_SHORT = 2  # a unit of at most this many letters is a fragment


@dataclass(frozen=True, slots=True)
class Unit:
    speaker: str | None
    start: int
    end: int
    source_line: int
    timestamp: float | None


@dataclass(frozen=True, slots=True)
class AnalysedUnit:
    unit: Unit
    text: str
    lemmas: list[str]  # tagged content lemmas: 서류/NNG, 많다/VA
    backchannel: bool
    noun_runs: str  # JSON of fgi.morphology.noun_runs


def is_backchannel(text: str, morphemes: Sequence[Morpheme]) -> bool:
    compact = _NOT_WORD.sub("", text)
    if len(compact) <= _SHORT or compact in BACKCHANNELS:
        return True
    meaningful = [m for m in morphemes if not m.tag.startswith(("S", "E", "J"))]
    return bool(meaningful) and all(m.tag == "IC" for m in meaningful)


def split_units(text: str, units: Sequence[Unit], unit: str, analyzer: Analyzer) -> list[Unit]:
    """Lines as they are, or each line split into its sentences."""
    if unit == "line":
        return list(units)
    result: list[Unit] = []
    for u in units:
        for start, end in analyzer.split_sentences(text[u.start : u.end]):
            piece = text[u.start + start : u.start + end]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if piece.strip():
                result.append(
                    Unit(u.speaker, u.start + start + lead, u.start + end - trail, u.source_line, u.timestamp)
                )
    return result


def analyse_units(text: str, units: Sequence[Unit], analyzer: Analyzer) -> list[AnalysedUnit]:
    texts = [text[u.start : u.end] for u in units]
    analysed = analyzer.analyze_many(texts)
    return [
        AnalysedUnit(u, t, tagged_lemmas(m), is_backchannel(t, m), dump_runs(noun_runs(t, m)))
        for u, t, m in zip(units, texts, analysed, strict=True)
    ]
