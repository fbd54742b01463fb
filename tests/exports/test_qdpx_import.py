"""REFI-QDA import: our own exports round-trip; other tools' archives are mapped onto lines."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import select

from coding.models import CodeApplication, ConsensusDecision, User
from coding.refi import import_qdpx
from coding.refi.archive import SafeArchive
from coding.refi.parse import read_qdpx
from coding import users
from coding.users import authenticate
from fgi.models import Participant, Segment, Transcript
from fgi.study import create_project, get_project
from tests.exports.conftest import HIERARCHY, PASSWORD, PROJECT
from tests.exports.test_qdpx import export
from themes.refi_hierarchy import hierarchy_folders, store_folders
from themes.tree import hierarchy_tree, walk

COPY = "복원된 프로젝트"


def content(path):
    """What an archive says, without GUIDs or segment ids."""
    with SafeArchive(path) as archive:
        project = read_qdpx(archive).project
    users = {u.guid: u.name for u in project.users}
    paths, tree = {}, []
    for node, ancestors in project.walk_codes():
        paths[node.guid] = "/".join([a.name for a in ancestors] + [node.name])
        tree.append((paths[node.guid], node.codable, node.description, node.color))
    codings = sorted((s.name, sel.start, sel.end, paths[c.code_guid], users[c.user_guid])
                     for s in project.sources for sel in s.selections for c in sel.codings)
    return {
        "sources": sorted((s.name, s.text, tuple(sorted(s.variables.items()))) for s in project.sources),
        "codes": tree,
        "codings": codings,
        "users": sorted(users.values()),
        "cases": sorted((c.name, c.label, tuple(sorted(c.variables.items()))) for c in project.cases),
    }


def _segments(session, project_name):
    project = get_project(session, project_name)
    return sorted(session.execute(
        select(Transcript.name, Segment.line, Segment.start, Segment.end, Segment.text, Participant.pseudonym,
               Participant.role)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .where(Transcript.project_id == project.id)).all())


def test_round_trip(db, study, kiwi, tmp_path):
    first = export(db, tmp_path / "first.qdpx")
    with db.transaction() as session:
        result = import_qdpx(session, first, COPY, actor="연구자", analyzer=kiwi)
        nodes = store_folders(session, get_project(session, COPY), result.folders, actor="연구자")
    assert (result.transcripts, result.codes, nodes) == (3, 29, 9)
    assert result.decisions == 2 and not result.users_created[1:]  # only (consensus) was new
    second = export(db, tmp_path / "second.qdpx", COPY)
    assert content(first) == content(second)
    with db.transaction() as session:
        admin = users.create_user(session, "관리자", PASSWORD, role="admin", actor="setup")  # sees both projects
        assert _segments(session, PROJECT) == _segments(session, COPY)
        original = [(n.level, n.name, n.memo, [c.path for c in n.codes], n.lines)
                    for n in walk(hierarchy_tree(session, get_project(session, PROJECT), viewer=admin))]
        copied = [(n.level, n.name, n.memo, [c.path for c in n.codes], n.lines)
                  for n in walk(hierarchy_tree(session, get_project(session, COPY), viewer=admin))]
        assert copied == original and [n[1] for n in copied if n[0] == "domain"] == list(HIERARCHY)
        decisions = session.scalars(select(ConsensusDecision.decision).join(Segment).join(Transcript)
                                    .where(Transcript.project_id == get_project(session, COPY).id)).all()
        assert sorted(decisions) == ["apply", "reject"]


def _archive(path, qde: str, files: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


G = "{:08d}-0000-4000-8000-000000000000".format
FOREIGN = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="다른 도구 프로젝트" origin="OtherQDA 2024">
  <Users><User guid="{G(1)}" name="Kim Coder"/></Users>
  <CodeBook><Codes>
    <Code guid="{G(10)}" name="상위 폴더" isCodable="false">
      <Code guid="{G(11)}" name="자신감" isCodable="true" color="#FF0000"><Description>자신감 회복에 관한 진술</Description></Code>
      <Code guid="{G(12)}" name="돈/생계" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{G(20)}" name="인터뷰 1" plainTextPath="internal://{G(20)}.txt">
      <PlainTextSelection guid="{G(21)}" startPosition="0" endPosition="20" creatingUser="{G(1)}">
        <Coding guid="{G(22)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(11)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{G(23)}" startPosition="30" endPosition="34">
        <Coding guid="{G(24)}"><CodeRef targetGUID="{G(12)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{G(30)}" name="메모">
      <PlainTextContent>첫 줄입니다.
둘째 줄에서 돈 이야기를 했어요.</PlainTextContent>
      <PlainTextSelection guid="{G(31)}" startPosition="8" endPosition="13">
        <Coding guid="{G(32)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(12)}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="{G(40)}" name="사진" path="internal://{G(40)}.png"/>
  </Sources>
</Project>
"""
# CRLF line endings and a BOM, as Windows tools write them: offsets count the \r too.
FOREIGN_TEXT = "\ufeff우리는 자신감이 생겼어요\r\n처음엔 힘들었어요\r\n돈이 없어서 걱정이었죠\r\n".encode("utf-8")


