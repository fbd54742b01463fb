"""What the 내보내기 page offers: for each file, the export function that writes it.

Each writer is ``write(session, project, user, path)``; the page turns it into bytes on
click. Rows marked ``lead`` need every coder's codings (a lead or admin); ``action`` is the
row's action in the permission table, checked before any file is written."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from coding.bulk import export_codings
from coding.codebook_io import export_codebook
from coding.memos import export_memos
from coding.reconcile_log import export_log, reconciliation_log
from coding.refi.collect import collect_project
from coding.refi.export import write_qdpx
from coding.refi.guids import keep_guids
from coding.round_export import append_snapshots, export_all_rounds, snapshot_rows
from coding.users import get_user
from fgi.study import get_project
from themes.export_data import workbook_data
from themes.export_docx import write_docx
from themes.export_hwpx import write_hwpx
from themes.export_table import theme_table
from themes.export_text import write_csv, write_markdown
from themes.export_xlsx import write_xlsx
from themes.refi_hierarchy import hierarchy_folders
from ui.resources import database
from ui.text import use_app_language

Writer = Callable[..., object]


@dataclass(frozen=True)
class ExportRow:
    key: str  # its title in ui.text (and key + ".note")
    files: dict[str, Writer]  # file name -> writer
    lead: bool
    action: str  # coding.permissions


def _theme_table(write):
    return lambda session, project, user, path: write(theme_table(session, project, viewer=user), path)


def _qdpx(session, project, user, path):
    """The archive; then, in a transaction of its own (the page reads in a read session), the
    GUIDs it used are stored with the objects that had none, so they stay in later exports."""
    data = collect_project(session, project, viewer=user, folders=hierarchy_folders(session, project))
    write_qdpx(data, path)
    with database().transaction() as writing:
        keep_guids(writing, get_project(writing, project.name), actor=get_user(writing, user.name),
                   user_names=[u.name for u in data.users])


def _log(session, project, user, path):
    """The reconciliation log, with the independent coding's agreement stored at each reveal."""
    export_log(reconciliation_log(session, project, viewer=user), path)
    append_snapshots(path, snapshot_rows(session, project, user))


def _in_app_language(writer: Writer) -> Writer:
    """``writer`` with the domain's headers (e.g. of the 메모 sheet) in the app's language, set
    in a copy of the context, so the caller's language is left as it was."""
    def write(*args):
        def run():
            use_app_language()
            return writer(*args)

        return contextvars.copy_context().run(run)

    return write


def _memos(session, project, user, path):
    """Every memo the user may see."""
    export_memos(session, project, path, viewer=user)


ROWS = [
    ExportRow("export.themes", {
        "themes.docx": _theme_table(write_docx),
        "themes.hwpx": _theme_table(write_hwpx),
        "themes.xlsx": lambda s, p, u, path: write_xlsx(workbook_data(s, p, viewer=u), path),
        "themes.csv": _theme_table(write_csv),
        "themes.md": _theme_table(write_markdown),
    }, lead=True, action="export.themes"),
    ExportRow("export.codebook", {
        f"codebook.{fmt}": (lambda s, p, u, path, fmt=fmt: export_codebook(s, p, path, fmt))
        for fmt in ("yaml", "csv", "xlsx", "qdc")
    }, lead=False, action="export.codebook"),
    ExportRow("export.codings", {
        f"codings.{fmt}": _in_app_language(lambda s, p, u, path: export_codings(s, u, p, path))
        for fmt in ("csv", "xlsx")
    }, lead=False, action="codings.read.own"),
    ExportRow("export.memos", {
        f"memos.{fmt}": _in_app_language(_memos) for fmt in ("csv", "xlsx")
    }, lead=False, action="memos.read"),
    ExportRow("export.log", {
        f"reconciliation.{fmt}": _log for fmt in ("csv", "xlsx")
    }, lead=True, action="reconcile"),
    ExportRow("export.rounds", {"rounds.xlsx": lambda s, p, u, path: export_all_rounds(s, u, p, path)}, lead=True,
              action="codings.read.all"),
    ExportRow("export.qdpx", {"project.qdpx": _qdpx}, lead=True, action="export.qdpx"),
]
