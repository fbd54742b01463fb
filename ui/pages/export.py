"""내보내기: theme tables (docx, xlsx, csv, md), the codebook, coded segments, the
reconciliation log, and the whole project as REFI-QDA .qdpx. Each button makes its file
from the export functions when it is clicked. Coders get the codebook and the codings
they may see; the rest needs a lead (every coder's codings)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from coding.bulk import export_codings
from coding.codebook_io import export_codebook
from coding.users import get_user
from fgi.study import get_project
from ui.components.files import download, written_bytes
from ui.context import acting
from ui.resources import database
from ui.text import t

db = database()
st.header(t("page.export"))

with db.reading() as session:
    me, project = acting(session)
    project_name, viewer, lead = project.name, me.name, me.is_lead


def make(write: Callable, filename: str) -> Callable[[], bytes]:
    """Bytes of ``write(session, project, user, path)``, made on click (in a read session)."""
    def run() -> bytes:
        with database().reading() as session:
            project = get_project(session, project_name)
            user = get_user(session, viewer)
            return written_bytes(lambda path: write(session, project, user, path), filename)
    return run


def theme_writer(fmt: str) -> Callable | None:
    """The theme-table writer for ``fmt`` from themes.export_* (None while it is not there)."""
    module, function = {"docx": ("themes.export_docx", "write_docx"), "xlsx": ("themes.export_xlsx", "write_xlsx"),
                        "csv": ("themes.export_text", "write_csv"), "md": ("themes.export_text", "write_markdown")}[fmt]
    try:
        writer = getattr(importlib.import_module(module), function, None)
    except ModuleNotFoundError:
        return None
    if writer is None:
        return None
    from themes.export_table import theme_table

    return lambda session, project, user, path: writer(theme_table(session, project), path)


def row(what: str, files: list[tuple[str, Callable | None]], key: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{t(what)}**")
        st.caption(t(f"{what}.note" if lead or what != "export.codings" else "export.codings.note.coder"))
        columns = st.columns(max(4, len(files)))
        for column, (filename, write) in zip(columns, files, strict=False):
            with column:
                if write is None:
                    st.button(Path(filename).suffix, disabled=True, key=f"{key}.{filename}", help=t("export.not_yet"))
                else:
                    download(Path(filename).suffix.lstrip(".").upper(), filename, make(write, filename),
                             key=f"{key}.{filename}")


if lead:
    row("export.themes",
        [(f"themes.{fmt}", theme_writer(fmt)) for fmt in ("docx", "xlsx", "csv", "md")], "export.themes")
row("export.codebook",
    [(f"codebook.{fmt}", lambda s, p, u, path, fmt=fmt: export_codebook(s, p, path, fmt))
     for fmt in ("yaml", "csv", "xlsx", "qdc")], "export.codebook")
row("export.codings",
    [(f"codings.{fmt}", lambda s, p, u, path: export_codings(s, u, p, path)) for fmt in ("csv", "xlsx")],
    "export.codings")
if lead:
    from coding.reconcile_log import export_log, reconciliation_log

    row("export.log",
        [(f"reconciliation.{fmt}", lambda s, p, u, path: export_log(reconciliation_log(s, p, viewer=u), path))
         for fmt in ("csv", "xlsx")], "export.log")

    def qdpx(session, project, user, path):
        from coding.refi.collect import collect_project
        from coding.refi.export import write_qdpx
        from themes.refi_hierarchy import hierarchy_folders

        write_qdpx(collect_project(session, project, viewer=user, folders=hierarchy_folders(session, project)), path)

    row("export.qdpx", [("project.qdpx", qdpx)], "export.qdpx")
else:
    st.info(t("export.lead_only"), icon=":material/lock:")
