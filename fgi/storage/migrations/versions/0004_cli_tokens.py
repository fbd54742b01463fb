"""coding: command-line logins (hashed tokens from fgi login)

Revision ID: 0004_cli_tokens
Revises: 0003_themes
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0004_cli_tokens"
down_revision = "0003_themes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cli_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cli_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_cli_tokens_token_hash")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_cli_tokens_user_id_users")),
    )
    op.create_index(op.f("ix_cli_tokens_user_id"), "cli_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cli_tokens_user_id"), table_name="cli_tokens")
    op.drop_table("cli_tokens")
