"""내보내기: theme tables (docx, xlsx, csv, md), the codebook, coded segments, the
reconciliation log, and the whole project as REFI-QDA .qdpx. Each button makes its file
from the export functions when it is clicked (ui.components.exports). Coders get the
codebook and the codings they may see; the rest needs a lead (every coder's codings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from coding.permissions import require
from coding.users import get_user
from fgi.study import get_project
from ui.components.exports import ROWS
from ui.components.files import download, written_bytes
from ui.context import acting, offers
from ui.resources import database
from ui.safe import literal
from ui.text import t

db = database()
st.header(t("page.export"))

with db.reading() as session:
    me, project = acting(session)
    project_name, viewer, lead = project.name, me.name, me.is_lead
    offered = {row.action for row in ROWS if offers(session, me, row.action, project)}


def make(write: Callable, filename: str, action: str) -> Callable[[], bytes]:
    """Bytes of ``write(session, project, user, path)``, made on click (in a read session)
    once the permission table allows the user ``action``."""
    def run() -> bytes:
        with database().reading() as session:
            project = get_project(session, project_name)
            user = get_user(session, viewer)
            require(session, user, action, project)
            return written_bytes(lambda path: write(session, project, user, path), filename)
    return run


for row in ROWS:
    if (row.lead and not lead) or row.action not in offered:
        continue
    with st.container(border=True):
        st.markdown(f"**{t(row.key)}**")
        st.caption(t(f"{row.key}.note" if lead or row.key != "export.codings" else "export.codings.note.coder"))
        columns = st.columns(max(4, len(row.files)))
        for column, (filename, write) in zip(columns, row.files.items(), strict=False):
            with column:
                download(literal(Path(filename).suffix.lstrip(".").upper()), filename, make(write, filename, row.action),
                         key=f"{row.key}.{filename}")
if not lead:
    st.info(t("export.lead_only"), icon=":material/lock:")
