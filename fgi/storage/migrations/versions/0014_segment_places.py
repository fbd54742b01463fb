"""study: a covering index of where each line is and who said it

Revision ID: 0014_segment_places
Revises: 0013_noun_runs
Create Date: 2026-11-30

Matrices read every line's transcript, position and speaker with its codes
(queries.matrices._read). From this index SQLite reads them without touching the line's
row (its text and lemmas): twice as fast at 100,000 lines (docs/benchmarks.md).
"""

from alembic import op

revision = "0014_segment_places"
down_revision = "0013_noun_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_segments_place", "segments", ["transcript_id", "line", "participant_id", "speaker", "id"])


def downgrade() -> None:
    op.drop_index("ix_segments_place", table_name="segments")
