"""Coding rounds: code, compare, revise the codebook, code again.

A round is a set of transcripts, a time span and the codebook's state at its start and end
(``CodingRound``). A coding belongs to the round whose transcripts include its transcript
and whose span includes the time it was made. The project's latest round also holds every
transcript no round lists, so new imports join the current round; closing a round lists
them for good. A project without any round row is in an open round 1 (it is written down
the first time a round is closed or a reveal names it).

Closing a round freezes its agreement (pre-reveal codings of its transcripts as they stand
then; post-reveal changes left out). Opening the next round on a transcript already coded
starts a new blind coding of it: its reveal is lifted (the reveal's snapshot stays) and each
coder revises their own codings under the revised codebook; the round's agreement is the
coders' coding of its transcripts at its close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coding.agreement import AgreementReport, as_json, pairs, per_transcript, summary
from coding.applications import Coding, codings_for
from coding.codebook import list_codes
from coding.matrix import _arrays, require_full_view
from coding.models import CodeApplication, CodingRound, Reveal, RoundTranscript, User
from coding.multilabel import multilabel_agreement
from coding.reveal import post_reveal_applications
from coding.permissions import require
from coding.users import require_member
from fgi.errors import FgiError, NotFound
from fgi.models import MODERATOR, Event, Participant, Project, Segment, Transcript
from fgi.storage.base import utcnow
from fgi.study import get_transcript
from fgi.i18n import _

ROUND_BOOTSTRAP = 1000


class RoundClosed(FgiError):
    """A coding change on a transcript whose round is closed."""


@dataclass(frozen=True)
class RoundView:
    number: int
    open: bool
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str | None
    note: str | None
    transcripts: list[tuple[str, str]]  # (id, name) in import order
    codes_at_open: int | None  # codebook size when opened (None: not recorded, e.g. a migrated round)
    codes_at_close: int | None


@dataclass(frozen=True)
class TrendPoint:
    """One round's agreement on one code (or ``overall``)."""

    round: int
    code: str  # a code path, or "overall"
    alpha: float | None
    alpha_ci: tuple[float | None, float | None]
    percent: float | None
    fleiss_kappa: float | None
    n_units: int
    frozen: bool  # stored at the round's close (False: the open round, live)


# ---- which round ---------------------------------------------------------------------------

def _rows(session: Session, project_id: int) -> list[CodingRound]:
    return list(session.scalars(select(CodingRound).where(CodingRound.project_id == project_id)
                                .order_by(CodingRound.number)))


def _listed(session: Session, project_id: int) -> dict[int, list[str]]:
    listed: dict[int, list[str]] = {}
    for rid, tid in session.execute(
            select(RoundTranscript.round_id, RoundTranscript.transcript_id)
            .join(CodingRound, CodingRound.id == RoundTranscript.round_id)
            .where(CodingRound.project_id == project_id)):
        listed.setdefault(rid, []).append(tid)
    return listed


def round_of_transcript(session: Session, transcript: Transcript) -> CodingRound | None:
    """The round a coding of ``transcript`` made now belongs to (None: the unwritten round 1)."""
    rows = _rows(session, transcript.project_id)
    if not rows:
        return None
    listing = set(session.scalars(select(RoundTranscript.round_id)
                                  .where(RoundTranscript.transcript_id == transcript.id)))
    listed_in = [r for r in rows if r.id in listing]
    return listed_in[-1] if listed_in else rows[-1]


def require_open_round(session: Session, transcript: Transcript) -> None:
    current = round_of_transcript(session, transcript)
    if current is not None and current.closed_at is not None:
        project = session.get(Project, transcript.project_id)
        raise RoundClosed(
            _('round {number} of {name}, which holds transcript {name2}, is closed', number=current.number, name=repr(project.name), name2=repr(transcript.name)),
            hint=_('a lead opens the next round on it: fgi rounds open --project {name} --transcript {id}', name=repr(project.name), id=transcript.id))


def _transcript_ids(session: Session, project: Project, row: CodingRound, rows: list[CodingRound],
                    listed: dict[int, list[str]]) -> list[str]:
    ids = set(listed.get(row.id, []))
    if row.id == rows[-1].id:  # the latest round also holds every transcript no round lists
        everywhere = {t for ts in listed.values() for t in ts}
        ids |= {t for t in session.scalars(select(Transcript.id).where(Transcript.project_id == project.id))
                if t not in everywhere}
    return list(ids)


def _ordered(session: Session, ids: Sequence[str]) -> list[tuple[str, str]]:
    if not ids:
        return []
    return [tuple(r) for r in session.execute(select(Transcript.id, Transcript.name)
                                              .where(Transcript.id.in_(list(ids)))
                                              .order_by(Transcript.imported_at, Transcript.id))]


def ensure_first_round(session: Session, project: Project, actor: str) -> CodingRound:
    """Write down the implicit open round 1 of a project that has no round yet."""
    rows = _rows(session, project.id)
    if rows:
        return rows[-1]
    first = CodingRound(project_id=project.id, number=1, opened_by=actor, opened_at=project.created_at,
                        codebook_at_open=[])
    session.add(first)
    session.flush()
    return first


