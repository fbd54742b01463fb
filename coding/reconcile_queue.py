"""The disagreement queue by line: one item per segment where the coders differ.

An item shows the line, its context, every coder's codes side by side (with memos), every
code on the line (applied by someone, or named by a lead's decision) and the current
decisions. A line is *open* while one of its disputed codes (applied by some coders who
coded the transcript and not by others) has no decision.

Each item carries a ``version``: a digest of everything on the card that a decision depends
on (the coders' codings and memos of the line, and its decisions). A line decision names the
version its card showed; :func:`coding.reconcile_decide.decide_line` refuses it when the
line changed in between, so two leads never overwrite each other unknowingly.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from coding.codebook import code_index
from coding.consensus import decision_rows
from coding.matrix import Scope, load_coding
from coding.models import MEMO_SEGMENT, CodeApplication, ConsensusDecision, Memo, User
from coding.reconcile import Decision, _as_decision, _user_names
from fgi.models import Project, Segment

CONTEXT_LINES = 2  # lines shown before and after the line under review
_CHUNK = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ContextLine:
    line: int
    speaker: str | None
    text: str
    current: bool  # the line under review


@dataclass(frozen=True)
class CoderCodes:
    """One coder's codes on the line, with their memos on the line (``title: text``)."""

    coder: str
    codes: list[str]
    memos: list[str]


@dataclass(frozen=True)
class LineCode:
    """One code on the line: who applied it, whether the coders differ on it, its decision."""

    code: str  # path
    applied_by: list[str]
    not_applied_by: list[str]
    decision: Decision | None

    @property
    def disputed(self) -> bool:
        return bool(self.applied_by) and bool(self.not_applied_by)


@dataclass(frozen=True)
class LineItem:
    segment_id: str
    transcript_id: str
    transcript: str
    line: int
    speaker: str | None
    text: str
    context: list[ContextLine]
    coders: list[CoderCodes]  # the coders who coded this transcript, by name
    codes: list[LineCode]  # disputed codes first, then the others, each by path
    version: str  # what the card shows; a decision must name it

    @property
    def is_open(self) -> bool:
        return any(c.disputed and c.decision is None for c in self.codes)

    @property
    def undecided(self) -> list[str]:
        return [c.code for c in self.codes if c.disputed and c.decision is None]


@dataclass(frozen=True)
class ReconcileProgress:
    """What "합의가 끝난 줄 x / y" counts: lines in the queue (coders differ), not every line."""

    disputed_lines: int  # lines where the coders who coded the transcript differ
    settled_lines: int  # of those, lines with every disputed code decided
    coded_lines: int  # lines someone coded, in transcripts with codings (agreed ones included)

    @property
    def open_lines(self) -> int:
        return self.disputed_lines - self.settled_lines


@dataclass(frozen=True)
class LineQueue:
    items: list[LineItem]  # every line where coders differ, decided or not, in transcript and line order
    progress: ReconcileProgress

    @property
    def open_items(self) -> list[LineItem]:
        return [i for i in self.items if i.is_open]


def line_queue(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
    context: int = CONTEXT_LINES,
) -> LineQueue:
    """The queue by line. Every segment counts, moderator lines and back-channels too: a
    disagreement anywhere needs a decision. Reading it needs the full view (leads, or
    coders after reveal), as every comparison of coders does."""
    data = load_coding(session, project, viewer, Scope(transcript_id, True, True))
    ones = data.applied.sum(axis=1)  # units x codes
    coded = data.coded.sum(axis=1)[:, None]
    disputed = (ones > 0) & (ones < coded)
    units = np.flatnonzero(disputed.any(axis=1))
    coded_lines = int((ones > 0).any(axis=1).sum()) if ones.size else 0
    if len(units) == 0:
        return LineQueue([], ReconcileProgress(0, 0, coded_lines))

    segment_ids = [data.unit_ids[u] for u in units.tolist()]
    wanted = set(segment_ids)
    rows = [d for d in decision_rows(session, project, transcript_id) if d.segment_id in wanted]
    decisions: dict[str, dict[int, ConsensusDecision]] = defaultdict(dict)
    for d in rows:
        decisions[d.segment_id][d.code_id] = d
    paths = {code.id: path for path, code in code_index(session, project).items()}
    names = _user_names(session, {d.decided_by for d in rows})
    state = _line_state(session, segment_ids)
    details = _segments(session, segment_ids)
    around = _context(session, [(details[s][3], details[s][0]) for s in segment_ids], context)
    transcript_names = dict(data.transcripts)
    code_position = {k: i for i, k in enumerate(data.code_ids)}

    items = []
    for u, sid in zip(units.tolist(), segment_ids):
        line, speaker, text, tid = details[sid]
        present = [c for c in range(len(data.coders)) if data.coded[u, c]]
        coders = []
        for c in present:
            mine = [data.code_paths[k] for k in np.flatnonzero(data.applied[u, c]).tolist()]
            coders.append(CoderCodes(data.coders[c], mine, state[sid][1].get(data.coder_ids[c], [])))
        on_line = {data.code_ids[k] for k in np.flatnonzero(ones[u]).tolist()} | set(decisions.get(sid, {}))
        codes = []
        for code_id in sorted(on_line, key=lambda k: paths[k]):
            k = code_position.get(code_id)
            by = [data.coders[c] for c in present if k is not None and data.applied[u, c, k]]
            row = decisions.get(sid, {}).get(code_id)
            codes.append(LineCode(paths[code_id], by, [data.coders[c] for c in present if data.coders[c] not in by],
                                  _as_decision(row, paths, names) if row is not None else None))
        codes.sort(key=lambda c: (not c.disputed, c.code))  # what the coders differ on first
        items.append(LineItem(sid, tid, transcript_names[tid], line, speaker, text, around[sid], coders, codes,
                              _digest(state[sid][0])))
    settled = sum(1 for i in items if not i.is_open)
    return LineQueue(items, ReconcileProgress(len(items), settled, coded_lines))


