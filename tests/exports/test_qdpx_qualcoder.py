"""Our ``.qdpx`` imported by QualCoder's own importer (headless): every coder's codings arrive
under their own name on the right characters, with the code tree, the coding memos and the
sources. Runs where QualCoder's source and PyQt6 are present (``tests/exports/qualcoder_reader.py``
says how); skips with the reason elsewhere."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from coding.applications import apply_code, codings_for
from coding.consensus import consensus_codings
from coding.refi.data import CONSENSUS_USER
from coding.users import get_user
from fgi.models import Segment, Transcript
from fgi.study import get_project
from tests.exports import qualcoder_reader
from tests.exports.conftest import CODER_A, LEAD, PROJECT
from tests.exports.test_qdpx import export

MEMO = "자신감이 분명히 드러남"

pytestmark = pytest.mark.skipif(qualcoder_reader.missing_reason() is not None,
                                reason=qualcoder_reader.missing_reason() or "")


def test_qualcoder_keeps_every_coders_codings(sqlite_db, kiwi, tmp_path):
    from tests.exports.conftest import build_study

    build_study(sqlite_db, kiwi)
    with sqlite_db.transaction() as session:
        coder = get_user(session, CODER_A)
        first = codings_for(session, coder, project=get_project(session, PROJECT), coder=coder)[0]
        apply_code(session, coder, first.segment_id, first.code_id, memo=MEMO)
    path = export(sqlite_db, tmp_path / "project.qdpx")
    imported = qualcoder_reader.import_with_qualcoder(path, tmp_path)

    with sqlite_db.reading() as session:
        project = get_project(session, PROJECT)
        lead = get_user(session, LEAD)
        transcripts = {t.id: t for t in session.scalars(select(Transcript).where(Transcript.project_id == project.id))}
        segments = {s.id: s for s in session.scalars(select(Segment).where(Segment.transcript_id.in_(transcripts)))}
        expected = Counter()
        for c in codings_for(session, lead, project=project):
            s = segments[c.segment_id]
            expected[(transcripts[s.transcript_id].name, c.code_path.rsplit("/", 1)[-1], s.start, s.end, c.coder)] += 1
        for c in consensus_codings(session, project, viewer=lead):
            if c.settled:
                s = segments[c.segment_id]
                expected[(transcripts[s.transcript_id].name, c.code.rsplit("/", 1)[-1], s.start, s.end,
                          CONSENSUS_USER)] += 1
        texts = {t.name: t.text for t in transcripts.values()}

    assert not [line for line in imported.log if "Duplicated" in line]
    assert {name: text for name, text, _ in imported.sources.values()} == texts
    read = Counter((source, code.rsplit("/", 1)[-1], pos0, pos1, owner)
                   for source, code, pos0, pos1, owner, _, _ in imported.codings)
    assert read == expected and sum(read.values()) > 40
    assert all(texts[source][pos0:pos1] == seltext for source, _, pos0, pos1, _, seltext, _ in imported.codings)
    assert [(owner, memo) for *_, owner, _, memo in imported.codings if memo] == [(CODER_A, MEMO)]
    paths = {imported.code_path(cid) for cid in imported.codes}
    assert "실무자가 본 성과/참여주민의 변화/심리·정서적 변화/자신감 회복" in paths  # the theme folders are categories


def test_qualcoder_reads_memos_as_journals_and_annotations(sqlite_db, kiwi, tmp_path):
    """What QualCoder keeps of our memos: a line memo becomes an annotation on that line; the
    memos on the project, a participant, a code and a theme node become journals; a transcript
    memo is lost (QualCoder reads a source's NoteRef only as an annotation with a position)."""
    from coding.memos import write_memo
    from coding.models import Code
    from fgi.models import Participant
    from tests.exports.conftest import build_study
    from themes.models import ThemeNode

    build_study(sqlite_db, kiwi)
    with sqlite_db.transaction() as session:
        project = get_project(session, PROJECT)
        lead = get_user(session, LEAD)
        transcript = session.scalars(select(Transcript).where(Transcript.project_id == project.id)).first()
        line = codings_for(session, lead, project=project)[0]
        targets = {
            "project": "", "transcript": transcript.id, "segment": line.segment_id,
            "participant": str(session.scalars(select(Participant.id).where(Participant.project_id == project.id)).first()),
            "code": str(session.scalars(select(Code.id).where(Code.project_id == project.id)).first()),
            "node": str(session.scalars(select(ThemeNode.id).where(ThemeNode.project_id == project.id)).first()),
        }
        for kind, target in targets.items():
            write_memo(session, project, actor=lead, kind=kind, target=target, text=f"{kind} 메모")
        segment = session.get(Segment, line.segment_id)
        span = (segment.start, segment.end)
    imported = qualcoder_reader.import_with_qualcoder(export(sqlite_db, tmp_path / "memos.qdpx"), tmp_path)
    assert [(memo, (pos0, pos1), owner) for _, pos0, pos1, memo, owner in imported.annotations] == [
        ("segment 메모", span, LEAD)]
    assert sorted(text for _, text, _ in imported.journals) == ["code 메모", "node 메모", "participant 메모",
                                                               "project 메모"]
