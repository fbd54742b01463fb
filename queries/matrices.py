"""Frequencies and co-occurrence of codes: code x group, participant, transcript or code.

What is counted is what the viewer may see of the coding (``coding.applications``'s blind
rule, through its SQL helper ``_visible_scope``): a coder counts their own codings, and
everyone's in revealed transcripts; a lead counts every coder's. A line counts once for a
code however many coders gave it that code (a coder filter narrows it to those coders).

Measures (``measure``):

- ``lines``: the number of distinct lines coded with the row's code;
- ``participants``: the number of distinct participants who said such a line (a focus
  group's "extensiveness": how many people said it). Lines without a known speaker count
  for ``lines`` but not for ``participants``.

Columns (``columns``): ``transcript``; ``group`` (a line's group is its speaker's group,
else its transcript's); ``participant`` (lines without a known speaker are left out); or
``code`` for co-occurrence.

Co-occurrence, read by row: cell (a, b) is the number of lines coded a that have code b on
the same line or, with a window ``W`` > 0, on a line of the same speaker turn at most W lines
away (a speaker turn: consecutive lines of one transcript by the same speaker; another
speaker's line ends it). With W = 0 the matrix is symmetric (lines coded with both); with
W > 0 it need not be. The diagonal is the number of lines coded a. With ``participants``, a
cell counts the distinct speakers of those lines (a turn has one speaker, so it is symmetric).

Percentages: a cell divided by its row's total or its column's total, where totals are
distinct counts too: a row's total is the lines (or participants) with the row's code in any
column shown; a column's total is the lines (or participants) of that column with any code
of the matrix. So "row %" reads "of the lines coded a, this share is in group G" and
"column %" reads "of group G's coded lines, this share carries a". For code x code both
totals are the diagonal: row % = "of the lines coded a, this share has b nearby".

With ``rollup`` a code's row also counts the lines of its descendants (a line coded with a
code and its child counts once).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import product
from dataclasses import dataclass

from sqlalchemy import String, cast, func, null, select, union_all
from sqlalchemy.orm import Session

from coding.applications import _visible_scope  # the blind rule as SQL, beside codings_for
from coding.codebook import list_codes
from coding.models import CodeApplication, User
from fgi.errors import FgiError
from fgi.i18n import N_, _
from fgi.models import Participant, Project, Segment, Transcript
from queries.filters import Filters, Resolved, resolve

TRANSCRIPT, GROUP, PARTICIPANT, CODE = "transcript", "group", "participant", "code"
COLUMN_KINDS = (GROUP, PARTICIPANT, TRANSCRIPT, CODE)
LINES, PARTICIPANTS = "lines", "participants"
MEASURES = (LINES, PARTICIPANTS)
MAX_WINDOW = 50
NO_GROUP = N_("(no group)")
CHUNK = 500  # segment ids per IN (...) when reading a cell's lines


@dataclass(frozen=True)
class Header:
    key: str  # code id, transcript id, participant id or group name, as a string ("" : no group)
    label: str


@dataclass(frozen=True)
class Matrix:
    rows: tuple[Header, ...]  # codes
    columns: tuple[Header, ...]
    column_kind: str
    measure: str
    window: int
    rollup: bool
    cells: tuple[tuple[int, ...], ...]  # cells[row][column]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    total: int  # distinct lines (participants) with any code of the matrix in any column

    def row_percent(self, row: int, col: int) -> float:
        """The cell as a percentage of its row's total (NaN when the total is 0)."""
        return _percent(self.cells[row][col], self.row_totals[row])

    def column_percent(self, row: int, col: int) -> float:
        """The cell as a percentage of its column's total (NaN when the total is 0)."""
        return _percent(self.cells[row][col], self.column_totals[col])


@dataclass(frozen=True)
class CellLine:
    """A line behind a cell: where it is, who said it, the cell's codes it carries."""

    segment_id: str
    transcript_id: str
    transcript: str
    line: int
    speaker: str | None  # pseudonym, else the stored speaker label
    group: str | None
    text: str
    codes: tuple[str, ...]  # paths of the cell's codes the viewer sees on the line


