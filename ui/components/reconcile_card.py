"""The 조정 card of one line: the line in its context, every coder's codes side by side (with
memos), and the decisions made so far. Read-only; the decision form is
:mod:`ui.components.reconcile_form`."""

from __future__ import annotations

import streamlit as st

from coding.models import REPLACE
from coding.reconcile import Decision
from coding.reconcile_queue import LineItem
from ui.safe import literal
from ui.text import t


def item_label(number: int, item: LineItem) -> str:
    """The selectbox label of an item: number, transcript, line and the start of its text (the
    state is on the card and in the table, which are redrawn on every run)."""
    text = item.text if len(item.text) <= 32 else item.text[:31] + "…"
    return f"{number}. {item.transcript} {literal(item.line)}{t('reconcile.line_suffix')} · {text}"


def decision_text(decision: Decision) -> str:
    what = t(f"reconcile.decision.{decision.decision}")
    if decision.decision == REPLACE:
        what = t("reconcile.card.replaced_by", code=decision.replacement)
    return t("reconcile.decided", decision=what, by=decision.decided_by, reason=decision.reason or "-")


def overview_rows(items: list[LineItem], numbers: dict[str, int]) -> list[dict]:
    """One row per line for the queue table: every coder's codes in a column of its own."""
    coders = sorted({c.coder for i in items for c in i.coders})
    rows = []
    for item in items:
        row = {t("reconcile.col.number"): numbers[item.segment_id], t("reconcile.col.transcript"): item.transcript,
               t("col.line"): item.line}
        mine = {c.coder: ", ".join(c.codes) or "-" for c in item.coders}
        row.update({coder: mine.get(coder, "") for coder in coders})
        row[t("reconcile.col.state")] = t("reconcile.line.open") if item.is_open else t("reconcile.line.done")
        row[t("col.text")] = item.text
        rows.append(row)
    return rows


def show_card(item: LineItem) -> None:
    """The line, its context and the coders' codes, in one bordered box keyed for tests."""
    with st.container(border=True, key="reconcile-card"):
        state = t("reconcile.line.open") if item.is_open else t("reconcile.line.done")
        st.markdown(f"**{literal(item.transcript)} · {literal(item.line)}{t('reconcile.line_suffix')}**"
                    f" · {literal(item.speaker or '-')} · {literal(state)}")
        st.caption(t("reconcile.context"))
        st.text("\n".join(
            f"{'▶' if c.current else '·'} {c.line}  {c.speaker or '-'}: {c.text}" for c in item.context))
        st.caption(t("reconcile.card.coders"))
        columns = st.columns(max(1, len(item.coders)))
        for column, coder in zip(columns, item.coders):
            with column, st.container(border=True):
                st.markdown(f"**{literal(coder.coder)}**")
                if not coder.codes:
                    st.text(t("reconcile.card.no_codes"))
                for code in coder.codes:
                    st.text(f"• {code}")
                for memo in coder.memos:
                    st.text(t("reconcile.memo", memo=memo))
