"""``fgi export themes``: the theme table for a report, as docx, hwpx, xlsx, csv or md.

``register_export(app)`` adds ``themes`` to the ``fgi export`` group (shared with
``fgi export qdpx``) and hands the theme hierarchy to the REFI-QDA commands, so a .qdpx
export carries it and a .qdpx import restores it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from coding.refi.cli import export_group, use_hierarchy
from coding.permissions import require
from fgi import console
from fgi.console import info
from fgi.errors import InputError
from fgi.study import get_project
from fgi.i18n import _
from themes.export_data import workbook_data
from themes.export_table import theme_table
from themes.export_text import write_csv, write_markdown
from themes.refi_hierarchy import ThemeHierarchyBridge


class TableFormat(str, Enum):
    docx = "docx"
    xlsx = "xlsx"
    csv = "csv"
    md = "md"
    hwpx = "hwpx"


def export_themes_command(
    project: Annotated[str, typer.Option("--project", "-p", help="project name")],
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write")],
    fmt: Annotated[Optional[TableFormat], typer.Option("--format", "-f", help="docx, hwpx, xlsx, csv or md (default: by suffix)")] = None,
    quotes: Annotated[int, typer.Option("--quotes", min=0, max=20, help="representative quotes per sub-theme")] = 2,
    domain: Annotated[Optional[str], typer.Option("--domain", help="only this domain (영역)")] = None,
    sections: Annotated[bool, typer.Option("--sections/--no-sections", help="docx: each theme's quotes in full after the table")] = True,
    as_user: Annotated[Optional[str], typer.Option(
        "--as", help="acting user: counts and quotes come from the codings they may see "
                     "(xlsx: a user who may see every coder's)")] = None,
) -> None:
    """Write the theme table (영역 | 주제 | 하위주제 | 내용 | 대표 인용) for a report."""
    try:
        chosen = fmt or TableFormat(output.suffix.lower().lstrip("."))
    except ValueError:
        raise InputError(_('cannot tell the format from {value}', value=repr(output.suffix or 'a name without suffix')), path=output,
                         hint=_('end the file in .docx, .hwpx, .xlsx, .csv or .md, or give --format')) from None
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = console.signed_in(session, as_user)
        require(session, viewer, "export.themes", target)
        if chosen is TableFormat.xlsx:
            data = workbook_data(session, target, viewer=viewer, quotes=quotes, domain=domain)
            table = data.table
        else:
            table = theme_table(session, target, viewer=viewer, quotes=quotes, domain=domain)
    # Each writer is imported for its own format: python-docx and openpyxl take 0.2 s to
    # import, which every other command would pay.
    if chosen is TableFormat.docx:
        from themes.export_docx import write_docx

        write_docx(table, output, sections=sections)
    elif chosen is TableFormat.hwpx:
        from themes.export_hwpx import write_hwpx

        write_hwpx(table, output)
    elif chosen is TableFormat.xlsx:
        from themes.export_xlsx import write_xlsx

        write_xlsx(data, output)
    elif chosen is TableFormat.csv:
        write_csv(table, output)
    else:
        write_markdown(table, output)
    info(f"wrote {output}: {len(table.domains)} domains, {len(table.rows)} rows")


def register_export(app: typer.Typer) -> None:
    export_group(app).command("themes")(export_themes_command)
    use_hierarchy(ThemeHierarchyBridge())
