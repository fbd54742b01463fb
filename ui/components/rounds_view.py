"""Coding rounds on screen: the rounds table, the agreement trend across rounds (plotly,
per code and overall), a lead's close / open / post-reveal controls and a round's export."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from coding.models import POST_REVEAL_POLICIES
from coding.reveal import set_post_reveal_policy
from coding.round_export import export_round
from coding.rounds import RoundView, TrendPoint, close_round, open_round
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from ui.resources import database, show_error
from ui.safe import literal, md
from ui.text import t

OVERALL = "overall"


def _at(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _count(n: int | None) -> str:
    return "—" if n is None else str(n)


def rounds_table(views: Sequence[RoundView]) -> None:
    st.dataframe([{t("rounds.col.round"): v.number,
                   t("rounds.col.state"): t("rounds.state.open" if v.open else "rounds.state.closed"),
                   t("rounds.col.opened"): _at(v.opened_at), t("rounds.col.closed"): _at(v.closed_at),
                   t("rounds.col.transcripts"): ", ".join(name for _, name in v.transcripts),
                   t("rounds.col.codes"): _count(v.codes_at_close if not v.open else v.codes_at_open),
                   t("rounds.col.note"): v.note or ""} for v in views],
                 hide_index=True, width="stretch")


def trend_codes(points: Sequence[TrendPoint]) -> list[str]:
    """Codes with a defined alpha in at least two rounds first (they show a trend), then the rest."""
    rounds_of: dict[str, set[int]] = {}
    for p in points:
        if p.code != OVERALL and p.alpha is not None:
            rounds_of.setdefault(p.code, set()).add(p.round)
    return sorted(rounds_of, key=lambda code: (-len(rounds_of[code]), code))


def trend_chart(points: Sequence[TrendPoint], codes: Sequence[str]) -> None:
    """Alpha per round: overall (with its 95% interval) and the chosen codes, one line each."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for code in [OVERALL, *codes]:
        mine = sorted((p for p in points if p.code == code), key=lambda p: p.round)
        if not mine:
            continue
        overall = code == OVERALL
        error = None
        if overall:
            error = {"type": "data", "symmetric": False,
                     "array": [None if p.alpha is None or p.alpha_ci[1] is None else p.alpha_ci[1] - p.alpha
                               for p in mine],
                     "arrayminus": [None if p.alpha is None or p.alpha_ci[0] is None else p.alpha - p.alpha_ci[0]
                                    for p in mine]}
        figure.add_trace(go.Scatter(
            x=[p.round for p in mine], y=[p.alpha for p in mine], mode="lines+markers",
            name=t("rounds.trend.overall") if overall else code, error_y=error,
            line={"width": 4 if overall else 2, "dash": None if overall else "dot"},
            hovertemplate="%{x}: α = %{y:.3f}<extra>" + (t("rounds.trend.overall") if overall else code) + "</extra>",
        ))
    figure.add_hline(y=0.8, line={"color": "#238b45", "dash": "dash", "width": 1})
    figure.add_hline(y=0.667, line={"color": "#fdae61", "dash": "dash", "width": 1})
    numbers = sorted({p.round for p in points})
    figure.update_layout(
        height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"family": "NanumGothic, sans-serif"},
        xaxis={"title": t("rounds.trend.axis.round"), "tickmode": "array", "tickvals": numbers},
        yaxis={"title": t("rounds.trend.axis.alpha"),
               "range": [min([-0.2, *(p.alpha for p in points if p.alpha is not None)]), 1.05]},
        legend={"orientation": "h"},
    )
    st.plotly_chart(figure, width="stretch", key="rounds.trend")


def trend_table(points: Sequence[TrendPoint]) -> None:
    numbers = sorted({p.round for p in points})
    rows: dict[str, dict] = {}
    for p in points:
        name = t("rounds.trend.overall") if p.code == OVERALL else p.code
        rows.setdefault(p.code, {t("agreement.col.code"): name})[f"{t('rounds.col.round')} {p.round}"] = (
            "—" if p.alpha is None else f"{p.alpha:.3f}")
    ordered = [rows[OVERALL]] if OVERALL in rows else []
    ordered += [row for code, row in rows.items() if code != OVERALL]
    st.dataframe(ordered, hide_index=True, width="stretch",
                 column_order=[t("agreement.col.code"), *[f"{t('rounds.col.round')} {n}" for n in numbers]])


def lead_controls(project_name: str, user_name: str, views: Sequence[RoundView],
                  transcripts: dict[str, str], policy: str) -> None:
    """Post-reveal setting, closing the open round (with a confirmation) and opening the next."""
    with st.form("rounds.policy"):
        chosen = st.radio(t("reveal.policy"), POST_REVEAL_POLICIES, index=POST_REVEAL_POLICIES.index(policy),
                          format_func=lambda p: t(f"reveal.policy.{p}"), horizontal=True,
                          key="rounds.policy.choice")
        if st.form_submit_button(t("reveal.policy.save")):
            _do(lambda s, me: set_post_reveal_policy(s, me, get_project(s, project_name), chosen),
                user_name, t("reveal.policy.saved", policy=t(f"reveal.policy.{chosen}")))
    current = views[-1]
    if current.open:
        st.subheader(t("rounds.close"))
        st.warning(md("rounds.close.what", number=current.number), icon=":material/lock:")
        note = st.text_input(t("rounds.close.note"), key="rounds.close.note")
        if st.button(md("rounds.close.yes", number=current.number), type="primary", key="rounds.close.yes"):
            _do(lambda s, me: close_round(s, me, get_project(s, project_name), note=note or None),
                user_name, t("rounds.closed", number=current.number))
        return
    st.subheader(t("rounds.open"))
    st.caption(t("rounds.open.what"))
    with st.form("rounds.open"):
        picked = st.multiselect(t("rounds.open.transcripts"), list(transcripts), format_func=transcripts.get,
                                key="rounds.open.transcripts")
        note = st.text_area(t("rounds.open.note"), height=80, key="rounds.open.note")
        if st.form_submit_button(t("rounds.open.yes"), type="primary"):
            _do(lambda s, me: open_round(s, me, get_project(s, project_name), picked, note=note or None),
                user_name, t("rounds.opened", number=current.number + 1))


def _do(action, user_name: str, message: str) -> None:
    try:
        with database().transaction() as session:
            action(session, get_user(session, user_name))
    except FgiError as error:
        show_error(error)
        return
    st.cache_data.clear()
    st.session_state["rounds.message"] = message
    st.rerun()


def round_download(project_name: str, user_name: str, numbers: Sequence[int]) -> None:
    """Pick a round and download its codings, agreement and post-reveal changes (.xlsx)."""
    number = st.selectbox(t("rounds.export.round"), list(numbers), index=len(numbers) - 1, key="rounds.export.n")
    if st.button(t("rounds.export.make"), key="rounds.export.make"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"round-{number}.xlsx"
            try:
                with database().reading() as session:
                    export_round(session, get_user(session, user_name), get_project(session, project_name),
                                 number, path)
            except FgiError as error:
                show_error(error)
                return
            st.session_state["rounds.export.file"] = (number, path.read_bytes())
    if (ready := st.session_state.get("rounds.export.file")) and ready[0] == number:
        st.download_button(md("rounds.export.button", number=number), ready[1], file_name=f"round-{number}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="rounds.export.download")