def test_another_tools_archive(sqlite_db, kiwi, tmp_path):
    path = _archive(tmp_path / "other.qdpx", FOREIGN, {f"Sources/{G(20)}.txt": FOREIGN_TEXT})
    with sqlite_db.transaction() as session:
        result = import_qdpx(session, path, None, actor="연구자", analyzer=kiwi)
    assert result.project == "다른 도구 프로젝트"
    # Another tool's folder stays the parent of its codes in the codebook: no theme domain.
    assert (result.transcripts, result.codes, result.folders) == (2, 3, [])
    assert any("PictureSource" in what for what in result.not_kept)
    assert any("non-codable" in what for what in result.kept)
    assert set(result.users_created) == {"Kim_Coder", "refi-import"}
    with sqlite_db.reading() as session:
        project = get_project(session, result.project)
        texts = dict(session.execute(select(Transcript.name, Transcript.text)
                                     .where(Transcript.project_id == project.id)).all())
        assert texts["인터뷰 1"] == "우리는 자신감이 생겼어요\n처음엔 힘들었어요\n돈이 없어서 걱정이었죠\n"
        coded = session.execute(
            select(Transcript.name, Segment.line, Segment.text, CodeApplication.code_id, User.name)
            .join(Segment, Segment.id == CodeApplication.segment_id)
            .join(Transcript, Transcript.id == Segment.transcript_id).join(User, User.id == CodeApplication.coder_id)
            .order_by(Transcript.name, Segment.line)).all()
        lines = [(t, line, coder) for t, line, _, _, coder in coded]
        # 0-20 crosses the first line break (counting \r): it codes lines 1 and 2; 30-34 lies inside line 3.
        assert lines == [("메모", 2, "Kim_Coder"), ("인터뷰 1", 1, "Kim_Coder"), ("인터뷰 1", 2, "Kim_Coder"),
                         ("인터뷰 1", 3, "refi-import")]
        names = set(session.scalars(select(User.name)))
        assert "Kim_Coder" in names
        assert authenticate(session, "Kim_Coder", "") is None  # no password until one is set
        from coding.codebook import list_codes
        codes = {c.path: c for c in list_codes(session, project)}
        assert codes["상위 폴더/자신감"].definition == "자신감 회복에 관한 진술"
        assert codes["상위 폴더/자신감"].color == "#FF0000"
        assert codes["상위 폴더/돈\\/생계"].name == "돈/생계"  # a "/" in a name is kept; its path escapes it


def test_import_needs_a_new_project_name(sqlite_db, kiwi, tmp_path):
    path = _archive(tmp_path / "other.qdpx", FOREIGN, {f"Sources/{G(20)}.txt": FOREIGN_TEXT})
    with sqlite_db.transaction() as session:
        create_project(session, "다른 도구 프로젝트", actor="연구자")
    from fgi.errors import FgiError
    with pytest.raises(FgiError, match="already exists"):
        with sqlite_db.transaction() as session:
            import_qdpx(session, path, None, actor="연구자", analyzer=kiwi)
