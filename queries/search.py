"""Text search: a word or phrase by Kiwi lemma, by surface text, or by regular expression;
results as keyword-in-context (KWIC) lines.

- ``lemma``: the query is analysed by Kiwi and its content lemmas must follow one another
  in a line's stored lemmas (``Segment.lemmas``, written at import), so 까다롭다 finds
  까다로워서 and 까다로운. The database narrows the lines first (one ``LIKE`` per lemma on
  the stored lemmas); the hits shown are located by analysing only those lines again.
  Lines stored without lemmas (an import that recorded none) are analysed on the fly.
- ``surface``: the text as typed, ignoring case, narrowed by ``LIKE`` in the database.
- ``regex``: a regular expression (the ``regex`` module) over the lines in scope, under a
  time budget, so a catastrophic pattern stops with a clear error instead of hanging.

Filters are ``queries.filters``; a coder filter keeps the lines those coders coded, as far
as the viewer may see them (blind coding).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import regex
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from coding.models import CodeApplication, User
from coding.permissions import require
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import Segment
from queries.filters import Filters, resolve, visible_codings
from queries.lines import EXTRA, LineInfo, info_of, lines_query

LEMMA, SURFACE, REGEX = "lemma", "surface", "regex"
MODES = (LEMMA, SURFACE, REGEX)
MAX_QUERY = 200  # characters of a query or pattern
REGEX_SECONDS = 2.0  # the whole regular-expression scan's budget
DEFAULT_LIMIT = 2000  # KWIC rows returned; the counts cover every hit
WIDTH = 30  # characters of context on each side


@dataclass(frozen=True)
class KwicHit:
    line: LineInfo
    start: int  # the hit's offsets in the line's text
    end: int
    left: str
    hit: str
    right: str

    @property
    def segment_id(self) -> str:
        return self.line.segment_id


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[KwicHit] = field(default_factory=list)
    n_hits: int = 0  # every hit, also those beyond the limit
    n_lines: int = 0
    truncated: bool = False
    lemmas: tuple[str, ...] = ()  # the lemmas a lemma search looked for

    @property
    def segment_ids(self) -> list[str]:
        """The lines of the hits shown, each once, in reading order."""
        return list(dict.fromkeys(h.segment_id for h in self.hits))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_lemmas(text: str) -> list[str]:
    """The content lemmas of a query, in order (까다로워서 -> [까다롭다])."""
    from fgi.morphology import content_lemmas, get_analyzer

    return content_lemmas(get_analyzer("kiwi").analyze(text))


def _check(query: str, mode: str) -> str:
    if mode not in MODES:
        raise FgiError(_("unknown search mode {mode}", mode=mode), hint=_("use lemma, surface or regex"))
    query = query.strip()
    if not query:
        raise FgiError(_("the search is empty"), hint=_("type a word, a phrase or a pattern"))
    if len(query) > MAX_QUERY:
        raise FgiError(_("the search is {n} characters long; at most {limit} are searched", n=len(query),
                         limit=MAX_QUERY))
    return query


def _scope_condition(session: Session, viewer: User, project, filters: Filters | None):
    scope = resolve(session, project, filters)
    condition = scope.line_condition()
    if scope.coder_ids is not None:
        require(session, viewer, "codings.read.own", project)
        coded = visible_codings(session, viewer, project, scope, CodeApplication.segment_id)
        condition = condition & Segment.id.in_(coded)
    return condition


def search(session: Session, project, query: str, *, viewer: User, mode: str = LEMMA,
           filters: Filters | None = None, limit: int = DEFAULT_LIMIT, width: int = WIDTH) -> SearchResult:
    """Every hit of ``query`` in the lines ``viewer`` may read, as KWIC rows (at most
    ``limit``; the counts cover all), in reading order."""
    query = _check(query, mode)
    require(session, viewer, "transcripts.read", project)
    condition = _scope_condition(session, viewer, project, filters)
    result = SearchResult(query, mode)
    if mode == LEMMA:
        spans = _lemma_hits(session, condition, query, result, limit)
    elif mode == SURFACE:
        spans = _surface_hits(session, condition, query)
    else:
        spans = _regex_hits(session, condition, query)
    for info, found in spans:
        result.n_lines += 1
        result.n_hits += len(found)
        for start, end in found:
            if len(result.hits) >= limit:
                result.truncated = True
                continue
            text = info.text
            result.hits.append(KwicHit(info, start, end, text[max(0, start - width):start], text[start:end],
                                       text[end:end + width]))
    return result


# ---- surface ---------------------------------------------------------------------------


def _surface_hits(session: Session, condition, query: str):
    needle = "%" + _like_escape(query.lower()) + "%"
    rows = session.execute(lines_query(condition & func.lower(Segment.text).like(needle, escape="\\"))).all()
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    for row in rows:
        info = info_of(row)
        found = [(m.start(), m.end()) for m in pattern.finditer(info.text)]
        if found:
            yield info, found


# ---- regular expressions ---------------------------------------------------------------


def compile_pattern(query: str):
    try:
        return regex.compile(query, regex.IGNORECASE | regex.VERSION1)
    except regex.error as exc:
        raise FgiError(_("not a regular expression: {error}", error=str(exc)),
                       hint=_("check the brackets and backslashes, or search the surface text")) from None


def _regex_hits(session: Session, condition, query: str):
    pattern = compile_pattern(query)
    deadline = time.monotonic() + REGEX_SECONDS
    rows = session.execute(lines_query(condition)).all()
    for row in rows:
        info = info_of(row)
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            found = [(m.start(), m.end()) for m in pattern.finditer(info.text, timeout=remaining) if m.end() > m.start()]
        except TimeoutError:
            raise FgiError(_("the regular expression took longer than {seconds} s and was stopped",
                             seconds=int(REGEX_SECONDS)),
                           hint=_("simplify it (nested repeats such as (a+)+ can take forever), "
                                  "narrow the search with filters, or search by lemma")) from None
        if found:
            yield info, found


# ---- lemmas ----------------------------------------------------------------------------


def _lemma_hits(session: Session, condition, query: str, result: SearchResult, limit: int):
    from fgi.morphology import content_lemmas, get_analyzer, split_tagged

    analyzer = get_analyzer("kiwi")
    wanted = content_lemmas(analyzer.analyze(query))
    if not wanted:
        raise FgiError(_("{query} has no word to search by lemma (only particles or endings)", query=query),
                       hint=_("search the surface text instead (--surface)"))
    result.lemmas = tuple(wanted)
    padded = literal(" ") + Segment.lemmas + literal(" ")
    narrowed = condition
    for lemma in dict.fromkeys(wanted):
        narrowed = narrowed & padded.like(f"% {_like_escape(lemma)}/%", escape="\\")
    candidates = [(info_of(r), split_tagged(r[EXTRA]))
                  for r in session.execute(lines_query(narrowed, Segment.lemmas)).all()]
    lines = [(info, lemmas) for info, lemmas in candidates if _count(lemmas, wanted)]
    # Lines stored without lemmas cannot be narrowed in the database: analyse them here.
    bare = [info_of(r) for r in session.execute(lines_query(condition & (Segment.lemmas == ""))).all()
            if r[5].strip()]
    if bare:
        for info, morphemes in zip(bare, analyzer.analyze_many([b.text for b in bare])):
            lemmas = content_lemmas(morphemes)
            if _count(lemmas, wanted):
                lines.append((info, lemmas))
    # Locate the hits (offsets) only in the lines that will be shown; count the rest by lemmas.
    shown, rest = lines[:limit], lines[limit:]
    analysed = analyzer.analyze_many([info.text for info, _ in shown]) if shown else []
    for (info, lemmas), morphemes in zip(shown, analysed):
        # Kiwi analyses a line the same way at import and now; should a line still differ
        # (another backend stored its lemmas), the whole line is the hit.
        yield info, _lemma_spans(info.text, morphemes, wanted) or [(0, len(info.text))]
    for info, lemmas in rest:
        yield info, [(0, 0)] * _count(lemmas, wanted)


def _count(lemmas: list[str], wanted: list[str]) -> int:
    n = len(wanted)
    return sum(1 for i in range(len(lemmas) - n + 1) if lemmas[i:i + n] == wanted)


def _lemma_spans(text: str, morphemes, wanted: list[str]) -> list[tuple[int, int]]:
    """Offsets of each run of content morphemes whose lemmas are ``wanted``, widened to
    whole words (까다로워서, not 까다로)."""
    from fgi.morphology import CONTENT_TAGS

    content = [m for m in morphemes if m.base_tag in CONTENT_TAGS]
    n = len(wanted)
    spans = []
    for i in range(len(content) - n + 1):
        if [m.lemma for m in content[i:i + n]] == wanted:
            start, end = content[i].start, content[i + n - 1].end
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            spans.append((start, end))
    return spans
