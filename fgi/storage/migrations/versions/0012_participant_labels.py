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
    # Plain ADD / DROP COLUMN (nullable; None: the default scheme): a SQLite batch rebuild
    # would drop the old table, and with foreign keys on that deletes every row that refers to it.
    op.add_column("projects", sa.Column("participant_labels", sa.String(20), nullable=True))
    op.add_column("participants", sa.Column("report_label", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_column("participants", "report_label")
    op.drop_column("projects", "participant_labels")
