"""The theme table as a 한글 (.hwpx) document, the report layout of ``export_docx``.

One table: 영역 | 주제 | 하위주제 | 내용 | 대표 인용, the header row shaded, a domain's and a
theme's cells merged down the rows they span with their counts (lines, participants,
groups) under the name; quotes end with the speaker tag (``(실무자 A)``) and are shortened
as in the Word table; the header row repeats on every page. A4 landscape. Written with python-hwpx, whose validator checks the
header and section XML against the OWPML schemas (the tests run it on every file).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from themes.export_docx import short, spans
from themes.export_table import COLUMNS, ThemeRow, ThemeTable

WEIGHTS = (2.6, 3.6, 3.6, 4.4, 11.5)  # relative column widths, as the Word table's
HEADER_FILL = "#D9D9D9"


def _fill(cell, lines: list[tuple[str, str | None]]) -> None:
    """Put ``(text, character style id)`` lines in a cell, one paragraph each."""
    first, *rest = lines or [("", None)]
    cell.set_text(first[0])
    if first[1] is not None:
        for run in cell.paragraphs[0].runs:
            run.char_pr_id_ref = first[1]
    for text, style in rest:
        cell.add_paragraph(text, char_pr_id_ref=style)


def _rows(table, rows: list[ThemeRow], table_data: ThemeTable, bold: str, small: str) -> None:
    domain_starts = {first for first, _ in spans(rows, lambda r: r.domain)}
    theme_starts = {first for first, _ in spans(rows, lambda r: (r.domain, r.theme))}
    for number, row in enumerate(rows, start=1):
        domain_counts = table_data.domain_counts.get(row.domain)
        if number in domain_starts:
            _fill(table.cell(number, 0), [(row.domain, bold)] + ([(str(domain_counts), small)] if domain_counts else []))
        if number in theme_starts and row.theme:
            _fill(table.cell(number, 1), [(row.theme, bold), (str(row.theme_counts), small)])
        _fill(table.cell(number, 2), [(row.subtheme, None)] + ([(str(row.counts), small)] if row.subtheme else []))
        _fill(table.cell(number, 3), [(f"· {code}", None) for code in row.codes])
        _fill(table.cell(number, 4), [(short(q), None) for q in row.quotes])


def write_hwpx(table_data: ThemeTable, path: str | Path, *, title: str | None = None) -> Path:
    """Write the theme table to ``path`` (.hwpx)."""
    from hwpx import HwpxDocument

    path = Path(path)
    document = HwpxDocument.new()
    document.set_page_setup(paper_size="A4", orientation="landscape", margins_mm={
        "left": 20, "right": 20, "top": 20, "bottom": 20})
    bold = document.ensure_run_style(bold=True, size=13)
    strong = document.ensure_run_style(bold=True)
    small = document.ensure_run_style(size=8, color="#595959")
    document.add_paragraph(title or f"{table_data.project}: 주제 분석 결과", char_pr_id_ref=bold)
    rows = table_data.rows
    if not rows:
        document.add_paragraph("주제 위계가 아직 없습니다.")
    else:
        table = document.add_table(1 + len(rows), len(COLUMNS))
        table.set_column_widths(WEIGHTS)
        table.element.set("repeatHeader", "1")  # the header row repeats on every page
        for column, name in enumerate(COLUMNS):
            _fill(table.cell(0, column), [(name, strong)])
            table.cell(0, column).element.set("header", "1")
            table.set_cell_shading(0, column, HEADER_FILL)
        _rows(table, rows, table_data, strong, small)
        for column, key in ((1, lambda r: (r.domain, r.theme)), (0, lambda r: r.domain)):
            for first, last in spans(rows, key):
                if last > first:
                    table.merge_cells(first, column, last, column)
    with warnings.catch_warnings():  # python-hwpx warns about layout caches it leaves to 한글
        warnings.simplefilter("ignore")
        document.save_to_path(path)
    return path
