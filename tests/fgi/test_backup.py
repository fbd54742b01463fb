from __future__ import annotations

import pytest

from fgi.errors import InputError
from fgi.ingest import import_files
from fgi.storage.backup import backup, restore
from fgi.storage.fingerprint import fingerprint
from fgi.study import create_project
from tests.conftest import REPO


def test_backup_and_restore_give_back_every_row(db, kiwi, tmp_path):
    with db.transaction() as session:
        project = create_project(session, "백업 시험", actor="tester")
        import_files(session, project, [REPO / "transcripts" / "주민_FGI_1차.txt"], actor="tester", analyzer=kiwi)
    saved = fingerprint(db.engine)
    assert saved["segments"][0] == 64
    target = backup(db.engine, tmp_path / "fgi.backup")
    with pytest.raises(InputError, match="already exists"):
        backup(db.engine, target)

    with db.transaction() as session:
        create_project(session, "백업 뒤에 만든 프로젝트", actor="tester")
    assert fingerprint(db.engine) != saved

    restore(db.engine, target)
    assert fingerprint(db.engine) == saved


def test_restore_refuses_what_is_not_a_backup(sqlite_db, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("백업 아님", encoding="utf-8")
    before = fingerprint(sqlite_db.engine)
    with pytest.raises(InputError, match="not a SQLite backup"):
        restore(sqlite_db.engine, bogus)
    assert fingerprint(sqlite_db.engine) == before