def list_rounds(session: Session, project: Project, *, viewer: User) -> list[RoundView]:
    """The project's rounds, oldest first (an implicit open round 1 when none is written)."""
    require_member(session, viewer, project.id)
    rows = _rows(session, project.id)
    if not rows:
        ids = list(session.scalars(select(Transcript.id).where(Transcript.project_id == project.id)))
        return [RoundView(1, True, project.created_at, "-", None, None, None, _ordered(session, ids), None, None)]
    listed = _listed(session, project.id)
    return [RoundView(r.number, r.closed_at is None, r.opened_at, r.opened_by, r.closed_at, r.closed_by, r.note,
                      _ordered(session, _transcript_ids(session, project, r, rows, listed)),
                      len(r.codebook_at_open) if r.codebook_at_open else None,
                      len(r.codebook_at_close) if r.codebook_at_close is not None else None)
            for r in rows]


def _get(session: Session, project: Project, number: int) -> CodingRound:
    row = session.scalar(select(CodingRound).where(CodingRound.project_id == project.id,
                                                   CodingRound.number == number))
    if row is None:
        if number == 1 and not _rows(session, project.id):
            return None  # the unwritten round 1
        raise NotFound(_('no round {number} in project {name}', number=number, name=repr(project.name)),
                       hint=_('list them with: fgi rounds list --project {name}', name=repr(project.name)))
    return row


def _codebook(session: Session, project: Project) -> list[dict]:
    return [{"path": c.path, "definition": c.definition, "inclusion": c.inclusion, "exclusion": c.exclusion}
            for c in list_codes(session, project)]


# ---- closing and opening -------------------------------------------------------------------

def close_round(session: Session, lead: User, project: Project, *, note: str | None = None,
                n_boot: int = ROUND_BOOTSTRAP, seed: int = 0) -> RoundView:
    """Close the open round: its transcripts are listed for good, its agreement is frozen and
    no coding of its transcripts changes until a later round takes them up."""
    require(session, lead, "rounds.manage", project)
    row = ensure_first_round(session, project, lead.name)
    if row.closed_at is not None:
        raise FgiError(_('round {number} of {name} is already closed', number=row.number, name=repr(project.name)),
                       hint=_('open the next one: fgi rounds open --project {name} --transcript ID', name=repr(project.name)))
    rows = _rows(session, project.id)
    ids = _transcript_ids(session, project, row, rows, _listed(session, project.id))
    listed = set(_listed(session, project.id).get(row.id, []))
    for tid in ids:
        if tid not in listed:
            session.add(RoundTranscript(round_id=row.id, transcript_id=tid))
    row.agreement = as_json(_agreement(session, project, lead, ids, n_boot, seed)) if ids else None
    row.codebook_at_close = _codebook(session, project)
    row.closed_at, row.closed_by = utcnow(), lead.name
    if note:
        row.note = "\n".join(x for x in (row.note, note.strip()) if x)
    session.flush()
    overall = (row.agreement or {}).get("overall", {})
    Event.record(session, actor=lead.name, kind="round.close", project_id=project.id, subject=str(row.number),
                 payload={"before": {"open": True}, "after": {"open": False, "transcripts": sorted(ids),
                                                               "alpha": overall.get("alpha")}},
                 reason=note)
    return next(v for v in list_rounds(session, project, viewer=lead) if v.number == row.number)


def open_round(session: Session, lead: User, project: Project, transcripts: Sequence[str], *,
               note: str | None = None) -> RoundView:
    """Open the next round on ``transcripts`` (ids or names; the same as before or new ones).
    A transcript coded in an earlier round is coded blind again: its reveal is lifted."""
    require(session, lead, "rounds.manage", project)
    rows = _rows(session, project.id)
    if not rows or rows[-1].closed_at is None:
        number = rows[-1].number if rows else 1
        raise FgiError(_('round {number} of {name} is still open', number=number, name=repr(project.name)),
                       hint=_('close it first: fgi rounds close --project {name}', name=repr(project.name)))
    if not transcripts:
        raise FgiError(_('say which transcripts the new round codes'), hint=_('--transcript ID (repeatable)'))
    ids = list(dict.fromkeys(get_transcript(session, t, project).id for t in transcripts))
    row = CodingRound(project_id=project.id, number=rows[-1].number + 1, note=(note or "").strip() or None,
                      opened_by=lead.name, opened_at=utcnow(), codebook_at_open=_codebook(session, project))
    session.add(row)
    session.flush()
    session.add_all([RoundTranscript(round_id=row.id, transcript_id=tid) for tid in ids])
    reblinded = list(session.scalars(select(Reveal.transcript_id).where(Reveal.transcript_id.in_(ids))))
    if reblinded:  # their snapshots stay in reveal_snapshots; the event names them
        session.execute(delete(Reveal).where(Reveal.transcript_id.in_(reblinded)))
    session.flush()
    Event.record(session, actor=lead.name, kind="round.open", project_id=project.id, subject=str(row.number),
                 payload={"before": None, "after": {"round": row.number, "transcripts": ids,
                                                     "blind_again": sorted(reblinded)}},
                 reason=note)
    return next(v for v in list_rounds(session, project, viewer=lead) if v.number == row.number)


