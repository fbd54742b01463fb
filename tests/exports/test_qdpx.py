"""REFI-QDA export: the archive's layout, schema validity, stable GUIDs and what it says."""

from __future__ import annotations

import zipfile

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import func, select

from coding.refi import collect_project, write_qdpx
from coding.models import CodeApplication
from coding.refi.data import selection_name
from coding.refi.data import CONSENSUS_USER
from coding.users import get_user
from fgi.models import Segment, Transcript
from fgi.study import get_project
from tests.conftest import shared_path
from tests.exports.conftest import CODER_A, CODER_B, HIERARCHY, LEAD, PROJECT
from themes.refi_hierarchy import hierarchy_folders

NS = {"q": "urn:QDA-XML:project:1.0"}


def _consensus_elsewhere(root, checked, consensus_guid: str) -> int:
    """Consensus selections in the sources other than ``checked``."""
    return sum(1 for source in root.findall("q:Sources/q:TextSource", NS) if source is not checked
               for selection in source.findall("q:PlainTextSelection", NS)
               if selection.get("creatingUser") == consensus_guid)


def export(db, path, project: str = PROJECT):
    with db.reading() as session:
        target = get_project(session, project)
        data = collect_project(session, target, viewer=get_user(session, LEAD),
                               folders=hierarchy_folders(session, target))
    return write_qdpx(data, path)


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(shared_path("refi", "Project-mrt2019.xsd")))


def test_archive_is_valid_and_says_everything(db, study, tmp_path, schema):
    path = export(db, tmp_path / "project.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        qde = archive.read("project.qde")
        texts = {n: archive.read(n) for n in names if n.startswith("sources/")}
    # the three transcripts, and the texts of the four sub-themes' memos (as Notes)
    assert names[0] == "project.qde" and len(texts) == 3 + 4
    assert not qde.startswith(b"\xef\xbb\xbf") and qde.startswith(b"<?xml")
    schema.validate(qde.decode("utf-8"))
    root = etree.fromstring(qde)
    users = {u.get("name"): u.get("guid") for u in root.findall("q:Users/q:User", NS)}
    assert set(users) == {LEAD, CODER_A, CODER_B, CONSENSUS_USER}

    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [c.get("name") for c in top[:2]] == list(HIERARCHY)
    assert {c.get("isCodable") for c in top[:2]} == {"false"}
    subtheme = root.find("q:CodeBook/q:Codes/q:Code/q:Code/q:Code[@name='심리·정서적 변화']", NS)
    assert subtheme.get("isCodable") == "false"
    assert subtheme.find("q:Description", NS).text.endswith("수준: 하위주제")
    placed = subtheme.findall("q:Code", NS)
    assert [c.get("name") for c in placed] == ["자신감 회복", "정서 변화"]
    assert {c.get("isCodable") for c in placed} == {"true"}
    assert "포함 기준:" in placed[0].find("q:Description", NS).text  # criteria ride in <Description>
    unplaced = [c.get("name") for c in top[2:]]
    assert "자활사례관리의 목적" in unplaced and "참여주민의 변화" in unplaced  # with its remaining codes
    assert len({c.get("guid") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}) == \
        len(list(root.iter("{urn:QDA-XML:project:1.0}Code")))

    with db.reading() as session:
        segments = {(s.start, s.end): s for s in session.scalars(select(Segment).join(Transcript)
                                                                  .where(Transcript.name == "실무자_FGI_1차"))}
    source = root.find("q:Sources/q:TextSource[@name='실무자_FGI_1차']", NS)
    text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")].decode("utf-8")
    selections = source.findall("q:PlainTextSelection", NS)
    assert selections
    by_segment: dict[str, dict[str, list[str]]] = {}
    for selection in selections:
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        segment = segments[(start, end)]
        assert text[start:end] == segment.text and selection.get("name") == selection_name(segment.text)
        codings = selection.findall("q:Coding", NS)
        assert len(codings) == 1  # one coding per selection: every reader keeps it
        coder = selection.get("creatingUser")
        assert coder and codings[0].get("creatingUser") == coder
        assert selection.get("creationDateTime") or coder == users[CONSENSUS_USER]  # a coder's coding has its time
        by_segment.setdefault(segment.id, {}).setdefault(coder, []).append(
            codings[0].find("q:CodeRef", NS).get("targetGUID"))
    disputed, applied, rejected = study.disputed
    by_user = by_segment[disputed]
    assert len(by_user[users[CODER_A]]) == len(by_user[users[CODER_B]]) == 1
    assert by_user[users[CONSENSUS_USER]] == by_user[users[CODER_A]]  # the lead kept A's code
    coded = sum(1 for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    with db.reading() as session:
        assert coded == session.scalar(select(func.count()).select_from(CodeApplication)) + \
            sum(len(v.get(users[CONSENSUS_USER], [])) for v in by_segment.values()) + \
            _consensus_elsewhere(root, source, users[CONSENSUS_USER])

    variables = {v.get("name"): v.get("guid") for v in root.findall("q:Variables/q:Variable", NS)}
    assert set(variables) == {"group", "role"}
    cases = root.findall("q:Cases/q:Case", NS)
    assert all(c.get("name")[0] in "PM" for c in cases)
    groups = {c.get("name"): c.xpath(f"q:VariableValue[q:VariableRef/@targetGUID='{variables['group']}']"
                                     "/q:TextValue/text()", namespaces=NS)[0] for c in cases}
    assert set(groups.values()) == {"실무자", "주민"}


def test_exports_are_byte_identical(db, study, tmp_path):
    first = export(db, tmp_path / "a.qdpx").read_bytes()
    second = export(db, tmp_path / "b.qdpx").read_bytes()
    assert first == second
