"""행렬 on screen: the heat map, the table, the chosen cell and the lines behind it, each
with a button that opens the line in the coding view (the jump contract: ``coding.goto``)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from queries.matrices import CellLine, Matrix
from ui.safe import literal, md, plot_text
from ui.text import t

ROW_KEY, COL_KEY = "matrices.row", "matrices.col"
CLICK_KEY = "matrices.last_click"  # the last heat-map or table selection already applied
GOTO_KEY = "coding.goto"  # read by the coding page: open this line
CODING_PAGE = "ui/pages/coding.py"
SHOWN_LINES = 100


def values(matrix: Matrix, percent: str | None) -> list[list[float | None]]:
    """The numbers the heat map and the table show: counts, or row / column percentages."""
    if percent is None:
        return [list(row) for row in matrix.cells]
    pick = matrix.row_percent if percent == "row" else matrix.column_percent
    return [[None if math.isnan(v) else round(v, 1) for v in (pick(i, j) for j in range(len(matrix.columns)))]
            for i in range(len(matrix.rows))]


def heat_map(matrix: Matrix, percent: str | None) -> tuple[int, int] | None:
    """The heat map; the cell clicked, if any (row, column positions)."""
    import plotly.graph_objects as go

    z = values(matrix, percent)
    text = [["" if v is None else (f"{v:g}%" if percent else f"{v:g}") for v in row] for row in z]
    measure = t(f"matrices.measure.{matrix.measure}")
    figure = go.Figure(go.Heatmap(
        z=z, x=[plot_text(h.label) for h in matrix.columns], y=[plot_text(h.label) for h in matrix.rows],
        text=text, texttemplate="%{text}", colorscale="Blues", colorbar={"title": plot_text(measure)},
        hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>", xgap=1, ygap=1,
    ))
    figure.update_layout(height=max(320, 30 * len(matrix.rows) + 140), margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         yaxis={"autorange": "reversed"}, xaxis={"side": "top"},
                         font={"family": "NanumGothic, sans-serif"}, clickmode="event+select")
    event = st.plotly_chart(figure, width="stretch", key="matrices.heatmap", on_select="rerun",
                            selection_mode="points")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None
    point = points[0]
    columns = {plot_text(h.label): j for j, h in enumerate(matrix.columns)}
    rows = {plot_text(h.label): i for i, h in enumerate(matrix.rows)}
    if point.get("y") in rows and point.get("x") in columns:
        return rows[point["y"]], columns[point["x"]]
    return None


def table(matrix: Matrix, percent: str | None) -> tuple[int, int] | None:
    """The matrix as a table with totals; the cell selected in it, if any."""
    data = pd.DataFrame(values(matrix, percent), columns=[h.label for h in matrix.columns],
                        index=[h.label for h in matrix.rows])
    data[t("matrices.total")] = list(matrix.row_totals)
    event = st.dataframe(data, width="stretch", key="matrices.table", on_select="rerun",
                         selection_mode="single-cell")
    cells = getattr(getattr(event, "selection", None), "cells", None) or []
    if not cells:
        return None
    row, column = cells[0]
    if column not in data.columns[: len(matrix.columns)]:
        return None
    return int(row), list(data.columns).index(column)


def apply_click(click: tuple[int, int] | None, matrix: Matrix, source: str) -> None:
    """Make a new click the chosen cell (the pickers below follow it); an old selection that
    Streamlit still reports does not override a later choice in the pickers."""
    if click is None:
        return
    seen = (source, matrix.rows[click[0]].key, matrix.columns[click[1]].key)
    if st.session_state.get(CLICK_KEY) == seen:
        return
    st.session_state[CLICK_KEY] = seen
    st.session_state[ROW_KEY] = matrix.rows[click[0]].key
    st.session_state[COL_KEY] = matrix.columns[click[1]].key


def cell_picker(matrix: Matrix) -> tuple[int, int]:
    """The chosen cell as two selectboxes (row code, column), kept in step with clicks."""
    rows = {h.key: h.label for h in matrix.rows}
    columns = {h.key: h.label for h in matrix.columns}
    if st.session_state.get(ROW_KEY) not in rows:
        st.session_state[ROW_KEY] = _busiest(matrix)[0]
    if st.session_state.get(COL_KEY) not in columns:
        st.session_state[COL_KEY] = _busiest(matrix)[1]
    left, right = st.columns(2)
    with left:
        row = st.selectbox(t("matrices.cell.row"), list(rows), key=ROW_KEY, format_func=rows.get)
    with right:
        column = st.selectbox(t("matrices.cell.column"), list(columns), key=COL_KEY, format_func=columns.get)
    return list(rows).index(row), list(columns).index(column)


def _busiest(matrix: Matrix) -> tuple[str, str]:
    """The keys of the largest cell (the first cell when all are 0): a useful first choice."""
    best = max(((n, -i, -j) for i, row in enumerate(matrix.cells) for j, n in enumerate(row)), default=(0, 0, 0))
    return matrix.rows[-best[1]].key, matrix.columns[-best[2]].key


def _go(line: CellLine) -> None:
    st.session_state[GOTO_KEY] = line.segment_id
    st.session_state["coding.transcript"] = line.transcript_id  # the coding page's transcript picker


def cell_lines(lines: list[CellLine], matrix: Matrix, row: int, col: int) -> None:
    """The lines behind the chosen cell, each with speaker, transcript and a jump button."""
    st.subheader(md("matrices.cell.title", row=matrix.rows[row].label, column=matrix.columns[col].label))
    if not lines:
        st.info(t("matrices.cell.empty"), icon=":material/info:")
        return
    st.caption(md("matrices.cell.count", n=len(lines), shown=min(len(lines), SHOWN_LINES)))
    for line in lines[:SHOWN_LINES]:
        with st.container(border=True, key=f"matrices.line.{line.segment_id}"):
            where, button = st.columns([5, 1])
            with where:
                st.caption(md("matrices.cell.where", transcript=line.transcript, line=line.line,
                              speaker=line.speaker or "-", group=line.group or "-"))
                st.text(line.text)
                if line.codes:
                    st.caption(literal(" · ".join(line.codes)))
            with button:
                if st.button(t("matrices.open"), key=f"matrices.open.{line.segment_id}",
                             icon=":material/edit_note:"):
                    _go(line)
                    st.switch_page(CODING_PAGE)
