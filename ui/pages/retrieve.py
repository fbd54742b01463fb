"""코드 검색: the coded lines of codes combined with OR / AND / NOT, filtered, with the lines
around each on demand; exports to Word and Excel; open a line in the coding view."""

from __future__ import annotations

import streamlit as st

from coding.codebook import list_codes
from coding.users import get_user
from fgi.errors import FgiError
from fgi.participant_labels import report_labels
from fgi.study import get_project
from queries import export
from queries.filters import filter_options
from queries.retrieval import CodeQuery, retrieve
from ui.components.files import download, written_bytes
from ui.components.query_view import filter_widgets, follow_jump, open_button, page_slice
from ui.context import acting
from ui.resources import database, show_error
from ui.safe import literal, md
from ui.text import t

REQUEST = "retrieve.request"  # (CodeQuery, Filters, context)

follow_jump()
db = database()
st.header(t("page.retrieve"))
with db.reading() as session:
    me, project = acting(session)
    project_name, my_name = project.name, me.name
    options = filter_options(session, project)
    codes = [c.path for c in list_codes(session, project)]

with st.form("retrieve.form"):
    any_of = st.multiselect(t("retrieve.any"), codes, key="retrieve.any", placeholder=t("retrieve.pick"))
    all_of = st.multiselect(t("retrieve.all"), codes, key="retrieve.all", placeholder=t("retrieve.pick"))
    none_of = st.multiselect(t("retrieve.none"), codes, key="retrieve.none", placeholder=t("retrieve.pick"))
    left, right = st.columns(2)
    with left:
        descendants = st.checkbox(t("retrieve.descendants"), key="retrieve.descendants")
    with right:
        context = st.number_input(t("retrieve.context"), min_value=0, max_value=10, value=0, step=1,
                                  key="retrieve.context")
    filters = filter_widgets(options, key="retrieve.filters")
    if st.form_submit_button(t("retrieve.run"), icon=":material/manage_search:", type="primary"):
        st.session_state[REQUEST] = (CodeQuery(tuple(any_of), tuple(all_of), tuple(none_of), descendants),
                                     filters, int(context))

request = st.session_state.get(REQUEST)
if request is None:
    st.info(t("retrieve.hint"), icon=":material/info:")
    st.stop()
query, filters, context = request
show_context = st.toggle(t("retrieve.show_context"), key="retrieve.show_context", value=True,
                         disabled=context == 0)


def run(context_lines: int):
    with db.reading() as session:
        return retrieve(session, get_project(session, project_name), query, viewer=get_user(session, my_name),
                        filters=filters, context=context_lines)


try:
    with st.spinner(t("retrieve.running")):
        result = run(context)
except FgiError as error:
    show_error(error)
    st.stop()

st.markdown(md("retrieve.count", query=query.describe(), n=len(result.lines)))
if result.counts:
    st.caption(literal(" · ".join(f"{code}: {n}" for code, n in result.counts.items())))


def _file(kind: str):
    def make() -> bytes:
        again = run(context)
        if kind == "docx":
            with db.reading() as session:
                labels = report_labels(session, get_project(session, project_name))
            return written_bytes(lambda path: export.retrieval_docx(again, path, project=project_name, labels=labels),
                                 "retrieval.docx")
        return written_bytes(lambda path: export.retrieval_xlsx(again, path), "retrieval.xlsx")
    return make


if result.lines:
    word, excel, _ = st.columns([0.2, 0.2, 0.6])
    with word:
        download(t("retrieve.export.docx"), f"{t('retrieve.file')}.docx", _file("docx"), key="retrieve.docx")
    with excel:
        download(t("retrieve.export.xlsx"), f"{t('retrieve.file')}.xlsx", _file("xlsx"), key="retrieve.xlsx")

start, end = page_slice(len(result.lines), key="retrieve")
for i, item in enumerate(result.lines[start:end], start=start):
    with st.container(border=True, key=f"retrieve.line.{i}"):
        body, action = st.columns([0.84, 0.16], vertical_alignment="center")
        with body:
            where = f"{item.line.transcript} · {item.line.line} · {item.line.speaker or '?'}"
            if item.line.group:
                where += f" ({item.line.group})"
            st.caption(literal(where))
            if show_context:
                for line in item.before:
                    st.caption(literal(f"{line.line} [{line.speaker or '?'}] {line.text}"))
            st.text(item.line.text)
            if show_context:
                for line in item.after:
                    st.caption(literal(f"{line.line} [{line.speaker or '?'}] {line.text}"))
            st.caption(literal("; ".join(f"{c.path} — {', '.join(c.coders)}" for c in item.codes)))
        with action:
            open_button(item.line.segment_id, key=f"retrieve.open.{i}")
