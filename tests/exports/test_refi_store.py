"""What a REFI-QDA import keeps (GUIDs, exact selections, code sets) is stored and read back,
and removed with what it belongs to (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from coding.codebook import insert_code
from coding.models import CodeApplication, CodeSelection, CodeSetMember, User
from coding.refi.store import StoredSelection, add_code_set, code_sets_for, keep_selection, selections_for
from fgi.models import Segment, Transcript
from fgi.storage import migrate
from fgi.study import create_project

GUID = "3f2a1c9e-0b7d-4e5f-8a6b-1c2d3e4f5a6b"


def _project_with_a_line(session):
    project = create_project(session, "보관", actor="tester")
    transcript = Transcript(id="t1", project_id=project.id, name="면담", source_name="a.txt", format="plain",
                            encoding="utf-8", unit="line", content_hash="h", text="가나다라마바사",
                            imported_by="tester", guid=GUID)
    session.add(transcript)
    session.add(Segment(id="t1-1", transcript_id="t1", line=1, source_line=1, text="가나다라마바사",
                        start=0, end=7))
    coder = User(name="김코더", password_hash="", guid=GUID)
    session.add(coder)
    session.flush()
    code = insert_code(session, project, None, "관계", {}, actor="tester", kind="codebook.import")
    code.guid = GUID
    application = CodeApplication(segment_id="t1-1", code_id=code.id, coder_id=coder.id, source="import")
    session.add(application)
    session.flush()
    return project, code, application


def test_selections_code_sets_and_guids_are_kept(db):
    with db.transaction() as session:
        project, code, application = _project_with_a_line(session)
        keep_selection(session, application.id, 4, 6, "sel-2")
        keep_selection(session, application.id, 1, 3, "sel-1")
        add_code_set(session, project, "관계 묶음", [code.id, code.id], guid=GUID, description="NVivo 집합")
    with db.reading() as session:
        application_id = session.scalar(select(CodeApplication.id))
        assert selections_for(session, [application_id, 999]) == {
            application_id: [StoredSelection(1, 3, "sel-1"), StoredSelection(4, 6, "sel-2")]}
        (stored,) = code_sets_for(session, project)
        assert (stored.guid, stored.name, stored.description, stored.code_ids) == (
            GUID, "관계 묶음", "NVivo 집합", (code.id,))
        assert session.scalar(select(Transcript.guid)) == GUID
    with db.transaction() as session:  # removing the coding and the code removes what hangs on them
        session.execute(delete(CodeApplication))
        session.execute(delete(type(code)))
    with db.reading() as session:
        assert session.scalars(select(CodeSelection)).all() == []
        assert session.scalars(select(CodeSetMember)).all() == []


def test_a_guid_is_unique_per_project_for_codes(db):
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            project, code, _ = _project_with_a_line(session)
            other = insert_code(session, project, None, "다른 코드", {}, actor="tester", kind="codebook.import")
            other.guid = GUID
            session.flush()


def test_the_migration_goes_down_and_up_again(db):
    migrate.downgrade(db.engine, "0008_app_sessions")
    migrate.upgrade(db.engine)
    with db.transaction() as session:
        _project_with_a_line(session)
