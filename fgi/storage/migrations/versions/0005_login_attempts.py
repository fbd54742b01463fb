"""coding: failed login attempts, counted in the database so every app process shares them

Revision ID: 0005_login_attempts
Revises: 0004_cli_tokens
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_login_attempts"
down_revision = "0004_cli_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_login_attempts")),
    )


def downgrade() -> None:
    op.drop_table("login_attempts")
