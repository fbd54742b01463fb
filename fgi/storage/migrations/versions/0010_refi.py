"""refi: REFI-QDA GUIDs kept with codes, transcripts and users; the exact selections of
imported codings inside their lines; code sets

Existing rows get no GUID (exports derive a stable one for them); nothing is changed or
removed.

Revision ID: 0010_refi
Revises: 0009_memos
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0010_refi"
down_revision = "0009_memos"  # 0008_app_sessions before the memos branch was merged
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    # Plain ADD COLUMN and unique indexes: a SQLite batch rebuild would drop the old table,
    # and with foreign keys on, that deletes every row that refers to it.
    op.add_column("users", sa.Column("guid", sa.String(36)))
    op.create_index(op.f("ix_users_guid"), "users", ["guid"], unique=True)
    op.add_column("codes", sa.Column("guid", sa.String(36)))
    op.create_index(op.f("ix_codes_project_id_guid"), "codes", ["project_id", "guid"], unique=True)
    op.add_column("transcripts", sa.Column("guid", sa.String(36)))
    op.create_index(op.f("ix_transcripts_project_id_guid"), "transcripts", ["project_id", "guid"], unique=True)
    op.create_table(
        "code_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(36)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_selections")),
        _fk("code_selections", "application_id", "code_applications.id"),
    )
    op.create_index(op.f("ix_code_selections_application_id"), "code_selections", ["application_id"])
    op.create_index(op.f("ix_code_selections_guid"), "code_selections", ["guid"])
    op.create_table(
        "code_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(36)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_sets")),
        sa.UniqueConstraint("project_id", "guid", name=op.f("uq_code_sets_project_id_guid")),
        _fk("code_sets", "project_id", "projects.id"),
    )
    op.create_index(op.f("ix_code_sets_project_id"), "code_sets", ["project_id"])
    op.create_table(
        "code_set_members",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("set_id", "code_id", name=op.f("pk_code_set_members")),
        _fk("code_set_members", "set_id", "code_sets.id"),
        _fk("code_set_members", "code_id", "codes.id"),
    )
    op.create_index(op.f("ix_code_set_members_code_id"), "code_set_members", ["code_id"])


def downgrade() -> None:
    op.drop_table("code_set_members")
    op.drop_table("code_sets")
    op.drop_table("code_selections")
    for table, index in (("transcripts", "ix_transcripts_project_id_guid"),
                         ("codes", "ix_codes_project_id_guid"), ("users", "ix_users_guid")):
        op.drop_index(op.f(index), table_name=table)
        op.drop_column(table, "guid")
