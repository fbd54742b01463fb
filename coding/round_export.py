"""A round's export: its codings (the blind read), its agreement per code and overall, the
reveal snapshots of its transcripts and the post-reveal changes, as .xlsx sheets or as .csv
files side by side (``name.csv``, ``name.agreement.csv``, ``name.changes.csv``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.bulk import EXPORT_COLUMNS
from coding.models import User
from coding.reveal import post_reveal_changes, reveal_times, snapshots
from coding.rounds import list_rounds, round_agreement, round_codings
from coding.tables import add_sheet, write_sheets, write_table
from fgi.errors import NotFound
from fgi.safe_cells import SafeCsvWriter
from fgi.models import Project, Segment, Transcript
from fgi.i18n import _

CODING_COLUMNS = (*EXPORT_COLUMNS, "round", "post_reveal")
AGREEMENT_COLUMNS = ("basis", "transcript", "code", "alpha", "alpha_ci_low", "alpha_ci_high", "band", "percent",
                     "fleiss_kappa", "units", "revealed_at", "note")
CHANGE_COLUMNS = ("transcript", "line", "segment_id", "change", "code", "coder", "at", "revealed_at")


def _agreement_rows(basis: str, transcript: str, report: dict, revealed_at: str = "") -> list[list]:
    rows = []
    for entry in [report["overall"] | {"code": "overall"}, *report["codes"]]:
        low, high = entry["alpha_ci"]
        rows.append([basis, transcript, entry["code"], entry["alpha"], low, high, entry["band"], entry["percent"],
                     entry["fleiss_kappa"], entry["n_units"], revealed_at, entry.get("reason") or ""])
    return rows


def round_tables(session: Session, viewer: User, project: Project, number: int) -> dict[str, tuple]:
    """The round's tables by sheet name: (columns, rows)."""
    views = {v.number: v for v in list_rounds(session, project, viewer=viewer)}
    if number not in views:
        raise NotFound(_('no round {number} in project {name}', number=number, name=repr(project.name)),
                       hint=_('list them with: fgi rounds list --project {name}', name=repr(project.name)))
    view = views[number]
    ids = {t for t, _ in view.transcripts}
    codings = round_codings(session, project, number, viewer=viewer)
    segments = {s.id: s for s in session.scalars(
        select(Segment).where(Segment.id.in_({c.segment_id for c in codings})))} if codings else {}
    names = dict(session.execute(select(Transcript.id, Transcript.name)
                                 .where(Transcript.project_id == project.id)).all())
    revealed = reveal_times(session, project)
    coding_rows = [
        [c.segment_id, c.code_path, c.memo or "", c.coder, names.get(c.transcript_id, c.transcript_id), c.line,
         segments[c.segment_id].speaker or "", segments[c.segment_id].text, c.source,
         c.created_at.isoformat(timespec="seconds"), number,
         "yes" if c.transcript_id in revealed and c.created_at > revealed[c.transcript_id] else "no"]
        for c in codings
    ]
    agreement_rows = []
    report = round_agreement(session, project, number, viewer=viewer)
    if report is not None:
        agreement_rows += _agreement_rows("round_frozen" if report["frozen"] else "round_live", "", report)
    for s in snapshots(session, project, viewer=viewer):
        if s.transcript_id in ids and s.round_number == number:
            agreement_rows += _agreement_rows("independent_at_reveal", s.transcript, s.report,
                                              s.revealed_at.isoformat(timespec="seconds"))
    changes = [[c.transcript, c.line, c.segment_id, c.kind, c.code, c.coder, c.at.isoformat(timespec="seconds"),
                c.revealed_at.isoformat(timespec="seconds")]
               for c in post_reveal_changes(session, project, viewer=viewer) if c.transcript_id in ids]
    return {"codings": (CODING_COLUMNS, coding_rows), "agreement": (AGREEMENT_COLUMNS, agreement_rows),
            "changes": (CHANGE_COLUMNS, changes)}


def export_round(session: Session, viewer: User, project: Project, number: int, path: str | Path) -> dict[str, int]:
    """Write the round's tables; returns the row count of each."""
    tables = round_tables(session, viewer, project, number)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_sheets(path, tables)
    else:
        for sheet, (columns, rows) in tables.items():
            target = path if sheet == "codings" else path.with_name(f"{path.stem}.{sheet}{path.suffix}")
            write_table(target, columns, rows, sheet=sheet)
    return {sheet: len(rows) for sheet, (_, rows) in tables.items()}


def export_all_rounds(session: Session, viewer: User, project: Project, path: str | Path) -> dict[str, int]:
    """Every round in one workbook (.xlsx): each table with its round in the first column."""
    merged: dict[str, tuple] = {}
    for view in list_rounds(session, project, viewer=viewer):
        for sheet, (columns, rows) in round_tables(session, viewer, project, view.number).items():
            head = columns if sheet == "codings" else ("round", *columns)
            body = rows if sheet == "codings" else [[view.number, *row] for row in rows]
            merged.setdefault(sheet, (head, []))[1].extend(body)
    write_sheets(Path(path), merged)
    return {sheet: len(rows) for sheet, (_, rows) in merged.items()}


SNAPSHOT_COLUMNS = ("transcript", "round", "revealed_at", "revealed_by", "codings", "code", "alpha",
                    "alpha_ci_low", "alpha_ci_high", "percent", "fleiss_kappa", "units")
SNAPSHOT_TITLE = "독립 코딩 일치도 (공개 시점)"


def snapshot_rows(session: Session, project: Project, viewer: User, transcript_id: str | None = None) -> list[list]:
    """The stored agreement at every reveal in scope: overall, then per code."""
    rows = []
    for s in snapshots(session, project, viewer=viewer, transcript_id=transcript_id):
        for entry in [s.report["overall"] | {"code": "overall"}, *s.report["codes"]]:
            low, high = entry["alpha_ci"]
            rows.append([s.transcript, s.round_number, s.revealed_at.isoformat(timespec="seconds"), s.revealed_by,
                         s.codings, entry["code"], entry["alpha"], low, high, entry["percent"],
                         entry["fleiss_kappa"], entry["n_units"]])
    return rows


def append_snapshots(path: str | Path, rows: list[list]) -> None:
    """Add the reveal snapshots to an exported table: a sheet of a .xlsx, or a second block
    (after an empty line and a title line) of a .csv."""
    path = Path(path)
    if not rows:
        return
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path)
        add_sheet(workbook, SNAPSHOT_TITLE, SNAPSHOT_COLUMNS, rows)
        workbook.save(path)
        return
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)  # no cell can start a formula
        writer.writerow([])
        writer.writerow([SNAPSHOT_TITLE])
        writer.writerow(SNAPSHOT_COLUMNS)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
