"""조정 (leads only): the disagreement queue by line. One card per line where the coders differ:
the line in context, every coder's codes side by side with memos, and one form that decides
all codes of the line at once (유지 / 삭제 / 대체 / 추가) with a reason. Agreement before and after.

The card and the selection are one state: ``ITEM_KEY`` holds the current line's segment id
and is the selectbox's key. After a save the next open line is shown and selected. A save
carries the version of the card the lead saw (``SHOWN_KEY``, written at the end of every run)
and is refused with a message when the line changed in between."""

from __future__ import annotations

import streamlit as st

from coding.agreement import agreement_report
from coding.reconcile_decide import StaleLine, decide_line
from coding.reconcile_queue import line_queue
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project, list_transcripts
from ui.auth import require_lead
from ui.components import agreement_view as view
from ui.components.reveal import independent_figures
from ui.components.reconcile_card import item_label, overview_rows, show_card
from ui.components.reconcile_form import decision_form
from ui.components.reconcile_state import ITEM_KEY, MESSAGE_KEY, NEXT_KEY, SHOWN_KEY, next_open
from ui.components.suggestions import codes as cached_codes
from ui.context import acting
from ui.resources import database, show_error
from ui.safe import literal, md
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
    current_project = get_project(session, project_name)
    queue = line_queue(session, current_project, viewer=lead, transcript_id=scope)
    before_after = agreement_report(session, current_project, viewer=lead, transcript_id=scope,
                                    consensus=True, n_boot=0)

progress = queue.progress
a, b, c = st.columns(3)
a.metric(t("reconcile.open_lines"), literal(progress.open_lines), help=t("reconcile.open_lines.help"))
b.metric(t("reconcile.before"), view.number(before_after.overall.alpha), help=t("reconcile.before.help"))
c.metric(t("reconcile.settled"), literal(f"{progress.settled_lines} / {progress.disputed_lines}"),
         help=t("reconcile.settled_lines.help"))
st.caption(md("reconcile.progress.note", disputed=progress.disputed_lines, settled=progress.settled_lines,
             coded=progress.coded_lines, alike=progress.coded_lines - progress.disputed_lines))
independent_figures(project_name, me.name, scope)  # the agreement stored at reveal (the live ones are above)
after = before_after.consensus or []
if after:
    st.dataframe([{t("reconcile.col.coder"): x.coder, t("reconcile.col.alpha_after"): view.number(x.alpha),
                   t("agreement.band"): view.band(x.band), "κ": view.number(x.kappa),
                   t("agreement.percent"): view.number(x.percent), t("agreement.col.units"): x.n_units}
                  for x in after], hide_index=True, width="stretch")
    st.caption(t("reconcile.after.help"))

# The lines to pick from: the open ones (all with the toggle), and always the current line,
# so a line decided by someone else meanwhile stays on screen with what it shows now.
wanted = st.session_state.pop(NEXT_KEY, None)
if wanted is not None:
    st.session_state[ITEM_KEY] = wanted
current = st.session_state.get(ITEM_KEY)
items = [i for i in queue.items if show_decided or i.is_open or i.segment_id == current]
if not items:
    st.success(t("reconcile.empty"), icon=":material/task_alt:")
    st.stop()
by_id = {i.segment_id: i for i in items}
if current not in by_id:
    st.session_state[ITEM_KEY] = next((i.segment_id for i in items if i.is_open), items[0].segment_id)
numbers = {item.segment_id: number for number, item in enumerate(queue.items, start=1)}  # stable while deciding

st.subheader(t("reconcile.queue"))
st.dataframe(overview_rows(items, numbers), hide_index=True, width="stretch",
             height=min(230, 35 * (len(items) + 1) + 3))  # no empty rows under a short queue
sid = st.selectbox(t("reconcile.pick_line"), list(by_id), key=ITEM_KEY,
                   format_func=lambda i: item_label(numbers[i], by_id[i]))
item = by_id[sid]
shown_before = st.session_state.get(SHOWN_KEY, {})

notice = st.container()  # the outcome of a save, right above the card it is about
if message := st.session_state.pop(MESSAGE_KEY, None):
    notice.success(literal(message), icon=":material/check:")
show_card(item)
submitted = decision_form(item, [code.path for code in cached_codes(project_name)])
if submitted is not None:
    if message := submitted.problem:  # a t(...) label, user text in it escaped
        notice.error(literal(message), icon=":material/error:")
    else:
        try:
            with db.transaction() as session:
                result = decide_line(session, get_user(session, me.name), item.segment_id, submitted.choices,
                                     reason=submitted.reason or None,
                                     expected_version=shown_before.get(item.segment_id, ""))
        except StaleLine:
            notice.error(md("reconcile.stale", line=item.line), icon=":material/sync_problem:")
        except FgiError as error:
            with notice:
                show_error(error)
        else:
            with db.reading() as session:
                fresh = line_queue(session, get_project(session, project_name), viewer=get_user(session, me.name),
                                   transcript_id=scope)
            following = next_open(fresh.items, item.segment_id)
            st.session_state[NEXT_KEY] = following or item.segment_id
            st.session_state[MESSAGE_KEY] = t("reconcile.saved_line", line=item.line, count=len(result.written)) \
                + ("" if following else " " + t("reconcile.all_done"))
            st.rerun()
st.session_state[SHOWN_KEY] = {item.segment_id: item.version}
