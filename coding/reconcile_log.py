"""The reconciliation log for a methods appendix: who decided what, why and when.

One row per current decision, in transcript and line order, with the segment's text and
speaker, the code, the decision and its replacement, the lead, the reason, the time (UTC)
and how many times the decision was changed before (the event log keeps every version).
Written as CSV (UTF-8 with BOM, for Excel) or XLSX.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import code_index
from coding.consensus import decision_rows
from coding.matrix import require_full_view
from coding.models import User
from coding.tables import write_table
from fgi.models import Event, Project, Segment, Transcript
from fgi.study import get_transcript

LOG_COLUMNS = ("transcript", "line", "speaker", "text", "code", "decision", "replacement", "lead", "reason",
               "decided_at", "revisions")


@dataclass(frozen=True)
class LogRow:
    transcript: str
    line: int
    speaker: str | None
    text: str
    code: str
    decision: str
    replacement: str | None
    lead: str
    reason: str | None
    decided_at: str  # ISO 8601, UTC
    revisions: int  # earlier versions of this decision


def reconciliation_log(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
) -> list[LogRow]:
    if transcript_id is not None:
        transcript_id = get_transcript(session, transcript_id, project).id
    scope = [transcript_id] if transcript_id else list(
        session.scalars(select(Transcript.id).where(Transcript.project_id == project.id)))
    require_full_view(session, viewer, project, scope)
    rows = decision_rows(session, project, transcript_id)
    if not rows:
        return []
    paths = {code.id: path for path, code in code_index(session, project).items()}
    leads = dict(session.execute(select(User.id, User.name).where(User.id.in_({r.decided_by for r in rows}))).all())
    segments = {
        sid: (name, order, line, speaker, text)
        for sid, name, order, line, speaker, text in session.execute(
            select(Segment.id, Transcript.name, Transcript.imported_at, Segment.line, Segment.speaker, Segment.text)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .where(Segment.id.in_(list({r.segment_id for r in rows}))))
    }
    changes = Counter(
        (e.subject, (e.payload.get("after") or {}).get("code_id"))
        for e in session.scalars(select(Event).where(Event.project_id == project.id, Event.kind == "consensus.decide"))
    )
    ordered = sorted(rows, key=lambda r: (segments[r.segment_id][1], segments[r.segment_id][2], paths[r.code_id]))
    return [
        LogRow(segments[r.segment_id][0], segments[r.segment_id][2], segments[r.segment_id][3],
               segments[r.segment_id][4], paths[r.code_id], r.decision,
               paths.get(r.replacement_code_id) if r.replacement_code_id else None,
               leads.get(r.decided_by, str(r.decided_by)), r.reason,
               r.decided_at.isoformat(timespec="seconds"),
               max(0, changes[(r.segment_id, r.code_id)] - 1))
        for r in ordered
    ]


def export_log(rows: list[LogRow], path: str | Path) -> Path:
    """Write the log as .csv or .xlsx (by the file's suffix)."""
    return write_table(path, LOG_COLUMNS, [astuple(r) for r in rows], sheet="reconciliation")
