"""The theme table as an Excel workbook: one sheet per domain (the Word table's columns,
with domain and theme cells merged down their rows, and the counts), then the codebook,
the coded segments (each coder's codes and the consensus) and the reconciliation log."""

from __future__ import annotations

import re
from dataclasses import astuple
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from coding.reconcile_log import LOG_COLUMNS
from fgi.safe_cells import protect_sheet
from themes.export_data import WorkbookData
from themes.export_table import ThemeRow
from themes.export_text import table_rows

CODEBOOK_COLUMNS = ("경로", "정의", "포함 기준", "제외 기준", "예시", "키워드", "코딩 수")
SEGMENT_COLUMNS = ("세그먼트", "녹취록", "줄", "화자", "인용 표기", "집단", "발화")
WIDTHS = {"영역": 16, "주제": 24, "하위주제": 24, "내용": 28, "대표 인용": 80, "발화": 70, "정의": 40, "빈도": 10,
          "메모": 40}
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_HEADER = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(name: str, taken: set[str]) -> str:
    base = (_BAD_TITLE.sub("_", name).strip("'") or "영역")[:28]
    title, number = base, 2
    while title.casefold() in taken:
        title, number = f"{base}_{number}", number + 1
    taken.add(title.casefold())
    return title


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> object:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), _HEADER
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for column_cells in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        for cell in column_cells:
            cell.alignment = _WRAP
        width = WIDTHS.get(str(column_cells[0].value), 14)
        sheet.column_dimensions[column_cells[0].column_letter].width = width
    sheet.freeze_panes = "A2"
    protect_sheet(sheet)  # formula-like text stays text
    return sheet


def _merge(sheet, column: int, rows: list[ThemeRow], key) -> None:
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or key(rows[index]) != key(rows[start]):
            if index - 1 > start:
                sheet.merge_cells(start_row=start + 2, end_row=index + 1, start_column=column, end_column=column)
            start = index


def write_xlsx(data: WorkbookData, path: str | Path) -> Path:
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    header, *all_rows = table_rows(data.table)
    for domain in data.table.domains or [""]:
        rows = data.table.rows_of(domain)
        values = [r for r, theme_row in zip(all_rows, data.table.rows) if theme_row.domain == domain]
        sheet = _sheet(workbook, sheet_title(domain, taken), header, values)
        _merge(sheet, 1, rows, lambda r: r.domain)
        _merge(sheet, 2, rows, lambda r: (r.domain, r.theme))
        if data.table.frequency_rule and rows:
            sheet.append([])
            sheet.append([data.table.frequency_rule])
    _sheet(workbook, sheet_title("코드북", taken), list(CODEBOOK_COLUMNS), [
        [c.path, c.definition, c.inclusion, c.exclusion, "\n".join(c.examples), ", ".join(c.keywords), c.codings]
        for c in data.codebook])
    _sheet(workbook, sheet_title("코딩", taken), [*SEGMENT_COLUMNS, *data.coders, "합의"], [
        [s.segment_id, s.transcript, s.line, s.speaker, s.tag, s.group, s.text,
         *("\n".join(s.codes.get(coder, [])) for coder in data.coders), "\n".join(s.consensus)]
        for s in data.segments])
    _sheet(workbook, sheet_title("조정 기록", taken), list(LOG_COLUMNS), [list(astuple(r)) for r in data.log])
    workbook.save(path)
    return path
