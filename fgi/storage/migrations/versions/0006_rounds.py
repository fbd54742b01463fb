"""rounds: reveal snapshots, coding rounds and their transcripts, the post-reveal setting

Existing projects move into an open round 1 that lists every transcript they have, so
every existing coding belongs to round 1; nothing is changed or removed.

Revision ID: 0006_rounds
Revises: 0005_login_attempts
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0006_rounds"
down_revision = "0005_login_attempts"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".", 1)[0]
    return sa.ForeignKeyConstraint(
        [column], [target], ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "coding_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("codebook_at_open", sa.JSON(), nullable=False),
        sa.Column("codebook_at_close", sa.JSON()),
        sa.Column("agreement", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_rounds")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_coding_rounds_project_id_number")),
        _fk("coding_rounds", "project_id", "projects.id"),
    )
    op.create_index(op.f("ix_coding_rounds_project_id"), "coding_rounds", ["project_id"])
    op.create_table(
        "round_transcripts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "transcript_id", name=op.f("pk_round_transcripts")),
        _fk("round_transcripts", "round_id", "coding_rounds.id"),
        _fk("round_transcripts", "transcript_id", "transcripts.id"),
    )
    op.create_index(op.f("ix_round_transcripts_transcript_id"), "round_transcripts", ["transcript_id"])
    op.create_table(
        "reveal_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.String(16), nullable=False),
        sa.Column("round_id", sa.Integer()),
        sa.Column("revealed_by", sa.Integer(), nullable=False),
        sa.Column("revealed_at", UTCDateTime(), nullable=False),
        sa.Column("codings", sa.Integer(), nullable=False),
        sa.Column("coding_ids", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_snapshots")),
        _fk("reveal_snapshots", "project_id", "projects.id"),
        _fk("reveal_snapshots", "transcript_id", "transcripts.id"),
        _fk("reveal_snapshots", "round_id", "coding_rounds.id", ondelete="SET NULL"),
        _fk("reveal_snapshots", "revealed_by", "users.id", ondelete=None),
    )
    op.create_index(op.f("ix_reveal_snapshots_project_id"), "reveal_snapshots", ["project_id"])
    op.create_index(op.f("ix_reveal_snapshots_transcript_id"), "reveal_snapshots", ["transcript_id"])
    op.create_table(
        "coding_settings",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("post_reveal", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_coding_settings")),
        _fk("coding_settings", "project_id", "projects.id"),
    )
    _existing_projects_into_round_one()


def _existing_projects_into_round_one() -> None:
    bind = op.get_bind()
    projects = sa.table("projects", sa.column("id", sa.Integer()), sa.column("created_at", UTCDateTime()))
    transcripts = sa.table("transcripts", sa.column("id", sa.String()), sa.column("project_id", sa.Integer()))
    rounds = sa.table(
        "coding_rounds", sa.column("id", sa.Integer()), sa.column("project_id", sa.Integer()),
        sa.column("number", sa.Integer()), sa.column("note", sa.Text()), sa.column("opened_by", sa.String()),
        sa.column("opened_at", UTCDateTime()), sa.column("codebook_at_open", sa.JSON()),
    )
    listed = sa.table("round_transcripts", sa.column("round_id", sa.Integer()),
                      sa.column("transcript_id", sa.String()))
    for project_id, created_at in bind.execute(sa.select(projects.c.id, projects.c.created_at)).all():
        bind.execute(rounds.insert().values(
            project_id=project_id, number=1, note=None, opened_by="-", opened_at=created_at,
            codebook_at_open=[]))
        round_id = bind.execute(sa.select(rounds.c.id).where(rounds.c.project_id == project_id,
                                                             rounds.c.number == 1)).scalar_one()
        ids = bind.execute(sa.select(transcripts.c.id).where(transcripts.c.project_id == project_id)).scalars().all()
        if ids:
            bind.execute(listed.insert(), [{"round_id": round_id, "transcript_id": t} for t in ids])


def downgrade() -> None:
    op.drop_table("coding_settings")
    op.drop_table("reveal_snapshots")
    op.drop_table("round_transcripts")
    op.drop_table("coding_rounds")
