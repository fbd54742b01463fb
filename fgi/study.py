"""Projects, transcripts, participants and segments: the reads and edits everyone uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fgi.errors import FgiError, NotFound
from fgi.ingest.layout import format_timestamp
from fgi.models import MODERATOR, ROLES, Event, Participant, Project, Segment, Transcript
from fgi.i18n import _


@dataclass(frozen=True)
class ProjectSummary:
    id: int
    name: str
    transcripts: int
    segments: int
    created_at: datetime


@dataclass(frozen=True)
class TranscriptSummary:
    id: str
    name: str
    format: str
    group: str | None
    segments: int
    speakers: int
    imported_at: datetime


@dataclass(frozen=True)
class SegmentRow:
    id: str
    line: int
    source_line: int
    speaker: str | None
    participant: str | None  # pseudonymous id
    role: str | None
    text: str
    start: int
    end: int
    timestamp: str | None
    backchannel: bool
    lemmas: str

    @property
    def is_moderator(self) -> bool:
        return self.role == MODERATOR


def create_project(
    session: Session, name: str, *, actor: str, description: str | None = None,
    blind_coding: bool = True, pseudonymise: bool = True,
) -> Project:
    name = name.strip()
    if not name:
        raise FgiError(_("a project needs a name"), hint=_("give it a name, e.g. 자활 FGI 2024"))
    if len(name) > 200:
        raise FgiError(_("a project name can be at most 200 characters"))
    if session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise FgiError(_("a project named {name} already exists", name=repr(name)), hint=_("choose another name"))
    project = Project(
        name=name, description=description, blind_coding=blind_coding, pseudonymise=pseudonymise
    )
    session.add(project)
    try:
        session.flush()
    except IntegrityError:  # created by someone else between our check and our insert
        raise FgiError(_("a project named {name} already exists", name=repr(name)), hint=_("choose another name")) from None
    Event.record(session, actor=actor, kind="project.create", project_id=project.id,
                 subject=str(project.id), payload={"name": name})
    return project


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        names = session.scalars(select(Project.name).order_by(Project.name)).all()
        raise NotFound(
            _("no project named {name}", name=repr(name)),
            hint=_("existing projects: {names}", names=", ".join(names)) if names else _("create one first"),
        )
    return project


def list_projects(session: Session) -> list[ProjectSummary]:
    transcripts = (
        select(Transcript.project_id, func.count(Transcript.id).label("n"))
        .group_by(Transcript.project_id).subquery()
    )
    segments = (
        select(Transcript.project_id, func.count(Segment.id).label("n"))
        .join(Segment, Segment.transcript_id == Transcript.id)
        .group_by(Transcript.project_id).subquery()
    )
    rows = session.execute(
        select(Project, func.coalesce(transcripts.c.n, 0), func.coalesce(segments.c.n, 0))
        .outerjoin(transcripts, transcripts.c.project_id == Project.id)
        .outerjoin(segments, segments.c.project_id == Project.id)
        .order_by(Project.name)
    ).all()
    return [ProjectSummary(p.id, p.name, t, s, p.created_at) for p, t, s in rows]


def list_transcripts(session: Session, project: Project) -> list[TranscriptSummary]:
    segments = (
        select(Segment.transcript_id, func.count(Segment.id).label("n"))
        .group_by(Segment.transcript_id).subquery()
    )
    speakers = (
        select(Participant.transcript_id, func.count(Participant.id).label("n"))
        .group_by(Participant.transcript_id).subquery()
    )
    rows = session.execute(
        select(Transcript, func.coalesce(segments.c.n, 0), func.coalesce(speakers.c.n, 0))
        .outerjoin(segments, segments.c.transcript_id == Transcript.id)
        .outerjoin(speakers, speakers.c.transcript_id == Transcript.id)
        .where(Transcript.project_id == project.id)
        .order_by(Transcript.imported_at, Transcript.name)
    ).all()
    return [
        TranscriptSummary(t.id, t.name, t.format, t.group, n, k, t.imported_at) for t, n, k in rows
    ]


def get_transcript(session: Session, key: str, project: Project | None = None) -> Transcript:
    """A transcript by id, or by name within ``project``."""
    transcript = session.get(Transcript, key)
    if transcript is None and project is not None:
        transcript = session.scalar(
            select(Transcript).where(Transcript.project_id == project.id, Transcript.name == key)
        )
    if transcript is None or (project is not None and transcript.project_id != project.id):
        raise NotFound(_("no transcript {key}", key=repr(key)), hint=_("list them with: fgi transcripts --project NAME"))
    return transcript


def list_segments(session: Session, transcript_id: str) -> list[SegmentRow]:
    rows = session.execute(
        select(Segment, Participant.pseudonym, Participant.role)
        .outerjoin(Participant, Segment.participant_id == Participant.id)
        .where(Segment.transcript_id == transcript_id)
        .order_by(Segment.line)
    ).all()
    return [
        SegmentRow(
            s.id, s.line, s.source_line, s.speaker, pseudonym, role, s.text, s.start, s.end,
            format_timestamp(s.timestamp), s.backchannel, s.lemmas,
        )
        for s, pseudonym, role in rows
    ]


def list_participants(session: Session, project: Project) -> list[Participant]:
    return list(session.scalars(
        select(Participant).where(Participant.project_id == project.id).order_by(Participant.pseudonym)
    ))


def update_participant(
    session: Session, participant_id: int, *, actor: str, role: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> Participant:
    """Change a participant's role or free attributes (such as ``group``); audited."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(_("no participant with id {id}", id=participant_id))
    before = {"role": participant.role, "attributes": dict(participant.attributes)}
    if role is not None:
        if role not in ROLES:
            raise FgiError(_("unknown role {role}", role=repr(role)), hint=_("use one of: {choices}", choices=", ".join(ROLES)))
        participant.role = role
    if attributes is not None:
        participant.attributes = {k: v for k, v in attributes.items() if v not in (None, "")}
    after = {"role": participant.role, "attributes": dict(participant.attributes)}
    if after != before:
        Event.record(session, actor=actor, kind="participant.update", project_id=participant.project_id,
                     subject=participant.pseudonym, payload={"before": before, "after": after})
    return participant
