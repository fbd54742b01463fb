"""Reveal: the deliberate end of a transcript's blind coding, and what it freezes.

At reveal the agreement of the independent codings is computed (``coding.agreement``'s
report of the transcript, as it is) and stored with the ids of the codings it was computed
from (``RevealSnapshot``). That snapshot is the independent coders' reliability for good:
whatever coders change afterwards moves only the *live* figures.

After reveal a project's setting decides whether coders may still change the transcript's
codings: ``blocked`` (the default) refuses it; ``allowed`` lets them, and such codings are
*post-reveal*: made after the transcript's latest reveal (derived from their time, so no
coding row carries a flag) and reported apart (:func:`post_reveal_changes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.agreement import agreement_report, as_json
from coding.models import (
    POST_REVEAL_ALLOWED, POST_REVEAL_BLOCKED, POST_REVEAL_POLICIES, CodeApplication, CodingRound, CodingSettings,
    Reveal, RevealSnapshot, User,
)
from coding.permissions import require
from coding.users import require_member
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Project, Segment, Transcript
from fgi.i18n import _

REVEAL_BOOTSTRAP = 1000  # resamples of the stored confidence interval
CHANGE_KINDS = ("code.apply", "code.remove", "code.memo")


class ChangeAfterReveal(FgiError):
    """A coding change on a revealed transcript while the project blocks post-reveal changes."""


@dataclass(frozen=True)
class Snapshot:
    """The stored agreement of one reveal (``report`` is ``coding.agreement.as_json``)."""

    id: int
    transcript_id: str
    transcript: str
    round_number: int | None
    revealed_at: datetime
    revealed_by: str
    codings: int
    report: dict

    @property
    def overall(self) -> dict:
        return self.report["overall"]


@dataclass(frozen=True)
class PostRevealChange:
    """A coding change made after its transcript was revealed (from the event log)."""

    transcript_id: str
    transcript: str
    segment_id: str
    line: int
    kind: str  # code.apply, code.remove, code.memo
    code: str
    coder: str
    at: datetime
    revealed_at: datetime


def is_revealed(session: Session, transcript_id: str) -> bool:
    return session.get(Reveal, transcript_id) is not None


def reveal(session: Session, lead: User, transcript_id: str, *, reason: str | None = None,
           n_boot: int = REVEAL_BOOTSTRAP, seed: int = 0) -> bool:
    """Lift blind coding for a transcript (leads and admins only) and store the agreement of
    its independent codings at this moment; False (and nothing stored) if it already was."""
    from coding.rounds import ensure_first_round, round_of_transcript  # rounds imports this module

    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise NotFound(_('no transcript {transcript_id}', transcript_id=repr(transcript_id)), hint=_('list them with: fgi transcripts --project NAME'))
    require(session, lead, "reveal", transcript.project_id)
    if is_revealed(session, transcript_id):
        return False
    project = session.get(Project, transcript.project_id)
    ids = list(session.scalars(
        select(CodeApplication.id).join(Segment, Segment.id == CodeApplication.segment_id)
        .where(Segment.transcript_id == transcript_id).order_by(CodeApplication.id)))
    report = as_json(agreement_report(session, project, viewer=lead, transcript_id=transcript_id,
                                      n_boot=n_boot, seed=seed))
    current = round_of_transcript(session, transcript) or ensure_first_round(session, project, lead.name)
    revealed = Reveal(transcript_id=transcript_id, revealed_by=lead.id)
    session.add(revealed)
    session.flush()
    snapshot = RevealSnapshot(project_id=project.id, transcript_id=transcript_id,
                              round_id=current.id, revealed_by=lead.id,
                              revealed_at=revealed.revealed_at, codings=len(ids), coding_ids=ids, report=report)
    session.add(snapshot)
    session.flush()
    overall = report["overall"]
    Event.record(session, actor=lead.name, kind="transcript.reveal", project_id=project.id, subject=transcript_id,
                 payload={"before": {"revealed": False},
                          "after": {"revealed": True, "snapshot": snapshot.id, "codings": len(ids),
                                    "alpha": overall["alpha"], "alpha_ci": overall["alpha_ci"],
                                    "percent": overall["percent"], "fleiss_kappa": overall["fleiss_kappa"]}},
                 reason=reason)
    return True


# ---- the post-reveal setting --------------------------------------------------------------

def post_reveal_policy(session: Session, project: Project) -> str:
    settings = session.get(CodingSettings, project.id)
    return settings.post_reveal if settings is not None else POST_REVEAL_BLOCKED


def set_post_reveal_policy(session: Session, lead: User, project: Project, policy: str, *,
                           reason: str | None = None) -> bool:
    """A lead blocks or allows coding changes on revealed transcripts; False if unchanged."""
    if policy not in POST_REVEAL_POLICIES:
        raise FgiError(_('unknown post-reveal setting {policy}', policy=repr(policy)), hint=_('one of: {join}', join=', '.join(POST_REVEAL_POLICIES)))
    require(session, lead, "reveal.policy", project)
    before = post_reveal_policy(session, project)
    if before == policy:
        return False
    settings = session.get(CodingSettings, project.id)
    if settings is None:
        settings = CodingSettings(project_id=project.id)
        session.add(settings)
    settings.post_reveal = policy
    session.flush()
    Event.record(session, actor=lead.name, kind="project.post_reveal", project_id=project.id, subject=project.name,
                 payload={"before": {"post_reveal": before}, "after": {"post_reveal": policy}}, reason=reason)
    return True


def check_change_allowed(session: Session, transcript: Transcript) -> None:
    """Raise unless a coding of ``transcript`` may change now: its round is open, and it is
    not revealed or the project allows post-reveal changes."""
    from coding.rounds import require_open_round

    require_open_round(session, transcript)
    if not is_revealed(session, transcript.id):
        return
    project = session.get(Project, transcript.project_id)
    if post_reveal_policy(session, project) == POST_REVEAL_ALLOWED:
        return
    raise ChangeAfterReveal(
        _('transcript {name} has been revealed and project {name2} blocks coding changes after reveal, so the independent coding stays as it was', name=repr(transcript.name), name2=repr(project.name)),
        hint=_('a lead may allow post-reveal changes: fgi rounds post-reveal allowed --project {name}', name=repr(project.name)),
    )


# ---- reading snapshots and post-reveal changes ---------------------------------------------

def snapshots(session: Session, project: Project, *, viewer: User, transcript_id: str | None = None) -> list[Snapshot]:
    """Every reveal's stored agreement (newest reveal of a transcript last), in import order."""
    require_member(session, viewer, project.id)
    query = (
        select(RevealSnapshot, Transcript.name, User.name)
        .join(Transcript, Transcript.id == RevealSnapshot.transcript_id)
        .join(User, User.id == RevealSnapshot.revealed_by)
        .where(RevealSnapshot.project_id == project.id)
        .order_by(Transcript.imported_at, Transcript.id, RevealSnapshot.revealed_at, RevealSnapshot.id)
    )
    if transcript_id is not None:
        query = query.where(RevealSnapshot.transcript_id == transcript_id)
    numbers = dict(session.execute(select(CodingRound.id, CodingRound.number)
                                   .where(CodingRound.project_id == project.id)).all())
    return [Snapshot(s.id, s.transcript_id, name, numbers.get(s.round_id), s.revealed_at, by, s.codings, s.report)
            for s, name, by in session.execute(query).all()]


