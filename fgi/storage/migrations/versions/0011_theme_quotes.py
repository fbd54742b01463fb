"""theme quotes: representative quotes pinned to hierarchy nodes, and the candidates a node
holds (accepted as it or merged into it), so a candidate is taken once

Revision ID: 0011_theme_quotes
Revises: 0010_refi
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_theme_quotes"
down_revision = "0010_refi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "theme_quotes",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "segment_id", name=op.f("pk_theme_quotes")),
        sa.ForeignKeyConstraint(["node_id"], ["theme_nodes.id"], ondelete="CASCADE",
                                name=op.f("fk_theme_quotes_node_id_theme_nodes")),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE",
                                name=op.f("fk_theme_quotes_segment_id_segments")),
    )
    op.create_table(
        "theme_node_candidates",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_theme_node_candidates")),
        sa.ForeignKeyConstraint(["candidate_id"], ["theme_candidates.id"], ondelete="CASCADE",
                                name=op.f("fk_theme_node_candidates_candidate_id_theme_candidates")),
        sa.ForeignKeyConstraint(["node_id"], ["theme_nodes.id"], ondelete="CASCADE",
                                name=op.f("fk_theme_node_candidates_node_id_theme_nodes")),
    )
    op.create_index(op.f("ix_theme_node_candidates_node_id"), "theme_node_candidates", ["node_id"])
    # Candidates accepted before this table existed are taken by the node made of them.
    op.execute("INSERT INTO theme_node_candidates (candidate_id, node_id) "
               "SELECT candidate_id, MIN(id) FROM theme_nodes WHERE candidate_id IS NOT NULL GROUP BY candidate_id")


def downgrade() -> None:
    op.drop_index(op.f("ix_theme_node_candidates_node_id"), table_name="theme_node_candidates")
    op.drop_table("theme_node_candidates")
    op.drop_table("theme_quotes")
