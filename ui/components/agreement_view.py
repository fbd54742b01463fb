"""Agreement as tables and a heat map (codes x coder pairs), from coding.agreement reports."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from coding.agreement import AgreementReport
from coding.stats import Stat
from ui.safe import literal, md, plot_text
from ui.text import t


def number(stat: Stat | float) -> str:
    value = stat.value if isinstance(stat, Stat) else stat
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


def interval(ci: tuple[float, float]) -> str:
    low, high = ci
    return "—" if math.isnan(low) or math.isnan(high) else f"[{low:.3f}, {high:.3f}]"


def band(name: str) -> str:
    return t(f"agreement.band.{name}")


def overall(report: AgreementReport) -> None:
    o = report.overall
    a, b, c, d = st.columns(4)
    a.metric(t("agreement.alpha"), number(o.alpha), help=t("agreement.alpha.help"))
    b.metric(t("agreement.band"), band(o.band))
    c.metric(t("agreement.percent"), number(o.percent))
    d.metric(t("agreement.units"), literal(o.n_units))
    st.caption(md("agreement.overall_caption", ci=interval(o.alpha_ci), coders=", ".join(report.coders),
                 boot=report.n_boot))
    if not o.alpha.defined:
        st.text(t("agreement.undefined", reason=o.alpha.reason or ""))


def code_table(report: AgreementReport) -> None:
    st.dataframe([
        {t("agreement.col.code"): s.name, "α": number(s.alpha), t("agreement.col.ci"): interval(s.alpha_ci),
         t("agreement.band"): band(s.band), t("agreement.percent"): number(s.percent),
         t("agreement.col.units"): s.n_units, t("agreement.col.applied"): s.applied,
         t("agreement.col.reason"): s.alpha.reason or ""}
        for s in report.codes], hide_index=True, width="stretch")
    if report.unused_codes:
        st.caption(t("agreement.unused", n=len(report.unused_codes)))


def pair_table(report: AgreementReport) -> None:
    st.dataframe([
        {t("agreement.col.pair"): f"{p.coder_a} – {p.coder_b}", "κ": number(p.kappa),
         t("agreement.percent"): number(p.percent), t("agreement.col.units"): p.n_units,
         t("agreement.col.reason"): p.kappa.reason or ""}
        for p in report.pairs], hide_index=True, width="stretch")


def heat_map(codes: Sequence[str], pairs: Sequence[str], values: Sequence[Sequence[float]]) -> None:
    """Alpha per code (rows) and coder pair (columns); blank where undefined."""
    import plotly.graph_objects as go

    z = [[None if v is None or math.isnan(v) else v for v in row] for row in values]
    text = [["—" if v is None else f"{v:.2f}" for v in row] for row in z]
    figure = go.Figure(go.Heatmap(
        z=z, x=[plot_text(p) for p in pairs], y=[plot_text(c) for c in codes], zmin=-0.2, zmax=1.0, text=text, texttemplate="%{text}",
        colorscale=[[0.0, "#d7301f"], [0.72, "#fdcc8a"], [0.83, "#fef0d9"], [0.84, "#c7e9c0"], [1.0, "#238b45"]],
        colorbar={"title": "α"}, hovertemplate="%{y}<br>%{x}<br>α = %{text}<extra></extra>",
    ))
    figure.update_layout(height=max(320, 28 * len(codes) + 120), margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         yaxis={"autorange": "reversed"}, font={"family": "NanumGothic, sans-serif"})
    st.plotly_chart(figure, width="stretch", key="agreement.heatmap")
