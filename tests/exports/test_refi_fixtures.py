"""Real REFI-QDA files of other tools (tests/fixtures/refi, see its README) and our own export:
every coded selection lands on exactly the lines its text covers, with its code and coder.

The expected lines are read here, independently of the importer: the test parses the XML,
reads each source file and turns positions into characters by the rule of the tool that
wrote the file (stated in the table below, as each tool documents or shows it), then takes
the lines on which the selected text has a visible character.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from coding.models import CodeApplication, CodeSelection, Code, User
from coding.refi import import_qdpx
from fgi.models import Segment, Transcript
from fgi.study import get_project

FIXTURES = Path(__file__).parents[1] / "fixtures" / "refi"
# file -> how its tool counts positions: (UTF-16 units?, CRLF as one?)
TOOLS = {
    "nvivo-win-12.6-oltas.qdpx": (True, False),
    "nvivo-mac-12.7-oltas.qdpx": (True, False),
    "qualcoder-3.8-korean.qdpx": (False, False),
    "qualcoder-3.8-maxqda-endings.qdpx": (False, True),
}
OURS = "fgi-export.qdpx"


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _offset(text: str, position: int, utf16: bool, crlf_one: bool) -> int:
    """The character index at which ``position`` units have been counted."""
    units = 0
    for index, char in enumerate(text):
        if units == position:
            return index
        if crlf_one and char == "\r" and text[index + 1:index + 2] == "\n":
            continue
        units += 2 if utf16 and ord(char) > 0xFFFF else 1
    assert units == position, "a position past the end of the text"
    return len(text)


def expected_selections(path: Path, utf16: bool, crlf_one: bool):
    """selection guid -> (source guid, {lines}, {(code guid, user guid)}), the lines 1-based
    in the source's text; and the selected texts QualCoder states in ``name``."""
    with zipfile.ZipFile(path) as archive:
        names = {n.lower(): n for n in archive.namelist()}
        qde = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(archive.read(qde))
        users = {u.get("guid"): u.get("name") for u in root.iter() if _local(u) == "User"}
        found, stated = {}, []
        for source in root.iter():
            if _local(source) != "TextSource":
                continue
            member = names["sources/" + source.get("plainTextPath").split("//", 1)[1].lower()]
            text = archive.read(member).decode("utf-8-sig")
            for selection in source:
                if _local(selection) != "PlainTextSelection":
                    continue
                start = _offset(text, int(selection.get("startPosition")), utf16, crlf_one)
                end = _offset(text, int(selection.get("endPosition")), utf16, crlf_one)
                chosen = text[start:end]
                if selection.get("name"):
                    stated.append((selection.get("name"), chosen))
                first = text.count("\n", 0, start) + 1
                lines = {first + number for number, part in enumerate(chosen.split("\n")) if part.strip()}
                codings = set()
                for coding in selection:
                    if _local(coding) != "Coding":
                        continue
                    user = coding.get("creatingUser") or selection.get("creatingUser")
                    if users.get(user) in ("(consensus)", "합의(조정 결과)"):  # consensus: decisions, not codings
                        continue
                    code = next(r.get("targetGUID") for r in coding if _local(r) == "CodeRef")
                    codings.add((code, user if user in users else None))
                if codings:
                    found[selection.get("guid")] = (source.get("guid"), lines, codings)
    return found, stated


def imported(session, project_name: str):
    """(selection guid or None, source guid, line, code guid, coder guid) of every coding."""
    project = get_project(session, project_name)
    rows = session.execute(
        select(CodeSelection.guid, Transcript.guid, Segment.source_line, Code.guid, User.guid)
        .select_from(CodeApplication)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .join(Code, Code.id == CodeApplication.code_id).join(User, User.id == CodeApplication.coder_id)
        .outerjoin(CodeSelection, CodeSelection.application_id == CodeApplication.id)
        .where(Transcript.project_id == project.id))
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_every_selection_lands_on_the_lines_its_text_covers(db, kiwi, name):
    path = FIXTURES / name
    expected, stated = expected_selections(path, *TOOLS[name])
    assert expected, "a fixture without coded text selections tests nothing"
    # The reading rule above is the tool's: where the file states the selected text, it agrees.
    assert all(re.sub(r"\s+", " ", a).strip() == re.sub(r"\s+", " ", b).strip() for a, b in stated)
    with db.transaction() as session:
        result = import_qdpx(session, path, name, actor="연구자", analyzer=kiwi)
    assert result.warnings == []
    with db.reading() as session:
        rows = imported(session, name)
    by_selection: dict[str, set] = {}
    for guid, source, line, code, coder in rows:
        assert guid is not None, "every coding of another tool keeps its selection"
        by_selection.setdefault(guid, set()).add((source, line, code, coder))
    assert set(by_selection) == set(expected)
    for guid, (source, lines, codings) in expected.items():
        assert by_selection[guid] == {(source, line, code, coder) for line in lines for code, coder in codings}, guid


def test_our_own_export_lands_on_the_same_lines(db, study, kiwi, tmp_path):
    from tests.exports.test_qdpx import export

    path = export(db, tmp_path / OURS)
    expected, _ = expected_selections(path, False, False)
    with db.transaction() as session:
        import_qdpx(session, path, "사본", actor="연구자", analyzer=kiwi)
    with db.reading() as session:
        rows = imported(session, "사본")
    got = {(source, line, code, coder) for _g, source, line, code, coder in rows}
    want = {(source, line, code, coder) for source, lines, codings in expected.values()
            for line in lines for code, coder in codings}
    assert got == want and want


def test_korean_text_outside_the_bmp_and_decomposed_hangul(db, kiwi):
    with db.transaction() as session:
        import_qdpx(session, FIXTURES / "qualcoder-3.8-korean.qdpx", "한글", actor="연구자", analyzer=kiwi)
    with db.reading() as session:
        project = get_project(session, "한글")
        texts = dict(session.execute(select(Transcript.name, Transcript.text)
                                     .where(Transcript.project_id == project.id)).all())
        assert len(texts) == 3  # the copy with the same text is a transcript of its own
        notes = next(text for name, text in texts.items() if name.startswith("현장메모"))
        assert notes == unicodedata.normalize("NFC", notes) and "서로 이름을 부르며 인사했다 🙂" in notes
        coded = session.execute(
            select(Segment.text, CodeSelection.start, CodeSelection.end, Transcript.text)
            .join(CodeApplication, CodeApplication.id == CodeSelection.application_id)
            .join(Segment, Segment.id == CodeApplication.segment_id)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .where(Transcript.project_id == project.id)).all()
        spans = {text[start:end] for _line, start, end, text in coded}
        # Exact spans inside lines, in the stored (NFC) text, emoji and 𠮷 counted as one character.
        assert {"자신감이 생겼어요.", "친구가 생겼어요 🌱", "자신감이 생겼어요. 𠮷 씨 가게 앞에서 인사도 먼저 해요 😀",
                "마을회관", "서로 이름을 부르며 인사했다 🙂"} <= spans
