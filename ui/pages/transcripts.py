"""전사본 보기: a transcript line by line, and its participants' roles and groups."""

from __future__ import annotations

import streamlit as st

from fgi.errors import FgiError
from fgi.models import ROLES
from fgi.study import get_project, get_transcript, list_participants, list_projects, list_segments, list_transcripts, update_participant
from ui.resources import current_user, database, show_error
from ui.text import t

db = database()
st.header(t("page.transcripts"))

with db.reading() as session:
    projects = [p.name for p in list_projects(session)]
if not projects:
    st.info(t("projects.none"))
    st.stop()
project_name = st.selectbox(t("transcripts.project"), projects)
with db.reading() as session:
    project = get_project(session, project_name)
    transcripts = list_transcripts(session, project)
if not transcripts:
    st.info(t("transcripts.none"))
    st.stop()
chosen = st.selectbox(t("transcripts.transcript"), transcripts, format_func=lambda tr: tr.name)
st.caption(t("transcripts.summary", segments=chosen.segments, format=chosen.format, group=chosen.group or "-"))
hide = st.toggle(t("transcripts.hide_backchannels"))

with db.reading() as session:
    rows = list_segments(session, chosen.id)
    participants = [p for p in list_participants(session, get_project(session, project_name))
                    if p.transcript_id == chosen.id]

# st.dataframe shows cell values as text: a line containing <script> or **markdown** stays literal.
st.dataframe(
    [{t("col.line"): r.line, t("col.time"): r.timestamp, t("col.speaker"): r.speaker,
      t("col.participant"): r.participant, t("col.text"): r.text,
      t("col.backchannel"): r.backchannel}
     for r in rows if not (hide and r.backchannel)],
    hide_index=True, width="stretch", height=520,
    column_config={t("col.text"): st.column_config.TextColumn(width="large")},
)

st.subheader(t("transcripts.participants"))
edited = st.data_editor(
    [{"id": p.id, t("col.participant"): p.pseudonym, t("col.speaker"): p.label,
      t("col.role"): p.role, t("col.group"): p.attributes.get("group", "")} for p in participants],
    hide_index=True, disabled=["id", t("col.participant"), t("col.speaker")],
    column_config={t("col.role"): st.column_config.SelectboxColumn(options=list(ROLES))},
    key=f"participants-{chosen.id}",
)
if st.button(t("transcripts.participants.save")):
    try:
        with db.transaction() as session:
            for row in edited:
                participant = next(p for p in participants if p.id == row["id"])
                attributes = dict(participant.attributes) | {"group": row[t("col.group")] or None}
                update_participant(session, row["id"], actor=current_user(), role=row[t("col.role")],
                                   attributes=attributes)
        st.success(t("transcripts.participants.saved"))
    except FgiError as error:
        show_error(error)
