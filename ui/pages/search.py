"""검색: the project's text by lemma (까다롭다 finds 까다로워서), surface text or regular
expression, as keyword-in-context lines; tick hits and code them all in one action, undo it
as one step; open a hit in the coding view."""

from __future__ import annotations

import streamlit as st

from coding.codebook import list_codes
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from queries.code_all import code_all
from queries.filters import filter_options
from queries.search import LEMMA, MODES, REGEX, SURFACE, search
from ui.components.query_view import filter_widgets, follow_jump, open_button, page_slice
from ui.components.undo import push, undo_buttons, undo_feedback
from ui.context import acting, offers
from ui.resources import database, show_error
from ui.safe import literal, md
from ui.text import t

REQUEST = "search.request"  # the last search asked: (query, mode, filters)
TICKED = "search.ticked"  # segment ids ticked

follow_jump()
db = database()
st.header(t("page.search"))
with db.reading() as session:
    me, project = acting(session)
    project_name, my_name = project.name, me.name
    options = filter_options(session, project)
    may_code = offers(session, me, "code", project)
    codes = [c.path for c in list_codes(session, project)]

with st.form("search.form"):
    query = st.text_input(t("search.query"), key="search.query", placeholder=t("search.query.placeholder"))
    mode = st.radio(t("search.mode"), MODES, key="search.mode", horizontal=True,
                    format_func=lambda m: t(f"search.mode.{m}"))
    filters = filter_widgets(options, key="search.filters")
    if st.form_submit_button(t("search.run"), icon=":material/search:", type="primary"):
        st.session_state[REQUEST] = (query, mode, filters)
        st.session_state[TICKED] = set()

request = st.session_state.get(REQUEST)
undo_feedback()
if request is None:
    st.info(t("search.hint"), icon=":material/info:")
    st.stop()

query, mode, filters = request
try:
    with st.spinner(t("search.running")), db.reading() as session:
        result = search(session, get_project(session, project_name), query, viewer=get_user(session, my_name),
                        mode=mode, filters=filters)
except FgiError as error:
    show_error(error)
    st.stop()

if result.lemmas and mode == LEMMA:
    st.caption(md("search.lemmas", lemmas=", ".join(result.lemmas)))
st.markdown(md("search.count", hits=result.n_hits, lines=result.n_lines))
if result.truncated:
    st.warning(md("search.truncated", shown=len(result.hits)), icon=":material/warning:")
if not result.hits:
    st.stop()

ticked: set[str] = st.session_state.setdefault(TICKED, set())


def _tick(segment_id: str, key: str) -> None:
    (ticked.add if st.session_state.get(key) else ticked.discard)(segment_id)


start, end = page_slice(len(result.hits), key="search")
for i, hit in enumerate(result.hits[start:end], start=start):
    with st.container(border=True, key=f"search.hit.{i}"):
        tick, body, action = st.columns([0.06, 0.78, 0.16], vertical_alignment="center")
        with tick:
            box = f"search.tick.{i}.{hit.segment_id}"
            st.checkbox(t("search.tick"), key=box, value=hit.segment_id in ticked, label_visibility="collapsed",
                        on_change=_tick, args=(hit.segment_id, box))
        with body:
            where = f"{hit.line.transcript} · {hit.line.line} · {hit.line.speaker or '?'}"
            st.caption(literal(where))
            st.markdown(f"{literal(hit.left)}:orange-background[{literal(hit.hit)}]{literal(hit.right)}")
        with action:
            open_button(hit.segment_id, key=f"search.open.{i}")

if may_code and codes:
    with st.container(border=True):
        st.subheader(t("search.code_all"))
        code = st.selectbox(t("search.code_all.code"), codes, key="search.code_all.code", index=None,
                            placeholder=t("search.code_all.pick"))
        which = st.radio(t("search.code_all.which"), ("all", "ticked"), key="search.code_all.which",
                         horizontal=True, format_func=lambda w: md(f"search.code_all.{w}",
                                                                    n=result.n_lines if w == "all" else len(ticked)))
        lines = result.segment_ids if which == "all" else [s for s in result.segment_ids if s in ticked]
        if st.button(t("search.code_all.run"), key="search.code_all.run", type="primary", disabled=code is None,
                     icon=":material/done_all:"):
            try:
                with st.spinner(t("search.code_all.running")), db.transaction() as session:
                    done = code_all(session, get_project(session, project_name), lines, code,
                                    actor=get_user(session, my_name))
                push(list(done.actions), t("search.code_all.step", code=done.code, n=len(done.applied)))
                st.success(md("search.code_all.done", code=done.code, n=len(done.applied), already=len(done.already)),
                           icon=":material/check:")
            except FgiError as error:
                show_error(error)
        undo_buttons(my_name, key="search.undo")
