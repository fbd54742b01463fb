"""memos: first-class memos on the project, transcripts, participants, codes, lines and
theme nodes

The memos kept until now move into the new table and their old columns are dropped:
a coder's memo on a code application becomes that coder's memo on the line (one memo per
coder, line and text, titled with the names of the codes it was written on), so removing a
code no longer removes it; a theme node's memo becomes a memo on the node (author unknown).
Downgrading puts line memos back on the author's codings of the line and node memos back on
their nodes; memos of the other kinds are lost by a downgrade.

Revision ID: 0009_memos
Revises: 0008_app_sessions
Create Date: 2026-11-29
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from fgi.storage.base import UTCDateTime

revision = "0009_memos"
down_revision = "0008_app_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("author_id", sa.Integer()),
        sa.Column("title", sa.String(200)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("guid", sa.String(36)),
        sa.Column("source", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name=op.f("fk_memos_project_id_projects")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_memos_author_id_users")),
    )
    op.create_index("ix_memos_project_id_kind_target", "memos", ["project_id", "kind", "target"])
    op.create_index(op.f("ix_memos_author_id"), "memos", ["author_id"])
    connection = op.get_bind()
    rows = _application_memos(connection) + _node_memos(connection)
    if rows:
        connection.execute(sa.insert(MEMOS), rows)
    _drop_column("code_applications", "memo")
    _drop_column("theme_nodes", "memo")


# The tables as this revision knows them (not the models, which move on).
MEMOS = sa.table("memos", *(sa.column(c) for c in (
    "project_id", "kind", "target", "author_id", "title", "text", "guid", "source")),
    sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))
APPLICATIONS = sa.table("code_applications", sa.column("id"), sa.column("segment_id"), sa.column("code_id"),
                        sa.column("coder_id"), sa.column("memo"), sa.column("created_at", UTCDateTime()))
CODES = sa.table("codes", sa.column("id"), sa.column("name"), sa.column("position"))
SEGMENTS = sa.table("segments", sa.column("id"), sa.column("transcript_id"))
TRANSCRIPTS = sa.table("transcripts", sa.column("id"), sa.column("project_id"))
NODES = sa.table("theme_nodes", sa.column("id"), sa.column("project_id"), sa.column("memo"),
                 sa.column("created_at", UTCDateTime()))
TITLE_MAX = 200


def _time(value: datetime | None) -> datetime:
    return value if value is not None else datetime.now(timezone.utc)


def _application_memos(connection) -> list[dict]:
    """One line memo per (line, coder, text): the same memo saved on several codes of a line
    (as the coding page did) becomes one memo titled with all those codes' names."""
    found = connection.execute(
        sa.select(TRANSCRIPTS.c.project_id, APPLICATIONS.c.segment_id, APPLICATIONS.c.coder_id,
                  APPLICATIONS.c.memo, APPLICATIONS.c.created_at, CODES.c.name)
        .select_from(APPLICATIONS.join(CODES, CODES.c.id == APPLICATIONS.c.code_id)
                     .join(SEGMENTS, SEGMENTS.c.id == APPLICATIONS.c.segment_id)
                     .join(TRANSCRIPTS, TRANSCRIPTS.c.id == SEGMENTS.c.transcript_id))
        .where(APPLICATIONS.c.memo.is_not(None))
        .order_by(APPLICATIONS.c.segment_id, APPLICATIONS.c.coder_id, APPLICATIONS.c.created_at,
                  APPLICATIONS.c.id)).all()
    memos: dict[tuple, dict] = {}
    for project_id, segment_id, coder_id, memo, created_at, code_name in found:
        text = (memo or "").strip()
        if not text:
            continue
        row = memos.setdefault((segment_id, coder_id, text), {
            "project_id": project_id, "kind": "segment", "target": segment_id, "author_id": coder_id,
            "names": [], "text": text, "created_at": _time(created_at), "guid": None, "source": "app"})
        if code_name not in row["names"]:
            row["names"].append(code_name)
    rows = []
    for row in memos.values():
        title = ", ".join(row.pop("names"))
        row["title"] = title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"
        row["updated_at"] = row["created_at"]
        rows.append(row)
    return rows


def _node_memos(connection) -> list[dict]:
    found = connection.execute(sa.select(NODES.c.id, NODES.c.project_id, NODES.c.memo, NODES.c.created_at)
                               .where(NODES.c.memo.is_not(None)).order_by(NODES.c.id)).all()
    return [{"project_id": project_id, "kind": "node", "target": str(node_id), "author_id": None, "title": None,
             "text": memo.strip(), "created_at": _time(created_at), "updated_at": _time(created_at),
             "guid": None, "source": "app"}
            for node_id, project_id, memo, created_at in found if memo and memo.strip()]


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a plain column in place (3.35+); a batch copy would drop and
        # recreate the table, which cascades deletes into the tables that refer to it.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    op.add_column("code_applications", sa.Column("memo", sa.Text()))
    op.add_column("theme_nodes", sa.Column("memo", sa.Text()))
    connection = op.get_bind()
    memos = sa.table("memos", sa.column("kind"), sa.column("target"), sa.column("author_id"),
                     sa.column("text"), sa.column("id"))
    joined: dict[tuple, list[str]] = {}
    for kind, target, author_id, text in connection.execute(
            sa.select(memos.c.kind, memos.c.target, memos.c.author_id, memos.c.text)
            .where(memos.c.kind.in_(("segment", "node"))).order_by(memos.c.id)):
        joined.setdefault((kind, target, author_id if kind == "segment" else None), []).append(text)
    for (kind, target, author_id), texts in joined.items():
        text = "\n\n".join(texts)
        if kind == "segment" and author_id is not None:
            connection.execute(sa.update(APPLICATIONS).where(APPLICATIONS.c.segment_id == target,
                                                             APPLICATIONS.c.coder_id == author_id)
                               .values(memo=text))
        elif kind == "node" and target.isdigit():
            connection.execute(sa.update(NODES).where(NODES.c.id == int(target)).values(memo=text))
    op.drop_index(op.f("ix_memos_author_id"), table_name="memos")
    op.drop_index("ix_memos_project_id_kind_target", table_name="memos")
    op.drop_table("memos")
