"""Migration 0009_memos on a database that has memos of both old kinds: memos on code
applications and on theme nodes move into ``memos``, nothing is lost, the old columns go,
and a downgrade puts them back (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from coding.applications import codings_for, remove_code
from coding.memos import memos_for
from coding.models import Memo
from coding.users import get_user
from fgi.storage import migrate, open_database
from fgi.storage.base import UTCDateTime
from fgi.storage.engine import make_engine
from fgi.study import get_project

BEFORE = "0008_app_sessions"
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
APPLICATIONS = sa.table("code_applications", sa.column("segment_id"), sa.column("code_id"), sa.column("coder_id"),
                        sa.column("memo"), sa.column("source"), sa.column("created_at", UTCDateTime()))
NODES = sa.table("theme_nodes", sa.column("id"), sa.column("project_id"), sa.column("parent_id"), sa.column("level"),
                 sa.column("name"), sa.column("memo"), sa.column("position"), sa.column("created_at", UTCDateTime()))


def _old_database(database_url, kiwi, scratch_dir) -> dict:
    """A project at revision 0008 with memos on codings and on a theme node."""
    from coding import users
    from coding.codebook_io import import_codebook_file
    from coding.models import Code
    from fgi.ingest import import_files
    from fgi.study import create_project
    from tests.coding.conftest import SAMPLE_CODEBOOK, SAMPLE_TRANSCRIPTS
    from tests.old_schema import database_at

    def build(session) -> dict:
        project = create_project(session, "옛 연구", actor="setup")
        import_codebook_file(session, project, SAMPLE_CODEBOOK, actor="setup")
        [result] = import_files(session, project, [SAMPLE_TRANSCRIPTS / "주민_FGI_1차.txt"], actor="setup",
                                analyzer=kiwi)
        a, b = (users.create_user(session, n, "비밀번호1234", role="coder", actor="setup") for n in ("가", "나"))
        for user in (a, b):
            users.add_member(session, project, user, actor="setup")
        codes = {c.name: c.id for c in session.scalars(select(Code).where(Code.project_id == project.id))}
        return {"project": project.id, "transcript": result.transcript_id, "a": a.id, "b": b.id, "codes": codes}

    # The project, codebook, transcript and users are made with today's code; the memos,
    # kept in columns today's models no longer have, are written into revision 0008's tables.
    made = database_at(database_url, BEFORE, scratch_dir, build)
    line = lambda n: f"{made['transcript']}-{n:04d}"  # noqa: E731
    a, b, codes = made["a"], made["b"], made["codes"]
    stigma, confidence, relations = codes["참여 초기의 낙인감"], codes["자신감 회복"], codes["관계 회복"]
    rows = [
        (line(10), stigma, a, "주민센터에서 창피함"),
        (line(10), confidence, a, "주민센터에서 창피함"),  # the same memo on a second code
        (line(10), relations, a, "관계 이야기"),  # another memo of the same coder on the line
        (line(12), stigma, a, None),
        (line(12), confidence, a, "   "),  # blank: nothing to keep
        (line(10), stigma, b, "B의 메모"),
    ]
    engine = make_engine(database_url)
    assert migrate.current_revision(engine) == BEFORE
    with engine.begin() as connection:
        connection.execute(sa.insert(APPLICATIONS), [
            {"segment_id": s, "code_id": c, "coder_id": u, "memo": m, "source": "manual", "created_at": WHEN}
            for s, c, u, m in rows])
        connection.execute(sa.insert(NODES), [
            {"id": 1, "project_id": made["project"], "parent_id": None, "level": "theme", "name": "낙인",
             "memo": "보고서 3장", "position": 0, "created_at": WHEN},
            {"id": 2, "project_id": made["project"], "parent_id": None, "level": "theme", "name": "회복",
             "memo": None, "position": 1, "created_at": WHEN}])
    engine.dispose()
    return {"line10": line(10), "line12": line(12)}


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_memos_on_codings_and_nodes_move_into_memos_and_back(database_url, kiwi, tmp_path):
    old = _old_database(database_url, kiwi, tmp_path)
    db = open_database(database_url, upgrade=True)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert "memo" not in _columns(db.engine, "code_applications") and "memo" not in _columns(db.engine, "theme_nodes")
    with db.reading() as session:
        project = get_project(session, "옛 연구")
        rows = session.scalars(select(Memo).order_by(Memo.id)).all()
        got = sorted((m.kind, m.target, m.author_id is not None and get_user(session, "가").id == m.author_id,
                      m.title, m.text) for m in rows)
        assert all(m.created_at == WHEN and m.updated_at == WHEN and m.source == "app" for m in rows)
        node_memo = next(m for m in rows if m.kind == "node")
        assert node_memo.author_id is None
        a_sees = {(c.segment_id, c.code_path.split("/")[-1]): c.memo
                  for c in codings_for(session, get_user(session, "가"), project=project)}
    assert got == [
        ("node", "1", False, None, "보고서 3장"),
        ("segment", old["line10"], False, "참여 초기의 낙인감", "B의 메모"),
        ("segment", old["line10"], True, "관계 회복", "관계 이야기"),
        ("segment", old["line10"], True, "참여 초기의 낙인감, 자신감 회복", "주민센터에서 창피함"),
    ]
    # every coding of the line carries the coder's (first) memo on it
    assert a_sees[(old["line10"], "관계 회복")] == "주민센터에서 창피함"
    assert a_sees[(old["line12"], "자신감 회복")] is None

    # removing the code the memo was written on keeps it
    with db.transaction() as session:
        remove_code(session, get_user(session, "가"), old["line10"], "참여주민이 경험한 자활/참여 초기의 낙인감")
    with db.reading() as session:
        project = get_project(session, "옛 연구")
        texts = [m.text for m in memos_for(session, project, viewer=get_user(session, "가"), kind="segment")]
    assert sorted(texts) == ["관계 이야기", "주민센터에서 창피함"]
    db.dispose()

    engine = make_engine(database_url)
    migrate.downgrade(engine, BEFORE)
    assert "memos" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        memos = connection.execute(sa.select(APPLICATIONS.c.segment_id, APPLICATIONS.c.code_id, APPLICATIONS.c.memo)
                                   .where(APPLICATIONS.c.memo.is_not(None))).all()
        nodes = dict(connection.execute(sa.select(NODES.c.id, NODES.c.memo)).all())
    assert {m for _, _, m in memos} == {"주민센터에서 창피함\n\n관계 이야기", "B의 메모"}
    assert len(memos) == 3  # A's two remaining codings of line 10 and B's
    assert nodes == {1: "보고서 3장", 2: None}
    migrate.upgrade(engine, "head")
    with Session(engine) as session:
        assert len(session.scalars(select(Memo)).all()) == 3  # A's memos joined, B's, the node's
    engine.dispose()
