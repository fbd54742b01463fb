"""What the Excel export holds besides the theme table, as plain data: the codebook, the
coded segments with each coder's codes and the consensus, and the reconciliation log.

Every coder's codings are read through ``coding`` with the viewer's rights (a lead or
admin, or any member once transcripts are revealed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from coding.applications import codings_for
from coding.codebook import CodeView, counted_codes
from coding.consensus import consensus_codings
from coding.matrix import require_full_view
from coding.models import User
from coding.reconcile_log import LogRow, reconciliation_log
from fgi.models import Project
from fgi.participant_labels import report_labels
from fgi.study import list_transcripts
from themes.export_table import ThemeTable, speaker_tag, theme_table
from themes.units import lines_by_id


@dataclass(frozen=True)
class CodedSegment:
    segment_id: str
    transcript: str
    line: int
    speaker: str  # pseudonym (P03)
    tag: str  # as quoted in reports (실무자3)
    group: str
    text: str
    codes: dict[str, list[str]]  # coder -> code paths
    consensus: list[str]


@dataclass
class WorkbookData:
    table: ThemeTable
    codebook: list[CodeView] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    segments: list[CodedSegment] = field(default_factory=list)
    log: list[LogRow] = field(default_factory=list)


def coded_segments(session: Session, project: Project, viewer: User) -> tuple[list[str], list[CodedSegment]]:
    codings = codings_for(session, viewer, project=project)
    consensus: dict[str, list[str]] = {}
    if codings:
        for c in consensus_codings(session, project, viewer=viewer):
            if c.settled:
                consensus.setdefault(c.segment_id, []).append(c.code)
    by_segment: dict[str, dict[str, list[str]]] = {}
    for c in codings:
        by_segment.setdefault(c.segment_id, {}).setdefault(c.coder, []).append(c.code_path)
    lines = lines_by_id(session, project, list(by_segment) + list(consensus))
    order = {t.id: i for i, t in enumerate(list_transcripts(session, project))}
    labels = report_labels(session, project)
    rows = [
        CodedSegment(sid, line.transcript, line.line, line.speaker or "", speaker_tag(line.speaker, line.group, labels),
                     line.group or "", line.text, by_segment.get(sid, {}), sorted(consensus.get(sid, [])))
        for sid, line in lines.items()
    ]
    rows.sort(key=lambda r: (order.get(lines[r.segment_id].transcript_id, 0), r.line))
    return sorted({c.coder for c in codings}), rows


def workbook_data(session: Session, project: Project, *, viewer: User, quotes: int = 2,
                  domain: str | None = None) -> WorkbookData:
    require_full_view(session, viewer, project, [t.id for t in list_transcripts(session, project)])
    coders, segments = coded_segments(session, project, viewer)
    return WorkbookData(theme_table(session, project, viewer=viewer, quotes=quotes, domain=domain),
                        counted_codes(session, project, viewer=viewer),
                        coders, segments, reconciliation_log(session, project, viewer=viewer))
