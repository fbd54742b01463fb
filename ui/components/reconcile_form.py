"""The decision form of one line: for each code on the line keep (유지), drop (삭제) or replace
(대체), codes to add (추가), one reason for the line and, if wanted, one per code.

The widgets are keyed by the line's segment id, so what the lead typed stays when a save is
refused and comes back when the lead returns to the line."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from coding.models import APPLY, REJECT, REPLACE
from coding.reconcile_decide import ADD, DROP, KEEP, CodeChoice
from coding.reconcile_queue import LineCode, LineItem
from ui.components.reconcile_card import decision_text
from ui.safe import literal
from ui.text import t

ACTIONS = (KEEP, DROP, REPLACE)
_FROM_DECISION = {APPLY: KEEP, REJECT: DROP, REPLACE: REPLACE}


@dataclass(frozen=True)
class FormInput:
    choices: list[CodeChoice]
    reason: str
    problem: str | None  # a Korean message when the input cannot be saved as it is


def _key(item: LineItem, *parts: str) -> str:
    return ".".join(("reconcile", item.segment_id, *parts))


def _code_row(item: LineItem, row: int, code: LineCode, paths: list[str]) -> tuple[str, str | None, str]:
    with st.container(border=True, key=f"reconcile-code-{row}"):
        left, middle, right = st.columns([3, 3, 3])
        with left:
            st.markdown(f"**{literal(code.code)}**")
            st.text(t("reconcile.card.applied_by", coders=", ".join(code.applied_by) or "-"))
            if code.not_applied_by:
                st.text(t("reconcile.card.not_applied_by", coders=", ".join(code.not_applied_by)))
            if not code.disputed:
                st.caption(t("reconcile.card.added") if not code.applied_by else t("reconcile.card.agreed"))
            if code.decision:
                st.text(decision_text(code.decision))
        current = _FROM_DECISION[code.decision.decision] if code.decision else KEEP
        with middle:
            action = st.radio(t("reconcile.action"), ACTIONS, index=ACTIONS.index(current), horizontal=True,
                              format_func=lambda a: t(f"reconcile.action.{a}"), key=_key(item, "action", code.code))
            others = [p for p in paths if p != code.code]
            was = code.decision.replacement if code.decision else None
            replacement = st.selectbox(t("reconcile.replacement_for"), others, key=_key(item, "with", code.code),
                                       index=others.index(was) if was in others else None,
                                       placeholder=t("reconcile.replacement_placeholder"))
        with right:
            reason = st.text_input(t("reconcile.code_reason"), key=_key(item, "why", code.code))
    return action, replacement, reason


def decision_form(item: LineItem, paths: list[str]) -> FormInput | None:
    """The form; returns what was submitted (None until the save button is pressed)."""
    with st.form(_key(item, "form"), border=False):
        st.caption(t("reconcile.card.decide"))
        rows = [(code, *_code_row(item, n, code, paths)) for n, code in enumerate(item.codes)]
        on_line = {c.code for c in item.codes}
        added = st.multiselect(t("reconcile.add"), [p for p in paths if p not in on_line],
                               key=_key(item, "add"), placeholder=t("reconcile.add_placeholder"))
        add_reason = st.text_input(t("reconcile.add_reason"), key=_key(item, "add_why"))
        reason = st.text_area(t("reconcile.reason"), height=80, key=_key(item, "reason"))
        st.caption(t("reconcile.reason.help"))
        if not st.form_submit_button(t("reconcile.submit"), type="primary"):
            return None
    choices, problem = [], None
    for code, action, replacement, why in rows:
        if action == REPLACE and not replacement:
            problem = problem or t("reconcile.replacement_needed", code=literal(code.code))
        choices.append(CodeChoice(code.code, action, replacement if action == REPLACE else None, why.strip() or None))
    choices += [CodeChoice(path, ADD, reason=add_reason.strip() or None) for path in added]
    needs_reason = [c for c, (code, action, *_) in zip(choices, rows)
                    if code.disputed or code.decision or action != KEEP] + choices[len(rows):]
    if not reason.strip() and any(c.reason is None for c in needs_reason):
        problem = problem or t("reconcile.reason_needed")
    return FormInput(choices, reason.strip(), problem)
