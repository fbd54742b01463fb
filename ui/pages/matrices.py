"""행렬: codes by group, participant or transcript (lines, or how many people said it), and
code co-occurrence (same line, or within a window of the same speaker turn), as a heat map
and a table; a click on a cell lists its lines, each opening in the coding view. CSV and XLSX
exports. Blind coding decides every number: a coder counts their own codings and the revealed
transcripts' (queries.matrices)."""

from __future__ import annotations

import streamlit as st

from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from queries.filters import Filters, filter_options
from queries.matrices import CODE, COLUMN_KINDS, MAX_WINDOW, MEASURES, cell_lines, code_matrix, write_matrix
from ui.components import matrix_view as view
from ui.components.files import download, written_bytes
from ui.components.query_view import filter_widgets
from ui.context import acting
from ui.resources import database, show_error
from ui.text import t

db = database()
st.header(t("page.matrices"))


@st.cache_data(ttl=30, show_spinner=False, max_entries=30)
def matrix(project_name: str, viewer: str, columns: str, measure: str, window: int, rollup: bool, filters: Filters):
    with database().reading() as session:
        return code_matrix(session, get_project(session, project_name), viewer=get_user(session, viewer),
                           columns=columns, measure=measure, window=window, rollup=rollup, filters=filters)


@st.cache_data(ttl=30, show_spinner=False, max_entries=30)
def lines(project_name: str, viewer: str, result, row: int, col: int, filters: Filters):
    with database().reading() as session:
        return cell_lines(session, get_project(session, project_name), viewer=get_user(session, viewer),
                          matrix=result, row=row, col=col, filters=filters)


with db.reading() as session:
    me, project = acting(session)
    project_name, viewer, blind_coder = project.name, me.name, project.blind_coding and not me.is_lead
    options = filter_options(session, project)

st.caption(t("matrices.intro"))
if blind_coder:
    st.caption(t("matrices.blind"))
left, middle, right = st.columns(3)
with left:
    columns = st.selectbox(t("matrices.columns"), list(COLUMN_KINDS), key="matrices.columns",
                           format_func=lambda k: t(f"matrices.kind.{k}"))
with middle:
    measure = st.radio(t("matrices.measure"), list(MEASURES), key="matrices.measure", horizontal=True,
                       format_func=lambda k: t(f"matrices.measure.{k}"))
with right:
    shown = st.radio(t("matrices.percent"), ["none", "row", "column"], key="matrices.percent", horizontal=True,
                     format_func=lambda k: t(f"matrices.percent.{k}"))
    percent = None if shown == "none" else shown
filters = filter_widgets(options, key="matrices.filters")
first, second, third = st.columns([1, 1, 1])
with first:
    rollup = st.checkbox(t("matrices.rollup"), key="matrices.rollup", help=t("matrices.rollup.help"))
with second:
    window = st.number_input(t("matrices.window"), min_value=0, max_value=MAX_WINDOW, step=1,
                             key="matrices.window", help=t("matrices.window.help"), disabled=columns != CODE)
with third:
    if st.button(t("matrices.refresh"), icon=":material/refresh:", key="matrices.refresh"):
        matrix.clear()
        lines.clear()

try:
    with st.spinner(t("matrices.computing")):
        result = matrix(project_name, viewer, columns, measure, int(window) if columns == CODE else 0, rollup,
                        filters)
except FgiError as error:
    show_error(error)
    st.stop()

if not result.rows or not result.columns:
    st.info(t("matrices.empty"), icon=":material/info:")
    st.stop()

st.caption(t(f"matrices.reading.{'code' if columns == CODE else 'other'}"))
view.apply_click(view.heat_map(result, percent), result, "heatmap")
view.apply_click(view.table(result, percent), result, "table")
st.caption(t("matrices.click"))

csv_name, xlsx_name = f"{t('page.matrices')}_{columns}.csv", f"{t('page.matrices')}_{columns}.xlsx"
one, two = st.columns(2)
with one:
    download(t("matrices.download.csv"), csv_name,
             lambda: written_bytes(lambda path: write_matrix(result, path), csv_name), key="matrices.csv")
with two:
    download(t("matrices.download.xlsx"), xlsx_name,
             lambda: written_bytes(lambda path: write_matrix(result, path), xlsx_name), key="matrices.xlsx")

row, col = view.cell_picker(result)
try:
    found = lines(project_name, viewer, result, row, col, filters)
except FgiError as error:
    show_error(error)
    st.stop()
view.cell_lines(found, result, row, col)
