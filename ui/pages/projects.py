"""프로젝트 / 가져오기: create a project, upload transcripts with a progress bar."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from fgi.errors import FgiError
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project, list_projects
from ui.resources import analyzer, current_user, database, show_error
from ui.text import t

db = database()
st.header(t("page.projects"))

with db.reading() as session:
    projects = list_projects(session)
if projects:
    st.dataframe(
        [{t("projects.col.name"): p.name, t("projects.col.transcripts"): p.transcripts,
          t("projects.col.segments"): p.segments} for p in projects],
        hide_index=True, width="stretch",
    )
else:
    st.info(t("projects.none"))

with st.form("create-project", clear_on_submit=True):
    st.subheader(t("projects.create"))
    name = st.text_input(t("projects.name"), max_chars=200)
    if st.form_submit_button(t("projects.create.button")) and name.strip():
        try:
            with db.transaction() as session:
                create_project(session, name, actor=current_user())
            st.success(t("projects.created", name=name.strip()))
            st.rerun()
        except FgiError as error:
            show_error(error)

if projects:
    st.subheader(t("import.title"))
    with st.form("import", clear_on_submit=True):
        project_name = st.selectbox(t("import.project"), [p.name for p in projects])
        uploads = st.file_uploader(t("import.files"), accept_multiple_files=True,
                                   type=["txt", "docx", "srt", "vtt"])
        group = st.text_input(t("import.group"), max_chars=100)
        unit = st.radio(t("import.unit"), ["line", "sentence"], horizontal=True,
                        format_func=lambda u: t(f"import.unit.{u}"))
        submitted = st.form_submit_button(t("import.button"))
    if submitted and uploads:
        bar = st.progress(0.0)
        try:
            with tempfile.TemporaryDirectory() as folder:
                paths = []
                for upload in uploads:
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    paths.append(path)
                with db.transaction() as session:
                    results = import_files(
                        session, get_project(session, project_name), paths,
                        ImportOptions(group=group.strip() or None, unit=unit),
                        actor=current_user(), analyzer=analyzer(),
                        progress=lambda done, total, what: bar.progress(done / total, text=what),
                    )
            for r in results:
                st.success(t("import.done", name=r.name, segments=r.segments,
                             backchannels=r.backchannels, speakers=", ".join(r.speakers)))
                for note in r.notes:
                    st.caption(note)
        except FgiError as error:
            show_error(error)
