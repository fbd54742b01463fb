"""The theme table as a Word document in the layout Korean reports use.

One table: 영역 | 주제 | 하위주제 | 내용 | 대표 인용. A domain's cell and a theme's cell are
merged down the rows they span and carry their counts (lines, participants, groups); the
header row repeats on every page. Counts end with the CQR frequency label (일반적, 전형적,
변동적; the rule in a note under the table). Quotes end with the speaker tag (``(실무자3)``) and are
shortened in the table; the optional sections after it give each theme's quotes in full.

Korean text: every style and run names an East-Asian font (``w:eastAsia``, 맑은 고딕 by
default), which Word uses as is and LibreOffice replaces by an installed Korean font
(NanumGothic where fonts-nanum is installed) instead of drawing empty boxes.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fgi.word import korean_fonts
from themes.export_table import COLUMNS, Quote, ThemeRow, ThemeTable

WIDTHS_CM = (2.6, 3.6, 3.6, 4.4, 11.5)
TABLE_QUOTE_LENGTH = 160


def _prepare(document) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        korean_fonts(style.element)
        if name == "Normal":
            style.font.size = Pt(9.5)
        else:
            style.font.color.rgb = RGBColor(0x1F, 0x1F, 0x1F)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))


def _run(paragraph, text: str, *, bold: bool = False, size: float | None = None, grey: bool = False):
    run = paragraph.add_run(text)
    korean_fonts(run._element)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if grey:
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    return run


def _write(cell, lines: list[tuple[str, dict]]) -> None:
    """Fill a cell with paragraphs: ``(text, run options)``."""
    paragraph = cell.paragraphs[0]
    for index, (text, options) in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        _run(paragraph, text, **options)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def short(quote: Quote, limit: int = TABLE_QUOTE_LENGTH) -> str:
    text = quote.text if len(quote.text) <= limit else quote.text[: limit - 1].rstrip() + "…"
    return f"“{text}” ({quote.speaker})"


def _memo_lines(memo: str | None) -> list[tuple[str, dict]]:
    """A node's memos below it in its cell: small, grey, marked 메모."""
    if not memo:
        return []
    return [(f"메모: {part}" if i == 0 else part, {"size": 8, "grey": True})
            for i, part in enumerate(p for p in memo.split("\n") if p.strip())]


def _merge_down(table, column: int, runs: list[tuple[int, int]]) -> None:
    for first, last in runs:
        if last > first:
            text_cell = table.cell(first, column)
            text_cell.merge(table.cell(last, column))


def spans(rows: list[ThemeRow], key) -> list[tuple[int, int]]:
    """Runs of rows with the same ``key``, as table row numbers (the header is row 0)."""
    found, start = [], 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or key(rows[index]) != key(rows[start]):
            found.append((start + 1, index))  # table rows: the header is row 0
            start = index
    return found


def _with(counts: str, frequency: str | None) -> str:
    """Counts followed by the frequency label (``12줄 · 참여자 5명 · 2개 집단 · 전형적``)."""
    return f"{counts} · {frequency}" if frequency else counts


def _table(document, table_data: ThemeTable) -> None:
    rows = table_data.rows
    table = document.add_table(rows=1 + len(rows), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, title in enumerate(COLUMNS):
        cell = table.cell(0, index)
        _write(cell, [(title, {"bold": True})])
        _shade(cell, "D9D9D9")
    _repeat_header(table.rows[0])
    domain_spans = spans(rows, lambda r: r.domain)
    theme_spans = spans(rows, lambda r: (r.domain, r.theme))
    domain_starts, theme_starts = {first for first, _ in domain_spans}, {first for first, _ in theme_spans}
    for number, row in enumerate(rows, start=1):
        domain_counts = table_data.domain_counts.get(row.domain)
        cells = table.rows[number].cells
        if number in domain_starts:  # merged cells hold their text in the first row only
            _write(cells[0], [(row.domain, {"bold": True})] +
                   ([(_with(str(domain_counts), table_data.domain_frequency.get(row.domain)),
                      {"size": 8, "grey": True})] if domain_counts else []) +
                   _memo_lines("\n".join(table_data.domain_memos.get(row.domain, ()))))
        if number in theme_starts and row.theme:
            theme_memos = row.theme_memos if row.subtheme else row.memos  # a theme's own row holds its memos
            _write(cells[1], [(row.theme, {"bold": True}),
                              (_with(str(row.theme_counts), row.theme_frequency), {"size": 8, "grey": True})] +
                   _memo_lines("\n".join(theme_memos)))
        _write(cells[2], [(row.subtheme, {})] +
               ([(_with(str(row.counts), row.frequency), {"size": 8, "grey": True})] if row.subtheme else []) +
               (_memo_lines("\n".join(row.memos)) if row.subtheme else []))
        _write(cells[3], [(f"· {code}", {}) for code in row.codes] or [("", {})])
        _write(cells[4], [(short(q), {}) for q in row.quotes] or [("", {})])
    for column, width in enumerate(WIDTHS_CM):
        table.columns[column].width = Cm(width)  # the grid, which LibreOffice follows
        for cell in table.columns[column].cells:
            cell.width = Cm(width)  # and each cell, which Word follows
    _merge_down(table, 1, theme_spans)
    _merge_down(table, 0, domain_spans)


def _sections(document, table_data: ThemeTable) -> None:
    document.add_page_break()
    document.add_heading("주제별 대표 인용 (전문)", level=1)
    for domain in table_data.domains:
        document.add_heading(f"영역: {domain}", level=2)
        themes = list(dict.fromkeys(r.theme for r in table_data.rows_of(domain)))
        for theme in themes:
            rows = [r for r in table_data.rows_of(domain) if r.theme == theme]
            document.add_heading(f"주제: {theme}  ({rows[0].theme_counts})", level=3)
            for row in rows:
                if row.subtheme:
                    _run(document.add_paragraph(), f"하위주제: {row.subtheme}  ({row.counts})", bold=True)
                for quote in row.quotes:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.left_indent = Cm(0.8)
                    _run(paragraph, quote.cited)


def write_docx(table_data: ThemeTable, path: str | Path, *, sections: bool = True,
               title: str | None = None) -> Path:
    """Write the table (and, with ``sections``, each theme's quotes in full) to ``path``."""
    path = Path(path)
    document = Document()
    _prepare(document)
    document.add_heading(title or f"{table_data.project}: 주제 분석 결과", level=1)
    if table_data.rows:
        _table(document, table_data)
        if table_data.frequency_rule:
            _run(document.add_paragraph(), table_data.frequency_rule, size=8, grey=True)
    else:
        _run(document.add_paragraph(), "주제 위계가 아직 없습니다.")
    if sections and table_data.rows:
        _sections(document, table_data)
    document.save(path)
    return path