def latest_snapshots(session: Session, project: Project, *, viewer: User,
                     transcript_id: str | None = None) -> list[Snapshot]:
    """The current reveal's snapshot of each revealed transcript in scope."""
    latest: dict[str, Snapshot] = {}
    for s in snapshots(session, project, viewer=viewer, transcript_id=transcript_id):
        latest[s.transcript_id] = s
    revealed = set(session.scalars(select(Reveal.transcript_id).where(Reveal.transcript_id.in_(list(latest)))))
    return [s for t, s in latest.items() if t in revealed]


def reveal_times(session: Session, project: Project) -> dict[str, datetime]:
    """When each currently revealed transcript of the project was revealed."""
    return dict(session.execute(
        select(Reveal.transcript_id, Reveal.revealed_at).join(Transcript, Transcript.id == Reveal.transcript_id)
        .where(Transcript.project_id == project.id)).all())


def post_reveal_applications(session: Session, project: Project,
                             transcript_ids: list[str] | None = None) -> list[tuple[str, int, int]]:
    """(segment id, coder id, code id) of codings made after their transcript's reveal."""
    times = reveal_times(session, project)
    if transcript_ids is not None:
        times = {t: at for t, at in times.items() if t in transcript_ids}
    if not times:
        return []
    rows = session.execute(
        select(CodeApplication.segment_id, CodeApplication.coder_id, CodeApplication.code_id,
               CodeApplication.created_at, Segment.transcript_id)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .where(Segment.transcript_id.in_(list(times)))).all()
    return [(sid, coder, code) for sid, coder, code, at, tid in rows if at > times[tid]]


def post_reveal_changes(session: Session, project: Project, *, viewer: User,
                        transcript_id: str | None = None) -> list[PostRevealChange]:
    """Coding changes (apply, remove, memo) made after their transcript's latest reveal."""
    require_member(session, viewer, project.id)
    times = reveal_times(session, project)
    if transcript_id is not None:
        times = {t: at for t, at in times.items() if t == transcript_id}
    if not times:
        return []
    segments = {
        sid: (tid, line, name) for sid, tid, line, name in session.execute(
            select(Segment.id, Segment.transcript_id, Segment.line, Transcript.name)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .where(Transcript.id.in_(list(times))))
    }
    events = session.scalars(
        select(Event).where(Event.project_id == project.id, Event.kind.in_(CHANGE_KINDS),
                            Event.at >= min(times.values())).order_by(Event.at, Event.id))
    changes = []
    for event in events:
        if event.subject not in segments:
            continue
        tid, line, name = segments[event.subject]
        if event.at <= times[tid]:
            continue
        body = event.payload.get("after") or event.payload.get("before") or {}
        changes.append(PostRevealChange(tid, name, event.subject, line, event.kind, body.get("code", ""),
                                        body.get("coder", event.actor), event.at, times[tid]))
    return changes
