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
CELL_PX = 30  # height of a heat-map row


def values(matrix: Matrix, percent: str | None) -> list[list[float | None]]:
    """The numbers the heat map and the table show: counts, or row / column percentages."""
    if percent is None:
        return [list(row) for row in matrix.cells]
    pick = matrix.row_percent if percent == "row" else matrix.column_percent
    return [[None if math.isnan(v) else round(v, 1) for v in (pick(i, j) for j in range(len(matrix.columns)))]
            for i in range(len(matrix.rows))]


def heat_map(matrix: Matrix, percent: str | None) -> tuple[int, int] | None:
    """The heat map; the cell clicked, if any (row, column positions).

    Drawn as square markers, one per cell, not as a plotly Heatmap trace: Streamlit receives
    no selection from a click on a Heatmap (streamlit/streamlit#8760, an upstream limit),
    while a click on a marker selects that point."""
    import plotly.graph_objects as go

    z = values(matrix, percent)
    xs = [plot_text(h.label) for h in matrix.columns]
    ys = [plot_text(h.label) for h in matrix.rows]
    cells = [(i, j) for i in range(len(ys)) for j in range(len(xs))]
    shown = [z[i][j] for i, j in cells]
    numbers = [v for v in shown if v is not None]
    top = max(numbers, default=1) or 1
    measure = t(f"matrices.measure.{matrix.measure}")
    size = max(10, min(CELL_PX - 2, 900 // max(1, len(xs))))
    figure = go.Figure(go.Scatter(
        x=[xs[j] for _, j in cells], y=[ys[i] for i, _ in cells], mode="markers+text",
        text=["" if v is None else (f"{v:g}%" if percent else f"{v:g}") for v in shown],
        textfont={"size": 11, "color": ["white" if v is not None and v > 0.6 * top else "#222" for v in shown]},
        marker={"symbol": "square", "size": size, "color": [0 if v is None else v for v in shown],
                "colorscale": "Blues", "cmin": 0, "cmax": top, "showscale": True,
                "colorbar": {"title": plot_text(measure), "tickformat": ".0f",
                             **({} if percent else {"tick0": 0, "dtick": max(1, math.ceil(top / 5))})}, "line": {"width": 0}},
        hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>",
    ))
    figure.update_traces(selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 0.6}})
    figure.update_layout(height=max(320, CELL_PX * len(matrix.rows) + 140),
                         margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         yaxis={"autorange": "reversed", "type": "category", "showgrid": False},
                         xaxis={"side": "top", "type": "category", "showgrid": False},
                         plot_bgcolor="white", font={"family": "NanumGothic, sans-serif"},
                         clickmode="event+select", dragmode=False)
    event = st.plotly_chart(figure, width="stretch", key="matrices.heatmap", on_select="rerun",
                            selection_mode="points")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None
    index = points[0].get("point_index")
    if index is None or not 0 <= index < len(cells):
        return None
    return cells[index]


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
