"""코딩: a transcript line by line; tag the current line with codes (search-as-you-type,
recent codes, keyword and code suggestions), a memo, keyboard moves. Blind mode: coders see
only their own codings until a lead reveals the transcript."""

from __future__ import annotations

import streamlit as st

from coding.applications import is_revealed, reveal
from coding.users import get_user
from fgi.errors import FgiError
from ui.components.coding_panel import coding_panel
from ui.context import acting, transcript_picker
from ui.resources import database, show_error
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
        if st.button(t("coding.reveal"), icon=":material/visibility:", key="coding.reveal"):
            try:
                with db.transaction() as session:
                    reveal(session, get_user(session, user_name), transcript.id, reason=t("coding.reveal.reason"))
                st.rerun()
            except FgiError as error:
                show_error(error)
    else:
        st.info(t("coding.blind.coder"), icon=":material/visibility_off:")
elif blind:
    st.caption(t("coding.revealed"))

st.caption(t("coding.keys"))
with st.spinner(t("coding.loading")):
    coding_panel(project_name, transcript.id, user_name)
