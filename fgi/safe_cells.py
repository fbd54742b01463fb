"""Spreadsheet cells that cannot become formulas (CSV and formula injection).

Text a user wrote (a memo, a transcript line, a code name) may start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, or their full-width forms; a spreadsheet program
would take such a cell for a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``).

* CSV (OWASP's rule): such a cell is prefixed with a single quote and every text cell is
  quoted; ``csv_unescape`` undoes the prefix when the file is read back, so exported
  codings and codebooks import unchanged.
* XLSX: the value is kept as it is but stored as a text cell with Excel's quote prefix
  (what typing ``'=1+1`` in Excel does), so it shows literally and stays text when edited.

Numbers (counts, line numbers) are not touched and stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"


def starts_formula(value: object) -> bool:
    """Whether a spreadsheet program could read ``value`` as a formula."""
    return isinstance(value, str) and value[:1] in FORMULA_START


def _needs_prefix(value: str) -> bool:
    # A text that already starts with the quote is prefixed too when what follows it would
    # be unescaped, so that escaping and unescaping are exact inverses.
    return value[:1] in FORMULA_START or (value[:1] == QUOTE and _needs_prefix(value[1:]))


def csv_cell(value: Any) -> Any:
    """The value a CSV writer should write for ``value``."""
    if isinstance(value, str) and _needs_prefix(value):
        return QUOTE + value
    return value


def csv_unescape(value: str) -> str:
    """``value`` as it was before ``csv_cell`` (read side of the same rule)."""
    if value[:1] == QUOTE and _needs_prefix(value[1:]):
        return value[1:]
    return value


class SafeCsvWriter:
    """``csv.writer`` that quotes every text cell and escapes formula starts."""

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(["" if v is None else csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def protect_cell(cell: Any) -> None:
    """Make an openpyxl cell holding formula-like text a literal text cell."""
    if starts_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def protect_sheet(sheet: Any) -> None:
    """``protect_cell`` for every cell of an openpyxl worksheet."""
    for row in sheet.iter_rows():
        for cell in row:
            protect_cell(cell)
