"""Lines as queries show them: speaker, group, role and transcript beside the text, and the
lines around a line (context), read in a few set-based selects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from fgi.i18n import _
from fgi.models import Participant, Segment, Transcript

CHUNK = 2000  # ids per IN list: well under SQLite's variable limit


@dataclass(frozen=True)
class LineInfo:
    segment_id: str
    transcript_id: str
    transcript: str  # the transcript's name
    line: int
    speaker: str | None  # pseudonym (P03), else the label in the text
    group: str | None  # the speaker's group, else the transcript's
    role: str | None  # moderator, participant; None without a known speaker
    text: str


def _columns():
    return (Segment.id, Segment.transcript_id, Transcript.name, Segment.line, Segment.speaker, Segment.text,
            Transcript.group, Participant.pseudonym, Participant.role, Participant.attributes, Transcript.imported_at)


def _select(*extra):
    return (select(*_columns(), *extra)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .outerjoin(Participant, Participant.id == Segment.participant_id))


def _info(row) -> LineInfo:
    sid, tid, tname, line, speaker, text, tgroup, pseudonym, role, attributes = row[:10]
    group = (attributes or {}).get("group") or tgroup
    return LineInfo(sid, tid, tname, line, pseudonym or speaker, group, role, text)


def chunks(ids: Sequence, size: int = CHUNK) -> Iterable[list]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def read_lines(session: Session, segment_ids: Iterable[str]) -> list[LineInfo]:
    """The lines of ``segment_ids``, in transcript (import) and line order."""
    rows = []
    for part in chunks(sorted(set(segment_ids))):
        rows += fetch(session, _select().where(Segment.id.in_(part)))
    rows.sort(key=lambda r: (r[10], r[1], r[3]))
    return [_info(r) for r in rows]


def lines_query(condition, *extra):
    """A select of the lines (``info_of`` columns, then ``extra``) meeting ``condition``, in
    reading order."""
    return _select(*extra).where(condition).order_by(Transcript.imported_at, Segment.transcript_id, Segment.line)


def fetch(session: Session, statement) -> list:
    """Rows of a column select, read by the Core connection: plain tuples, without the ORM's
    per-row work (which costs more than the query itself on 100,000 lines)."""
    return session.connection().execute(statement).all()


EXTRA = 11  # index of the first extra column of a lines_query row


def info_of(row) -> LineInfo:
    return _info(row)


def context_lines(session: Session, hits: Sequence[LineInfo], n: int) -> dict[str, tuple[list[LineInfo], list[LineInfo]]]:
    """For each hit, the ``n`` lines before and after it in its transcript (segment id ->
    (before, after)); read per transcript as line ranges."""
    if n <= 0 or not hits:
        return {}
    wanted: dict[str, set[int]] = {}
    for hit in hits:
        wanted.setdefault(hit.transcript_id, set()).update(range(max(1, hit.line - n), hit.line + n + 1))
    by_key: dict[tuple[str, int], LineInfo] = {}
    for tid, numbers in wanted.items():
        for part in chunks(sorted(numbers)):
            condition = and_(Segment.transcript_id == tid, Segment.line.in_(part))
            for row in fetch(session, _select().where(condition)):
                info = _info(row)
                by_key[(info.transcript_id, info.line)] = info
    result = {}
    for hit in hits:
        before = [by_key[(hit.transcript_id, k)] for k in range(hit.line - n, hit.line) if (hit.transcript_id, k) in by_key]
        after = [by_key[(hit.transcript_id, k)] for k in range(hit.line + 1, hit.line + n + 1)
                 if (hit.transcript_id, k) in by_key]
        result[hit.segment_id] = (before, after)
    return result


def speaker_tag(info: LineInfo) -> str:
    """``P03 · 주민``: a quote's speaker by pseudonym and group only."""
    return " · ".join(x for x in (info.speaker, info.group) if x) or _("unknown speaker")

