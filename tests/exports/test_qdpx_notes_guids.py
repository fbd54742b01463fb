"""REFI-QDA export of what sits beside the codings: memos as notes tied to their targets,
code sets, partial selections imported from other tools (their original offsets and GUIDs),
and GUIDs stored with the objects (kept across exports, also through ``.qdc``)."""

from __future__ import annotations

import zipfile

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import select

from coding.applications import codings_for
from coding.codebook_io import export_codebook, import_codebook_file
from coding.memos import write_memo
from coding.models import Code, CodeApplication, Memo, User
from coding.qdc import parse_qdc
from coding.refi import collect_project, write_qdpx
from coding.refi.guids import keep_guids
from coding.refi.store import add_code_set, keep_selection
from coding.users import get_user
from fgi.models import Participant, Segment, Transcript
from fgi.study import create_project, get_project
from tests.conftest import shared_path
from tests.exports.conftest import CODER_A, CODER_B, LEAD, PROJECT
from themes.models import ThemeNode
from themes.refi_hierarchy import hierarchy_folders

NS = {"q": "urn:QDA-XML:project:1.0"}
Q = "{urn:QDA-XML:project:1.0}"
IMPORTED = "1b6f0a52-7c3e-4d21-9a8b-5e4f3c2d1a0b"


def export(db, path, *, keep: bool = True):
    """Export as the CLI does: collect, write, then store the GUIDs used (one transaction)."""
    with db.transaction() as session:
        project = get_project(session, PROJECT)
        lead = get_user(session, LEAD)
        data = collect_project(session, project, viewer=lead, folders=hierarchy_folders(session, project))
        if keep:
            keep_guids(session, project, actor=lead, user_names=[u.name for u in data.users])
    return write_qdpx(data, path), data


def _read(path):
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    return etree.fromstring(files["project.qde"]), files


@pytest.fixture
def memos(db, study):
    """One memo of every kind (the lead writes them), a coding memo and a code set."""
    with db.transaction() as session:
        project = get_project(session, PROJECT)
        lead = get_user(session, LEAD)
        coder = get_user(session, CODER_B)
        transcript = session.scalars(select(Transcript).where(Transcript.project_id == project.id)
                                     .order_by(Transcript.imported_at, Transcript.id)).first()
        participant = session.scalars(select(Participant).where(Participant.transcript_id == transcript.id)).first()
        code = session.scalars(select(Code).where(Code.project_id == project.id, Code.name == "자신감 회복")).one()
        node = session.scalars(select(ThemeNode).where(ThemeNode.project_id == project.id,
                                                       ThemeNode.name == "심리·정서적 변화")).one()
        line = codings_for(session, lead, project=project, coder=coder)[0]
        targets = {"project": "", "transcript": transcript.id, "participant": str(participant.id),
                   "code": str(code.id), "segment": line.segment_id, "node": str(node.id)}
        for kind, target in targets.items():
            write_memo(session, project, actor=lead if kind != "segment" else coder, kind=kind, target=target,
                       text=f"{kind} 메모 본문", title="면담 요약" if kind == "project" else None)
        add_code_set(session, project, "정서 묶음", [code.id], description="정서 관련 코드")
    return targets


