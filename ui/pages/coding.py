"""코딩: a transcript line by line; tag the current line with codes (search-as-you-type,
recent codes, keyword and code suggestions), a memo, keyboard moves. Blind mode: coders see
only their own codings until a lead reveals the transcript."""

from __future__ import annotations

import streamlit as st

from coding.applications import is_revealed
from ui.components.coding_panel import coding_panel
from ui.components.reveal import change_notice, reveal_control
from ui.context import acting, transcript_picker
from ui.resources import database
from ui.text import t

db = database()
st.header(t("page.coding"))

with db.reading() as session:
    me, project = acting(session)
    transcript = transcript_picker(session, project, key="coding.transcript")
    project_name, blind = project.name, project.blind_coding
    revealed = is_revealed(session, transcript.id)
    user_name, lead = me.name, me.is_lead

if blind and not revealed:
    if lead:
        st.info(t("coding.blind.lead"), icon=":material/visibility_off:")
        reveal_control(project_name, transcript.id, user_name, key="coding.reveal")
    else:
        st.info(t("coding.blind.coder"), icon=":material/visibility_off:")
elif blind:
    st.caption(t("coding.revealed"))
change_notice(project_name, transcript.id)

st.caption(t("coding.keys"))
with st.spinner(t("coding.loading")):
    coding_panel(project_name, transcript.id, user_name)
