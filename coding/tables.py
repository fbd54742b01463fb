"""Spreadsheets in and out: CSV (any encoding ingest accepts) and XLSX, as rows of strings.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data
row is row 2. CSV is written as UTF-8 with a BOM so that Excel opens Korean text right.
No written cell can start a formula (``fgi.safe_cells``); reading undoes the CSV escape.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fgi.errors import InputError
from fgi.ingest.encoding import decode_bytes
from fgi.safe_cells import SafeCsvWriter, csv_unescape, protect_sheet
from fgi.i18n import _, ngettext

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class TableRow:
    number: int  # spreadsheet row number
    values: dict[str, str]  # column -> stripped cell text ("" when empty)


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[TableRow]


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(_('cannot read {value} as a table', value=suffix or 'a file without suffix'), path=path,
                         hint=_('use a .csv or .xlsx file'))
    return suffix


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows_of(path: Path) -> list[list[str]]:
    if _suffix(path) == ".csv":
        text, _encoding = decode_bytes(path.read_bytes(), path)
        reader = csv.reader(io.StringIO(text))
        try:
            return [[csv_unescape(_cell(c)) for c in row] for row in reader]
        except csv.Error as exc:  # e.g. a cell over the csv module's 131,072 characters
            raise InputError(_('not readable as CSV ({exc})', exc=exc), path=path, line=reader.line_num,
                             hint=_('check the quotes of that row; no cell of a codebook is that long')) from None
    from openpyxl import load_workbook

    from fgi.safe_zip import checked_copy, is_xml_part, zip_limits

    # An .xlsx is a zip of XML: read within the limits before openpyxl sees it.
    if not zipfile.is_zipfile(path):
        raise InputError(_('not a readable Excel workbook (not a zip archive)'), path=path,
                         hint=_('save it from Excel as .xlsx, or export it as CSV'))
    package = checked_copy(path, zip_limits("office_xml_mb"), keep=is_xml_part,
                           hint=_('save it from Excel as .xlsx, or export it as CSV'))
    try:
        workbook = load_workbook(package, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError or its own errors
        raise InputError(_('not a readable Excel workbook ({name})', name=exc.__class__.__name__), path=path,
                         hint=_('save it from Excel as .xlsx, or export it as CSV')) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(path: str | Path, *, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """The rows of the first sheet (or the CSV), keyed by the header's column names.

    Column names are matched case-insensitively; a missing required column or an unknown
    column is an error naming them. Empty rows are skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(_('file not found'), path=path)
    raw = _rows_of(path)
    while raw and not any(raw[0]):
        raw.pop(0)
    if not raw:
        raise InputError(_('the file is empty'), path=path,
                         hint=_('the first row names the columns: {join}', join=', '.join([*required, *optional])))
    header = [c.lower() for c in raw[0]]
    while header and not header[-1]:
        header.pop()
    known = [*required, *optional]
    unknown = [c or _("(empty)") for c in header if c not in known]
    missing = [c for c in required if c not in header]
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    problems = []
    if missing:
        problems.append(ngettext("missing column {columns}", "missing columns {columns}", len(missing), columns=", ".join(missing)))
    if unknown:
        problems.append(ngettext("unknown column {columns}", "unknown columns {columns}", len(unknown), columns=", ".join(unknown)))
    if duplicated:
        problems.append(ngettext("repeated column {columns}", "repeated columns {columns}", len(duplicated), columns=", ".join(duplicated)))
    if problems:
        raise InputError(_("row 1 (header): {problems}", problems="; ".join(problems)), path=path,
                         hint=_('columns: {join} (required), {join2} (optional)', join=', '.join(required), join2=', '.join(optional)))
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        rows.append(TableRow(number, values))
    return Table(path, header, rows)


def write_table(path: str | Path, columns: Sequence[str], rows: Sequence[Sequence[object]],
                *, sheet: str = "Sheet1") -> Path:
    """Write ``rows`` under a header of ``columns`` as .csv or .xlsx (by the suffix)."""
    path = Path(path)
    if _suffix(path) == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = SafeCsvWriter(handle)  # no cell can start a formula
            writer.writerow(columns)
            writer.writerows(rows)
        return path
    write_sheets(path, {sheet: (columns, rows)})
    return path


def add_sheet(workbook, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]):
    """A sheet of ``rows`` under a bold header, added to an openpyxl workbook; formula-like
    text stays text (fgi.safe_cells)."""
    from openpyxl.styles import Font

    worksheet = workbook.create_sheet(title[:31])
    worksheet.append(list(columns))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append(["" if v is None else v for v in row])
    worksheet.freeze_panes = "A2"
    protect_sheet(worksheet)
    return worksheet


def write_sheets(path: str | Path, tables: dict[str, tuple[Sequence[str], Sequence[Sequence[object]]]]) -> Path:
    """One .xlsx with a sheet per table: ``{sheet: (columns, rows)}``."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, (columns, rows) in tables.items():
        add_sheet(workbook, sheet, columns, rows)
    workbook.save(path)
    return Path(path)
