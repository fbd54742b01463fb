"""전사본 보기: a transcript line by line (segments, speakers, groups), and its participants'
roles and groups (editable)."""

from __future__ import annotations

import streamlit as st

from coding.study_changes import update_participant
from coding.users import get_user
from fgi.errors import FgiError
from fgi.models import ROLES
from fgi.study import list_participants, list_segments
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
    participants = [p for p in list_participants(session, project) if p.transcript_id == chosen.id]
    may_edit = offers(session, me, "participants.edit", project)
    me_name = me.name

st.caption(md("transcripts.summary", segments=chosen.segments, format=chosen.format, group=chosen.group or "-"))
hide = st.toggle(t("transcripts.hide_backchannels"))
segment_table([r for r in rows if not (hide and r.backchannel)], height=520)

st.subheader(t("transcripts.participants"))
edited = st.data_editor(
    [{"id": p.id, t("col.participant"): p.pseudonym, t("col.speaker"): p.label,
      t("col.role"): p.role, t("col.group"): p.attributes.get("group", "")} for p in participants],
    hide_index=True, disabled=["id", t("col.participant"), t("col.speaker")] if may_edit else True,
    column_config={t("col.role"): st.column_config.SelectboxColumn(options=list(ROLES))},
    key=f"participants-{chosen.id}",
)
if not may_edit:
    st.caption(t("perm.participants.lead_only"))
elif st.button(t("transcripts.participants.save")):
    try:
        with db.transaction() as session:
            acting_user = get_user(session, me_name)
            for row in edited:
                participant = next(p for p in participants if p.id == row["id"])
                attributes = dict(participant.attributes) | {"group": row[t("col.group")] or None}
                update_participant(session, row["id"], actor=acting_user, role=row[t("col.role")],
                                   attributes=attributes)
        st.success(t("transcripts.participants.saved"))
    except FgiError as error:
        show_error(error)
