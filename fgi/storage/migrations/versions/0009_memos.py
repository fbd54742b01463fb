"""memos: first-class memos on the project, transcripts, participants, codes, lines and
theme nodes

Revision ID: 0009_memos
Revises: 0008_app_sessions
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0009_memos"
down_revision = "0008_app_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("author_id", sa.Integer()),
        sa.Column("title", sa.String(200)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("guid", sa.String(36)),
        sa.Column("source", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name=op.f("fk_memos_project_id_projects")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_memos_author_id_users")),
    )
    op.create_index("ix_memos_project_id_kind_target", "memos", ["project_id", "kind", "target"])
    op.create_index(op.f("ix_memos_author_id"), "memos", ["author_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_memos_author_id"), table_name="memos")
    op.drop_index("ix_memos_project_id_kind_target", table_name="memos")
    op.drop_table("memos")
