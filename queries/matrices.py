"""Frequencies and co-occurrence of codes: code x group, participant, transcript or code.

What is counted is what the viewer may see of the coding (``coding.applications``'s blind
rule, through its SQL condition ``visible_condition``): a coder counts their own codings, and
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

import gc
import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import String, cast, func, null, select
from sqlalchemy.orm import Session

from coding.applications import visible_condition  # the blind rule as SQL, beside codings_for
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
               rollup: bool) -> tuple[list[Header], list[tuple[int, int]], list]:
    """The rows (codes in tree order, or those asked for), the (code id, row code id) pairs
    that map a coding to the rows it counts for, and the project's codebook (``list_codes``)."""
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
    return [Header(str(c.id), c.path) for c in rows], pairs, tree


@dataclass(frozen=True)
class _Lines:
    """The coded lines the viewer may see in scope (``_read``), one entry per line, with
    the matrix rows each counts for as a sparse 0/1 matrix: the counting is then a few sparse
    products instead of a Python loop over lines."""

    transcripts: list[str]  # transcript ids; ``transcript`` indexes this list
    transcript: np.ndarray
    line: np.ndarray
    participant: np.ndarray  # participant id, -1 where the speaker is not known
    rows: sparse.csr_matrix  # line x matrix row: 1 where the line counts for the row
    turn: np.ndarray | None  # speaker-turn number, unique across transcripts (``turns=True``)
    segment_ids: list[str] | None  # (``ids=True``)
    codes: list[str]  # the code ids the viewer sees on each line, joined ("3,5,3"; those read)

    def __len__(self) -> int:
        return len(self.line)


def _rows_matrix(joined: list[str], pairs: list[tuple[int, int]], rows: list[Header]) -> sparse.csr_matrix:
    """Each line's codes, joined in SQL ("3,5,3"), as a line x row 0/1 matrix. Each distinct
    set of codes is parsed once (a lead's 89,374 lines at 100,000 have 31,512), all of them in
    one split, and mapped to rows by a product with the code x row matrix of ``pairs``."""
    sets: dict[str, int] = {}
    which = np.fromiter((sets.setdefault(j, len(sets)) for j in joined), np.int64, len(joined))
    texts = list(sets)
    flat = np.array(",".join(texts).split(","), np.int64) if texts else np.zeros(0, np.int64)
    sizes = np.fromiter((t.count(",") + 1 for t in texts), np.int64, len(texts))
    width = 1 + max(int(flat.max(initial=0)), max((c for c, _ in pairs), default=0))
    by_code = _indicator(np.repeat(np.arange(len(texts)), sizes), flat, len(texts), width)
    index = {int(h.key): i for i, h in enumerate(rows)}
    code_rows = _indicator(np.array([c for c, _ in pairs], np.int64), np.array([index[r] for _, r in pairs], np.int64),
                           width, len(rows))
    return _binary(by_code @ code_rows)[which]


