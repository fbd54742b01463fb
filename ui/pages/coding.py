"""코딩: the transcript as a document; tag the current line, or a range of lines, with codes
(search-as-you-type, recent codes, keyword and code suggestions), a memo, undo and redo,
keyboard moves. Blind mode: coders see only their own codings until a lead reveals the
transcript.

Another page opens a line here with ``st.session_state["coding.goto"] = segment_id`` and
``st.switch_page``: this page opens that line's transcript, selects the line and scrolls to it."""

from __future__ import annotations

import streamlit as st

from coding.applications import get_segment, is_revealed
from fgi.errors import NotFound
from fgi.models import Project
from ui.components import suggestions
from ui.components.coding_panel import GOTO_KEY, coding_panel, open_segment
from ui.components.reveal import change_notice, reveal_control
from ui.context import acting, choose_project, transcript_picker, visible_projects
from ui.resources import database
from ui.text import t

db = database()
st.header(t("page.coding"))

goto = st.session_state.pop(GOTO_KEY, None)
with db.reading() as session:
    me, project = acting(session)
    if goto is not None:
        try:
            segment, target = get_segment(session, goto)
        except NotFound:
            segment = target = None
        if target is None:
            st.warning(t("coding.goto.missing"), icon=":material/warning:")
            goto = None
        elif target.project_id != project.id:
            other = session.get(Project, target.project_id)
            if other is not None and other.name in {p.name for p in visible_projects(session, me)}:
                choose_project(other.name)  # the sidebar's project from the next run on
                st.session_state[GOTO_KEY] = goto
                st.rerun()
            st.warning(t("coding.goto.missing"), icon=":material/warning:")
            goto = None
        else:
            st.session_state["coding.transcript"] = target.id
    transcript = transcript_picker(session, project, key="coding.transcript")
    project_name, blind = project.name, project.blind_coding
    revealed = is_revealed(session, transcript.id)
    user_name, lead = me.name, me.is_lead

if goto is not None:
    open_segment(suggestions.segments(transcript.id), transcript.id, goto)

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
