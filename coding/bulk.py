"""Codings by the spreadsheet: import a coder's codings from CSV/XLSX, export what a user
may see (blind rules apply, through ``codings_for``).

An import file has the columns ``segment_id,code`` and optionally ``memo``; ``code`` is a
codebook path (or a code name no other code shares). The columns an export adds
(``coder,transcript,line,speaker,text,source,created_at``) are accepted and ignored, except
that a filled ``coder`` must be the importing user, so an export can be imported again.
All rows are checked first; any bad row stops the import with every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import apply_code, codings_for
from coding.code_paths import leaf_name
from coding.codebook import code_index, join_path, split_path
from coding.errors import RowErrors, RowProblem
from coding.memos import MEMO_SHEET, first_line_memos, memo_table
from coding.models import IMPORT, CodeApplication, User
from coding.tables import read_table, write_sheets, write_table
from coding.permissions import require
from fgi.errors import InputError
from fgi.i18n import _
from fgi.models import Event, Project, Segment, Transcript
from fgi.i18n import _

IMPORT_COLUMNS = ("segment_id", "code")
EXPORT_COLUMNS = ("segment_id", "code", "memo", "coder", "transcript", "line", "speaker", "text",
                  "source", "created_at")
_IGNORED = ("transcript", "line", "speaker", "text", "source", "created_at")


@dataclass(frozen=True)
class CodingImportSummary:
    project: str
    applied: int
    unchanged: int
    memos_updated: int


@dataclass(frozen=True)
class _Row:
    number: int
    segment_id: str
    code_id: int
    memo: str | None


def _resolve_path(index: dict[str, int], names: dict[str, list[str]], text: str) -> tuple[int | None, str | None]:
    path = join_path(split_path(text))
    if path in index:
        return index[path], None
    matches = names.get(path, []) if len(split_path(path)) == 1 else []
    if len(matches) == 1:
        return index[matches[0]], None
    if len(matches) > 1:
        return None, _("code name {name} is ambiguous; give the path ({paths})", name=repr(text), paths=" / ".join(matches))
    return None, _("unknown code path {path}", path=repr(text))


def import_codings(session: Session, coder: User, path: str | Path, *,
                   project: Project | None = None) -> CodingImportSummary:
    """Apply every row's code to its segment as ``coder`` (source ``import``), or nothing.

    Without ``project`` the project is the one of the file's first known segment."""
    table = read_table(path, required=IMPORT_COLUMNS, optional=("memo", "coder", *_IGNORED))
    wanted = {row.values["segment_id"] for row in table.rows if row.values["segment_id"]}
    segment_projects = dict(session.execute(
        select(Segment.id, Transcript.project_id).join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Segment.id.in_(wanted))).all()) if wanted else {}
    if project is None:
        first = next((segment_projects[r.values["segment_id"]] for r in table.rows
                      if r.values["segment_id"] in segment_projects), None)
        if first is None:
            raise InputError(_('none of the segment ids is in the database'), path=path,
                             hint=_('segment ids look like 3f9a1c2e07-0042; see: fgi segments TRANSCRIPT'))
        project = session.get(Project, first)
    require(session, coder, "code", project)
    codes = code_index(session, project)
    index = {p: c.id for p, c in codes.items()}
    names: dict[str, list[str]] = {}
    for p in index:
        names.setdefault(join_path([leaf_name(p)]), []).append(p)

    problems: list[RowProblem] = []
    rows: list[_Row] = []
    seen: dict[tuple[str, int], int] = {}
    for row in table.rows:
        values = row.values
        segment_id, code_text = values["segment_id"], values["code"]
        row_problems = []
        if not segment_id:
            row_problems.append(_("empty segment_id"))
        elif segment_id not in segment_projects:
            row_problems.append(_("unknown segment {segment}", segment=repr(segment_id)))
        elif segment_projects[segment_id] != project.id:
            row_problems.append(_("segment {segment} belongs to another project, not {project}", segment=repr(segment_id),
                                      project=repr(project.name)))
        code_id = None
        if not code_text:
            row_problems.append(_("empty code"))
        else:
            code_id, problem = _resolve_path(index, names, code_text)
            if problem:
                row_problems.append(problem)
        if values.get("coder") and values["coder"] != coder.name:
            row_problems.append(_("the row is {owner}'s coding, but the import is as {coder}", owner=values["coder"],
                                  coder=coder.name))
        if not row_problems and (segment_id, code_id) in seen:
            row_problems.append(_("duplicate of row {row} ({segment}, {code})", row=seen[(segment_id, code_id)],
                                  segment=segment_id, code=code_text))
        if row_problems:
            problems += [RowProblem(row.number, p) for p in row_problems]
            continue
        seen[(segment_id, code_id)] = row.number
        rows.append(_Row(row.number, segment_id, code_id, values.get("memo") or None))
    if problems:
        raise RowErrors(path, problems, hint=_('fix these rows (codebook paths: fgi codebook show) and import again'))

    existing = {(a.segment_id, a.code_id): a for a in session.scalars(
        select(CodeApplication).where(CodeApplication.coder_id == coder.id,
                                      CodeApplication.segment_id.in_([r.segment_id for r in rows])))}
    line_memos = first_line_memos(session, [project.id], [r.segment_id for r in rows])  # the coder's, by line
    applied = unchanged = memos = 0
    for row in rows:
        before = existing.get((row.segment_id, row.code_id))
        memo = row.memo.strip() if row.memo is not None else None
        if before is None:
            apply_code(session, coder, row.segment_id, row.code_id, memo=memo, source=IMPORT)
            applied += 1
        elif memo and memo != line_memos.get((row.segment_id, coder.id)):
            apply_code(session, coder, row.segment_id, row.code_id, memo=memo, source=IMPORT)
            memos += 1
        else:
            unchanged += 1
        if memo:
            line_memos[(row.segment_id, coder.id)] = memo
    Event.record(session, actor=coder.name, kind="code.import", project_id=project.id,
                 subject=Path(path).name,
                 payload={"applied": applied, "unchanged": unchanged, "memos_updated": memos})
    return CodingImportSummary(project.name, applied, unchanged, memos)