def _read(session: Session, viewer: User, project: Project, scope, rows: list[Header],
          pairs: list[tuple[int, int]], every: int, *, turns: bool = False, ids: bool = False) -> _Lines:
    """The coded lines the viewer may see in scope that carry a code of ``pairs`` (any
    coder's the viewer may see; the coder filter applies), with their codes joined in SQL.
    ``every``: how many codes the project has.

    Two ways in, whichever reads less (measured at 100,000 lines, docs/benchmarks.md):

    - without turns, for a few codes (at most a quarter of the project's), or any codes on
      PostgreSQL: the codings, grouped by line (a few codes through the ``code_id`` index);
    - else every line of the project, read in the covering index ``ix_segments_place``, with
      its codes (none where the line is out of scope). On SQLite from a correlated subquery in
      the ``code_applications`` unique index: grouping the codings by line made it read each
      coding's whole line row (text and lemmas), twice as slow, and an IN list of codes in the
      subquery made it probe by code, four times slower, so codes outside ``pairs`` are
      dropped afterwards. On PostgreSQL, where a subquery per line took twice as long again,
      the lines are joined to the codings grouped by line.

    With ``turns`` the speaker turns are numbered: a turn is consecutive lines of one
    transcript by one speaker (participant, else the stored label); a line out of scope
    still ends one."""
    codes = sorted({c for c, _ in pairs})
    some = 4 * len(codes) <= every
    postgresql = session.get_bind().dialect.name == "postgresql"
    joined = func.aggregate_strings(cast(CodeApplication.code_id, String), ",")
    conditions = [scope.line_condition(), visible_condition(session, viewer, project), scope.coder_condition()]
    if len(codes) < every and (postgresql or (some and not turns)):
        conditions.append(CodeApplication.code_id.in_(codes))
    place = [Segment.transcript_id, Segment.line, Segment.participant_id]

    def grouped(columns, keys):
        """The visible codings in scope grouped by ``keys``: ``columns`` and the joined codes."""
        return (select(*columns, joined.label("codes")).select_from(CodeApplication)
                .join(Segment, Segment.id == CodeApplication.segment_id)
                .join(Transcript, Transcript.id == Segment.transcript_id)
                .where(*conditions).group_by(*keys))

    if not turns and (some or postgresql):
        query = grouped([*place, null(), Segment.id], [Segment.id, *place])
    else:
        columns = [*place, Segment.speaker if turns else null(), Segment.id if ids else null()]
        if postgresql:
            coded = grouped([CodeApplication.segment_id], [CodeApplication.segment_id]).subquery()
            query = (select(*columns, coded.c.codes).join(Transcript, Transcript.id == Segment.transcript_id)
                     .outerjoin(coded, coded.c.segment_id == Segment.id))
        else:
            per_line = (select(joined).where(CodeApplication.segment_id == Segment.id, *conditions)
                        .correlate(Segment, Transcript).scalar_subquery())
            query = select(*columns, per_line).join(Transcript, Transcript.id == Segment.transcript_id)
        query = query.where(Transcript.project_id == project.id)
        if scope.transcript_ids is not None:  # turns never cross transcripts
            query = query.where(Segment.transcript_id.in_(sorted(scope.transcript_ids)))
    with _collector_paused():
        found = session.connection().execute(query).all() if pairs else []
    transcripts: dict[str, int] = {}
    n = len(found)
    transcript = np.fromiter((transcripts.setdefault(r[0], len(transcripts)) for r in found), np.int64, n)
    line = np.fromiter((r[1] for r in found), np.int64, n)
    participant = np.fromiter((-1 if r[2] is None else r[2] for r in found), np.int64, n)
    order = np.lexsort((line, transcript))  # transcript, then line
    turn = None
    if turns:
        labels: dict[str | None, int] = {}
        speaker = np.fromiter((r[2] if r[2] is not None else -1 - labels.setdefault(r[3], len(labels))
                               for r in found), np.int64, n)[order]
        same = (transcript[order][1:] == transcript[order][:-1]) & (speaker[1:] == speaker[:-1])
        turn = np.empty(n, np.int64)
        turn[order] = np.cumsum(np.concatenate(([True], ~same)))[:n]
    order = order[np.fromiter((found[i][-1] is not None for i in order), bool, n)]
    matrix = _rows_matrix([found[i][-1] for i in order], pairs, rows)
    kept = np.flatnonzero(np.diff(matrix.indptr))  # lines with a code of the matrix
    order = order[kept]
    return _Lines(list(transcripts), transcript[order], line[order], participant[order], matrix[kept],
                  None if turn is None else turn[order], [found[i][4] for i in order] if ids else None,
                  [found[i][-1] for i in order])


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while a read builds its rows (tuples, which it
    tracks, but which hold no cycles): at 100,000 lines its passes over them, and over
    everything else alive in the process, took a third of the read (docs/benchmarks.md).
    Another thread's pause may overlap; the collector is on again when the first one that
    found it on ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _binary(m: sparse.spmatrix) -> sparse.csr_matrix:
    """A product's non-zero counts set to 1, in place (pass only a matrix nothing else holds)."""
    m = sparse.csr_matrix(m)
    m.data[:] = 1
    return m


