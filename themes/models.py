"""Tables of theme work: the embedding caches, proposal runs and their candidates, and the
theme hierarchy (domain > theme > sub-theme > code).

Caches are global, not per project: a row is keyed by what computed it (an embedder's
configuration id, or a feature extractor's id) and the SHA-256 of the text, and holds
nothing but numbers or lemmas, so the same line in two projects is analysed once.

The hierarchy is a tree of ``ThemeNode`` rows per project. Codes hang under sub-themes
through ``ThemeNodeCode``, whose primary key is the code alone: a code sits under one
sub-theme at most, and the database says so. Sub-themes may also hold evidence lines
(``ThemeNodeSegment``), the lines of the candidate they were accepted from. The other
invariants (levels, names unique among siblings, no cycles) live in ``themes.hierarchy``,
because NULL parents make a database constraint unreliable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fgi.storage.base import Base, UTCDateTime, utcnow

DOMAIN = "domain"
THEME = "theme"
SUBTHEME = "subtheme"
LEVELS = (DOMAIN, THEME, SUBTHEME)  # top to bottom; codes sit under sub-themes

# Which lines a proposal run clusters.
CODED = "coded"
ALL = "all"
UNIT_CHOICES = (CODED, ALL)
PROPOSAL_LEVELS = (SUBTHEME, THEME)


class EmbeddingCache(Base):
    """The vector of one text under one inductive embedder configuration (float32 bytes)."""

    __tablename__ = "embedding_cache"

    embedder_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeatureCache(Base):
    """The per-text features of a transductive embedder (e.g. Kiwi noun lemmas)."""

    __tablename__ = "feature_cache"

    feature_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThemeRun(Base):
    """One ``fgi themes propose``: what was clustered, how, and when."""

    __tablename__ = "theme_runs"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10))  # subtheme (lines) or theme (codes)
    units: Mapped[str] = mapped_column(String(10))  # coded or all
    embedder: Mapped[str] = mapped_column(String(300))  # the embedder's configuration id
    clusterer: Mapped[str] = mapped_column(String(50))
    k: Mapped[str] = mapped_column(String(10))  # "auto" or a number
    seed: Mapped[int] = mapped_column(Integer)
    n_units: Mapped[int] = mapped_column(Integer)  # lines (or codes) clustered
    input_hash: Mapped[str] = mapped_column(String(64))  # of the units' ids and texts
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # k scores, cache counts
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThemeCandidate(Base):
    """A cluster a run proposed. Lists are stored as JSON: segment ids and code ids."""

    __tablename__ = "theme_candidates"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0 = largest
    label: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    members: Mapped[list[str]] = mapped_column(JSON, default=list)  # segment ids
    member_codes: Mapped[list[int]] = mapped_column(JSON, default=list)  # theme level: the codes clustered
    representatives: Mapped[list[str]] = mapped_column(JSON, default=list)  # segment ids, closest first
    codes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{id, lines, share}] by lines
    participants: Mapped[int] = mapped_column(Integer, default=0)
    groups: Mapped[int] = mapped_column(Integer, default=0)


class ThemeNode(Base):
    """A domain, theme or sub-theme of a project's hierarchy (its memos are ``coding.models.Memo``
    rows of kind ``node``)."""

    __tablename__ = "theme_nodes"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("theme_nodes.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10))  # domain, theme, subtheme
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order among siblings
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme_candidates.id", ondelete="SET NULL"))  # accepted from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThemeNodeCode(Base):
    """A code placed under a sub-theme; one place per code."""

    __tablename__ = "theme_node_codes"

    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("theme_nodes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ThemeNodeSegment(Base):
    """An evidence line of a sub-theme (from the candidate it was accepted from)."""

    __tablename__ = "theme_node_segments"

    node_id: Mapped[int] = mapped_column(ForeignKey("theme_nodes.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)


class ThemeNodeCandidate(Base):
    """A proposal candidate a node holds: accepted as it, or merged into it with the node
    it was accepted as. A candidate is taken once; this row is what says it was."""

    __tablename__ = "theme_node_candidates"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("theme_candidates.id", ondelete="CASCADE"),
                                              primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("theme_nodes.id", ondelete="CASCADE"), index=True)


class ThemeQuote(Base):
    """A representative quote a researcher pinned to a node, in the order they chose."""

    __tablename__ = "theme_quotes"

    node_id: Mapped[int] = mapped_column(ForeignKey("theme_nodes.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
