"""Theme tables: the plain data, and the Word, Excel, CSV and Markdown files read back."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from coding.users import get_user
from fgi.errors import NotFound
from fgi.study import get_project
from tests.conftest import need_or_skip
from tests.exports.conftest import CODER_A, CODER_B, HIERARCHY, LEAD, PROJECT, build_study
from themes.export_data import workbook_data
from themes.export_docx import write_docx
from themes.export_table import COLUMNS, speaker_tag, theme_table
from themes.export_text import markdown, write_csv, write_markdown
from themes.export_xlsx import write_xlsx

SUBTHEMES = [s for d in HIERARCHY.values() for t in d.values() for s in t]
TAG = r"\((실무자|주민)\d+\)$"


@pytest.mark.parametrize("speaker, group, tag", [
    ("P03", "실무자", "실무자3"),
    ("P12", "주민", "주민12"),
    ("P03", None, "P03"),
    ("M01", "실무자", "실무자 진행자"),
    ("M01", None, "진행자"),
    ("참석자 2", "주민", "주민 참석자 2"),
    (None, None, "화자 미상"),
])
def test_speaker_tags(speaker, group, tag):
    assert speaker_tag(speaker, group) == tag


def _table(db, **options):
    with db.reading() as session:
        return theme_table(session, get_project(session, PROJECT), viewer=get_user(session, LEAD), **options)


def test_theme_table_rows_follow_the_hierarchy(db, study):
    table = _table(db, quotes=2)
    assert table.domains == list(HIERARCHY)
    assert [r.subtheme for r in table.rows] == SUBTHEMES
    first = table.rows[0]
    assert first.codes == ["자신감 회복", "정서 변화"]
    assert 1 <= len(first.quotes) <= 2
    for row in table.rows:
        assert row.counts.lines >= row.counts.participants >= 1
        assert row.theme_counts.lines >= row.counts.lines
        for quote in row.quotes:
            assert quote.cited.startswith("“") and quote.cited.endswith(f"({quote.speaker})")
            assert quote.speaker.startswith(("실무자", "주민"))
    # A theme's count is of distinct lines: both its sub-themes' lines together here.
    change = [r for r in table.rows if r.theme == "참여주민의 변화"]
    assert change[0].theme_counts.lines == sum(r.counts.lines for r in change)


def test_quotes_and_domain_options(db, study):
    table = _table(db, quotes=1, domain="성과요인과 어려움")
    assert table.domains == ["성과요인과 어려움"]
    assert all(len(r.quotes) <= 1 for r in table.rows)
    assert _table(db, quotes=0).rows[0].quotes == []
    with pytest.raises(NotFound, match="no domain '없는 영역'") as error:
        _table(db, domain="없는 영역")
    assert "실무자가 본 성과" in error.value.hint


def _merge(word, row: int, column: int) -> str | None:
    """A cell's vertical merge: ``restart`` (first of a merged run), ``continue`` or None."""
    return word.rows[row]._tr.tc_lst[column].vMerge


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def test_word_table_layout(db, study, tmp_path):
    table = _table(db, quotes=2)
    path = write_docx(table, tmp_path / "주제표.docx")
    document = Document(str(path))
    word = document.tables[0]
    assert [_cell_text(c) for c in word.rows[0].cells] == list(COLUMNS)
    assert word.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on each page
    assert len(word.rows) == 1 + len(SUBTHEMES)
    # Merged cells: each domain's cell spans its two rows; the first theme's cell its two sub-themes.
    assert [_merge(word, row, 0) for row in range(1, 5)] == ["restart", "continue", "restart", "continue"]
    assert [_merge(word, row, 1) for row in range(1, 5)] == ["restart", "continue", None, None]
    assert [_merge(word, row, 2) for row in range(1, 5)] == [None] * 4
    theme_cell = _cell_text(word.cell(1, 1))
    assert theme_cell.startswith("참여주민의 변화\n") and theme_cell.count("참여주민의 변화") == 1
    assert f"{table.rows[0].theme_counts.lines}줄 · 참여자 {table.rows[0].theme_counts.participants}명" in theme_cell
    assert "· 자신감 회복" in _cell_text(word.cell(1, 3))
    quotes = [p.text for p in word.cell(1, 4).paragraphs]
    assert quotes and all(q.startswith("“") for q in quotes)
    assert all(__import__("re").search(TAG, q) for q in quotes)
    # Korean renders: styles and runs name an East-Asian font.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "맑은 고딕"
    run = word.cell(1, 4).paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "맑은 고딕"
    # The sections after the table give the quotes in full.
    body = "\n".join(p.text for p in document.paragraphs)
    assert "주제별 대표 인용 (전문)" in body
    assert table.rows[0].quotes[0].cited in body
    plain = write_docx(table, tmp_path / "표만.docx", sections=False)
    assert "주제별 대표 인용" not in "\n".join(p.text for p in Document(str(plain)).paragraphs)