def _near(lines: _Lines, window: int) -> sparse.csr_matrix:
    """Line x line, 1 where the second line is at most ``window`` lines from the first in
    the same speaker turn (a line is near itself)."""
    n = len(lines)
    here, there = [np.arange(n)], [np.arange(n)]
    key = lines.transcript * (int(lines.line.max(initial=0)) + window + 1) + lines.line  # ascending
    for step in range(1, window + 1):
        at = np.minimum(np.searchsorted(key, key + step), max(n - 1, 0))
        ok = (key[at] == key + step) & (lines.turn[at] == lines.turn) if n else np.zeros(0, bool)
        first = np.flatnonzero(ok)
        here += [first, at[ok]]
        there += [at[ok], first]
    return sparse.csr_matrix((np.ones(sum(map(len, here)), np.int64), (np.concatenate(here), np.concatenate(there))),
                             shape=(n, n))


def _line_columns(lines: _Lines, study: _Study, kind: str, heads: list[Header]) -> np.ndarray:
    """Each line's column position (-1: in no column shown), through the few hundred
    distinct (transcript, participant) pairs rather than line by line."""
    index = {h.key: i for i, h in enumerate(heads)}
    width = int(lines.participant.max(initial=0)) + 2  # participant ids and -1 (no speaker), shifted by one
    distinct, inverse = np.unique(lines.transcript * width + lines.participant + 1, return_inverse=True)
    column = np.array([index.get(_column_key(study, kind, lines.transcripts[p // width],
                                             None if p % width == 0 else int(p % width) - 1), -1)
                       for p in distinct.tolist()], np.int64)
    return column[inverse] if len(lines) else np.zeros(0, np.int64)


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


def _indicator(groups: np.ndarray, members: np.ndarray, size: int, count: int) -> sparse.csr_matrix:
    """size x count, 1 at (groups[k], members[k])."""
    return sparse.csr_matrix((np.ones(len(groups), np.int64), (groups, members)), shape=(size, count))


def _dense(m) -> np.ndarray:
    return m.toarray() if sparse.issparse(m) else np.asarray(m)


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
    rows, pairs, codebook = _row_codes(session, project, codes, rollup)
    lines = _read(session, viewer, project, scope, rows, pairs, len(codebook), turns=columns == CODE and window > 0)
    if columns == CODE:
        return _cooccurrence(lines, rows, measure, window, rollup)
    study = _study(session, project)
    heads = _columns(study, session, project, scope, columns)
    column = _line_columns(lines, study, columns, heads)
    shown = np.flatnonzero(column >= 0)
    if measure == LINES:
        cells = _dense(_indicator(column[shown], shown, len(heads), len(lines)) @ lines.rows).T
        column_totals = np.bincount(column[shown], minlength=len(heads))
        row_totals = cells.sum(axis=1)
        total = len(shown)
    else:
        spoken = shown[lines.participant[shown] >= 0]
        people, person = np.unique(lines.participant[spoken], return_inverse=True)
        said = _binary(_indicator(person, spoken, len(people), len(lines)) @ lines.rows)  # participant x row
        home = np.zeros(len(people), np.int64)
        home[person] = column[spoken]  # a participant's lines all fall in one column
        cells = _dense(_indicator(home, np.arange(len(people)), len(heads), len(people)) @ said).T
        column_totals = np.bincount(home, minlength=len(heads))
        row_totals = np.asarray(said.sum(axis=0)).ravel()
        total = len(people)
    return Matrix(tuple(rows), tuple(heads), columns, measure, window, rollup,
                  tuple(tuple(int(v) for v in r) for r in cells.reshape(len(rows), len(heads))),
                  tuple(int(v) for v in row_totals), tuple(int(v) for v in column_totals), int(total))


def _cooccurrence(lines: _Lines, rows: list[Header], measure: str, window: int, rollup: bool) -> Matrix:
    """Cell (a, b): lines coded a with b on the same line or near it (``_near``), or their
    distinct speakers (each participant's lines multiplied apart, then counted once)."""
    own = lines.rows
    near = _binary(_near(lines, window) @ own) if window else own
    if measure == LINES:
        cells = _dense(own.T @ near)
        total = len(lines)
    else:  # a (participant, a) x b product: each participant's pairs once, then summed over participants
        spoken = np.flatnonzero(lines.participant >= 0)
        people, person = np.unique(lines.participant[spoken], return_inverse=True)
        own, near, n = own[spoken], near[spoken], len(rows)
        by_person = sparse.csr_matrix((own.data, own.indices + n * np.repeat(person, np.diff(own.indptr)), own.indptr),
                                      shape=(len(spoken), n * len(people)))
        said = _binary(by_person.T @ near).tocoo()  # (participant * n + a, b)
        cells = np.bincount((said.row % n) * n + said.col, minlength=n * n)
        total = len(people)
    cells = cells.reshape(len(rows), len(rows))
    diagonal = tuple(int(cells[i, i]) for i in range(len(rows)))
    return Matrix(tuple(rows), tuple(rows), CODE, measure, window, rollup,
                  tuple(tuple(int(v) for v in r) for r in cells), diagonal, diagonal, int(total))


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
        heads, pairs, codebook = _row_codes(session, project, [row_code, col_code], matrix.rollup)
        lines = _read(session, viewer, project, scope, heads, pairs, len(codebook), turns=matrix.window > 0,
                      ids=True)
        at = {int(h.key): i for i, h in enumerate(heads)}
        has_row, has_col = (_dense(lines.rows[:, at[code]]).ravel() > 0 for code in (row_code, col_code))
        near = _near(lines, matrix.window) if matrix.window else sparse.identity(len(lines), np.int64, "csr")
        here = has_row & (_dense(near @ has_col.astype(np.int64)).ravel() > 0)
        partners = has_col & (_dense(near.T @ here.astype(np.int64)).ravel() > 0)
        chosen = np.flatnonzero(here | partners)
        wanted = {row_code, col_code}
    else:
        heads, pairs, codebook = _row_codes(session, project, [row_code], matrix.rollup)
        lines = _read(session, viewer, project, scope, heads, pairs, len(codebook), ids=True)
        column = _line_columns(lines, study, matrix.column_kind, [matrix.columns[col]])
        chosen = np.flatnonzero(column == 0)
        wanted = {row_code}
    return _describe(session, codebook, study, lines, chosen, wanted, matrix.rollup)


def _describe(session: Session, codebook: list, study: _Study, lines: _Lines, chosen: np.ndarray,
              wanted: set[int], rollup: bool) -> list[CellLine]:
    """The lines ``chosen`` (positions in ``lines``) with their speaker, group, text and the
    codes among ``wanted`` (with roll-up, their descendants too) that the viewer sees on them,
    in transcript and line order."""
    tree = {c.id: c for c in codebook}

    def counts_for(code_id: int) -> bool:
        while code_id is not None:
            if code_id in wanted:
                return True
            code_id = tree[code_id].parent_id if rollup else None
        return False

    codes = {lines.segment_ids[i]: tuple(sorted({tree[c].path for c in map(int, lines.codes[i].split(","))
                                                 if counts_for(c)})) for i in chosen}
    ids = list(codes)
    found: list[CellLine] = []
    for start in range(0, len(ids), CHUNK):
        for sid, tid, line, pid, label, text in session.execute(
                select(Segment.id, Segment.transcript_id, Segment.line, Segment.participant_id, Segment.speaker,
                       Segment.text).where(Segment.id.in_(ids[start:start + CHUNK]))):
            found.append(CellLine(sid, tid, study.transcripts[tid][0], line, study.speaker(pid, label),
                                  study.group(tid, pid), text, codes[sid]))
    order = {tid: k for k, tid in enumerate(study.transcripts)}
    found.sort(key=lambda c: (order[c.transcript_id], c.line))
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
