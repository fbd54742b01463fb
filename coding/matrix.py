"""Codings as arrays: units x coders x codes, read in a few queries.

Units are segments. Back-channels (네, 음) and the moderator's lines are left out unless
asked for, because nobody codes them and counting them as agreed absences inflates
agreement. A coder *coded* a transcript when they applied at least one code anywhere in
it; on the units of a transcript they did not code, their values are missing (not
"absent"). Coders are the users with an application in scope, or a list given.

Reading everyone's codings is subject to the blind-coding rule of
:mod:`coding.applications`: leads and admins always; other members only where the project
is open or every transcript in scope has been revealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import code_index
from coding.errors import PermissionDenied
from coding.models import ADMIN, CodeApplication, Reveal, User
from coding.permissions import require
from fgi.errors import NotFound
from fgi.models import MODERATOR, Participant, Project, Segment, Transcript
from fgi.study import get_transcript
from fgi.i18n import _


@dataclass(frozen=True)
class Scope:
    """Which units count. The defaults are the usual ones for line-by-line FGI coding."""

    transcript_id: str | None = None
    include_backchannels: bool = False
    include_moderator: bool = False
    only_coded_units: bool = False
    coders: tuple[str, ...] | None = None  # user names; None = everyone who coded


@dataclass(frozen=True)
class CodingData:
    """Everyone's codings in scope. Axis order everywhere: units, coders, codes."""

    project_id: int
    unit_ids: list[str]  # segment ids, in transcript and line order
    unit_transcript: np.ndarray  # index into ``transcripts`` for each unit
    transcripts: list[tuple[str, str]]  # (id, name), in import order
    coders: list[str]
    coder_ids: list[int]
    code_ids: list[int]  # codes applied at least once in scope
    code_paths: list[str]
    applied: np.ndarray  # bool, units x coders x codes
    coded: np.ndarray  # bool, units x coders: the coder coded the unit's transcript
    unused_codes: list[str]  # codebook codes nobody applied in scope

    def subset(self, units: np.ndarray) -> CodingData:
        """The same data restricted to some units (a boolean mask), codes unused there dropped."""
        applied = self.applied[units]
        used = applied.any(axis=(0, 1))
        return CodingData(
            self.project_id, [u for u, keep in zip(self.unit_ids, units) if keep],
            self.unit_transcript[units], self.transcripts, self.coders, self.coder_ids,
            [c for c, keep in zip(self.code_ids, used) if keep],
            [p for p, keep in zip(self.code_paths, used) if keep],
            applied[:, :, used], self.coded[units],
            self.unused_codes + [p for p, keep in zip(self.code_paths, used) if not keep],
        )


def require_full_view(session: Session, viewer: User, project: Project, transcript_ids: Sequence[str]) -> None:
    """Raise PermissionDenied unless ``viewer`` may see every coder's codings in scope."""
    if viewer.role == ADMIN or viewer.is_lead:
        require(session, viewer, "codings.read.all", project)
        return
    require(session, viewer, "codings.read.own", project)
    if not project.blind_coding:
        return
    revealed = set(session.scalars(select(Reveal.transcript_id).where(Reveal.transcript_id.in_(list(transcript_ids)))))
    hidden = [t for t in transcript_ids if t not in revealed]
    if hidden:
        raise PermissionDenied(
            _('coding is blind in {name} and {count} transcript(s) in scope are not revealed, so only a lead or admin may compare coders ({name2} is a {role})', name=repr(project.name), count=len(hidden), name2=viewer.name, role=viewer.role),
            hint=_('a lead can reveal them: fgi reveal --as LEAD --transcript {hidden}', hidden=hidden[0]),
        )