def coding_rows(session: Session, viewer: User, project: Project, *, coder: User | None = None,
                transcript_id: str | None = None) -> list[list[object]]:
    """The codings ``viewer`` may see, as rows in ``EXPORT_COLUMNS`` order."""
    codings = codings_for(session, viewer, project=project, coder=coder, transcript_id=transcript_id)
    segments = {s.id: s for s in session.scalars(
        select(Segment).where(Segment.id.in_({c.segment_id for c in codings})))} if codings else {}
    names = dict(session.execute(select(Transcript.id, Transcript.name)
                                 .where(Transcript.project_id == project.id)).all())
    return [
        [c.segment_id, c.code_path, c.memo or "", c.coder, names.get(c.transcript_id, c.transcript_id),
         c.line, segments[c.segment_id].speaker or "", segments[c.segment_id].text, c.source,
         c.created_at.isoformat(timespec="seconds")]
        for c in codings
    ]


def export_codings(session: Session, viewer: User, project: Project, path: str | Path, *,
                   coder: User | None = None, transcript_id: str | None = None) -> int:
    """Write the visible codings to .csv or .xlsx; returns how many rows were written. An
    .xlsx also gets a sheet of the memos ``viewer`` may see (of the transcript, if given)."""
    rows = coding_rows(session, viewer, project, coder=coder, transcript_id=transcript_id)
    if Path(path).suffix.lower() == ".xlsx":
        memos = memo_table(session, project, viewer=viewer, transcript_id=transcript_id,
                           author=coder.name if coder is not None else None)
        write_sheets(path, {"codings": (EXPORT_COLUMNS, rows), _(MEMO_SHEET): memos})
    else:
        write_table(path, EXPORT_COLUMNS, rows, sheet="codings")
    return len(rows)
