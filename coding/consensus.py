"""The consensus coding: what every coder agreed on, corrected by the leads' decisions.

For a segment, the consensus holds the codes every coder who coded it applied, plus the
codes a lead decided to apply, plus replacement codes, minus the codes a lead rejected
or replaced. An explicit decision on a (segment, code) always wins, including over a
replacement that names the same code. A segment is *settled* when it was coded and none
of its disagreements is still undecided; only settled segments count after
reconciliation. Coders' own codings are read, never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import code_index
from coding.matrix import CodingData, Scope, load_coding
from coding.models import APPLY, REPLACE, ConsensusDecision, User
from fgi.models import Project, Segment, Transcript

CONSENSUS = "(consensus)"  # the consensus as a rater in agreement reports
AGREED, DECIDED, REPLACEMENT = "agreed", "decided", "replacement"


@dataclass(frozen=True)
class ConsensusCoding:
    segment_id: str
    transcript_id: str
    code: str  # path
    basis: str  # agreed (all coders), decided (a lead applied it), replacement (of another code)
    settled: bool  # no undecided disagreement left on the segment


@dataclass(frozen=True)
class Consensus:
    code_ids: list[int]  # the data's codes, then codes only decisions mention
    code_paths: list[str]
    applied: np.ndarray  # units x coders x codes (coders' codings on the extended code axis)
    value: np.ndarray  # units x codes: in the consensus
    basis: np.ndarray  # units x codes: 0 none, 1 agreed, 2 decided, 3 replacement
    settled: np.ndarray  # units


def decision_rows(session: Session, project: Project, transcript_id: str | None = None) -> list[ConsensusDecision]:
    query = (select(ConsensusDecision).join(Segment, Segment.id == ConsensusDecision.segment_id)
             .join(Transcript, Transcript.id == Segment.transcript_id).where(Transcript.project_id == project.id))
    if transcript_id is not None:
        query = query.where(Transcript.id == transcript_id)
    return list(session.scalars(query))


def consensus_of(session: Session, data: CodingData) -> Consensus:
    """The consensus over the units of ``data`` (one query for the decisions)."""
    project = session.get(Project, data.project_id)
    unit_index = {sid: i for i, sid in enumerate(data.unit_ids)}
    rows = [d for d in decision_rows(session, project) if d.segment_id in unit_index]
    paths = {code.id: path for path, code in code_index(session, project).items()}
    known = set(data.code_ids)
    extra = sorted({c for d in rows for c in (d.code_id, d.replacement_code_id) if c is not None and c not in known},
                   key=lambda c: paths[c])
    code_ids = data.code_ids + extra
    position = {c: i for i, c in enumerate(code_ids)}
    units, coders = data.coded.shape
    applied = np.concatenate([data.applied, np.zeros((units, coders, len(extra)), bool)], axis=2)

    ones = applied.sum(axis=1)
    coded = data.coded.sum(axis=1)[:, None]
    agreed = (ones == coded) & (coded > 0)
    basis = np.where(agreed, 1, 0)
    decided = np.zeros_like(agreed)
    for d in rows:
        u, k = unit_index[d.segment_id], position[d.code_id]
        decided[u, k] = True
        basis[u, k] = 2 if d.decision == APPLY else 0
    for d in rows:
        if d.decision == REPLACE:
            u, r = unit_index[d.segment_id], position[d.replacement_code_id]
            if not decided[u, r]:
                basis[u, r] = 3
    undecided = (ones > 0) & (ones < coded) & ~decided
    settled = data.coded.any(axis=1) & ~undecided.any(axis=1)
    return Consensus(code_ids, data.code_paths + [paths[c] for c in extra], applied, basis > 0, basis, settled)


def with_consensus(session: Session, data: CodingData) -> tuple[CodingData, np.ndarray]:
    """``data`` with the consensus as one more rater (last), present on settled units only."""
    c = consensus_of(session, data)
    value = c.value & c.settled[:, None]
    combined = CodingData(
        data.project_id, data.unit_ids, data.unit_transcript, data.transcripts,
        data.coders + [CONSENSUS], data.coder_ids + [-1], c.code_ids, c.code_paths,
        np.concatenate([c.applied, value[:, None, :]], axis=1),
        np.concatenate([data.coded, c.settled[:, None]], axis=1),
        [p for p in data.unused_codes if p not in set(c.code_paths)],
    )
    return combined, c.settled


def consensus_codings(
    session: Session, project: Project, *, viewer: User, transcript_id: str | None = None,
) -> list[ConsensusCoding]:
    """The consensus coding of every segment (back-channels and moderator lines included)."""
    data = load_coding(session, project, viewer, Scope(transcript_id, True, True))
    c = consensus_of(session, data)
    names = {1: AGREED, 2: DECIDED, 3: REPLACEMENT}
    transcript_ids = [t for t, _ in data.transcripts]
    return [
        ConsensusCoding(data.unit_ids[u], transcript_ids[data.unit_transcript[u]], c.code_paths[k],
                        names[int(c.basis[u, k])], bool(c.settled[u]))
        for u, k in zip(*np.nonzero(c.value))
    ]