def load_coding(session: Session, project: Project, viewer: User, scope: Scope = Scope()) -> CodingData:
    """Read the units, codes and codings in scope and build the arrays (a few queries)."""
    transcript_id = None
    if scope.transcript_id is not None:  # an id, or a name within the project
        transcript_id = get_transcript(session, scope.transcript_id, project).id
    query = (
        select(Segment.id, Segment.transcript_id, Segment.backchannel, Participant.role)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .where(Transcript.project_id == project.id)
        .order_by(Transcript.imported_at, Transcript.id, Segment.line)
    )
    listed = select(Transcript.id, Transcript.name).where(Transcript.project_id == project.id)
    if transcript_id is not None:
        query = query.where(Transcript.id == transcript_id)
        listed = listed.where(Transcript.id == transcript_id)
    segments = session.execute(query).all()
    transcripts = [tuple(row) for row in session.execute(listed.order_by(Transcript.imported_at, Transcript.id))]
    require_full_view(session, viewer, project, [t for t, _ in transcripts])

    units = [
        (sid, tid) for sid, tid, backchannel, role in segments
        if (scope.include_backchannels or not backchannel) and (scope.include_moderator or role != MODERATOR)
    ]
    query = (
        select(CodeApplication.segment_id, CodeApplication.code_id, CodeApplication.coder_id)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.project_id == project.id)
    )
    if transcript_id is not None:
        query = query.where(Transcript.id == transcript_id)
    applications = session.execute(query).all()
    coders = _coders(session, scope.coders, {coder for _, _, coder in applications})
    data = _arrays(session, project, units, transcripts, segments, applications, coders)
    return only_coded(data) if scope.only_coded_units else data


def _coders(session: Session, names: Sequence[str] | None, seen: set[int]) -> list[tuple[int, str]]:
    if names is None:
        rows = session.execute(select(User.id, User.name).where(User.id.in_(seen))).all() if seen else []
        return sorted(((i, n) for i, n in rows), key=lambda row: row[1])
    rows = dict(session.execute(select(User.name, User.id).where(User.name.in_(list(names)))).all())
    missing = [n for n in names if n not in rows]
    if missing:
        raise NotFound(_('no user named {missing}', missing=repr(missing[0])), hint=_('list users with: fgi user list'))
    return [(rows[n], n) for n in dict.fromkeys(names)]


def _arrays(session, project, units, transcripts, segments, applications, coders) -> CodingData:
    unit_index = {sid: i for i, (sid, _) in enumerate(units)}
    transcript_index = {tid: i for i, (tid, _) in enumerate(transcripts)}
    segment_transcript = {sid: tid for sid, tid, *_ in segments}
    coder_index = {cid: i for i, (cid, _) in enumerate(coders)}
    mine = [(s, k, c) for s, k, c in applications if c in coder_index]

    codes = code_index(session, project)
    path_of = {code.id: path for path, code in codes.items()}
    in_scope = [(unit_index[s], coder_index[c], k) for s, k, c in mine if s in unit_index]
    used = sorted({k for _, _, k in in_scope}, key=lambda k: path_of.get(k, ""))
    code_position = {k: i for i, k in enumerate(used)}

    applied = np.zeros((len(units), len(coders), len(used)), dtype=bool)
    if in_scope:
        u, c, k = np.array([(u, c, code_position[k]) for u, c, k in in_scope]).T
        applied[u, c, k] = True
    took_part = np.zeros((len(transcripts), len(coders)), dtype=bool)
    for s, _, c in mine:
        took_part[transcript_index[segment_transcript[s]], coder_index[c]] = True
    unit_transcript = np.array([transcript_index[t] for _, t in units], dtype=np.int64)
    coded = took_part[unit_transcript] if len(units) else np.zeros((0, len(coders)), dtype=bool)
    return CodingData(
        project.id, [s for s, _ in units], unit_transcript, transcripts,
        [n for _, n in coders], [i for i, _ in coders], used, [path_of[k] for k in used],
        applied, coded, sorted(p for p, code in codes.items() if code.id not in code_position),
    )


def only_coded(data: CodingData) -> CodingData:
    """Leave out the units no coder applied any code to."""
    return data.subset(data.applied.any(axis=(1, 2)))
