"""coding: users, memberships, codes, code applications, reveals, consensus, keyword rejections

Revision ID: 0002_coding
Revises: 0001_study
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0002_coding"
down_revision = "0001_study"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "memberships",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_memberships")),
        _fk("memberships", "project_id", "projects.id"),
        _fk("memberships", "user_id", "users.id"),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer()),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.Text()),
        sa.Column("inclusion", sa.Text()),
        sa.Column("exclusion", sa.Text()),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("example_segments", sa.JSON(), nullable=False),
        sa.Column("color", sa.String(7)),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        _fk("codes", "project_id", "projects.id"),
        _fk("codes", "parent_id", "codes.id"),
    )
    op.create_index(op.f("ix_codes_project_id"), "codes", ["project_id"])
    op.create_index(op.f("ix_codes_parent_id"), "codes", ["parent_id"])
    op.create_table(
        "code_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(24), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text()),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_applications")),
        _fk("code_applications", "segment_id", "segments.id"),
        _fk("code_applications", "code_id", "codes.id"),
        _fk("code_applications", "coder_id", "users.id"),
        sa.UniqueConstraint(
            "segment_id", "code_id", "coder_id",
            name=op.f("uq_code_applications_segment_id_code_id_coder_id"),
        ),
    )
    op.create_index(op.f("ix_code_applications_segment_id"), "code_applications", ["segment_id"])
    op.create_index(op.f("ix_code_applications_code_id"), "code_applications", ["code_id"])
    op.create_index(op.f("ix_code_applications_coder_id"), "code_applications", ["coder_id"])
    op.create_table(
        "reveals",
        sa.Column("transcript_id", sa.String(16), nullable=False),
        sa.Column("revealed_by", sa.Integer(), nullable=False),
        sa.Column("revealed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("transcript_id", name=op.f("pk_reveals")),
        _fk("reveals", "transcript_id", "transcripts.id"),
        _fk("reveals", "revealed_by", "users.id", ondelete=None),
    )
    op.create_table(
        "consensus_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(24), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("replacement_code_id", sa.Integer()),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_decisions")),
        _fk("consensus_decisions", "segment_id", "segments.id"),
        _fk("consensus_decisions", "code_id", "codes.id"),
        _fk("consensus_decisions", "replacement_code_id", "codes.id"),
        _fk("consensus_decisions", "decided_by", "users.id", ondelete=None),
        sa.UniqueConstraint(
            "segment_id", "code_id", name=op.f("uq_consensus_decisions_segment_id_code_id")
        ),
    )
    op.create_index(op.f("ix_consensus_decisions_segment_id"), "consensus_decisions", ["segment_id"])
    op.create_table(
        "keyword_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(24), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyword_rejections")),
        _fk("keyword_rejections", "segment_id", "segments.id"),
        _fk("keyword_rejections", "code_id", "codes.id"),
        _fk("keyword_rejections", "user_id", "users.id"),
        sa.UniqueConstraint(
            "segment_id", "code_id", "user_id",
            name=op.f("uq_keyword_rejections_segment_id_code_id_user_id"),
        ),
    )


def downgrade() -> None:
    for table in (
        "keyword_rejections", "consensus_decisions", "reveals", "code_applications", "codes",
        "memberships", "users",
    ):
        op.drop_table(table)
