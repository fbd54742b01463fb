"""Tables of team coding: users and memberships, the codebook, code applications,
reveals and their agreement snapshots, coding rounds, consensus decisions, rejected
keyword suggestions and memos.

A code's *path* is its ancestors' names and its own joined by ``/``
(``참여주민의 변화/자신감 회복``). Names are unique among siblings; the domain code
(``coding.codebook``) enforces it, because NULL parents make a database constraint
unreliable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fgi.storage.base import Base, UTCDateTime, utcnow

CODER = "coder"
LEAD = "lead"
ADMIN = "admin"
USER_ROLES = (CODER, LEAD, ADMIN)

# Where a code application came from.
MANUAL = "manual"
KEYWORD = "keyword"
SUGGESTION = "suggestion"
IMPORT = "import"
APPLICATION_SOURCES = (MANUAL, KEYWORD, SUGGESTION, IMPORT)

# May coders change codings of a transcript after its reveal? (a project setting)
POST_REVEAL_BLOCKED = "blocked"
POST_REVEAL_ALLOWED = "allowed"
POST_REVEAL_POLICIES = (POST_REVEAL_BLOCKED, POST_REVEAL_ALLOWED)

# What a lead decided for a (segment, code) during reconciliation.
APPLY = "apply"
REJECT = "reject"
REPLACE = "replace"
DECISIONS = (APPLY, REJECT, REPLACE)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10), default=CODER)  # coder, lead, admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_lead(self) -> bool:
        """Leads and admins see every coder's codings and may reveal and reconcile."""
        return self.role in (LEAD, ADMIN)


class Membership(Base):
    """A user who may code in a project."""

    __tablename__ = "memberships"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Code(Base):
    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str | None] = mapped_column(Text)
    inclusion: Mapped[str | None] = mapped_column(Text)
    exclusion: Mapped[str | None] = mapped_column(Text)
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)  # free-text examples
    example_segments: Mapped[list[str]] = mapped_column(JSON, default=list)  # segment ids
    color: Mapped[str | None] = mapped_column(String(7))  # #RRGGBB
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # lemmas or phrases
    position: Mapped[int] = mapped_column(Integer, default=0)  # order among siblings
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Code | None] = relationship(remote_side=[id])


class CodeApplication(Base):
    """One coder's coding of one segment with one code."""

    __tablename__ = "code_applications"
    __table_args__ = (UniqueConstraint("segment_id", "code_id", "coder_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    memo: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default=MANUAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reveal(Base):
    """A lead lifted blind coding for a transcript: coders now see each other's codings."""

    __tablename__ = "reveals"

    transcript_id: Mapped[str] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), primary_key=True
    )
    revealed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsensusDecision(Base):
    """The team's decision for one (segment, code) after reconciliation."""

    __tablename__ = "consensus_decisions"
    __table_args__ = (UniqueConstraint("segment_id", "code_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(10))  # apply, reject, replace
    replacement_code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KeywordRejection(Base):
    """A coder turned down a keyword suggestion; it is not suggested to them again."""

    __tablename__ = "keyword_rejections"
    __table_args__ = (UniqueConstraint("segment_id", "code_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CliToken(Base):
    """A login of the command line (``fgi login``): only the token's SHA-256 is stored, so
    deleting the row (``fgi logout``) makes the copy in the user's config folder useless."""

    __tablename__ = "cli_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Wrong-password count of one user name (case-folded) in its current window, shared
    by every app process on the database (``coding.login_throttle``). Times are epoch
    seconds, so one atomic ``INSERT ... ON CONFLICT DO UPDATE`` can compare them."""

    __tablename__ = "login_attempts"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[float] = mapped_column(Float)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)


class AppSession(Base):
    """A logged-in browser (the app's session cookie). Only a hash of the token is stored;
    ``credential`` fingerprints the user's password hash and role at login, so a changed
    password or role ends the session (coding.app_sessions)."""

    __tablename__ = "app_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RevealSnapshot(Base):
    """The agreement of a transcript's independent coding at the moment it was revealed.

    Written once by ``coding.reveal.reveal`` and never changed: it is the independent
    coders' reliability, whatever coders change afterwards. A transcript recoded in a later
    round gets a snapshot per reveal."""

    __tablename__ = "reveal_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    transcript_id: Mapped[str] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("coding_rounds.id", ondelete="SET NULL"))
    revealed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    codings: Mapped[int] = mapped_column(Integer)  # code applications the report was computed from
    coding_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    report: Mapped[dict] = mapped_column(JSON)  # coding.agreement.as_json of the transcript


class CodingRound(Base):
    """A round of team coding: a set of transcripts, a time span and the codebook's state.

    A coding belongs to the round whose transcripts include its transcript and whose span
    (opened_at to closed_at) includes its time. The transcripts of the project's latest
    round include every transcript no round lists (new imports join the current round);
    closing a round lists them for good."""

    __tablename__ = "coding_rounds"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codebook_at_open: Mapped[list[dict]] = mapped_column(JSON, default=list)
    codebook_at_close: Mapped[list[dict] | None] = mapped_column(JSON)
    agreement: Mapped[dict | None] = mapped_column(JSON)  # frozen at close


class RoundTranscript(Base):
    __tablename__ = "round_transcripts"

    round_id: Mapped[int] = mapped_column(ForeignKey("coding_rounds.id", ondelete="CASCADE"), primary_key=True)
    transcript_id: Mapped[str] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CodingSettings(Base):
    """Team-coding settings of a project (a missing row means the defaults)."""

    __tablename__ = "coding_settings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    post_reveal: Mapped[str] = mapped_column(String(10), default=POST_REVEAL_BLOCKED)


# What a memo is about; its ``target`` is that thing's id as a string ("" for the project).
MEMO_PROJECT = "project"
MEMO_TRANSCRIPT = "transcript"
MEMO_PARTICIPANT = "participant"
MEMO_CODE = "code"
MEMO_SEGMENT = "segment"
MEMO_NODE = "node"
MEMO_KINDS = (MEMO_PROJECT, MEMO_TRANSCRIPT, MEMO_PARTICIPANT, MEMO_CODE, MEMO_SEGMENT, MEMO_NODE)
MEMO_SOURCES = ("app", "import")


class Memo(Base):
    """A researcher's memo on the project, a transcript, a participant, a code, a line
    (segment) or a theme node. It belongs to its target, not to a coding: removing a code
    from a line leaves the line's memos alone (``coding.memos``)."""

    __tablename__ = "memos"
    __table_args__ = (Index("ix_memos_project_id_kind_target", "project_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # MEMO_KINDS
    target: Mapped[str] = mapped_column(String(40), default="")
    # None: the author is unknown (imported), or their user was deleted
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    guid: Mapped[str | None] = mapped_column(String(36))  # REFI-QDA GUID, kept across export/import
    source: Mapped[str] = mapped_column(String(10), default="app")  # MEMO_SOURCES
