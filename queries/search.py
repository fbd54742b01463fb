"""Text search: a word or phrase by Kiwi lemma, by surface text, or by regular expression;
results as keyword-in-context (KWIC) lines.

- ``lemma``: the query is analysed by Kiwi and its content lemmas must follow one another
  in a line's stored lemmas (``Segment.lemmas``, written at import), so 까다롭다 finds
  까다로워서 and 까다로운. The database narrows the lines first (one ``LIKE`` per lemma on
  the stored lemmas); a hit's words are then found in the line by their surface stems.
  Lines stored without lemmas (an import that recorded none) are analysed on the fly.
- ``surface``: the text as typed, ignoring case, narrowed by ``LIKE`` in the database.
- ``regex``: a regular expression (the ``regex`` module) over the lines in scope, under the
  module's timeout (a budget of the scan's own work: on a busy machine the wall time is
  longer), so a catastrophic pattern such as ``(a+)+$`` stops with a clear error instead
  of hanging the app or the command.

Filters are ``queries.filters``; a coder filter keeps the lines those coders coded, as far
as the viewer may see them (blind coding).
"""

from __future__ import annotations

import bisect
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
from fgi.models import Segment, Transcript
from queries.filters import Filters, resolve, visible_codings
from queries.lines import EXTRA, LineInfo, fetch, info_of, lines_query, read_lines

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


def _narrowable(text: str) -> bool:
    """Whether ``LIKE`` on ``lower()`` finds every case-insensitive match of ``text``:
    SQLite lowers only ASCII letters, so text with other cased letters (É, Ω) is matched in
    Python alone."""
    return not any(ch.isalpha() and ord(ch) > 127 and ch.lower() != ch.upper() for ch in text)


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
    if _narrowable(query):
        condition = condition & func.lower(Segment.text).like("%" + _like_escape(query.lower()) + "%", escape="\\")
    rows = fetch(session, lines_query(condition))
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    for row in rows:
        info = info_of(row)
        found = [(m.start(), m.end()) for m in pattern.finditer(info.text)]
        if found:
            yield info, found


# ---- regular expressions ---------------------------------------------------------------


def compile_pattern(query: str):
    try:
        return regex.compile(query, regex.IGNORECASE | regex.MULTILINE)
    except regex.error as exc:
        raise FgiError(_("not a regular expression: {error}", error=str(exc)),
                       hint=_("check the brackets and backslashes, or search the surface text")) from None


def _regex_hits(session: Session, condition, query: str):
    """One scan of the pattern over every line in scope joined by newlines (``^`` and ``$``
    match at line ends), under one time budget. A match that runs across a line end is
    not a line's hit: the lines it touches are scanned again one by one, so each line's
    hits are exactly those of the pattern run on that line alone."""
    pattern = compile_pattern(query)
    deadline = time.monotonic() + REGEX_SECONDS
    required = required_literal(query)
    if required and _narrowable(required):  # every hit contains it: let the database narrow the lines first
        condition = condition & func.lower(Segment.text).like(f"%{_like_escape(required.lower())}%", escape="\\")
    rows = fetch(session, select(Segment.id, Segment.text).join(Transcript, Transcript.id == Segment.transcript_id)
                 .where(condition))
    texts = [text for _, text in rows]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    joined = "\n".join(texts)
    found: dict[int, list[tuple[int, int]]] = {}
    rescan: set[int] = set()
    for match in _timed(lambda budget: pattern.finditer(joined, timeout=budget), deadline):
        if match.end() == match.start():
            continue
        first = bisect.bisect_right(starts, match.start()) - 1
        last = bisect.bisect_right(starts, match.end() - 1) - 1
        if first == last:
            found.setdefault(first, []).append((match.start() - starts[first], match.end() - starts[first]))
        else:
            rescan.update(range(first, last + 1))
    for i in sorted(rescan):
        found[i] = [(m.start(), m.end()) for m in _timed(lambda budget: pattern.finditer(texts[i], timeout=budget),
                                                         deadline) if m.end() > m.start()]
    hits = {rows[i][0]: spans for i, spans in found.items() if spans}
    for info in read_lines(session, hits):
        yield info, hits[info.segment_id]