def test_excel_workbook(db, study, tmp_path):
    with db.reading() as session:
        data = workbook_data(session, get_project(session, PROJECT), viewer=get_user(session, LEAD))
    path = write_xlsx(data, tmp_path / "주제표.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [*HIERARCHY, "코드북", "코딩", "조정 기록"]
    first = book["실무자가 본 성과"]
    assert [c.value for c in first[1]][:5] == list(COLUMNS)
    assert [c.value for c in first[1]][5:] == ["줄 수", "참여자 수", "집단 수", "빈도", "메모"]
    assert first["J2"].value == "심리·정서적 변화에 관한 진술"  # the sub-theme's memo
    assert {str(r) for r in first.merged_cells.ranges} == {"A2:A3", "B2:B3"}
    assert first["C2"].value == "심리·정서적 변화" and first["D2"].value == "자신감 회복\n정서 변화"
    assert all(__import__("re").search(TAG, q) for q in first["E2"].value.split("\n"))
    assert first["F2"].value == data.table.rows[0].counts.lines
    codebook = book["코드북"]
    assert codebook["A2"].value == "자활사례관리의 목적"
    coding = book["코딩"]
    header = [c.value for c in coding[1]]
    assert header[-3:] == [CODER_A, CODER_B, "합의"]
    rows = {r[0]: r for r in coding.iter_rows(min_row=2, values_only=True)}
    disputed, applied, rejected = study.disputed
    assert rows[disputed][-1] == applied  # the lead's decision is the consensus
    assert rows[disputed][-2] == rejected and rows[disputed][-3] == applied
    assert rows[disputed][3].startswith("P") and rows[disputed][5] in ("실무자", "주민")
    log = list(book["조정 기록"].iter_rows(values_only=True))
    assert len(log) == 3 and {r[5] for r in log[1:]} == {"apply", "reject"}


def test_csv_and_markdown_carry_the_same_table(db, study, tmp_path):
    table = _table(db, quotes=2)
    with open(write_csv(table, tmp_path / "t.csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*COLUMNS, "줄 수", "참여자 수", "집단 수", "빈도", "메모"]
    assert {r[8] for r in rows[1:]} <= {"일반적", "전형적", "변동적", ""}
    assert [r[2] for r in rows[1:]] == SUBTHEMES
    assert [r[9] for r in rows[1:]] == [f"{s}에 관한 진술" for s in SUBTHEMES]  # each sub-theme's memo
    assert rows[1][0] == rows[2][0] == "실무자가 본 성과"  # CSV repeats what Word merges
    assert rows[1][4].split("\n") == [q.cited for q in table.rows[0].quotes]
    text = write_markdown(table, tmp_path / "t.md").read_text(encoding="utf-8")
    assert text == markdown(table)
    assert "## 영역: 실무자가 본 성과" in text and "| 주제 | 하위주제 | 내용 | 대표 인용 |" in text
    lines = [line for line in text.splitlines() if "관계와 근로의 변화" in line]
    assert lines[0].startswith("|  | 관계와 근로의 변화 |")  # the theme cell is left empty, as merged
    assert table.rows[0].quotes[0].cited.replace("|", "\\|") in text


@pytest.mark.libreoffice
def test_word_table_renders_in_libreoffice(sqlite_db, kiwi, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        need_or_skip("LibreOffice (soffice) and pdftoppm are not installed")
    build_study(sqlite_db, kiwi)
    path = write_docx(_table(sqlite_db, quotes=2), tmp_path / "report.docx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.stat().st_size > 10_000
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2  # the table, then the quotes in full
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    if text:
        assert "참여주민의 변화" in text and "대표 인용" in text


def _hwpx_table(path):
    """The first table of an .hwpx as rows of (text, row span) per cell, read from the XML."""
    import zipfile

    from lxml import etree

    def local(element):
        return etree.QName(element).localname

    section = etree.fromstring(zipfile.ZipFile(path).read("Contents/section0.xml"))
    table = next(e for e in section.iter() if local(e) == "tbl")
    rows = []
    for row in (e for e in table if local(e) == "tr"):
        cells = []
        for cell in (e for e in row if local(e) == "tc"):
            paragraphs = ["".join(t.text or "" for t in p.iter() if local(t) == "t")
                          for p in cell.iter() if local(p) == "p"]
            span = next((int(s.get("rowSpan")) for s in cell if local(s) == "cellSpan"), 1)
            address = next(((int(a.get("rowAddr")), int(a.get("colAddr"))) for a in cell if local(a) == "cellAddr"))
            cells.append(("\n".join(paragraphs), span, address))
        rows.append(cells)
    return rows


def test_hwpx_table_layout_is_valid_owpml(db, study, tmp_path):
    """The 한글 table: the Word table's layout, valid for python-hwpx's schema validator."""
    import re

    from hwpx.tools.package_validator import validate_package
    from hwpx.tools.validator import validate_document

    from fgi.ingest.hwp_text import hwpx_text
    from themes.export_hwpx import write_hwpx

    table = _table(db, quotes=2)
    path = write_hwpx(table, tmp_path / "주제표.hwpx")
    assert validate_document(path).issues == ()
    assert [i for i in validate_package(path).issues if i.level == "error"] == []
    rows = _hwpx_table(path)
    assert [text for text, _, _ in rows[0]] == list(COLUMNS)
    assert b'repeatHeader="1"' in __import__("zipfile").ZipFile(path).read("Contents/section0.xml")
    assert len(rows) == 1 + len(SUBTHEMES)
    # Merged cells: each domain's cell spans its two rows; the first theme's cell its two sub-themes.
    first = {address[1]: (text, span) for text, span, address in rows[1]}
    assert first[0][1] == 2 and first[0][0].startswith("실무자가 본 성과")
    assert first[1][1] == 2 and first[1][0].startswith("참여주민의 변화\n")
    assert f"{table.rows[0].theme_counts.lines}줄 · 참여자 {table.rows[0].theme_counts.participants}명" in first[1][0]
    assert {address[1] for _, _, address in rows[2]} == {2, 3, 4}  # covered cells are gone
    assert "· 자신감 회복" in first[3][0]
    quotes = first[4][0].split("\n")
    assert quotes and all(q.startswith("“") and re.search(TAG, q) for q in quotes)
    # Our own 한글 reader gets the text back (the import path of .hwpx transcripts).
    assert table.rows[0].quotes[0].text[:20] in hwpx_text(path)


def test_hwpx_of_an_empty_hierarchy_says_so(tmp_path):
    from themes.export_hwpx import write_hwpx
    from themes.export_table import ThemeTable

    from fgi.ingest.hwp_text import hwpx_text

    path = write_hwpx(ThemeTable("빈 프로젝트"), tmp_path / "빈.hwpx")
    assert "주제 위계가 아직 없습니다." in hwpx_text(path)
