"""Theme work as the page shows it: candidate cards, the scatter plot, the hierarchy tree."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from themes.runs import CandidateView
from themes.scatter import Point
from coding.code_paths import leaf_name
from themes.tree import TreeNode, walk
from ui.safe import literal, md, plot_text
from ui.text import t

INDENT = "\u3000"


def candidate_card(c: CandidateView, *, selected_key: str) -> None:
    with st.container(border=True, key=f"candidate-{c.id}"):
        st.markdown(f"**{literal(c.position + 1)}. {literal(c.label)}**")
        st.caption(md("themes.card.counts", size=c.size, participants=c.participants, groups=c.groups))
        if c.stability is not None and c.resamples:
            st.caption(md("themes.card.stability", level=t(f"themes.stability.{stability_level(c.stability)}"),
                          times=round(c.stability * c.resamples), resamples=c.resamples))
        st.text(t("themes.card.keywords", keywords=", ".join(c.keywords[:8])))
        if c.codes:
            st.text(t("themes.card.codes", codes=", ".join(
                f"{leaf_name(s.path)} {s.share:.0%}" for s in c.codes[:4])))
        for quote in c.representatives:
            st.text(f"“{quote.text}” ({quote.speaker or '-'})")
        key = f"{selected_key}.{c.id}"
        if c.accepted_as is not None:
            st.success(md("themes.card.accepted", node=c.accepted_as), icon=":material/task_alt:")
            st.session_state[key] = False  # taken once: never ticked again, so never accepted twice
            st.checkbox(t("themes.card.select"), key=key, disabled=True)
        else:
            st.checkbox(t("themes.card.select"), key=key)


def stability_level(share: float) -> str:
    """solid (reappears in at least 80 % of resamples), fair (at least half), weak."""
    return "solid" if share >= 0.8 else "fair" if share >= 0.5 else "weak"


def scatter(points: Sequence[Point]) -> None:
    import plotly.graph_objects as go

    from plotly.colors import qualitative

    palette = qualitative.D3 + qualitative.Set2
    figure = go.Figure()
    for position in sorted({p.candidate for p in points}):
        group = [p for p in points if p.candidate == position]
        label = group[0].label
        figure.add_trace(go.Scattergl(
            x=[p.x for p in group], y=[p.y for p in group], mode="markers", name=plot_text(f"{position + 1}. {label}"),
            text=[plot_text(f"{p.speaker or '-'}: {p.text[:80]}") for p in group],
            hovertemplate="%{text}<extra>%{fullData.name}</extra>", marker={"size": 9, "opacity": 0.8, "color": palette[position % len(palette)]}))
    figure.update_layout(height=480, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"itemclick": "toggle"},
                         font={"family": "NanumGothic, sans-serif"}, xaxis={"title": "PC1"}, yaxis={"title": "PC2"})
    st.plotly_chart(figure, width="stretch", key="themes.scatter")


def node_label(node: TreeNode) -> str:
    return f"{t(f'themes.level.{node.level}')} · {node.name} (#{node.id})"


def tree_table(tree: list[TreeNode]) -> None:
    rows = []

    def add(nodes: list[TreeNode], depth: int) -> None:
        for node in nodes:
            rows.append({t("themes.col.node"): INDENT * depth + node.name, t("themes.col.level"):
                         t(f"themes.level.{node.level}"), t("themes.col.lines"): node.lines,
                         t("themes.col.participants"): node.participants, t("themes.col.groups"): node.groups,
                         t("themes.col.frequency"): t(f"themes.freq.{node.frequency}") if node.frequency else "",
                         t("themes.col.codes"): ", ".join(c.name for c in node.codes),
                         t("themes.col.pinned"): len(node.pinned),
                         t("themes.col.memos"): len(node.memos) or int(bool(node.memo)), "id": node.id})
            add(node.children, depth + 1)

    add(tree, 0)
    st.dataframe(rows, hide_index=True, width="stretch", key="themes.tree",
                 column_config={t("themes.col.node"): st.column_config.TextColumn(width="large")})


def all_nodes(tree: list[TreeNode]) -> list[TreeNode]:
    return list(walk(tree))
