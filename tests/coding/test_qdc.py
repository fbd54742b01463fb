from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

import pytest
import xmlschema

from coding import qdc
from coding.codebook import CodeView, list_codes, update_code
from fgi.errors import InputError
from fgi.study import get_project
from tests.conftest import shared_path


def repaired_codebook_xsd(text: str) -> str:
    """The published Codebook.xsd was copied out of a PDF: its hyphens are U+2010 and some
    spaces between a tag and its first attribute (or between attributes) are lost. Put them
    back; the content model itself is untouched."""
    text = text.replace("\u2010", "-")
    text = re.sub(r"<xsd:(element|complexType|attribute|simpleType|restriction|pattern)(name|base|value)=",
                  r"<xsd:\1 \2=", text)
    return re.sub(r'(="[^"]*")(?=[A-Za-z])', r"\1 ", text)


@pytest.fixture(scope="module")
def schema():
    path = shared_path("refi", "Codebook.xsd")
    return xmlschema.XMLSchema(repaired_codebook_xsd(path.read_text(encoding="utf-8")))


def _view(code_id, name, parent_id=None, **fields) -> CodeView:
    defaults = dict(definition=None, inclusion=None, exclusion=None, examples=[], example_segments=[],
                    color=None, keywords=[])
    defaults.update(fields)
    return CodeView(code_id, 7, parent_id, name, name, 0 if parent_id is None else 1, 0, **defaults)


def test_the_sample_codebook_is_valid_refi(team, schema):
    with team.db.reading() as session:
        codes = list_codes(session, get_project(session, team.project))
    data = qdc.qdc_bytes(codes)
    schema.validate(data.decode("utf-8"))
    root = ET.fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook" and root.get("origin") == "fgi-toolkit"
    top = root.find("{urn:QDA-XML:codebook:1.0}Codes")
    assert len(top) == 6 and sum(1 for _ in root.iter("{urn:QDA-XML:codebook:1.0}Code")) == 29
    first = top[0]
    assert (first.get("name"), first.get("color"), first.get("isCodable")) == ("자활사례관리의 목적", "#4E79A7", "true")
    assert [child.tag.rsplit("}", 1)[1] for child in first] == ["Description", "Code", "Code", "Code"]


def test_minimal_codes_are_valid_too(schema):
    element = qdc.codebook_element([_view(1, "성과"), _view(2, "정서", 1, color="#ABCDEF")])
    schema.validate(ET.tostring(element, encoding="unicode"))


def test_guids_are_uuids_stable_per_code_across_renames(team):
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        before = {c.id: qdc.code_guid(c.project_id, c.id) for c in list_codes(session, project)}
        update_code(session, project, "자신감 회복", {"name": "자기 효능감"}, actor="팀장")
        after = {c.id: qdc.code_guid(c.project_id, c.id) for c in list_codes(session, project)}
    assert before == after and len(set(after.values())) == 29
    assert all(uuid.UUID(g).version == 5 for g in after.values())
    assert qdc.code_guid(1, 1) != qdc.code_guid(2, 1)


def test_description_carries_the_other_fields():
    code = _view(1, "자신감 회복", definition="스스로에 대한 믿음을 되찾음", inclusion="칭찬 뒤에 나섬",
                 examples=["할 수 있겠다", "뿌듯해요"], keywords=["자신감", "할 수 있다"])
    text = qdc.description_text(code)
    assert text == ("스스로에 대한 믿음을 되찾음\n\n포함 기준: 칭찬 뒤에 나섬\n"
                    "예시: 할 수 있겠다 | 뿌듯해요\n키워드: 자신감 | 할 수 있다")
    assert qdc.parse_description(text) == {
        "definition": "스스로에 대한 믿음을 되찾음", "inclusion": "칭찬 뒤에 나섬",
        "examples": ["할 수 있겠다", "뿌듯해요"], "keywords": ["자신감", "할 수 있다"]}


def test_parse_a_codebook_from_another_tool():
    data = """<?xml version="1.0" encoding="utf-8"?>
    <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">
      <Codes>
        <Code guid="{6B2C0B8E-2F4A-4B8E-9C55-0E1D6F1C2A10}" name="어려움" isCodable="false">
          <Code guid="0d0c3a5e-95d1-4c57-9d6e-2f7c1a9f8b21" name="서류" isCodable="true" color="#FF0000">
            <Description>Paperwork.
Inclusion: forms, records</Description>
          </Code>
        </Code>
      </Codes>
      <Sets/>
    </CodeBook>""".encode()
    specs = qdc.parse_qdc(data)
    assert [s.path for s in specs] == [("어려움",), ("어려움", "서류")]
    assert specs[1].guid == "0d0c3a5e-95d1-4c57-9d6e-2f7c1a9f8b21" and specs[1].color == "#FF0000"
    assert (specs[1].definition, specs[1].inclusion) == ("Paperwork.", "forms, records")


@pytest.mark.parametrize(("data", "message"), [
    (b"<CodeBook><Codes>", "not well-formed XML"),
    (b"<Project xmlns='urn:QDA-XML:project:1.0'/>", "root element is <Project>"),
    (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "no <Codes> element"),
])
def test_bad_qdc(data, message):
    with pytest.raises(InputError, match=message):
        qdc.parse_qdc(data, "bad.qdc")


def test_the_repaired_schema_still_rejects_what_refi_forbids(schema):
    element = qdc.codebook_element([_view(1, "성과", color="#ABCDEF")])
    code = element.find(f"{{{qdc.NAMESPACE}}}Codes/{{{qdc.NAMESPACE}}}Code")
    del code.attrib["isCodable"]
    code.set("guid", "not-a-guid")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(ET.tostring(element, encoding="unicode"))