def test_every_memo_is_a_note_tied_to_its_target(db, memos, tmp_path):
    path, data = export(db, tmp_path / "notes.qdpx")
    root, files = _read(path)
    xmlschema.XMLSchema(str(shared_path("refi", "Project-mrt2019.xsd"))).validate(files["project.qde"].decode())
    notes = {n.get("guid"): n for n in root.findall("q:Notes/q:Note", NS)}
    assert len(notes) == 6 + 4  # these memos and the study's four sub-theme memos (by "setup", not a user)

    def text(guid):
        note = notes[guid]
        inline = note.find("q:PlainTextContent", NS)
        if inline is not None:
            return inline.text
        return files["sources/" + note.get("plainTextPath").removeprefix("internal://")].decode("utf-8")

    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    made = {g: n for g, n in notes.items() if text(g).endswith("메모 본문")}
    assert len(made) == 6 and {users[n.get("creatingUser")] for n in made.values()} == {LEAD, CODER_B}
    assert all(n.get("creatingUser") is None for g, n in notes.items() if g not in made)
    [project_ref] = root.findall("q:NoteRef", NS)
    assert text(project_ref.get("targetGUID")) == "project 메모 본문"
    assert notes[project_ref.get("targetGUID")].get("name") == "면담 요약"
    transcript_refs = root.findall("q:Sources/q:TextSource/q:NoteRef", NS)
    assert [text(r.get("targetGUID")) for r in transcript_refs] == ["transcript 메모 본문"]
    code = root.find(".//q:Code[@name='자신감 회복']", NS)
    assert [text(r.get("targetGUID")) for r in code.findall("q:NoteRef", NS)] == ["code 메모 본문"]
    folder = root.find(".//q:Code[@name='심리·정서적 변화']", NS)
    assert folder.get("isCodable") == "false"
    assert [text(r.get("targetGUID")) for r in folder.findall("q:NoteRef", NS)] == \
        ["심리·정서적 변화에 관한 진술", "node 메모 본문"]  # the memo it was made with, then this one
    [link] = root.findall("q:Links/q:Link", NS)
    assert text(link.get("originGUID")) == "participant 메모 본문"
    assert link.get("targetGUID") in {c.get("guid") for c in root.findall("q:Cases/q:Case", NS)}
    [line] = [s for s in root.iter(f"{Q}PlainTextSelection") if s.find("q:NoteRef", NS) is not None]
    assert line.find("q:Coding", NS) is None and users[line.get("creatingUser")] == CODER_B
    assert line.find("q:Description", NS).text == "segment 메모 본문"  # QualCoder and MAXQDA read this
    assert notes[line.find("q:NoteRef", NS).get("targetGUID")].find("q:PlainTextContent", NS) is not None
    with db.reading() as session:
        segment = session.get(Segment, memos["segment"])
        assert (int(line.get("startPosition")), int(line.get("endPosition"))) == (segment.start, segment.end)
    [code_set] = root.findall("q:Sets/q:Set", NS)
    assert code_set.get("name") == "정서 묶음" and code_set.find("q:Description", NS).text == "정서 관련 코드"
    assert [m.get("targetGUID") for m in code_set.findall("q:MemberCode", NS)] == [code.get("guid")]


def test_guids_are_stored_once_and_kept(db, memos, tmp_path):
    first, data = export(db, tmp_path / "first.qdpx")
    with db.transaction() as session:  # a renamed user and code keep their GUIDs
        get_user(session, CODER_A).name = "코더가"
        session.scalars(select(Code).where(Code.name == "정서 변화")).one().name = "감정 변화"
    second, _ = export(db, tmp_path / "second.qdpx")
    root_first, _ = _read(first)
    root_second, _ = _read(second)
    users_first = {u.get("name"): u.get("guid") for u in root_first.findall("q:Users/q:User", NS)}
    users_second = {u.get("name"): u.get("guid") for u in root_second.findall("q:Users/q:User", NS)}
    assert users_second["코더가"] == users_first[CODER_A]
    codes = lambda root: {c.get("guid") for c in root.iter(f"{Q}Code")}  # noqa: E731
    assert codes(root_first) == codes(root_second)
    with db.reading() as session:
        project = get_project(session, PROJECT)
        stored = {c.guid for c in session.scalars(select(Code).where(Code.project_id == project.id))}
        assert None not in stored and stored <= codes(root_first)
        assert {t.guid for t in session.scalars(select(Transcript).where(Transcript.project_id == project.id))} == \
            {s.get("guid") for s in root_first.findall("q:Sources/q:TextSource", NS)}
        assert set(users_first.values()) - {u.guid for u in session.scalars(select(User))} <= {
            u.get("guid") for u in root_first.findall("q:Users/q:User", NS) if u.get("name").startswith("합의")}
        assert {m.guid for m in session.scalars(select(Memo))} == \
            {n.get("guid") for n in root_first.findall("q:Notes/q:Note", NS)}
    third, _ = export(db, tmp_path / "third.qdpx")
    assert third.read_bytes() == second.read_bytes()


