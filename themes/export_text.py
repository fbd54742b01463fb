"""The theme table as CSV (UTF-8 with a BOM, so Excel reads Korean) and as Markdown.

Both carry the same columns as the Word table plus the sub-theme's counts, its frequency
label (빈도: 일반적, 전형적, 변동적) and its memos (메모). In CSV each
row is complete (domain and theme repeated); several codes or quotes share a cell, one
per line. In Markdown each domain is a section whose table leaves a theme's cell empty on
the rows after its first, as a merged cell reads; quotes are separated by ``<br>``.
"""

from __future__ import annotations

from pathlib import Path

from fgi.safe_cells import SafeCsvWriter

from themes.export_table import COLUMNS, COUNT_COLUMNS, NOTE_COLUMNS, ThemeRow, ThemeTable


def table_rows(table: ThemeTable) -> list[list[str | int]]:
    """Header and rows as the CSV and the spreadsheet write them."""
    rows: list[list[str | int]] = [[*COLUMNS, *COUNT_COLUMNS, *NOTE_COLUMNS]]
    for r in table.rows:
        rows.append([r.domain, r.theme, r.subtheme, "\n".join(r.codes), "\n".join(q.cited for q in r.quotes),
                     r.counts.lines, r.counts.participants, r.counts.groups, r.frequency, "\n\n".join(r.memos)])
    return rows


def write_csv(table: ThemeTable, path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        SafeCsvWriter(handle).writerows(table_rows(table))  # no cell can start a formula
    return path


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown_row(row: ThemeRow, first_of_theme: bool) -> str:
    theme = _cell(row.theme) + (f" ({row.theme_frequency})" if row.theme_frequency and row.subtheme else "")
    cells = [theme if first_of_theme else "", _cell(row.subtheme),
             "<br>".join(_cell(code) for code in row.codes), "<br>".join(_cell(q.cited) for q in row.quotes),
             str(row.counts), row.frequency, "<br>".join(_cell(m) for m in row.memos)]
    return "| " + " | ".join(cells) + " |"


def markdown(table: ThemeTable) -> str:
    lines = [f"# {table.project}: 주제 분석 결과", ""]
    for domain in table.domains:
        counts = table.domain_counts.get(domain)
        frequency = table.domain_frequency.get(domain)
        lines += [f"## {COLUMNS[0]}: {domain}" + (f" ({counts})" if counts else "") +
                  (f" · {frequency}" if frequency else ""), ""]
        lines += ["| " + " | ".join([*COLUMNS[1:], "줄 · 참여자 · 집단", *NOTE_COLUMNS]) + " |", "|" + " --- |" * 7]
        previous = None
        for row in table.rows_of(domain):
            lines.append(_markdown_row(row, row.theme != previous))
            previous = row.theme
        lines.append("")
    if not table.rows:
        lines.append("주제 위계가 아직 없습니다.")
    elif table.frequency_rule:
        lines.append(f"> {_cell(table.frequency_rule)}")
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(table: ThemeTable, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(markdown(table), encoding="utf-8")
    return path
