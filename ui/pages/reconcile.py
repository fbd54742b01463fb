"""조정 (leads only): the disagreement queue; each coder's choice side by side with the line
in context; decide apply / reject / replace with a reason; agreement before and after."""

from __future__ import annotations

import streamlit as st

from coding.agreement import agreement_report
from coding.models import DECISIONS, REPLACE
from coding.reconcile import decide, disagreements
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project, list_transcripts
from ui.auth import require_lead
from ui.components import agreement_view as view
from ui.components.reveal import independent_figures
from ui.components.suggestions import codes as cached_codes, segments as cached_segments
from ui.context import acting
from ui.resources import database, show_error
from ui.safe import literal
from ui.text import t

db = database()
me = require_lead()
st.header(t("page.reconcile"))

with db.reading() as session:
    _, project = acting(session)
    project_name = project.name
    transcripts = list_transcripts(session, project)
names = {tr.id: tr.name for tr in transcripts}
scope = st.selectbox(t("agreement.scope"), [None, *names], key="reconcile.scope",
                     format_func=lambda i: t("agreement.all") if i is None else names[i])
show_decided = st.toggle(t("reconcile.show_decided"))

with db.reading() as session:
    lead = get_user(session, me.name)
    queue = disagreements(session, get_project(session, project_name), viewer=lead, transcript_id=scope,
                          include_decided=show_decided)
    before_after = agreement_report(session, get_project(session, project_name), viewer=lead, transcript_id=scope,
                                    consensus=True, n_boot=0)

open_items = [d for d in queue if d.decision is None]
a, b, c = st.columns(3)
a.metric(t("reconcile.open"), len(open_items))
b.metric(t("reconcile.before"), view.number(before_after.overall.alpha), help=t("reconcile.before.help"))
after = before_after.consensus or []
c.metric(t("reconcile.settled"), literal(f"{before_after.settled_units or 0} / {before_after.n_units}"))
independent_figures(project_name, me.name, scope)  # the agreement stored at reveal (the live ones are above)
if after:
    st.dataframe([{t("reconcile.col.coder"): x.coder, t("reconcile.col.alpha_after"): view.number(x.alpha),
                   t("agreement.band"): view.band(x.band), "κ": view.number(x.kappa),
                   t("agreement.percent"): view.number(x.percent), t("agreement.col.units"): x.n_units}
                  for x in after], hide_index=True, width="stretch")
    st.caption(t("reconcile.after.help"))

if message := st.session_state.pop("reconcile.message", None):
    st.success(literal(message), icon=":material/check:")
if not queue:
    st.success(t("reconcile.empty"), icon=":material/task_alt:")
    st.stop()

st.subheader(t("reconcile.queue"))
st.dataframe([{t("col.line"): d.line, t("reconcile.col.transcript"): d.transcript, t("agreement.col.code"): d.code,
               t("reconcile.col.yes"): ", ".join(x.coder for x in d.coders if x.applied),
               t("reconcile.col.no"): ", ".join(x.coder for x in d.coders if not x.applied),
               t("reconcile.col.decision"): t(f"reconcile.decision.{d.decision.decision}") if d.decision else "",
               t("col.text"): d.text} for d in queue], hide_index=True, width="stretch", height=240)

labels = [f"{i + 1}. {d.transcript} {d.line}{t('reconcile.line_suffix')} · {d.code}" for i, d in enumerate(queue)]
index = st.selectbox(t("reconcile.item"), range(len(queue)), format_func=lambda i: labels[i], key="reconcile.item")
item = queue[index]

with st.container(border=True, key="reconcile-item"):
    st.caption(t("reconcile.context"))
    rows = cached_segments(item.transcript_id)
    at = next(i for i, r in enumerate(rows) if r.id == item.segment_id)
    for r in rows[max(0, at - 2): at + 3]:
        line = f"{'▶ ' if r.id == item.segment_id else '   '}{r.line:>4}  {r.participant or r.speaker or '-'}: {r.text}"
        st.text(line)
    st.markdown(f"**{t('agreement.col.code')}:** {literal(item.code)}")
    columns = st.columns(max(1, len(item.coders)))
    for column, choice in zip(columns, item.coders):
        with column, st.container(border=True):
            st.markdown(f"**{literal(choice.coder)}**")
            st.text(t("reconcile.applied") if choice.applied else t("reconcile.not_applied"))
            if choice.memo:
                st.text(t("reconcile.memo", memo=choice.memo))
    if item.decision:
        st.text(t("reconcile.decided", decision=t(f"reconcile.decision.{item.decision.decision}"),
                  by=item.decision.decided_by, reason=item.decision.reason or "-"))

paths = [c.path for c in cached_codes(project_name)]
with st.form(f"reconcile.decide.{item.segment_id}.{item.code}"):
    decision = st.radio(t("reconcile.decision"), DECISIONS, horizontal=True,
                        format_func=lambda d: t(f"reconcile.decision.{d}"), key=f"reconcile.{item.segment_id}.{item.code}.decision")
    replacement = st.selectbox(t("reconcile.replacement"), [p for p in paths if p != item.code], index=None,
                               key=f"reconcile.{item.segment_id}.{item.code}.replacement")
    reason = st.text_area(t("reconcile.reason"), height=80, key=f"reconcile.{item.segment_id}.{item.code}.reason")
    if st.form_submit_button(t("reconcile.submit"), type="primary"):
        if not reason.strip():
            st.error(t("reconcile.reason_needed"), icon=":material/error:")
        else:
            try:
                with db.transaction() as session:
                    decide(session, get_user(session, me.name), item.segment_id, item.code, decision,
                           replacement=replacement if decision == REPLACE else None, reason=reason)
                st.session_state["reconcile.message"] = t("reconcile.saved", line=item.line, code=item.code)
                st.rerun()
            except FgiError as error:
                show_error(error)