def _percent(part: int, whole: int) -> float:
    return math.nan if not whole else 100.0 * part / whole


def _scope(session: Session, project: Project, filters: Filters | None) -> Resolved:
    return resolve(session, project, filters)


def _check(column_kind: str, measure: str, window: int) -> None:
    if column_kind not in COLUMN_KINDS:
        raise FgiError(_("unknown matrix columns {kind!r}", kind=column_kind),
                       hint=_("columns are one of: {kinds}", kinds=", ".join(COLUMN_KINDS)))
    if measure not in MEASURES:
        raise FgiError(_("unknown measure {measure!r}", measure=measure),
                       hint=_("measures are: {measures}", measures=", ".join(MEASURES)))
    if not 0 <= window <= MAX_WINDOW:
        raise FgiError(_("the window must be between 0 and {most} lines, not {window}", most=MAX_WINDOW,
                         window=window),
                       hint=_("0 counts codes on the same line; 1 also the next line of the same speaker turn"))


@dataclass(frozen=True)
class _Study:
    """The project's transcripts and participants, for column labels and groups."""

    transcripts: dict[str, tuple[str, str | None]]  # id -> (name, group), in import order
    participants: dict[int, tuple[str, str | None]]  # id -> (pseudonym, group)

    def group(self, transcript_id: str, participant_id: int | None) -> str | None:
        if participant_id is not None and participant_id in self.participants:
            return self.participants[participant_id][1]
        return self.transcripts[transcript_id][1]

    def speaker(self, participant_id: int | None, label: str | None) -> str | None:
        return self.participants[participant_id][0] if participant_id in self.participants else label


def _study(session: Session, project: Project) -> _Study:
    transcripts = {tid: (name, group) for tid, name, group in session.execute(
        select(Transcript.id, Transcript.name, Transcript.group).where(Transcript.project_id == project.id)
        .order_by(Transcript.imported_at, Transcript.id))}
    participants = {}
    for pid, tid, pseudonym, attributes in session.execute(
            select(Participant.id, Participant.transcript_id, Participant.pseudonym, Participant.attributes)
            .where(Participant.project_id == project.id).order_by(Participant.pseudonym)):
        participants[pid] = (pseudonym, (attributes or {}).get("group") or transcripts.get(tid, ("", None))[1])
    return _Study(transcripts, participants)


def _row_codes(session: Session, project: Project, codes: Sequence[int] | None,
               rollup: bool) -> tuple[list[Header], list[tuple[int, int]]]:
    """The rows (codes in tree order, or those asked for) and the (code id, row code id)
    pairs that map a coding to the rows it counts for."""
    tree = list_codes(session, project)
    wanted = None if codes is None else set(codes)
    unknown = sorted((wanted or set()) - {c.id for c in tree})
    if unknown:
        raise FgiError(_("no code with id {ids} in project {project}", ids=", ".join(map(str, unknown)),
                         project=project.name), hint=_("the codes are listed by: fgi codebook show"))
    rows = [c for c in tree if wanted is None or c.id in wanted]
    parent = {c.id: c.parent_id for c in tree}
    row_ids = {c.id for c in rows}
    pairs = []
    for code in tree:
        ancestor: int | None = code.id
        while ancestor is not None:
            if ancestor in row_ids:
                pairs.append((code.id, ancestor))
            if not rollup:
                break
            ancestor = parent.get(ancestor)
    return [Header(str(c.id), c.path) for c in rows], pairs


@dataclass(slots=True)
class _Coded:
    segment_id: str
    participant_id: int | None
    rows: set[int]
    turn: int = 0


