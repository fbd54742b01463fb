"""``fgi matrix``: code frequencies (code x group, participant or transcript) and code
co-occurrence (code x code), as a table, CSV, XLSX or JSON. Thin: queries.matrices counts."""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from fgi import console
from fgi.console import print_json, print_table
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.safe_cells import SafeCsvWriter
from fgi.study import get_project
from queries import matrices
from queries.cli import CoderOption, GroupOption, ParticipantOption, RoleOption, TranscriptOption
from queries.filters import Filters


class Rows(str, Enum):
    code = "code"


class Columns(str, Enum):
    group = "group"
    participant = "participant"
    transcript = "transcript"
    code = "code"


class Measure(str, Enum):
    lines = "lines"
    participants = "participants"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


class Percent(str, Enum):
    row = "row"
    column = "column"


def matrix_command(
    project: Annotated[str, typer.Option("--project", "-p", help="project name")],
    cols: Annotated[Columns, typer.Option("--cols", help="columns: group, participant, transcript or code")],
    rows: Annotated[Rows, typer.Option("--rows", help="rows: code")] = Rows.code,
    window: Annotated[int, typer.Option("--window", "-w", help="code x code: also count codes up to W lines away "
                                                               "in the same speaker turn")] = 0,
    measure: Annotated[Measure, typer.Option("--measure", help="count lines, or distinct participants")] = Measure.lines,
    rollup: Annotated[bool, typer.Option("--rollup", help="a code's row also counts its descendants' lines")] = False,
    percent: Annotated[Optional[Percent], typer.Option("--percent", help="show row or column percentages "
                                                                          "(table and csv)")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, csv, xlsx or json")] = Format.table,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write to this file (xlsx needs it)")] = None,
    group: GroupOption = None, transcript: TranscriptOption = None, participant: ParticipantOption = None,
    role: RoleOption = None, coder: CoderOption = None,
    as_user: Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user "
                                                               "of fgi login)")] = None,
) -> None:
    """Codes by group, participant, transcript or code: lines or participants, blind-aware."""
    if fmt is Format.xlsx and out is None:
        raise FgiError(_("an .xlsx matrix needs a file to write to"), hint=_("add --out FILE.xlsx"))
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = console.signed_in(session, as_user)
        result = matrices.code_matrix(session, target, viewer=viewer, columns=cols.value, measure=measure.value,
                                      window=window, rollup=rollup,
                                      filters=Filters.of(transcripts=transcript, groups=group, participants=participant,
                                                         roles=role, coders=coder))
    share = None if percent is None else percent.value
    if fmt is Format.json:
        print_json(_as_json(result))
    elif fmt is Format.xlsx:
        matrices.write_matrix(result, out.with_suffix(".xlsx") if out.suffix.lower() != ".xlsx" else out)
        console.info(_("wrote {path}", path=out))
    elif fmt is Format.csv:
        columns, table = matrices.matrix_table(result, percent=share)
        if out is not None:
            from coding.tables import write_table

            write_table(out.with_suffix(".csv") if out.suffix.lower() != ".csv" else out, columns, table)
            console.info(_("wrote {path}", path=out))
        else:
            buffer = io.StringIO()
            writer = SafeCsvWriter(buffer)
            writer.writerow(columns)
            writer.writerows(table)
            sys.stdout.write(buffer.getvalue())
    else:
        columns, table = matrices.matrix_table(result, percent=share)
        keys = _unique(columns)
        print_table([dict(zip(keys, row)) for row in table], keys, title=matrices.describe(result))


def _unique(labels: list[str]) -> list[str]:
    """Column names for the printed table: a repeated label gets its position."""
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} ({i})" if seen[label] > 1 else label for i, label in enumerate(labels)]


def _as_json(result: matrices.Matrix) -> dict:
    return {
        "columns_kind": result.column_kind, "measure": result.measure, "window": result.window,
        "rollup": result.rollup, "description": matrices.describe(result),
        "rows": [{"key": h.key, "label": h.label} for h in result.rows],
        "columns": [{"key": h.key, "label": h.label} for h in result.columns],
        "cells": [list(r) for r in result.cells],
        "row_totals": list(result.row_totals), "column_totals": list(result.column_totals), "total": result.total,
    }


def register(app: typer.Typer) -> None:
    app.command("matrix")(matrix_command)
