"""themes: embedding and feature caches, proposal runs and candidates, the theme hierarchy

Revision ID: 0003_themes
Revises: 0002_coding
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0003_themes"
down_revision = "0002_coding"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "embedding_cache",
        sa.Column("embedder_id", sa.String(300), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("embedder_id", "text_hash", name=op.f("pk_embedding_cache")),
    )
    op.create_table(
        "feature_cache",
        sa.Column("feature_id", sa.String(100), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("feature_id", "text_hash", name=op.f("pk_feature_cache")),
    )
    op.create_table(
        "theme_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("units", sa.String(10), nullable=False),
        sa.Column("embedder", sa.String(300), nullable=False),
        sa.Column("clusterer", sa.String(50), nullable=False),
        sa.Column("k", sa.String(10), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("n_units", sa.Integer(), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_runs")),
        _fk("theme_runs", "project_id", "projects.id"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_runs_project_id"), "theme_runs", ["project_id"])
    op.create_table(
        "theme_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("member_codes", sa.JSON(), nullable=False),
        sa.Column("representatives", sa.JSON(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_candidates")),
        _fk("theme_candidates", "run_id", "theme_runs.id"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_candidates_run_id"), "theme_candidates", ["run_id"])
    op.create_table(
        "theme_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer()),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("memo", sa.Text()),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_nodes")),
        _fk("theme_nodes", "project_id", "projects.id"),
        _fk("theme_nodes", "parent_id", "theme_nodes.id"),
        _fk("theme_nodes", "candidate_id", "theme_candidates.id", ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_theme_nodes_project_id"), "theme_nodes", ["project_id"])
    op.create_index(op.f("ix_theme_nodes_parent_id"), "theme_nodes", ["parent_id"])
    op.create_table(
        "theme_node_codes",
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code_id", name=op.f("pk_theme_node_codes")),
        _fk("theme_node_codes", "code_id", "codes.id"),
        _fk("theme_node_codes", "node_id", "theme_nodes.id"),
    )
    op.create_index(op.f("ix_theme_node_codes_node_id"), "theme_node_codes", ["node_id"])
    op.create_table(
        "theme_node_segments",
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "segment_id", name=op.f("pk_theme_node_segments")),
        _fk("theme_node_segments", "node_id", "theme_nodes.id"),
        _fk("theme_node_segments", "segment_id", "segments.id"),
    )


def downgrade() -> None:
    for table in (
        "theme_node_segments", "theme_node_codes", "theme_nodes", "theme_candidates", "theme_runs",
        "feature_cache", "embedding_cache",
    ):
        op.drop_table(table)
