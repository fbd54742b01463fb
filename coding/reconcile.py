"""Reconciliation: the disagreement queue, a lead's decisions, and the consensus coding.

Coders' own codings are never changed here. Decisions live apart, one per
(segment, code) in ``consensus_decisions``, and every decision (and every change of one)
is an event ``consensus.decide`` with before, after and the reason.

What the decisions add up to, the consensus coding, is computed in :mod:`coding.consensus`.
This module holds the per-code view and decision; the 조정 page and ``fgi reconcile`` work by
line: :mod:`coding.reconcile_queue` (the queue) and :mod:`coding.reconcile_decide` (a line's
decisions at once, with the check that the line did not change since its card was shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import get_segment, resolve_code
from coding.codebook import code_index, code_path
from coding.consensus import decision_rows
from coding.matrix import CodingData, Scope, load_coding
from coding.models import DECISIONS, MEMO_SEGMENT, REPLACE, Code, ConsensusDecision, Memo, User
from coding.permissions import require
from fgi.errors import FgiError
from fgi.models import Event, Project, Segment
from fgi.storage.base import utcnow
from fgi.i18n import _

@dataclass(frozen=True)
class CoderDecision:
    coder: str
    applied: bool
    memo: str | None


@dataclass(frozen=True)
class Decision:
    segment_id: str
    code: str  # path
    decision: str  # apply, reject, replace
    replacement: str | None  # path, for replace
    decided_by: str
    reason: str | None
    decided_at: datetime


@dataclass(frozen=True)
class Disagreement:
    """A (segment, code) some coders applied and others did not."""

    segment_id: str
    transcript_id: str
    transcript: str
    line: int
    speaker: str | None
    text: str
    code: str  # path
    coders: list[CoderDecision]
    decision: Decision | None  # set when a lead has already decided


def _as_decision(row: ConsensusDecision, paths: dict[int, str], names: dict[int, str]) -> Decision:
    return Decision(row.segment_id, paths[row.code_id], row.decision,
                    paths.get(row.replacement_code_id) if row.replacement_code_id else None,
                    names.get(row.decided_by, str(row.decided_by)), row.reason, row.decided_at)


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def disagreements(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
    include_decided: bool = False,
) -> list[Disagreement]:
    """The queue, in transcript and line order. Every segment counts here, back-channels and
    moderator lines too: a disagreement anywhere needs a decision."""
    data = load_coding(session, project, viewer, Scope(transcript_id, True, True))
    ones = data.applied.sum(axis=1)
    coded = data.coded.sum(axis=1)[:, None]
    units, codes = np.nonzero((ones > 0) & (ones < coded))
    if len(units) == 0:
        return []
    rows = decision_rows(session, project, data.transcripts[0][0] if transcript_id else None)
    decided = {(d.segment_id, d.code_id): d for d in rows}
    paths = {code.id: path for path, code in code_index(session, project).items()}
    names = _user_names(session, {d.decided_by for d in rows})
    memos = _memos(session, project, data)
    segments = _segment_details(session, sorted({data.unit_ids[u] for u in units}))
    transcript_names = dict(data.transcripts)
    queue = []
    for u, k in zip(units.tolist(), codes.tolist()):
        sid, code_id = data.unit_ids[u], data.code_ids[k]
        decision = decided.get((sid, code_id))
        if decision is not None and not include_decided:
            continue
        line, speaker, text, tid = segments[sid]
        coders = [CoderDecision(name, bool(data.applied[u, c, k]), memos.get((sid, data.coder_ids[c])))
                  for c, name in enumerate(data.coders) if data.coded[u, c]]
        queue.append(Disagreement(sid, tid, transcript_names[tid], line, speaker, text, data.code_paths[k],
                                  coders, _as_decision(decision, paths, names) if decision else None))
    return queue


def _memos(session: Session, project: Project, data: CodingData) -> dict[tuple[str, int], str]:
    """Each coder's memos on each line (their texts, oldest first), by (segment id, coder id):
    a coder's note on a line speaks to every code they gave it."""
    rows = session.execute(
        select(Memo.target, Memo.author_id, Memo.text)
        .where(Memo.project_id == project.id, Memo.kind == MEMO_SEGMENT, Memo.author_id.in_(list(data.coder_ids)))
        .order_by(Memo.created_at, Memo.id)).all()
    memos: dict[tuple[str, int], list[str]] = {}
    for segment_id, author_id, text in rows:
        memos.setdefault((segment_id, author_id), []).append(text)
    return {key: "\n\n".join(texts) for key, texts in memos.items()}