def line_versions(session: Session, segment_ids: Sequence[str]) -> dict[str, str]:
    """The version of each line: a digest of its codings (coder, code), the coders' memos on
    it and its decisions."""
    return {sid: _digest(parts) for sid, (parts, _) in _line_state(session, segment_ids).items()}


def _line_state(session: Session, segment_ids: Sequence[str]) -> dict[str, tuple[list, dict]]:
    """Per line: what its version is made of, and its memos by author id."""
    state: dict[str, tuple[list, dict]] = {sid: ([], {}) for sid in segment_ids}
    for chunk in _chunks(segment_ids):
        for sid, code, coder in session.execute(
            select(CodeApplication.segment_id, CodeApplication.code_id, CodeApplication.coder_id)
            .where(CodeApplication.segment_id.in_(chunk))
        ):
            state[sid][0].append(("c", coder, code))
        for sid, author, title, text in session.execute(
            select(Memo.target, Memo.author_id, Memo.title, Memo.text)
            .where(Memo.kind == MEMO_SEGMENT, Memo.target.in_(chunk), Memo.author_id.is_not(None))
            .order_by(Memo.created_at, Memo.id)
        ):
            state[sid][0].append(("m", author, title or "", text))
            state[sid][1].setdefault(author, []).append(f"{title}: {text}" if title else text)
        for row in session.scalars(select(ConsensusDecision).where(ConsensusDecision.segment_id.in_(chunk))):
            state[row.segment_id][0].append(("d", row.code_id, row.decision, row.replacement_code_id or 0,
                                             row.decided_by, row.reason or "", _instant(row.decided_at)))
    return state


def _instant(moment: datetime | None) -> str:
    # Microseconds since the epoch: the same number whether the driver returns an aware
    # or a naive (UTC) datetime.
    if moment is None:
        return ""
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return str((moment - _EPOCH) // timedelta(microseconds=1))


def _digest(parts: list[tuple]) -> str:
    # Tuples of one kind ("c" or "d") have the same types position by position, so they sort.
    text = json.dumps(sorted(parts), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])


def _segments(session: Session, segment_ids: Sequence[str]) -> dict[str, tuple]:
    details = {}
    for chunk in _chunks(segment_ids):
        for sid, line, speaker, text, tid in session.execute(
            select(Segment.id, Segment.line, Segment.speaker, Segment.text, Segment.transcript_id)
            .where(Segment.id.in_(chunk))
        ):
            details[sid] = (line, speaker, text, tid)
    return details


def _context(session: Session, lines: list[tuple[str, int]], width: int) -> dict[str, list[ContextLine]]:
    """The lines around each (transcript, line), read in one query per chunk of lines."""
    wanted = sorted({(tid, n) for tid, line in lines for n in range(max(1, line - width), line + width + 1)})
    found: dict[tuple[str, int], tuple] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        for sid, tid, line, speaker, text in session.execute(
            select(Segment.id, Segment.transcript_id, Segment.line, Segment.speaker, Segment.text)
            .where(tuple_(Segment.transcript_id, Segment.line).in_(chunk))
        ):
            found[(tid, line)] = (sid, speaker, text)
    result = {}
    for tid, line in lines:
        rows = []
        for n in range(max(1, line - width), line + width + 1):
            if (tid, n) in found:
                sid, speaker, text = found[(tid, n)]
                rows.append(ContextLine(n, speaker, text, n == line))
        result[found[(tid, line)][0]] = rows
    return result
