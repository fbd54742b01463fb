"""프로젝트 / 가져오기: the projects you can see, a new project (admins), and transcript
import (leads of the project) with a progress bar. What the permission table does not allow
the user is not offered, and the domain checks every change again."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from coding.study_changes import create_project, import_transcripts, update_participant
from coding.users import add_member, get_user
from fgi.errors import FgiError
from fgi.ingest import FORMATS, ImportOptions
from fgi.models import MODERATOR, PARTICIPANT
from fgi.settings import load_settings
from fgi.study import get_project, list_participants
from ui.auth import require_user
from ui.components.forms import clear_form, field
from ui.context import PROJECT_KEY, choose_project, offers, visible_projects
from ui.resources import analyzer, database, show_error
from ui.safe import literal, md
from ui.text import t

def moderator_choices() -> None:
    """After an import, each new transcript's moderator as a control (the import guessed it
    from who asks the questions); saved as the participants' roles."""
    for project_name, transcript_id, name in st.session_state.get("import.moderators", []):
        with db.reading() as session:
            people = [p for p in list_participants(session, get_project(session, project_name))
                      if p.transcript_id == transcript_id]
        if len(people) < 2:
            continue
        with st.form(f"moderator-{transcript_id}"):
            chosen = st.multiselect(
                md("import.moderator", name=name), [p.id for p in people], key=field(f"moderator-{transcript_id}", "who"),
                default=[p.id for p in people if p.role == MODERATOR], help=t("import.moderator.help"),
                format_func=lambda i: next(f"{p.label} ({p.pseudonym})" for p in people if p.id == i),
                placeholder=t("select.placeholder"))
            if st.form_submit_button(t("import.moderator.save")):
                try:
                    with db.transaction() as session:
                        acting_user = get_user(session, me.name)
                        for person in people:
                            update_participant(session, person.id, actor=acting_user,
                                               role=MODERATOR if person.id in chosen else PARTICIPANT)
                    st.session_state["import.moderators"] = [
                        item for item in st.session_state["import.moderators"] if item[1] != transcript_id]
                    st.success(md("import.moderator.saved", name=name))
                except FgiError as error:
                    show_error(error)


db = database()
me = require_user()
# What the label promises is what both limits let through: ours and Streamlit's upload limit.
max_import_mb = min(round(load_settings().max_import_bytes / 1024 / 1024), st.get_option("server.maxUploadSize"))
st.header(t("page.projects"))

with db.reading() as session:
    user = get_user(session, me.name)
    projects = visible_projects(session, user)
    may_create = offers(session, user, "project.create")
    importable = [p for p in projects if offers(session, user, "transcripts.import", p.id)]
if projects:
    st.dataframe(
        [{t("projects.col.name"): p.name, t("projects.col.transcripts"): p.transcripts,
          t("projects.col.segments"): p.segments} for p in projects],
        hide_index=True, width="stretch",
    )
else:
    st.info(t("projects.none") if may_create else t("projects.none_visible"), icon=":material/info:")

if may_create:
    with st.form("create-project"):
        st.subheader(t("projects.create"))
        name = st.text_input(t("projects.name"), max_chars=200, key=field("create-project", "name"))
        blind = st.checkbox(t("projects.blind"), value=True, key=field("create-project", "blind"))
        if st.form_submit_button(t("projects.create.button")) and name.strip():
            try:
                with db.transaction() as session:
                    acting_user = get_user(session, me.name)
                    project = create_project(session, name, actor=acting_user, blind_coding=blind)
                    add_member(session, project, acting_user, actor=acting_user)
                choose_project(name.strip())
                clear_form("create-project")
                st.rerun()
            except FgiError as error:
                show_error(error)

if importable:
    st.subheader(t("import.title"))
    names = [p.name for p in importable]
    current = st.session_state.get(PROJECT_KEY)
    for r in st.session_state.pop("import.results", []):  # the last import, shown above a fresh form
        st.success(md("import.done", name=r.name, segments=r.segments,
                      backchannels=r.backchannels, speakers=", ".join(r.speakers)))
        for note in r.notes:
            st.text(note)
    moderator_choices()
    with st.form("import"):
        project_name = st.selectbox(t("import.project"), names, key=field("import", "project"),
                                    index=names.index(current) if current in names else 0)
        uploads = st.file_uploader(md("import.files.label", limit=max_import_mb), accept_multiple_files=True,
                                   key=field("import", "files"))  # any type: the reader says what is wrong
        fmt = st.selectbox(t("import.format"), [None, *FORMATS], key=field("import", "format"),
                           format_func=lambda f: t(f"import.format.{f or 'auto'}"))
        group = st.text_input(t("import.group"), max_chars=100, key=field("import", "group"))
        unit = st.radio(t("import.unit"), ["line", "sentence"], horizontal=True, key=field("import", "unit"),
                        format_func=lambda u: t(f"import.unit.{u}"))
        submitted = st.form_submit_button(t("import.button"), type="primary")
    if submitted and uploads:
        bar = st.progress(0.0, text=t("import.reading"))
        try:
            with tempfile.TemporaryDirectory() as folder:
                paths = []
                for upload in uploads:
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    paths.append(path)
                with db.transaction() as session:
                    results = import_transcripts(
                        session, get_project(session, project_name), paths,
                        ImportOptions(group=group.strip() or None, unit=unit, format=fmt),
                        actor=get_user(session, me.name), analyzer=analyzer(),
                        progress=lambda done, total, what: bar.progress(min(1.0, done / max(total, 1)),
                                                                        text=literal(what, one_line=True)),
                    )
            bar.progress(1.0, text=t("import.finished"))
            st.session_state["import.results"] = results
            st.session_state["import.moderators"] = [(project_name, r.transcript_id, r.name) for r in results]
            clear_form("import")
            st.rerun()
        except FgiError as error:
            bar.empty()
            show_error(error)
