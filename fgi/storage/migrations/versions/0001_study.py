"""the study: projects, transcripts, participants, segments, pseudonym keys, events

Revision ID: 0001_study
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0001_study"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("blind_coding", sa.Boolean(), nullable=False),
        sa.Column("pseudonymise", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    op.create_table(
        "transcripts",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("encoding", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("group", sa.String(100)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcripts")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], ondelete="CASCADE",
            name=op.f("fk_transcripts_project_id_projects"),
        ),
        sa.UniqueConstraint("project_id", "content_hash", name=op.f("uq_transcripts_project_id_content_hash")),
    )
    op.create_index(op.f("ix_transcripts_project_id"), "transcripts", ["project_id"])
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.String(16), nullable=False),
        sa.Column("pseudonym", sa.String(20), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], ondelete="CASCADE",
            name=op.f("fk_participants_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["transcript_id"], ["transcripts.id"], ondelete="CASCADE",
            name=op.f("fk_participants_transcript_id_transcripts"),
        ),
        sa.UniqueConstraint("project_id", "pseudonym", name=op.f("uq_participants_project_id_pseudonym")),
        sa.UniqueConstraint("transcript_id", "label", name=op.f("uq_participants_transcript_id_label")),
    )
    op.create_index(op.f("ix_participants_project_id"), "participants", ["project_id"])
    op.create_index(op.f("ix_participants_transcript_id"), "participants", ["transcript_id"])
    op.create_table(
        "segments",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("transcript_id", sa.String(16), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer()),
        sa.Column("speaker", sa.String(100)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.Float()),
        sa.Column("backchannel", sa.Boolean(), nullable=False),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.ForeignKeyConstraint(
            ["transcript_id"], ["transcripts.id"], ondelete="CASCADE",
            name=op.f("fk_segments_transcript_id_transcripts"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], ondelete="SET NULL",
            name=op.f("fk_segments_participant_id_participants"),
        ),
        sa.UniqueConstraint("transcript_id", "line", name=op.f("uq_segments_transcript_id_line")),
    )
    op.create_index(op.f("ix_segments_transcript_id"), "segments", ["transcript_id"])
    op.create_index(op.f("ix_segments_participant_id"), "segments", ["participant_id"])
    op.create_table(
        "pseudonym_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.String(16)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("replacement", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym_keys")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], ondelete="CASCADE",
            name=op.f("fk_pseudonym_keys_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["transcript_id"], ["transcripts.id"], ondelete="CASCADE",
            name=op.f("fk_pseudonym_keys_transcript_id_transcripts"),
        ),
    )
    op.create_index(op.f("ix_pseudonym_keys_project_id"), "pseudonym_keys", ["project_id"])
    op.create_index(op.f("ix_pseudonym_keys_transcript_id"), "pseudonym_keys", ["transcript_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer()),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], ondelete="CASCADE",
            name=op.f("fk_events_project_id_projects"),
        ),
    )
    op.create_index(op.f("ix_events_project_id"), "events", ["project_id"])
    op.create_index(op.f("ix_events_at"), "events", ["at"])
    op.create_index(op.f("ix_events_kind"), "events", ["kind"])


def downgrade() -> None:
    for table in ("events", "pseudonym_keys", "segments", "participants", "transcripts", "projects"):
        op.drop_table(table)