def _rows_of(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Code id -> the rows a coding of it counts for (itself; with roll-up its ancestors too)."""
    rows_of: dict[int, list[int]] = {}
    for code, row in pairs:
        rows_of.setdefault(code, []).append(row)
    return rows_of


def _visible(session: Session, viewer: User, project: Project, scope, codes: Sequence[int],
             every: set[int] | None, *columns):
    """``columns`` of the codings of ``codes`` the viewer may see in scope (``every``: the
    project's code ids, so that a read of all of them needs no code filter)."""
    query = _visible_scope(session, viewer, project, *columns)
    if every is None or len(codes) < len(every):  # only some codes (an IN list slows the read)
        query = query.where(CodeApplication.code_id.in_(sorted(codes)))
    return query.where(scope.line_condition(), scope.coder_condition())


def _per_line(session: Session, viewer: User, project: Project, scope, codes: Sequence[int],
              every: set[int] | None, *columns):
    """One row per coded line the viewer may see in scope: ``columns`` (of Segment) and its
    codes joined in SQL (``group_concat`` / ``string_agg``, order and repeats unspecified)."""
    joined = func.aggregate_strings(cast(CodeApplication.code_id, String), ",").label("codes")
    return _visible(session, viewer, project, scope, codes, every, Segment.id, *columns, joined) \
        .group_by(Segment.id, *columns)


def _to_rows(rows_of: dict[int, list[int]]):
    """Joined codes ("3,5,3") -> the frozenset of rows they count for, each string parsed once."""
    seen: dict[str, frozenset[int]] = {}

    def rows(joined: str) -> frozenset[int]:
        if joined not in seen:
            seen[joined] = frozenset(r for c in set(map(int, joined.split(","))) for r in rows_of[c])
        return seen[joined]
    return rows


def _code_sets(session: Session, viewer: User, project: Project, scope, pairs: list[tuple[int, int]],
               every: set[int] | None, *keys):
    """(rows, *keys, lines): how many coded lines count for each set of rows, per ``keys``
    (Segment columns). Lines are grouped by their codes in SQL, so Python gets a row per set
    of codes, not per line (for a lead reading ten coders' codings at 100,000 lines, 27,493 sets
    on 89,374 lines: see docs/benchmarks.md)."""
    rows_of = _rows_of(pairs)
    per_line = _per_line(session, viewer, project, scope, list(rows_of), every, *keys).subquery()
    here = [per_line.c[k.key] for k in keys]
    query = select(per_line.c.codes, *here, func.count()).group_by(per_line.c.codes, *here)
    rows = _to_rows(rows_of)
    return [(rows(joined), *rest) for joined, *rest in session.connection().execute(query).all()]


def _coded_lines(session: Session, viewer: User, project: Project, scope, pairs: list[tuple[int, int]],
                 every: set[int] | None = None) -> dict[tuple[str, int], _Coded]:
    """The coded lines the viewer may see in scope, by (transcript, line), each with the
    rows it counts for (for co-occurrence within a window, and a cell's lines)."""
    rows_of = _rows_of(pairs)
    query = _per_line(session, viewer, project, scope, list(rows_of), every, Segment.transcript_id, Segment.line,
                      Segment.participant_id)
    rows = _to_rows(rows_of)
    return {(tid, line): _Coded(sid, pid, set(rows(joined)))
            for sid, tid, line, pid, joined in session.connection().execute(query).all()}


def _counts(session: Session, viewer: User, project: Project, scope, pairs: list[tuple[int, int]],
            every: set[int] | None):
    """Without roll-up (every code its own row): distinct lines the viewer may see in scope
    per (code, transcript, participant), then per (transcript, participant) with any of the
    codes (code None), in one statement: counting distinct lines takes out the coders'
    repeats, so nothing is materialised first (a DISTINCT read of every coding before
    grouping took 3x as long; the per-line read of ``_coded_lines`` 2x)."""
    codes = sorted({c for c, _ in pairs})
    lines = func.count(CodeApplication.segment_id.distinct())
    place = (Segment.transcript_id, Segment.participant_id)
    cells = _visible(session, viewer, project, scope, codes, every, CodeApplication.code_id, *place, lines) \
        .group_by(CodeApplication.code_id, *place)
    totals = _visible(session, viewer, project, scope, codes, every, null().label("row_id"), *place, lines) \
        .group_by(*place)
    return session.execute(union_all(cells, totals)).all()


def _columns(study: _Study, session: Session, project: Project, scope, kind: str) -> list[Header]:
    """Every column with lines in scope (so empty columns show as zeros)."""
    present = session.execute(
        select(Segment.transcript_id, Segment.participant_id).join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.project_id == project.id, scope.line_condition()).distinct()).all()
    if kind == TRANSCRIPT:
        have = {t for t, _ in present}
        names = [name for name, _ in study.transcripts.values()]
        return [Header(t, name if names.count(name) == 1 else f"{name} ({t})")
                for t, (name, _) in study.transcripts.items() if t in have]
    if kind == PARTICIPANT:
        have = {p for _, p in present if p is not None}
        return [Header(str(p), pseudonym) for p, (pseudonym, _) in study.participants.items() if p in have]
    groups = {study.group(t, p) for t, p in present}
    return [Header(g or "", g or _(NO_GROUP)) for g in sorted(groups, key=lambda g: (g is None, g or ""))]


def _column_key(study: _Study, kind: str, transcript_id: str, participant_id: int | None) -> str | None:
    if kind == TRANSCRIPT:
        return transcript_id
    if kind == PARTICIPANT:
        return None if participant_id is None else str(participant_id)
    return study.group(transcript_id, participant_id) or ""


def code_matrix(session: Session, project: Project, *, viewer: User, columns: str, measure: str = LINES,
                window: int = 0, rollup: bool = False, codes: Sequence[int] | None = None,
                filters: Filters | None = None) -> Matrix:
    """Codes (rows) x ``columns`` (group, participant, transcript or code): see the module.
    ``filters`` (queries.filters) narrow the lines (transcripts, groups, participants,
    roles) and the coders counted."""
    _check(columns, measure, window)
    if columns != CODE and window:
        raise FgiError(_("a window applies to code x code co-occurrence only"),
                       hint=_("use --cols code with --window, or leave the window out"))
    scope = _scope(session, project, filters)
    rows, pairs = _row_codes(session, project, codes, rollup)
    every = {int(h.key) for h in rows} if codes is None else None
    if columns == CODE:
        return _cooccurrence(session, project, viewer, scope, rows, pairs, measure, window, rollup, every)
    study = _study(session, project)
    heads = _columns(study, session, project, scope, columns)
    index = {h.key: i for i, h in enumerate(heads)}
    row_index = {int(h.key): i for i, h in enumerate(rows)}
    lines = [[0] * len(heads) for _ in rows]
    people: list[list[set[int]]] = [[set() for _ in heads] for _ in rows]
    column_lines = [0] * len(heads)
    column_people: list[set[int]] = [set() for _ in heads]
    if pairs and not rollup:
        for row_id, tid, pid, n in _counts(session, viewer, project, scope, pairs, every):
            col = index.get(_column_key(study, columns, tid, pid))
            if col is None:
                continue
            if row_id is None:  # the column's lines with any code of the matrix
                column_lines[col] += n
                continue
            lines[row_index[row_id]][col] += n  # (transcript, participant) parts of a column are disjoint
            if pid is not None:
                people[row_index[row_id]][col].add(pid)
                column_people[col].add(pid)
    elif pairs:  # roll-up: a line counts once for a row however many of its descendants it has
        for rows_here, tid, pid, n in _code_sets(session, viewer, project, scope, pairs, every,
                                                 Segment.transcript_id, Segment.participant_id):
            col = index.get(_column_key(study, columns, tid, pid))
            if col is None:
                continue
            column_lines[col] += n
            for row_id in rows_here:
                lines[row_index[row_id]][col] += n
            if pid is not None:
                column_people[col].add(pid)
                for row_id in rows_here:
                    people[row_index[row_id]][col].add(pid)
    if measure == LINES:
        cells = [tuple(r) for r in lines]
        row_totals = [sum(r) for r in lines]
        column_totals = column_lines
    else:
        cells = [tuple(len(s) for s in r) for r in people]
        row_totals = [len(set().union(*r)) for r in people]
        column_totals = [len(s) for s in column_people]
    total = sum(column_totals) if measure == LINES else len(set().union(*column_people))
    return Matrix(tuple(rows), tuple(heads), columns, measure, window, rollup, tuple(cells), tuple(row_totals),
                  tuple(column_totals), total)


def _nearby(session: Session, lines: dict[tuple[str, int], _Coded], window: int):
    """For each coded line (``_coded_lines``): (the line, the coded lines of its speaker turn
    at most ``window`` lines away, itself included). A turn: consecutive lines of one
    transcript by one speaker (participant, else the stored label), numbered by reading every
    line of the transcripts that have coded lines (in Python: a window function joined back
    to the codings made SQLite scan the lines once per coding). With no window, no line is read."""
    if not window:
        for here in lines.values():
            yield here, [here]
        return
    transcripts = sorted({tid for tid, _ in lines})
    for start in range(0, len(transcripts), CHUNK):
        last, turn = None, 0
        for tid, line, pid, label in session.connection().execute(
                select(Segment.transcript_id, Segment.line, Segment.participant_id, Segment.speaker)
                .where(Segment.transcript_id.in_(transcripts[start:start + CHUNK]))
                .order_by(Segment.transcript_id, Segment.line)).all():
            speaker = (tid, pid, label if pid is None else None)
            if speaker != last:
                last, turn = speaker, turn + 1
            if (tid, line) in lines:
                lines[(tid, line)].turn = turn
    for (tid, line), here in lines.items():
        near = [here]
        for other in range(line - window, line + window + 1):
            there = lines.get((tid, other)) if other != line else None
            if there is not None and there.turn == here.turn:
                near.append(there)
        yield here, near


def _cooccurrence(session: Session, project: Project, viewer: User, scope, rows: list[Header],
                  pairs: list[tuple[int, int]], measure: str, window: int, rollup: bool,
                  every: set[int] | None) -> Matrix:
    n = len(rows)
    index = {int(h.key): i for i, h in enumerate(rows)}
    cells = [[0] * n for _ in rows]
    counted_all: set = set()
    total = 0
    if pairs:
        # A line counts once per (row, column) pair, so lines are counted; participants are
        # collected as (row, column, participant) triples and counted after.
        pair_lines: Counter = Counter()
        triples: set[tuple[int, int, int]] = set()
        if not window and measure == LINES:  # lines grouped by their codes: no row per line in Python
            for rows_here, count in _code_sets(session, viewer, project, scope, pairs, every):
                pair_lines.update(dict.fromkeys(product(rows_here, rows_here), count))
                total += count
        elif not window:
            for rows_here, pid, _count in _code_sets(session, viewer, project, scope, pairs, every,
                                                 Segment.participant_id):
                if pid is not None:
                    triples.update(product(rows_here, rows_here, (pid,)))
                    counted_all.add(pid)
        else:
            for here, near in _nearby(session, _coded_lines(session, viewer, project, scope, pairs, every), window):
                others = set().union(*(there.rows for there in near))
                if measure == LINES:
                    pair_lines.update(product(here.rows, others))
                    counted_all.add(here.segment_id)
                elif here.participant_id is not None:
                    triples.update(product(here.rows, others, (here.participant_id,)))
                    counted_all.add(here.participant_id)
        if measure != LINES:
            pair_lines.update((ra, rb) for ra, rb, _ in triples)
        for (ra, rb), k in pair_lines.items():
            cells[index[ra]][index[rb]] = k
        total = total or len(counted_all)
    diagonal = tuple(cells[i][i] for i in range(n))
    return Matrix(tuple(rows), tuple(rows), CODE, measure, window, rollup, tuple(tuple(r) for r in cells),
                  diagonal, diagonal, total)


def cell_lines(session: Session, project: Project, *, viewer: User, matrix: Matrix, row: int, col: int,
               filters: Filters | None = None) -> list[CellLine]:
    """The lines behind one cell of ``matrix`` (row and column by position), in transcript
    and line order. For code x code: the lines coded with the row's code that count in the
    cell and, with a window, the lines coded with the column's code near them."""
    scope = _scope(session, project, filters)
    row_code = int(matrix.rows[row].key)
    study = _study(session, project)
    if matrix.column_kind == CODE:
        col_code = int(matrix.columns[col].key)
        _, pairs = _row_codes(session, project, [row_code, col_code], matrix.rollup)
        ids = set()
        for here, near in _nearby(session, _coded_lines(session, viewer, project, scope, pairs), matrix.window):
            partners = [there.segment_id for there in near if col_code in there.rows]
            if row_code in here.rows and partners:
                ids |= {here.segment_id, *partners}
        wanted = {row_code, col_code}
    else:
        _, pairs = _row_codes(session, project, [row_code], matrix.rollup)
        key = matrix.columns[col].key
        ids = {here.segment_id for (tid, _line), here in _coded_lines(session, viewer, project, scope, pairs).items()
               if _column_key(study, matrix.column_kind, tid, here.participant_id) == key}
        wanted = {row_code}
    return _describe(session, viewer, project, study, scope, sorted(ids), wanted, matrix.rollup)


def _describe(session: Session, viewer: User, project: Project, study: _Study, scope, ids: list[str],
              wanted: set[int], rollup: bool) -> list[CellLine]:
    """The lines ``ids`` with their speaker, group and the visible codes among ``wanted``."""
    tree = {c.id: c for c in list_codes(session, project)}

    def counts_for(code_id: int) -> bool:
        while code_id is not None:
            if code_id in wanted:
                return True
            code_id = tree[code_id].parent_id if rollup else None
        return False

    found: list[CellLine] = []
    order = list(study.transcripts)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        codes: dict[str, set[str]] = {}
        for sid, code_id in session.execute(
                _visible_scope(session, viewer, project, CodeApplication.segment_id, CodeApplication.code_id)
                .where(CodeApplication.segment_id.in_(chunk), scope.coder_condition()).distinct()):
            if counts_for(code_id):
                codes.setdefault(sid, set()).add(tree[code_id].path)
        for sid, tid, line, pid, label, text in session.execute(
                select(Segment.id, Segment.transcript_id, Segment.line, Segment.participant_id, Segment.speaker,
                       Segment.text).where(Segment.id.in_(chunk))):
            found.append(CellLine(sid, tid, study.transcripts[tid][0], line, study.speaker(pid, label),
                                  study.group(tid, pid), text, tuple(sorted(codes.get(sid, ())))))
    found.sort(key=lambda c: (order.index(c.transcript_id), c.line))
    return found


def _label(kind: str) -> str:
    return {GROUP: _("group"), PARTICIPANT: _("participant"), TRANSCRIPT: _("transcript"), CODE: _("code")}[kind]


def matrix_table(matrix: Matrix, *, percent: str | None = None) -> tuple[list[str], list[list[object]]]:
    """The matrix as a header and rows for a CSV or sheet: counts, or ``percent`` "row" /
    "column" percentages (one decimal; empty where the total is 0), with totals."""
    columns = [_("code"), *[h.label for h in matrix.columns], _("total")]
    rows: list[list[object]] = []
    for i, head in enumerate(matrix.rows):
        if percent is None:
            values: list[object] = list(matrix.cells[i])
        else:
            pick = matrix.row_percent if percent == "row" else matrix.column_percent
            values = [None if math.isnan(v) else round(v, 1) for v in (pick(i, j) for j in range(len(matrix.columns)))]
        rows.append([head.label, *values, matrix.row_totals[i]])
    if matrix.column_kind != CODE:
        rows.append([_("total"), *matrix.column_totals, matrix.total])
    return columns, rows


def write_matrix(matrix: Matrix, path) -> None:
    """The matrix as .csv (counts) or .xlsx (sheets: counts, row %, column %), through the
    formula-safe writers of ``coding.tables``."""
    from pathlib import Path

    from coding.tables import write_sheets, write_table

    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_sheets(path, {_("counts"): matrix_table(matrix), _("row %"): matrix_table(matrix, percent="row"),
                            _("column %"): matrix_table(matrix, percent="column")})
    else:
        write_table(path, *matrix_table(matrix))


def describe(matrix: Matrix) -> str:
    """One line saying what the numbers are, for captions and the CLI."""
    what = _("number of lines") if matrix.measure == LINES else _("number of participants")
    if matrix.column_kind != CODE:
        return _("{measure} per code and {columns}", measure=what, columns=_label(matrix.column_kind))
    if not matrix.window:
        return _("{measure} with both codes on the same line", measure=what)
    return _("{measure} of the row's code with the column's code within {window} lines of the same speaker turn",
             measure=what, window=matrix.window)
