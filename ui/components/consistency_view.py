"""코딩 일관성 점검 (leads): lines whose code is far from that code's other lines, with the
code they would fit better and a button that opens the line in the coding view."""

from __future__ import annotations

import streamlit as st

from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from themes.consistency import DoubtfulCoding, coding_consistency
from ui.navigation import PAGES
from ui.resources import database, show_error
from ui.safe import literal
from ui.text import t

GOTO = "coding.goto"  # the coding page opens this segment (the jump-to-a-line contract)


@st.cache_data(ttl=60, show_spinner=False, max_entries=10)
def doubtful(project_name: str, viewer: str, limit: int) -> list[DoubtfulCoding]:
    with database().transaction() as session:  # the lemma cache keeps what it learns
        return coding_consistency(session, get_project(session, project_name), actor=get_user(session, viewer),
                                  limit=limit)


def open_line(segment_id: str) -> None:
    st.session_state[GOTO] = segment_id
    st.switch_page(PAGES / "coding.py")


def consistency_section(project_name: str, viewer: str) -> None:
    with st.expander(t("consistency.title"), icon=":material/rule:"):
        st.caption(t("consistency.what"))
        limit = st.number_input(t("consistency.limit"), min_value=5, max_value=100, value=20, step=5,
                                key="consistency.limit")
        if st.button(t("consistency.run"), key="consistency.run"):
            st.session_state["consistency.shown"] = True
            doubtful.clear()
        if not st.session_state.get("consistency.shown"):
            return
        try:
            with st.spinner(t("consistency.computing")):
                found = doubtful(project_name, viewer, int(limit))
        except FgiError as error:
            show_error(error)
            return
        if not found:
            st.info(t("consistency.none"), icon=":material/info:")
            return
        head = st.columns([3, 6, 3, 3, 2])
        for col, key in zip(head, ("line", "text", "code", "better", "open")):
            col.caption(t(f"consistency.col.{key}"))
        for i, d in enumerate(found):
            line, text, code, better, button = st.columns([3, 6, 3, 3, 2])
            line.text(f"{d.transcript} {d.line} ({d.speaker or '-'})")
            text.text(d.text if len(d.text) <= 160 else d.text[:159] + "…")
            code.text(t("consistency.fit", code=d.code_path, fit=d.fit, coders=", ".join(d.coders)))
            better.text(t("consistency.fit_better", code=d.better_path, fit=d.better_fit) if d.better_path else "-")
            if button.button(t("consistency.open"), key=f"consistency.open.{i}.{d.segment_id}"):
                open_line(d.segment_id)
        st.caption(literal(t("consistency.note")))
