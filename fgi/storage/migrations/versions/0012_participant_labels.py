"""study: how reports name participants (the project's scheme, a participant's own label)

Revision ID: 0012_participant_labels
Revises: 0011_theme_quotes
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_participant_labels"
down_revision = "0011_theme_quotes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable columns (None: the default scheme), added in place on SQLite without rebuilding tables
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("participant_labels", sa.String(20), nullable=True))
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("report_label", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("report_label")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("participant_labels")