def required_literal(query: str) -> str | None:
    """The longest run of literal characters every match of ``query`` must contain (at the
    top level of a pattern without alternatives), or None. Read with Python's own parser,
    which knows most of the ``regex`` module's syntax; anything it does not read gets None."""
    try:
        from re import _parser as parser  # noqa: PLC0415 - Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as parser
    from re import _constants as c

    try:
        parsed = parser.parse(query, 0)
    except Exception:  # noqa: BLE001 - any pattern Python cannot read: no narrowing
        return None
    best, run = "", ""
    for op, value in parsed:
        if op is c.LITERAL:
            run += chr(value)
            continue
        best, run = max(best, run, key=len), ""
        if op is c.BRANCH:
            return None
    best = max(best, run, key=len)
    return best if best and best.strip() and "\n" not in best else None


def _timed(scan, deadline: float) -> list:
    remaining = deadline - time.monotonic()
    try:
        if remaining <= 0:
            raise TimeoutError
        return list(scan(remaining))
    except TimeoutError:
        raise FgiError(_("the regular expression took longer than {seconds} s and was stopped",
                         seconds=int(REGEX_SECONDS)),
                       hint=_("simplify it (nested repeats such as (a+)+ can take forever), "
                              "narrow the search with filters, or search by lemma")) from None


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
    candidates = [(info_of(r), split_tagged(r[EXTRA])) for r in fetch(session, lines_query(narrowed, Segment.lemmas))]
    lines = [(info, lemmas) for info, lemmas in candidates if _count(lemmas, wanted)]
    # Lines stored without lemmas cannot be narrowed in the database: analyse them here.
    bare = [info_of(r) for r in fetch(session, lines_query(condition & (Segment.lemmas == ""))) if r[5].strip()]
    if bare:
        for info, morphemes in zip(bare, analyzer.analyze_many([b.text for b in bare])):
            lemmas = content_lemmas(morphemes)
            if _count(lemmas, wanted):
                lines.append((info, lemmas))
    for info, lemmas in lines:
        n = _count(lemmas, wanted)
        yield info, _locate(info.text, wanted, n)


def _count(lemmas: list[str], wanted: list[str]) -> int:
    n = len(wanted)
    return sum(1 for i in range(len(lemmas) - n + 1) if lemmas[i:i + n] == wanted)


def _stems(lemma: str) -> list[str]:
    """Surface forms to look for, longest first: a predicate's stem and its shorter
    prefixes (까다롭다 -> 까다롭, 까다로, 까다: 까다로워서 keeps only 까다로), a noun itself."""
    stem = lemma[:-1] if len(lemma) > 1 and lemma.endswith("다") else lemma
    return [stem[:k] for k in range(len(stem), 0, -1)] + ([lemma] if stem != lemma else [])


def _locate(text: str, wanted: list[str], n: int) -> list[tuple[int, int]]:
    """Offsets of ``n`` hits of the lemma sequence ``wanted`` in ``text`` (the stored lemmas
    said the line has them), found from the words' surface stems and widened to whole words
    (까다로워서, not 까다로), without analysing the line again. Where a stem cannot be found
    (a form far from its lemma), the whole line is the hit."""
    spans: list[tuple[int, int]] = []
    position = 0
    while len(spans) < n:
        start = end = None
        cursor = position
        for lemma in wanted:
            found = next(((i, len(stem)) for stem in _stems(lemma) if (i := text.find(stem, cursor)) >= 0), None)
            if found is None:
                break
            if start is None:
                start = found[0]
            end = found[0] + found[1]
            cursor = end
        else:
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            spans.append((start, end))
            position = end
            continue
        break
    return spans or [(0, len(text))]
