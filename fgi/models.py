"""Tables of the study: projects, participants, transcripts, segments, and the event log.

Text coordinates: ``Transcript.text`` is stored NFC-normalised with ``\\n`` line endings;
``Segment.start``/``end`` are code-point offsets into it, end-exclusive, so
``transcript.text[segment.start:segment.end] == segment.text`` always holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from fgi.errors import FgiError
from fgi.storage.base import Base, UTCDateTime, utcnow
from fgi.i18n import _

MODERATOR = "moderator"
PARTICIPANT = "participant"
ROLES = (MODERATOR, PARTICIPANT)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    blind_coding: Mapped[bool] = mapped_column(Boolean, default=True)
    pseudonymise: Mapped[bool] = mapped_column(Boolean, default=True)
    # How reports name participants: fgi.participant_labels.SCHEMES
    participant_labels: Mapped[str | None] = mapped_column(String(20))  # None: "project"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    transcripts: Mapped[list[Transcript]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Transcript.imported_at",
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Participant.pseudonym",
    )


class Transcript(Base):
    __tablename__ = "transcripts"
    __table_args__ = (
        UniqueConstraint("project_id", "content_hash"),
        # A unique index, not a constraint: SQLite adds it without rebuilding the table.
        Index("ix_transcripts_project_id_guid", "project_id", "guid", unique=True),
    )

    # A short stable key derived from the project and the content (see ingest.ids).
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    source_name: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(10))
    group: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    # The REFI-QDA GUID of the source it was imported from (None: imported from a file).
    guid: Mapped[str | None] = mapped_column(String(36))

    project: Mapped[Project] = relationship(back_populates="transcripts")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Segment.line",
    )


class Participant(Base):
    """A speaker of one transcript, known by a pseudonymous id such as ``P03``."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("project_id", "pseudonym"),
        UniqueConstraint("transcript_id", "label"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    transcript_id: Mapped[str] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), index=True
    )
    pseudonym: Mapped[str] = mapped_column(String(20))
    # The speaker label as stored in the transcript text (already pseudonymised).
    label: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default=PARTICIPANT)
    # The researcher's own label for reports (참여자 A); None: the project's scheme decides.
    report_label: Mapped[str | None] = mapped_column(String(40))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    project: Mapped[Project] = relationship(back_populates="participants")

    @property
    def group(self) -> str | None:
        return self.attributes.get("group")


class Segment(Base):
    """One coding unit: a transcript line (or a sentence of it, with ``--unit sentence``)."""

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("transcript_id", "line"),
        # Covers the matrices' read of every line (queries.matrices._read): migration 0014.
        Index("ix_segments_place", "transcript_id", "line", "participant_id", "speaker", "id"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    transcript_id: Mapped[str] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)  # 1-based position of the unit in the transcript
    source_line: Mapped[int] = mapped_column(Integer)  # line number in the imported file
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    speaker: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[float | None] = mapped_column(Float)  # seconds from the recording's start
    backchannel: Mapped[bool] = mapped_column(Boolean, default=False)
    # Content lemmas with tags, space-separated (``서류/NNG 많다/VA``); read with
    # fgi.morphology.split_tagged. Themes and search use them without re-running Kiwi.
    lemmas: Mapped[str] = mapped_column(Text, default="")
    # The line's noun runs as JSON (fgi.morphology.noun_runs), for theme labels; NULL for
    # lines imported before they were kept (theme work then analyses the text once).
    noun_runs: Mapped[str | None] = mapped_column(Text, nullable=True)

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    participant: Mapped[Participant | None] = relationship()

    @property
    def is_moderator(self) -> bool:
        return self.participant is not None and self.participant.role == MODERATOR


class PseudonymKey(Base):
    """What pseudonymisation replaced. Kept apart from the text; never exported."""

    __tablename__ = "pseudonym_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    transcript_id: Mapped[str | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # speaker, name, phone, rrn, email
    original: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(String(100))


class Event(Base):
    """The append-only audit trail: who did what, when, and why."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def record(
        cls,
        session: Session,
        *,
        actor: str,
        kind: str,
        project_id: int | None = None,
        subject: str | None = None,
        payload: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> Event:
        event = cls(
            project_id=project_id, actor=actor, kind=kind, subject=subject,
            payload=payload or {}, reason=reason,
        )
        session.add(event)
        return event


@sa_event.listens_for(Session, "before_flush")
def _events_are_append_only(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, Event):
            raise FgiError(_('the event log is append-only: events cannot be deleted'))
    for obj in session.dirty:
        if isinstance(obj, Event) and session.is_modified(obj):
            raise FgiError(_('the event log is append-only: events cannot be changed'))
