"""From a parsed file to what will be stored: speakers with roles and pseudonyms, the
pseudonymised text, and analysed coding units. Pure: no database here.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fgi.ingest.layout import Layout, line_spans
from fgi.ingest.names import NAME_MASK
from fgi.ingest.pseudonymise import Replacement, Rewrite, find_masks, is_real_name, mask_text
from fgi.ingest.reader import SourceText
from fgi.ingest.segment import AnalysedUnit, Unit, analyse_units, split_units
from fgi.models import MODERATOR, PARTICIPANT
from fgi.morphology import Analyzer
from fgi.i18n import _

_MODERATOR_LABEL = re.compile(
    r"^(?:진행자|사회자|면접자|면접관|연구자|연구원|모더레이터|인터뷰어|질문자|보조진행자|"
    r"moderator|interviewer|facilitator|M|Q)\s*\d{0,2}$",
    re.IGNORECASE,
)
# The author line of a CLOVA Note header, with or without a word before the name.
_AUTHOR_PREFIX = re.compile(r"^(?:작성자|작성|기록자|기록|녹음자|담당자|author)\s*[:：]?\s*", re.IGNORECASE)
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
    meta: dict[str, str] = field(default_factory=dict)  # header facts, pseudonymised like the text
    name_is_personal: bool = False  # the file name holds a name or other personal data
    rewrite: Rewrite | None = None  # source offsets -> stored offsets


def assign_roles(layout: Layout, text: str, moderators: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Role of every speaker label, and notes for the user about guesses made."""
    roles = {
        label: MODERATOR if label in moderators or _MODERATOR_LABEL.match(label) else PARTICIPANT
        for label in layout.speakers
    }
    notes: list[str] = []
    unknown = set(moderators) - set(roles)
    if unknown:
        notes.append(_("moderator {names}: no such speaker in this file", names=", ".join(sorted(unknown))))
    if MODERATOR not in roles.values() and len(roles) > 1:
        questions = Counter(
            u.speaker for u in layout.utterances if _QUESTION.search(text[u.start : u.end])
        )
        if questions:
            label, count = questions.most_common(1)[0]
            if count >= 2 and count >= 0.4 * sum(questions.values()):
                roles[label] = MODERATOR
                notes.append(
                    _("guessed {label} as the moderator ({count} of {total} questions); check it and change it "
                      "if that is wrong", label=repr(label), count=count, total=sum(questions.values()))
                )
    return roles, notes


def ordinary_word_test(analyzer: Analyzer) -> Callable[[str], bool]:
    """Whether a given name is also an ordinary word (``하늘``, ``지원``) for ``analyzer``:
    one morpheme that is not a proper noun."""

    @functools.cache
    def ordinary(word: str) -> bool:
        morphemes = analyzer.analyze(word)
        return len(morphemes) == 1 and morphemes[0].form == word and morphemes[0].base_tag != "NNP"

    return ordinary


def header_author(source: SourceText) -> tuple[int, int] | None:
    """Where the author stands in a CLOVA Note header (its third line), without a prefix."""
    author = source.layout.meta.get("author")
    if source.layout.format != "clova" or not author:
        return None
    first = min((span.start for span in source.layout.labels), default=len(source.text))
    lines = [(s, e) for s, e in line_spans(source.text) if e <= first and source.text[s:e].strip()]
    if len(lines) < 3:
        return None
    start, end = lines[2]
    line = source.text[start:end]
    start += len(line) - len(line.lstrip())
    end -= len(line) - len(line.rstrip())
    prefix = _AUTHOR_PREFIX.match(source.text[start:end])
    return (start + prefix.end(), end) if prefix and prefix.end() < end - start else (start, end)


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
    meta = dict(layout.meta)
    name_is_personal = False
    if pseudonymise:
        ordinary = ordinary_word_test(analyzer)
        names = list(names)
        author = header_author(source)
        if author:
            written = source.text[author[0] : author[1]]
            replacements.append(Replacement(*author, NAME_MASK, "author"))
            if is_real_name(written):
                names.append(written)  # the author may be mentioned, or be a speaker
        speaker_names = {n: pseudonyms[n] for n in real_names}
        replacements += [
            Replacement(span.start, span.end, pseudonyms[span.label], "speaker")
            for span in layout.labels
            if span.label in real_names
        ]
        replacements += find_masks(source.text, names, speaker_names, ordinary_word=ordinary)
        meta = {key: mask_text(value, names, speaker_names, ordinary_word=ordinary) for key, value in meta.items()}
        if author and "author" in meta:
            meta["author"] = NAME_MASK
        stem = source.path.stem
        name_is_personal = mask_text(stem, names, speaker_names, ordinary_word=ordinary) != stem
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
    return PreparedTranscript(source, rewrite.text, speakers, units, keys, notes, meta, name_is_personal, rewrite)