def test_imported_partial_selections_go_out_as_they_came(db, study, tmp_path):
    """A selection of another tool inside a line keeps its offsets and GUID; one that ran over
    several lines (stored per line) goes out as one selection again; the other coder's
    whole-line coding of the same line is its own selection."""
    inside, across = IMPORTED.replace("1b6f", "aaaa"), IMPORTED
    with db.transaction() as session:
        project = get_project(session, PROJECT)
        coder = get_user(session, CODER_A)
        codings = codings_for(session, coder, project=project, coder=coder)
        first, later = codings[0], codings[7]  # the same code, seven lines apart (conftest's cycle)
        assert (first.code_id, first.transcript_id) == (later.code_id, later.transcript_id)
        one, two = session.get(Segment, first.segment_id), session.get(Segment, later.segment_id)
        partial = (one.start + 2, one.end - 1)
        keep_selection(session, first.id, *partial, inside)
        third = codings[1]
        three = session.get(Segment, third.segment_id)
        keep_selection(session, third.id, three.start + 1, three.end, across)
        fourth = next(c for c in codings[2:] if c.code_id == third.code_id and c.transcript_id == third.transcript_id)
        four = session.get(Segment, fourth.segment_id)
        keep_selection(session, fourth.id, four.start, four.end - 1, across)
    path, _ = export(db, tmp_path / "partial.qdpx")
    root, files = _read(path)
    selections = {s.get("guid"): s for s in root.iter(f"{Q}PlainTextSelection")}
    chosen = selections[inside]
    assert (int(chosen.get("startPosition")), int(chosen.get("endPosition"))) == partial
    source = chosen.getparent()
    text = files["sources/" + source.get("plainTextPath").removeprefix("internal://")].decode("utf-8")
    assert chosen.get("name") == " ".join(text[partial[0]:partial[1]].split())
    joined = selections[across]
    assert (int(joined.get("startPosition")), int(joined.get("endPosition"))) == (three.start + 1, four.end - 1)
    assert [s for s in selections.values() if s.get("creatingUser") == joined.get("creatingUser")
            and int(s.get("startPosition")) == four.start] == []  # not also written per line
    whole = [s for s in source.findall("q:PlainTextSelection", NS)
             if (int(s.get("startPosition")), int(s.get("endPosition"))) == (one.start, one.end)]
    assert whole and all(s.get("creatingUser") != chosen.get("creatingUser") for s in whole)


def test_qdc_guids_survive_import_and_export(db, tmp_path):
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.5"><Codes>
  <Code guid="{IMPORTED}" name="관계 회복" isCodable="true"><Description>관계가 나아짐</Description></Code>
</Codes></CodeBook>""", encoding="utf-8")
    with db.transaction() as session:
        project = create_project(session, "코드북만", actor="setup")
        import_codebook_file(session, project, qdc, actor="setup")
        export_codebook(session, project, tmp_path / "again.qdc")
    [spec] = parse_qdc((tmp_path / "again.qdc").read_bytes())
    assert spec.guid == IMPORTED and spec.path == ("관계 회복",)


def test_round_trip_keeps_every_memo_once(db, memos, kiwi, tmp_path):
    """Our export read by our import: every memo's text arrives exactly once, with its GUID,
    and the code set with its GUID."""
    from coding import users
    from coding.applications import apply_code
    from coding.memos import memos_for
    from coding.refi import import_qdpx
    from tests.exports.conftest import PASSWORD

    with db.transaction() as session:
        coder = get_user(session, CODER_A)
        first = codings_for(session, coder, project=get_project(session, PROJECT), coder=coder)[0]
        apply_code(session, coder, first.segment_id, first.code_id, memo="코딩 메모 본문")
    path, data = export(db, tmp_path / "round.qdpx")
    with db.transaction() as session:
        import_qdpx(session, path, "메모 복원", actor="연구자", analyzer=kiwi)
        admin = users.create_user(session, "관리자", PASSWORD, role="admin", actor="setup")
        copied = memos_for(session, get_project(session, "메모 복원"), viewer=admin)
        original = memos_for(session, get_project(session, PROJECT), viewer=admin)
        from coding.refi.store import code_sets_for
        [code_set] = code_sets_for(session, get_project(session, "메모 복원"))
        restored = [m.text for m in memos_for(session, get_project(session, "메모 복원"), viewer=admin, kind="segment")
                    if m.text == "코딩 메모 본문"]
    assert restored == ["코딩 메모 본문"]  # a coding memo is the coder's memo on the line, once
    texts = sorted(m.text for m in copied)
    assert texts == sorted(m.text for m in original)
    assert {m.guid for m in original} <= {m.guid for m in copied}
    assert (code_set.name, code_set.guid) == ("정서 묶음", data.sets[0].guid)
