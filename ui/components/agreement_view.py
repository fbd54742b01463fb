"""Agreement as metrics, tables and heat maps (codes x coder pairs; coder x coder), from
coding.agreement reports. Every number has a hover that says what unit it counts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from coding import multilabel, stats
from coding.agreement import NOT_COMPUTED, AgreementReport
from coding.bands import band_guide
from coding.stats import Stat
from ui.text import t

# The domain's reasons (English constants) and their Korean labels in ui/text.py.
_REASONS = {
    stats.ONE_CODER: "one_coder", stats.NO_PAIRABLE: "no_pairable", stats.NO_COMMON: "no_common",
    stats.NO_COMPLETE: "no_complete", stats.NO_VARIATION: "no_variation", stats.ONE_CATEGORY: "one_category",
    stats.NO_DECISIONS: "no_decisions", multilabel.NEVER_APPLIED: "never_applied",
    multilabel.NEITHER_APPLIED: "neither_applied", multilabel.NO_CODES: "no_codes", NOT_COMPUTED: "not_computed",
}

WIDTHS = [1, 1.4, 1, 0.8]  # metric columns: the band's label is the longest value

# The coder x coder heat map can show any of these (label key, CoderMatrix field).
MATRIX_STATS = (("agreement.kappa", "kappa"), ("agreement.ac1", "gwet_ac1"), ("agreement.percent", "percent"),
                ("agreement.holsti", "holsti"), ("agreement.bp", "brennan_prediger"))


def number(stat: Stat | float) -> str:
    value = stat.value if isinstance(stat, Stat) else stat
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


def interval(ci: tuple[float, float]) -> str:
    low, high = ci
    return "—" if math.isnan(low) or math.isnan(high) else f"[{low:.3f}, {high:.3f}]"


def band(name: str) -> str:
    return t(f"agreement.band.{name}")


def guide() -> str:
    """The band guide, built from the same labels as every band shown."""
    return band_guide(_language())


def reason(text: str | None) -> str:
    """A statistic's reason for being undefined, in the app's language."""
    if not text:
        return ""
    key = _REASONS.get(text)
    return t(f"agreement.reason.{key}") if key else text


def first_reason(*values: Stat) -> str:
    return next((reason(v.reason) for v in values if not v.defined), "")


def _language() -> str:
    return "en" if st.session_state.get("lang") == "en" else "ko"


def overall(report: AgreementReport) -> None:
    o = report.overall
    a, b, c, d = st.columns(WIDTHS)
    a.metric(t("agreement.alpha"), number(o.alpha), help=t("agreement.alpha.help"))
    b.metric(t("agreement.band"), band(o.band), help=t("agreement.band.help", guide=guide()))
    c.metric(t("agreement.percent"), number(o.percent), help=t("agreement.percent.help"))
    d.metric(t("agreement.units"), o.n_units, help=t("agreement.units.help"))
    st.caption(t("agreement.overall_caption", ci=interval(o.alpha_ci), coders=", ".join(report.coders),
                 boot=report.n_boot))
    if not o.alpha.defined:
        st.text(t("agreement.undefined", reason=reason(o.alpha.reason)))
    st.markdown(f"**{t('agreement.overall_more')}**")
    e, f, g, h = st.columns(WIDTHS)
    e.metric(t("agreement.fleiss"), number(o.fleiss_kappa), help=t("agreement.fleiss.help"))
    f.metric(t("agreement.ac1"), number(o.gwet_ac1), help=t("agreement.ac1.help"))
    g.metric(t("agreement.bp"), number(o.brennan_prediger), help=t("agreement.bp.help"))
    h.metric(t("agreement.holsti"), number(o.holsti), help=t("agreement.holsti.help"))


def _columns(helps: dict[str, str]) -> dict:
    return {name: st.column_config.TextColumn(name, help=text) for name, text in helps.items()}


def code_table(report: AgreementReport) -> None:
    c = {key: t(key) for key in ("agreement.col.code", "agreement.col.ci", "agreement.band", "agreement.fleiss",
                                 "agreement.ac1", "agreement.bp", "agreement.holsti", "agreement.percent",
                                 "agreement.col.units", "agreement.col.applied", "agreement.col.reason")}
    rows = [{
        c["agreement.col.code"]: s.name, "α": number(s.alpha), c["agreement.col.ci"]: interval(s.alpha_ci),
        c["agreement.band"]: band(s.band), c["agreement.fleiss"]: number(s.fleiss_kappa),
        c["agreement.ac1"]: number(s.gwet_ac1), c["agreement.bp"]: number(s.brennan_prediger),
        c["agreement.holsti"]: number(s.holsti), c["agreement.percent"]: number(s.percent),
        c["agreement.col.units"]: str(s.n_units), c["agreement.col.applied"]: str(s.applied),
        c["agreement.col.reason"]: first_reason(s.alpha, s.gwet_ac1, s.holsti),
    } for s in report.codes]
    st.dataframe(rows, hide_index=True, width="stretch", key="agreement.codes", column_config=_columns({
        "α": t("agreement.alpha.help"), c["agreement.col.ci"]: t("agreement.ci.help"),
        c["agreement.band"]: t("agreement.band.help", guide=guide()),
        c["agreement.fleiss"]: t("agreement.fleiss.help"), c["agreement.ac1"]: t("agreement.ac1.help"),
        c["agreement.bp"]: t("agreement.bp.help"), c["agreement.holsti"]: t("agreement.holsti.help"),
        c["agreement.percent"]: t("agreement.percent.help"), c["agreement.col.units"]: t("agreement.units.help"),
        c["agreement.col.applied"]: t("agreement.applied.help"), c["agreement.col.reason"]: t("agreement.reason.help"),
    }))
    if report.unused_codes:
        st.caption(t("agreement.unused", n=len(report.unused_codes)))


def pair_table(report: AgreementReport) -> None:
    c = {key: t(key) for key in ("agreement.col.pair", "agreement.kappa", "agreement.percent", "agreement.ac1",
                                 "agreement.bp", "agreement.holsti", "agreement.col.units", "agreement.col.reason")}
    rows = [{
        c["agreement.col.pair"]: f"{p.coder_a} – {p.coder_b}", c["agreement.kappa"]: number(p.kappa),
        c["agreement.percent"]: number(p.percent), c["agreement.ac1"]: number(p.gwet_ac1),
        c["agreement.bp"]: number(p.brennan_prediger), c["agreement.holsti"]: number(p.holsti),
        c["agreement.col.units"]: str(p.n_units),
        c["agreement.col.reason"]: first_reason(p.kappa, p.gwet_ac1, p.holsti),
    } for p in report.pairs]
    st.dataframe(rows, hide_index=True, width="stretch", key="agreement.pairs", column_config=_columns({
        c["agreement.kappa"]: t("agreement.kappa.help"), c["agreement.percent"]: t("agreement.pair_percent.help"),
        c["agreement.ac1"]: t("agreement.ac1.help"), c["agreement.bp"]: t("agreement.bp.help"),
        c["agreement.holsti"]: t("agreement.holsti.help"), c["agreement.col.units"]: t("agreement.col.units.help"),
        c["agreement.col.reason"]: t("agreement.reason.help"),
    }))


def coder_matrix(report: AgreementReport) -> None:
    """Every coder against every other as a heat map, for the statistic the user picks."""
    matrix = report.coder_matrix
    labels = {field: t(key) for key, field in MATRIX_STATS}
    chosen = st.radio(t("agreement.matrix.stat"), list(labels), format_func=labels.get, horizontal=True,
                      key="agreement.matrix.stat")
    help_keys = {"kappa": "agreement.kappa.help", "gwet_ac1": "agreement.ac1.help",
                 "percent": "agreement.pair_percent.help", "holsti": "agreement.holsti.help",
                 "brennan_prediger": "agreement.bp.help"}
    st.caption(t(help_keys[chosen]))
    heat_map(matrix.coders, matrix.coders, getattr(matrix, chosen), key="agreement.coder_matrix",
             title=labels[chosen], hover_units=(t("agreement.matrix.units"), matrix.n_units))
    st.caption(t("agreement.matrix.caption"))


def heat_map(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]], *,
             key: str = "agreement.heatmap", title: str = "α",
             hover_units: tuple[str, Sequence[Sequence[int]]] | None = None) -> None:
    """Values per row and column (alpha per code and coder pair, or a coder x coder table);
    blank where undefined. Green from Krippendorff's .800 on, red below .667."""
    import plotly.graph_objects as go

    z = [[None if v is None or math.isnan(v) else v for v in row] for row in values]
    text = [["—" if v is None else f"{v:.2f}" for v in row] for row in z]
    hover = "%{y}<br>%{x}<br>" + title + " = %{text}"
    extra = {}
    if hover_units is not None:
        extra["customdata"] = hover_units[1]
        hover += "<br>" + hover_units[0] + " %{customdata}"
    figure = go.Figure(go.Heatmap(
        z=z, x=list(columns), y=list(rows), zmin=-0.2, zmax=1.0, text=text, texttemplate="%{text}",
        colorscale=[[0.0, "#d7301f"], [0.72, "#fdcc8a"], [0.83, "#fef0d9"], [0.84, "#c7e9c0"], [1.0, "#238b45"]],
        colorbar={"title": title}, hovertemplate=hover + "<extra></extra>", **extra,
    ))
    figure.update_layout(height=max(320, 28 * len(rows) + 120), margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         yaxis={"autorange": "reversed"}, font={"family": "NanumGothic, sans-serif"})
    st.plotly_chart(figure, width="stretch", key=key)
