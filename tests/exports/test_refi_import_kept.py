"""REFI-QDA import: refusals that name what failed, options, non-transcript sources, the
project file's name, and what is kept from other tools (memos, code sets, GUIDs)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from coding.codebook import list_codes
from coding.codebook_io import import_codebook_file
from coding.memos import memos_for
from coding.models import Code, User
from coding.refi import import_qdpx
from coding.refi.store import code_sets_for
from coding.users import create_user
from fgi.errors import InputError
from fgi.ingest import ImportOptions
from fgi.models import Participant, Project, Segment, Transcript
from fgi.study import create_project, get_project

FIXTURES = Path(__file__).parents[1] / "fixtures" / "refi"
QUALCODER = FIXTURES / "qualcoder-3.8-korean.qdpx"
NVIVO = FIXTURES / "nvivo-win-12.6-oltas.qdpx"


def _repack(source: Path, target: Path, change=None, rename: dict[str, str] | None = None,
            extra: dict[str, bytes] | None = None) -> Path:
    """A copy of an archive with members renamed, changed (``change(name, data)``) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if change:
                data = change(name, data)
            new.writestr((rename or {}).get(name, name), data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def _project_count(db) -> int:
    with db.reading() as session:
        return len(session.scalars(select(Project)).all())


def test_selections_that_fit_no_reading_refuse_the_file_and_are_named(db, kiwi, tmp_path):
    # The first source's text loses its last lines: its last selections now lie past the end.
    def cut(name, data):
        if name.endswith(".txt") and "이런 모임이".encode() in data:
            return data[:data.index("진행자: 어떤".encode())]
        return data

    broken = _repack(QUALCODER, tmp_path / "broken.qdpx", cut)
    with pytest.raises(InputError) as raised:
        with db.transaction() as session:
            import_qdpx(session, broken, "망가진", actor="연구자", analyzer=kiwi)
    message = raised.value.message
    assert "broken.qdpx" in str(raised.value) and "주민_FGI_발췌.txt" in message
    assert "3bc951b5-bc5e-4951-8e9b-b7be497eadf1 at 277-295" in message  # guid and positions
    assert "nothing was imported" in raised.value.hint
    assert _project_count(db) == 0


def test_a_selection_whose_stated_text_differs_is_reported(db, kiwi, tmp_path):
    def rename(name, data):
        return data.replace("떨렸지만 뿌듯했죠 🎉".encode(), "전혀 다른 글".encode()) if name.endswith(".qde") else data

    changed = _repack(QUALCODER, tmp_path / "changed.qdpx", rename)
    with db.transaction() as session:
        result = import_qdpx(session, changed, "다른 이름", actor="연구자", analyzer=kiwi)
    assert len(result.warnings) == 1 and "6fc07b61-e5a8-4b5e-9f60-9a1d540cb9ca at 233-244" in result.warnings[0]


def test_the_project_file_is_found_whatever_its_name(db, kiwi, tmp_path):
    renamed = _repack(QUALCODER, tmp_path / "atlas.qdpx", rename={"project.qde": "Trial.qde"})
    with db.transaction() as session:
        result = import_qdpx(session, renamed, "이름이 다른 파일", actor="연구자", analyzer=kiwi)
    assert result.transcripts == 3
    with zipfile.ZipFile(QUALCODER) as archive:
        qde = archive.read("project.qde")
    for members, expected in (({"project.qde": "none.xml"}, "no project file"), (None, "2 project files")):
        target = _repack(QUALCODER, tmp_path / "bad.qdpx", rename=members,
                         extra=None if members else {"other.qde": qde})
        with pytest.raises(InputError, match=expected):
            with db.transaction() as session:
                import_qdpx(session, target, "안 됨", actor="연구자", analyzer=kiwi)


def test_sources_that_are_not_transcripts_have_no_speakers(db, kiwi):
    with db.transaction() as session:
        result = import_qdpx(session, NVIVO, "유튜브 댓글", actor="연구자", analyzer=kiwi)
    with db.reading() as session:
        project = get_project(session, "유튜브 댓글")
        assert session.scalars(select(Participant).where(Participant.project_id == project.id)).all() == []
        formats = set(session.scalars(select(Transcript.format).where(Transcript.project_id == project.id)))
        assert formats == {"plain"}
        speakers = set(session.scalars(select(Segment.speaker).join(Transcript)
                                       .where(Transcript.project_id == project.id)))
        assert speakers == {None}
    assert any("not a transcript" in note for note in result.notes)


def test_import_options_apply_or_are_refused(db, kiwi):
    for options, message in ((ImportOptions(replace=True), "--replace"), (ImportOptions(format="srt"), "--format srt")):
        with pytest.raises(InputError, match=message):
            with db.transaction() as session:
                import_qdpx(session, QUALCODER, "옵션", actor="연구자", analyzer=kiwi, options=options)
    with db.transaction() as session:
        import_qdpx(session, QUALCODER, "옵션", actor="연구자", analyzer=kiwi,
                    options=ImportOptions(format="plain", pseudonymise=False, unit="line"))
    with db.reading() as session:
        project = get_project(session, "옵션")
        assert project.pseudonymise is False
        assert set(session.scalars(select(Transcript.format).where(Transcript.project_id == project.id))) == {"plain"}
        assert session.scalars(select(Participant).where(Participant.project_id == project.id)).all() == []
    with db.transaction() as session:
        import_qdpx(session, QUALCODER, "화자", actor="연구자", analyzer=kiwi)
    with db.reading() as session:
        project = get_project(session, "화자")
        speakers = session.scalars(select(Participant.label).where(Participant.project_id == project.id)).all()
        assert speakers and all(not label[0].isdigit() for label in speakers)


def test_notes_and_descriptions_become_memos(db, kiwi):
    with db.transaction() as session:
        result = import_qdpx(session, QUALCODER, "메모", actor="연구자", analyzer=kiwi)
        admin = create_user(session, "관리자", "비밀번호-1234", role="admin", actor="setup")
    assert any("memos" in line for line in result.kept)
    with db.reading() as session:
        project = get_project(session, "메모")
        memos = memos_for(session, project, viewer=admin)
        by_text = {m.text: m for m in memos}
        assert all(m.source == "import" for m in memos)
        annotation = by_text["첫 공개 발언: 보고서에 인용할 것"]  # QualCoder's annotation: a line memo
        line = session.get(Segment, annotation.target)
        assert annotation.kind == "segment" and "마을 회의에서 처음으로 발언했어요" in line.text
        assert annotation.guid and annotation.author == "김연구"
        assert by_text["관계 코드가 가장 자주 쓰였다. 다음 회의에서 정의를 다듬는다."].kind == "project"  # journal
        assert by_text["녹취 발췌본"].kind == "transcript"  # the source's description
        comment = by_text["텃밭이 계기"]  # a coding's memo, QualCoder's selection description
        assert comment.kind == "segment" and "친구가 생겼어요" in session.get(Segment, comment.target).text
        assert comment.author == "이코더"


SETS = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="집합" origin="MAXQDA 2022 (Release 22.4.0)">
  <Users><User guid="A0000000-0000-4000-8000-000000000001" name="Kim"/></Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-4000-8000-000000000001" name="참여주민의 변화/관계 회복" isCodable="true">
      <NoteRef targetGUID="D0000000-0000-4000-8000-000000000002"/>
    </Code>
    <Code guid="C0000000-0000-4000-8000-000000000002" name="자신감" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="B0000000-0000-4000-8000-000000000001" name="논문" plainTextPath="internal://paper.txt">
      <Description>학술지 논문 초록</Description>
      <PlainTextSelection guid="E0000000-0000-4000-8000-000000000001" startPosition="6" endPosition="18">
        <Description>핵심 문장</Description>
        <Coding guid="F0000000-0000-4000-8000-000000000001" creatingUser="A0000000-0000-4000-8000-000000000001">
          <CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="D0000000-0000-4000-8000-000000000002" name="코드 메모" creatingUser="A0000000-0000-4000-8000-000000000001">
      <PlainTextContent>관계 회복의 정의를 다듬을 것</PlainTextContent></Note>
    <Note guid="D0000000-0000-4000-8000-000000000003" name="빈 메모"/>
  </Notes>
  <Sets>
    <Set guid="S0000000-0000-4000-8000-000000000001" name="변화 코드"><Description>보고서 2장</Description>
      <MemberCode targetGUID="C0000000-0000-4000-8000-000000000001"/>
      <MemberCode targetGUID="C0000000-0000-4000-8000-000000000002"/></Set>
    <Set guid="S0000000-0000-4000-8000-000000000002" name="문서 묶음">
      <MemberSource targetGUID="B0000000-0000-4000-8000-000000000001"/></Set>
  </Sets>
</Project>
"""
# MAXQDA-style: CRLF text; with CRLF as one the selection is "관계가 회복되었다." on line 2.
PAPER = "\ufeff초록입니다\r\n관계가 회복되었다. 끝.\r\n".encode("utf-8")


def _sets_archive(tmp_path: Path) -> Path:
    path = tmp_path / "sets.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", SETS.encode("utf-8"))
        archive.writestr("sources/paper.txt", PAPER)
    return path


def test_code_sets_guids_and_a_slash_in_a_name_are_kept(db, kiwi, tmp_path):
    with db.transaction() as session:
        result = import_qdpx(session, _sets_archive(tmp_path), None, actor="연구자", analyzer=kiwi)
        admin = create_user(session, "관리자", "비밀번호-1234", role="admin", actor="setup")
    assert any("sets of sources" in line for line in result.not_kept)
    assert any("empty notes" in line for line in result.not_kept)
    with db.reading() as session:
        project = get_project(session, "집합")
        codes = {c.path: c for c in list_codes(session, project)}
        assert "참여주민의 변화\\/관계 회복" in codes  # one code, its "/" escaped in the path
        guids = dict(session.execute(select(Code.name, Code.guid).where(Code.project_id == project.id)).all())
        assert guids["참여주민의 변화/관계 회복"] == "C0000000-0000-4000-8000-000000000001"
        assert session.scalar(select(User.guid).where(User.name == "Kim")) == "A0000000-0000-4000-8000-000000000001"
        (code_set,) = code_sets_for(session, project)
        assert (code_set.name, code_set.description, len(code_set.code_ids)) == ("변화 코드", "보고서 2장", 2)
        memos = {m.text: m for m in memos_for(session, project, viewer=admin)}
        assert memos["관계 회복의 정의를 다듬을 것"].kind == "code"
        assert memos["학술지 논문 초록"].kind == "transcript"
        line = session.get(Segment, memos["핵심 문장"].target)
        assert line.text == "관계가 회복되었다. 끝." and line.speaker is None


def test_a_slash_in_a_code_name_works_in_qdc_csv_and_yaml(db, tmp_path):
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
                   'origin="Taguette"><Codes><Code guid="11111111-2222-4333-8444-555555555555" '
                   'name="참여주민의 변화/관계 회복" isCodable="true"/></Codes></CodeBook>', encoding="utf-8")
    csv = tmp_path / "codes.csv"
    csv.write_text("path,definition\n상위/돈\\/생계,생계 이야기\n", encoding="utf-8")
    yaml = tmp_path / "codes.yaml"
    yaml.write_text("codes:\n  - name: 기타/그외\n    definition: 나머지\n", encoding="utf-8")  # a tree of names
    with db.transaction() as session:
        project = create_project(session, "빗금", actor="연구자")
        for path in (qdc, csv, yaml):
            import_codebook_file(session, project, path, actor="연구자")
    with db.reading() as session:
        project = get_project(session, "빗금")
        names = {c.path: c.name for c in list_codes(session, project)}
        assert names == {"참여주민의 변화\\/관계 회복": "참여주민의 변화/관계 회복", "상위": "상위",
                         "상위/돈\\/생계": "돈/생계", "기타\\/그외": "기타/그외"}
        assert session.scalar(select(Code.guid).where(Code.name == "참여주민의 변화/관계 회복")) == \
            "11111111-2222-4333-8444-555555555555"


def test_the_command_line_passes_the_options_and_prints_what_was_kept(cli):
    code, _out, err = cli("import", str(QUALCODER), "--project", "명령줄", "--replace", ok=False)
    assert code != 0 and "--replace" in err
    _code, _out, out = cli("import", str(QUALCODER), "--project", "명령줄", "--format", "plain")  # info: stderr
    assert "kept from QualCoder 3.8" in out and "memos" in out and "not kept" in out
    assert "positions read as code points" in out


def test_taguettes_codebook_keeps_the_slash_and_the_guids(db):
    qdc = FIXTURES / "taguette-1.5.2-codebook.qdc"  # written by Taguette's own exporter
    with db.transaction() as session:
        project = create_project(session, "태그", actor="연구자")
        import_codebook_file(session, project, qdc, actor="연구자")
    with db.reading() as session:
        project = get_project(session, "태그")
        codes = {c.path: c.name for c in list_codes(session, project)}
        assert codes == {"참여주민의 변화\\/관계 회복": "참여주민의 변화/관계 회복",
                         "참여주민의 변화\\/자신감": "참여주민의 변화/자신감", "생계\\/돈 걱정": "생계/돈 걱정",
                         "바람": "바람"}
        guids = dict(session.execute(select(Code.name, Code.guid).where(Code.project_id == project.id)).all())
        assert guids["바람"] == "E168C2BA-B60F-5F19-98D9-B6F54348D33B"
