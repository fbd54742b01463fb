"""From a parsed file to what will be stored: speakers with roles and pseudonyms, the
pseudonymised text, and analysed coding units. Pure: no database here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fgi.ingest.layout import Layout
from fgi.ingest.pseudonymise import Replacement, Rewrite, find_masks, is_real_name
from fgi.ingest.reader import SourceText
from fgi.ingest.segment import AnalysedUnit, Unit, analyse_units, split_units
from fgi.models import MODERATOR, PARTICIPANT
from fgi.morphology import Analyzer

_MODERATOR_LABEL = re.compile(
    r"^(?:진행자|사회자|면접자|면접관|연구자|연구원|모더레이터|인터뷰어|질문자|보조진행자|"
    r"moderator|interviewer|facilitator|M|Q)\s*\d{0,2}$",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"(?:\?|까요|나요|세요|는지요|을까|ㄹ까|주시겠어요|주실래요)[.!\s]*$")


@dataclass(frozen=True, slots=True)
class Speaker:
    label: str  # as written in the file
    stored_label: str  # as written in the stored text
    pseudonym: str
    role: str


@dataclass
class PreparedTranscript:
    source: SourceText
    text: str
    speakers: list[Speaker]
    units: list[AnalysedUnit]
    keys: list[tuple[str, str, str]]  # (kind, original, replacement), stored apart
    notes: list[str] = field(default_factory=list)


def assign_roles(layout: Layout, text: str, moderators: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Role of every speaker label, and notes for the user about guesses made."""
    roles = {
        label: MODERATOR if label in moderators or _MODERATOR_LABEL.match(label) else PARTICIPANT
        for label in layout.speakers
    }
    notes: list[str] = []
    unknown = set(moderators) - set(roles)
    if unknown:
        notes.append(f"--moderator {', '.join(sorted(unknown))}: no such speaker in this file")
    if MODERATOR not in roles.values() and len(roles) > 1:
        questions = Counter(
            u.speaker for u in layout.utterances if _QUESTION.search(text[u.start : u.end])
        )
        if questions:
            label, count = questions.most_common(1)[0]
            if count >= 2 and count >= 0.4 * sum(questions.values()):
                roles[label] = MODERATOR
                notes.append(
                    f"guessed {label!r} as the moderator ({count} of {sum(questions.values())} "
                    "questions); set it with --moderator if that is wrong"
                )
    return roles, notes


def prepare_transcript(
    source: SourceText,
    *,
    analyzer: Analyzer,
    pseudonym_for: Callable[[str, str], str],
    pseudonymise: bool = True,
    names: Sequence[str] = (),
    moderators: Sequence[str] = (),
    unit: str = "line",
) -> PreparedTranscript:
    """``pseudonym_for(label, role)`` hands out the project's next id (``P03``, ``M01``)."""
    layout = source.layout
    roles, notes = assign_roles(layout, source.text, moderators)
    pseudonyms = {label: pseudonym_for(label, roles[label]) for label in layout.speakers}
    real_names = {label for label in layout.speakers if pseudonymise and is_real_name(label)}

    replacements: list[Replacement] = []
    if pseudonymise:
        replacements += [
            Replacement(span.start, span.end, pseudonyms[span.label], "speaker")
            for span in layout.labels
            if span.label in real_names
        ]
        replacements += find_masks(source.text, names, {n: pseudonyms[n] for n in real_names})
    rewrite = Rewrite(source.text, replacements)
    keys = sorted(
        {(r.kind, r.original(source.text), r.new) for r in rewrite.replacements}
    )

    speakers = [
        Speaker(label, pseudonyms[label] if label in real_names else label, pseudonyms[label], roles[label])
        for label in layout.speakers
    ]
    stored_label = {s.label: s.stored_label for s in speakers}
    lines = [
        Unit(stored_label.get(u.speaker) if u.speaker else None, *rewrite.span(u.start, u.end),
             u.source_line, u.timestamp)
        for u in layout.utterances
    ]
    units = analyse_units(rewrite.text, split_units(rewrite.text, lines, unit, analyzer), analyzer)
    return PreparedTranscript(source, rewrite.text, speakers, units, keys, notes)
