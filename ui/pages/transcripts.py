"""전사본 보기: a transcript line by line (segments, speakers, groups), and its participants'
roles and groups (editable)."""

from __future__ import annotations

import streamlit as st

from coding.study_changes import set_label_scheme, set_report_labels, update_participant
from coding.users import get_user
from fgi.errors import FgiError
from fgi.models import ROLES
from fgi.participant_labels import MAX_LABEL, SCHEMES, labelled_participants
from fgi.study import get_project, list_participants, list_segments
from ui.components.tables import segment_table
from ui.context import acting, offers, transcript_picker
from ui.resources import database, show_error
from ui.safe import md
from ui.text import t

db = database()
st.header(t("page.transcripts"))

with db.reading() as session:
    me, project = acting(session)
    chosen = transcript_picker(session, project)
    rows = list_segments(session, chosen.id)
    participants = [p for p in labelled_participants(session, project) if p.transcript_id == chosen.id]
    stored = {p.id: p for p in list_participants(session, project) if p.transcript_id == chosen.id}
    speakers = {i: p.label for i, p in stored.items()}
    attributes_of = {i: dict(p.attributes or {}) for i, p in stored.items()}
    label_scheme = project.participant_labels or "project"
    project_name = project.name
    may_edit = offers(session, me, "participants.edit", project)
    me_name = me.name

st.caption(md("transcripts.summary", segments=chosen.segments, format=chosen.format, group=chosen.group or "-"))
hide = st.toggle(t("transcripts.hide_backchannels"))
segment_table([r for r in rows if not (hide and r.backchannel)], height=520)

st.subheader(t("transcripts.participants"))
if st.session_state.pop("participants.saved", False):
    st.success(t("transcripts.participants.saved"))
scheme = st.radio(t("labels.scheme"), SCHEMES, index=SCHEMES.index(label_scheme), horizontal=True,
                  format_func=lambda s: t(f"labels.scheme.{s}"), disabled=not may_edit, key="labels.scheme")
st.caption(t("labels.help"))
roles = {role: t(f"role.{role}") for role in ROLES}
edited = st.data_editor(
    [{"id": p.participant_id, t("col.participant"): p.pseudonym, t("col.speaker"): speakers[p.participant_id],
      t("col.role"): roles[p.role], t("col.group"): p.group or "",
      t("col.report_label"): p.label if p.own else "", t("col.report_label.now"): p.label}
     for p in participants],
    hide_index=True,
    disabled=["id", t("col.participant"), t("col.speaker"), t("col.report_label.now")] if may_edit else True,
    column_config={"id": None, t("col.role"): st.column_config.SelectboxColumn(options=list(roles.values())),
                   t("col.report_label"): st.column_config.TextColumn(max_chars=MAX_LABEL,
                                                                      help=t("labels.own.help"))},
    key=f"participants-{chosen.id}",
)
if not may_edit:
    st.caption(t("perm.participants.lead_only"))
elif st.button(t("transcripts.participants.save"), key="participants.save"):
    role_of = {label: role for role, label in roles.items()}
    try:
        with db.transaction() as session:
            acting_user = get_user(session, me_name)
            target = get_project(session, project_name)
            set_label_scheme(session, target, scheme, actor=acting_user)
            for row in edited:
                participant = next(p for p in participants if p.participant_id == row["id"])
                attributes = dict(attributes_of[participant.participant_id]) | {"group": row[t("col.group")] or None}
                update_participant(session, row["id"], actor=acting_user, role=role_of[row[t("col.role")]],
                                   attributes=attributes)
            set_report_labels(session, target, {row["id"]: row[t("col.report_label")] or None for row in edited},
                              actor=acting_user)
        st.session_state["participants.saved"] = True
        st.rerun()
    except FgiError as error:
        show_error(error)