# ---- agreement per round and across rounds -------------------------------------------------

def _agreement(session: Session, project: Project, viewer: User, transcript_ids: list[str],
               n_boot: int, seed: int) -> AgreementReport:
    """Agreement over the round's transcripts from the codings as they stand, without the
    post-reveal ones. Units follow ``coding.matrix`` (no back-channels, no moderator)."""
    transcripts = _ordered(session, transcript_ids)
    require_full_view(session, viewer, project, [t for t, _ in transcripts])
    segments = session.execute(
        select(Segment.id, Segment.transcript_id, Segment.backchannel, Participant.role)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .where(Segment.transcript_id.in_(transcript_ids))
        .order_by(Transcript.imported_at, Transcript.id, Segment.line)).all()
    units = [(sid, tid) for sid, tid, backchannel, role in segments if not backchannel and role != MODERATOR]
    late = set(post_reveal_applications(session, project, transcript_ids))
    applications = [
        (s, k, c) for s, k, c in session.execute(
            select(CodeApplication.segment_id, CodeApplication.code_id, CodeApplication.coder_id)
            .join(Segment, Segment.id == CodeApplication.segment_id)
            .where(Segment.transcript_id.in_(transcript_ids))).all()
        if (s, c, k) not in late
    ]
    seen = {c for _, _, c in applications}
    coders = sorted(((i, n) for i, n in session.execute(select(User.id, User.name).where(User.id.in_(seen)))),
                    key=lambda row: row[1]) if seen else []
    data = _arrays(session, project, units, transcripts, segments, applications, coders)
    result = multilabel_agreement(data.applied, data.coded, n_boot=n_boot, seed=seed)
    return AgreementReport(
        project=project.name, transcript_id=None, coders=data.coders, n_units=len(data.unit_ids), n_boot=n_boot,
        seed=seed, overall=summary("overall", "overall", result.pooled),
        codes=[summary(path, path, v) for path, v in zip(data.code_paths, result.codes)],
        pairs=pairs(data.coders, result), transcripts=per_transcript(data, n_boot, seed),
        unused_codes=data.unused_codes,
    )


def round_agreement(session: Session, project: Project, number: int, *, viewer: User,
                    n_boot: int = ROUND_BOOTSTRAP, seed: int = 0) -> dict | None:
    """A round's agreement as ``coding.agreement.as_json`` (plus ``frozen``): stored at its
    close, or live for the open round. None when the round has no transcripts."""
    require_member(session, viewer, project.id)
    row = _get(session, project, number)
    rows = _rows(session, project.id)
    if row is None:
        ids = list(session.scalars(select(Transcript.id).where(Transcript.project_id == project.id)))
    else:
        ids = _transcript_ids(session, project, row, rows, _listed(session, project.id))
    if not ids:
        return None
    if row is not None and row.closed_at is not None:
        require_full_view(session, viewer, project, ids)  # blind: a closed round's numbers too
        return {**row.agreement, "frozen": True} if row.agreement else None
    return {**as_json(_agreement(session, project, viewer, ids, n_boot, seed)), "frozen": False}


def agreement_trend(session: Session, project: Project, *, viewer: User, n_boot: int = ROUND_BOOTSTRAP,
                    seed: int = 0) -> list[TrendPoint]:
    """Overall and per-code agreement of every round, oldest first (codes by path)."""
    points = []
    for view in list_rounds(session, project, viewer=viewer):
        report = round_agreement(session, project, view.number, viewer=viewer, n_boot=n_boot, seed=seed)
        if report is None:
            continue
        for entry in [report["overall"] | {"code": "overall"}, *report["codes"]]:
            points.append(TrendPoint(view.number, entry["code"], entry["alpha"], tuple(entry["alpha_ci"]),
                                     entry["percent"], entry["fleiss_kappa"], entry["n_units"], report["frozen"]))
    return points


# ---- a round's codings -----------------------------------------------------------------------

def round_codings(session: Session, project: Project, number: int, *, viewer: User) -> list[Coding]:
    """The codings made in round ``number`` that ``viewer`` may see (the blind read)."""
    require_member(session, viewer, project.id)
    row = _get(session, project, number)
    everything = codings_for(session, viewer, project=project)
    if row is None:
        return everything
    ids = set(_transcript_ids(session, project, row, _rows(session, project.id), _listed(session, project.id)))
    return [c for c in everything if c.transcript_id in ids and row.opened_at <= c.created_at
            and (row.closed_at is None or c.created_at < row.closed_at)]



def change_marker(session: Session, project: Project) -> int:
    """The project's latest event id: it grows with every coding, round or codebook change, so
    a cached trend keyed on it is never stale."""
    return session.scalar(select(func.max(Event.id)).where(Event.project_id == project.id)) or 0
