"""Keyword auto-code suggestions: codebook keywords matched on Kiwi lemmas with spaCy rules.

A keyword is analysed by the same tokenizer as the transcript (``fgi.morphology.spacy_doc``)
and becomes a ``Matcher`` pattern over token lemmas:

- trailing endings and particles are dropped (``지치다`` -> ``지치다``, ``떨다`` -> ``떨다``),
  and so is the ``하`` of a 하다-word (``우울하다`` -> ``우울``; it then matches ``우울해서``,
  ``우울한``, ``우울이``, but not ``우울감``, which is its own keyword);
- the other tokens must follow each other as in the keyword: prefixes and suffixes stay
  (``탈수급`` needs ``탈`` + ``수급``, ``취업률`` needs ``취업`` + ``률``); within a word
  nothing may come between them (``사례회의`` = ``사례`` + ``회의``, also ``사례 회의``);
- where the keyword has a space, particles and endings may come between the words
  (``할 수 있다`` matches ``할 수도 있겠다``);
- a one-word keyword also matches a token whose lemma is the whole keyword, for the
  words Kiwi analyses differently alone and in a sentence (``물어보다`` alone is
  ``묻다``+``보다``, in ``물어봐 주시니까`` it is one verb ``물어보다``);
- a Hangul noun keyword of three or more syllables is also found as the start of a word,
  because Kiwi sometimes splits a compound wrongly in context (``탈수급하고`` is analysed
  as 탈수 + 급하다); see ``surface_fallback``.

Suggestions are data for a coder to accept (an application with source ``keyword``) or
reject (stored, never suggested to that coder again); nothing is applied silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import Coding, apply_code, get_segment, resolve_code
from coding.codebook import CodeView, code_path, list_codes
from coding.models import KEYWORD, CodeApplication, KeywordRejection, User
from coding.permissions import require
from fgi.errors import FgiError
from fgi.limits import LIMITS, limit, setting_hint
from fgi.models import MODERATOR, Event, Participant, Project, Segment, Transcript
from fgi.settings import load_settings
from fgi.i18n import _

_FUNCTION = ("E", "J")  # endings and particles
_DERIVING_HA = ("XSA", "XSV")  # the 하 of 하다-adjectives and -verbs
_BETWEEN_WORDS = {"TAG": {"REGEX": r"^(E|J|XS|VCP)"}, "OP": "*"}
_INSIDE_WORD_ENDING = {"TAG": {"REGEX": r"^(E|J)"}, "OP": "*"}


@dataclass(frozen=True)
class KeywordPattern:
    code_id: int
    code_path: str
    keyword: str
    lemmas: tuple[str, ...]  # what must match, as shown to users
    patterns: tuple[tuple[dict, ...], ...]
    problem: str | None = None
    surface: bool = False  # also matched as a word-initial string (see surface_fallback)


@dataclass(frozen=True)
class KeywordMatch:
    keyword: str
    start: int  # code-point offsets into the segment's text, end-exclusive
    end: int
    text: str


@dataclass(frozen=True)
class KeywordSuggestion:
    segment_id: str
    transcript_id: str
    line: int
    code_id: int
    code_path: str
    matches: tuple[KeywordMatch, ...]
    segment_text: str
    segment_start: int  # add to a match's offsets for offsets in the transcript text

    @property
    def keywords(self) -> list[str]:
        return list(dict.fromkeys(m.keyword for m in self.matches))


@cache
def keyword_nlp(backend: str | None = None):
    from fgi.morphology.spacy_doc import korean_nlp

    return korean_nlp(backend or load_settings().morphology)


def _base_tag(token) -> str:
    return token.tag_.split("+", 1)[0].split("-", 1)[0]


def _is_function(token) -> bool:
    tag = _base_tag(token)
    return tag.startswith(_FUNCTION) or (tag.startswith("S") and tag not in ("SL", "SH", "SN"))


def analyse_keyword(keyword: str, nlp=None) -> tuple[tuple[str, ...], tuple[tuple[dict, ...], ...]]:
    """``(lemmas, spaCy patterns)`` of a keyword; both empty when nothing in it can match."""
    nlp = nlp or keyword_nlp()
    tokens = [t for t in nlp.tokenizer(keyword.strip()) if not t.is_space]
    while tokens and _is_function(tokens[-1]):
        tokens.pop()
    while tokens and _is_function(tokens[0]):
        tokens.pop(0)
    if len(tokens) > 1 and _base_tag(tokens[-1]) in _DERIVING_HA:
        tokens.pop()
    if not tokens:
        return (), ()
    pattern: list[dict] = []
    lemmas: list[str] = []
    for i, token in enumerate(tokens):
        if _is_function(token):
            pattern.append(_INSIDE_WORD_ENDING)
        else:
            pattern.append({"LEMMA": token.lemma_})
            lemmas.append(token.lemma_)
        if i + 1 < len(tokens) and token.whitespace_:
            pattern.append(_BETWEEN_WORDS)
    patterns = [tuple(pattern)]
    word = keyword.strip()
    if " " not in word and (word,) != tuple(lemmas):
        patterns.append(({"LEMMA": word},))
    return tuple(lemmas), tuple(patterns)


def surface_fallback(keyword: str) -> bool:
    """Nouns of three or more syllables are also found as the start of a word.

    Kiwi sometimes splits a compound wrongly in context (``탈수급하고`` -> 탈수 + 급하다);
    a noun that long at the start of a word is that noun (``탈수급률``, ``자조모임에서``).
    Shorter nouns are not (``자동`` in ``자동차``), nor are verbs and adjectives."""
    word = keyword.strip()
    return len(word) >= 3 and not word.endswith("다") and all("가" <= c <= "힣" for c in word)


def keyword_patterns(codes: Sequence[CodeView], nlp=None) -> list[KeywordPattern]:
    """The patterns of every keyword of the codebook, with a problem for unusable ones.

    The work is bounded: a codebook with more keywords than ``FGI_MAX_SUGGESTION_KEYWORDS``
    is refused with a message (imports refuse such codebooks; one stored by an older
    version could still have them), and a keyword longer than ``FGI_MAX_KEYWORD_CHARS`` is
    not analysed."""
    total = sum(len(code.keywords) for code in codes)
    most = limit("suggestion_keywords")
    if total > most:
        raise FgiError(_('the codebook has {total} keywords; keyword suggestions match at most {most}', total=total, most=most),
                       hint=_('remove keywords (fgi codebook edit), or {setting_hint}', setting_hint=setting_hint('suggestion_keywords')))
    longest = limit("keyword_chars")
    result = []
    for code in codes:
        for keyword in code.keywords:
            if len(keyword) > longest:
                result.append(KeywordPattern(code.id, code.path, keyword[:longest], (), (),
                                             f"is longer than {longest} characters "
                                             f"({LIMITS['keyword_chars'].setting})"))
                continue
            lemmas, patterns = analyse_keyword(keyword, nlp)
            problem = None if patterns else "has no content word to match (only endings or particles)"
            result.append(KeywordPattern(code.id, code.path, keyword, lemmas, patterns, problem,
                                         surface_fallback(keyword) and bool(patterns)))
    return result


def _word_end(doc, end: int) -> int:
    """Extend a match over the endings and particles that finish its word (``까다로`` ->
    ``까다로워서``), so a coder sees the whole word highlighted."""
    while end < len(doc) and not doc[end - 1].whitespace_ and _base_tag(doc[end]).startswith(("E", "J", "XS")):
        end += 1
    return end


def match_keywords(texts: Sequence[str], patterns: Sequence[KeywordPattern], nlp=None) -> list[list[tuple[KeywordPattern, KeywordMatch]]]:
    """For each text, the keyword matches in it (longest match per keyword and start)."""
    from spacy.matcher import Matcher

    nlp = nlp or keyword_nlp()
    if not any(kp.patterns for kp in patterns):
        return [[] for _ in texts]
    matcher = Matcher(nlp.vocab)
    by_key: dict[str, KeywordPattern] = {}
    for number, kp in enumerate(patterns):
        if kp.patterns:
            key = f"kw{number}"
            by_key[key] = kp
            matcher.add(key, [list(p) for p in kp.patterns], greedy="LONGEST")
    found: list[list[tuple[KeywordPattern, KeywordMatch]]] = []
    for text, doc in zip(texts, nlp.tokenizer.pipe(texts), strict=True):
        hits = []
        for match_id, start, end in sorted(matcher(doc), key=lambda m: (m[1], m[2])):
            end = _word_end(doc, end)
            span = doc[start:end]
            kp = by_key[nlp.vocab.strings[match_id]]
            hits.append((kp, KeywordMatch(kp.keyword, span.start_char, span.end_char, span.text)))
        hits += _surface_hits(text, [kp for kp in patterns if kp.surface], hits)
        found.append(sorted(hits, key=lambda hit: (hit[1].start, hit[1].end)))
    return found


def _surface_hits(text: str, patterns: Sequence[KeywordPattern],
                  lemma_hits: list[tuple[KeywordPattern, KeywordMatch]]) -> list[tuple[KeywordPattern, KeywordMatch]]:
    """Word-initial occurrences of long noun keywords that the lemma rules missed."""
    hits = []
    for kp in patterns:
        for found in re.finditer(rf"(?<!\w){re.escape(kp.keyword.strip())}[가-힣]*", text):
            covered = any(other.keyword == kp.keyword and other.start < found.end() and found.start() < other.end
                          for _, other in lemma_hits)
            if not covered:
                hits.append((kp, KeywordMatch(kp.keyword, found.start(), found.end(), found.group())))
    return hits


def suggest_keywords(session: Session, coder: User, project: Project, *, transcript_id: str | None = None,
                     include_moderators: bool = False, nlp=None) -> list[KeywordSuggestion]:
    """Codes whose keywords occur in segments, for ``coder`` to accept or reject.

    Left out: back-channels, moderators' lines (unless asked), codes the coder has already
    applied to the segment, and suggestions the coder rejected before."""
    require(session, coder, "code", project)
    patterns = keyword_patterns([c for c in list_codes(session, project) if c.keywords], nlp)
    query = (select(Segment).join(Transcript, Transcript.id == Segment.transcript_id)
             .outerjoin(Participant, Participant.id == Segment.participant_id)
             .where(Transcript.project_id == project.id, Segment.backchannel.is_(False)))
    if transcript_id is not None:
        query = query.where(Segment.transcript_id == transcript_id)
    if not include_moderators:
        query = query.where((Participant.role.is_(None)) | (Participant.role != MODERATOR))
    segments = list(session.scalars(query.order_by(Transcript.imported_at, Segment.transcript_id, Segment.line)))
    if not segments or not patterns:
        return []
    ids = [s.id for s in segments]
    skip = set(session.execute(select(CodeApplication.segment_id, CodeApplication.code_id).where(
        CodeApplication.coder_id == coder.id, CodeApplication.segment_id.in_(ids))).all())
    skip |= set(session.execute(select(KeywordRejection.segment_id, KeywordRejection.code_id).where(
        KeywordRejection.user_id == coder.id, KeywordRejection.segment_id.in_(ids))).all())
    suggestions = []
    for segment, hits in zip(segments, match_keywords([s.text for s in segments], patterns, nlp), strict=True):
        per_code: dict[int, list[KeywordMatch]] = {}
        paths: dict[int, str] = {}
        for kp, match in hits:
            if (segment.id, kp.code_id) not in skip:
                per_code.setdefault(kp.code_id, []).append(match)
                paths[kp.code_id] = kp.code_path
        for code_id, matches in per_code.items():
            suggestions.append(KeywordSuggestion(segment.id, segment.transcript_id, segment.line, code_id,
                                                 paths[code_id], tuple(matches), segment.text, segment.start))
    return suggestions


def accept_suggestion(session: Session, coder: User, segment_id: str, code: str | int,
                      memo: str | None = None) -> Coding:
    """The coder takes the suggestion: an application with source ``keyword``."""
    return apply_code(session, coder, segment_id, code, memo=memo, source=KEYWORD)


def reject_suggestion(session: Session, coder: User, segment_id: str, code: str | int) -> bool:
    """The coder turns the suggestion down; it is not suggested to them again. False if it
    already was rejected."""
    segment, transcript = get_segment(session, segment_id)
    project = session.get(Project, transcript.project_id)
    require(session, coder, "code", project)
    target = resolve_code(session, project, code)
    exists = session.scalar(select(KeywordRejection.id).where(
        KeywordRejection.segment_id == segment.id, KeywordRejection.code_id == target.id,
        KeywordRejection.user_id == coder.id))
    if exists is not None:
        return False
    session.add(KeywordRejection(segment_id=segment.id, code_id=target.id, user_id=coder.id))
    session.flush()
    Event.record(session, actor=coder.name, kind="keyword.reject", project_id=project.id, subject=segment.id,
                 payload={"before": None, "after": {"segment": segment.id, "code": code_path(session, target)}})
    return True
