"""app sessions: logged-in browsers, by a hash of their cookie token

Revision ID: 0008_app_sessions
Revises: 0006_rounds
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0008_app_sessions"
down_revision = "0006_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_app_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_app_sessions_user_id_users")),
    )
    op.create_index(op.f("ix_app_sessions_user_id"), "app_sessions", ["user_id"])
    op.create_index(op.f("ix_app_sessions_expires_at"), "app_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_app_sessions_expires_at"), table_name="app_sessions")
    op.drop_index(op.f("ix_app_sessions_user_id"), table_name="app_sessions")
    op.drop_table("app_sessions")
