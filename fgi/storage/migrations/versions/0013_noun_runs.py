"""study: each line's noun runs, kept at import for theme labels

Revision ID: 0013_noun_runs
Revises: 0012_participant_labels
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_noun_runs"
down_revision = "0012_participant_labels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable (lines imported before have none; theme work analyses their text once).
    # Plain ADD / DROP COLUMN: a SQLite batch rebuild of segments would cascade into codings.
    op.add_column("segments", sa.Column("noun_runs", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("segments", "noun_runs")