def _segment_details(session: Session, ids: Sequence[str], chunk: int = 500) -> dict[str, tuple]:
    details = {}
    for start in range(0, len(ids), chunk):
        for sid, line, speaker, text, tid in session.execute(
            select(Segment.id, Segment.line, Segment.speaker, Segment.text, Segment.transcript_id)
            .where(Segment.id.in_(list(ids[start:start + chunk])))
        ):
            details[sid] = (line, speaker, text, tid)
    return details


def decide(
    session: Session, lead: User, segment_id: str, code: str | int, decision: str, *,
    replacement: str | int | None = None, reason: str | None = None,
) -> Decision:
    """Record (or change) the consensus for a segment and code. Leads and admins only."""
    if decision not in DECISIONS:
        raise FgiError(_('unknown decision {decision}', decision=repr(decision)), hint=_('one of: {join}', join=', '.join(DECISIONS)))
    segment, transcript = get_segment(session, segment_id)
    project = session.get(Project, transcript.project_id)
    require(session, lead, "reconcile", project)
    target = resolve_code(session, project, code)
    other = None
    if decision == REPLACE:
        if replacement is None:
            raise FgiError(_('a replace decision needs the code to put in its place'),
                           hint=_("fgi reconcile decide ... --replace 'NEW/PATH'"))
        other = resolve_code(session, project, replacement)
        if other.id == target.id:
            raise FgiError(_('a code cannot replace itself'), hint=_('use --apply to keep it'))
    elif replacement is not None:
        raise FgiError(_('a replacement code only goes with a replace decision, not {decision}', decision=decision))
    reason = (reason or "").strip() or None
    row = session.scalar(select(ConsensusDecision).where(
        ConsensusDecision.segment_id == segment.id, ConsensusDecision.code_id == target.id))
    return write_decision(session, lead, project, segment, target, code_path(session, target), row, decision, other,
                          reason)


def write_decision(session: Session, lead: User, project: Project, segment: Segment, code: Code, path: str,
                   row: ConsensusDecision | None, decision: str, other: Code | None, reason: str | None,
                   **payload: object) -> Decision:
    """Store one consensus decision (a new row, or ``row`` changed) and its audited event;
    ``payload`` adds to the event's before/after (the by-line decisions add the line's version)."""
    before = _snapshot(session, row, path) if row is not None else None
    if row is None:
        row = ConsensusDecision(segment_id=segment.id, code_id=code.id)
        session.add(row)
    row.decision, row.replacement_code_id = decision, other.id if other else None
    row.decided_by, row.reason, row.decided_at = lead.id, reason, utcnow()
    session.flush()
    after = _snapshot(session, row, path)
    Event.record(session, actor=lead.name, kind="consensus.decide", project_id=project.id, subject=segment.id,
                 payload={"before": before, "after": after, **payload}, reason=reason)
    return Decision(segment.id, path, decision, after["replacement"], lead.name, reason, row.decided_at)


def withdraw(session: Session, lead: User, segment_id: str, code: str | int, *, reason: str | None = None) -> bool:
    """Take a decision back (the disagreement returns to the queue); False if there was none."""
    segment, transcript = get_segment(session, segment_id)
    project = session.get(Project, transcript.project_id)
    require(session, lead, "reconcile", project)
    target = resolve_code(session, project, code)
    row = session.scalar(select(ConsensusDecision).where(
        ConsensusDecision.segment_id == segment.id, ConsensusDecision.code_id == target.id))
    if row is None:
        return False
    before = _snapshot(session, row, code_path(session, target))
    session.delete(row)
    session.flush()
    Event.record(session, actor=lead.name, kind="consensus.withdraw", project_id=project.id,
                 subject=segment.id, payload={"before": before, "after": None}, reason=reason)
    return True


def _snapshot(session: Session, row: ConsensusDecision, path: str) -> dict:
    replacement = session.get(Code, row.replacement_code_id) if row.replacement_code_id else None
    return {"segment": row.segment_id, "code": path, "code_id": row.code_id, "decision": row.decision,
            "replacement": code_path(session, replacement) if replacement else None,
            "replacement_id": row.replacement_code_id,
            "decided_by": _user_names(session, {row.decided_by}).get(row.decided_by), "reason": row.reason}
