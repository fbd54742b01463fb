"""Tables of team coding: users and memberships, the codebook, code applications,
reveals, consensus decisions and rejected keyword suggestions.

A code's *path* is its ancestors' names and its own joined by ``/``
(``참여주민의 변화/자신감 회복``). Names are unique among siblings; the domain code
(``coding.codebook``) enforces it, because NULL parents make a database constraint
unreliable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
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
