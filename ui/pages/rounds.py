"""코딩 라운드: the project's rounds, the agreement trend across them (per code and overall,
so a team can show its codebook converged), a round's export; for leads also the
post-reveal setting, closing the open round and opening the next."""

from __future__ import annotations

import streamlit as st

from coding.errors import PermissionDenied
from coding.reveal import post_reveal_policy
from coding.rounds import agreement_trend, change_marker, list_rounds
from coding.users import get_user
from fgi.study import get_project, list_transcripts
from ui.components import rounds_view as view
from ui.context import acting
from ui.resources import database
from ui.safe import literal, md
from ui.text import t

db = database()
st.header(t("page.rounds"))
st.caption(t("rounds.intro"))
TREND_BOOTSTRAP = 500


@st.cache_data(ttl=60, show_spinner=False, max_entries=20)
def trend(project_name: str, viewer: str, marker: int):  # marker: the project's latest change
    with database().reading() as session:
        return agreement_trend(session, get_project(session, project_name), viewer=get_user(session, viewer),
                               n_boot=TREND_BOOTSTRAP)


with db.reading() as session:
    me, project = acting(session)
    project_name, user_name, lead = project.name, me.name, me.is_lead
    views = list_rounds(session, project, viewer=me)
    transcripts = {tr.id: tr.name for tr in list_transcripts(session, project)}
    policy = post_reveal_policy(session, project)
    marker = change_marker(session, project)

if message := st.session_state.pop("rounds.message", None):
    st.success(literal(message), icon=":material/check:")
view.rounds_table(views)

st.subheader(t("rounds.trend"))
try:
    points = trend(project_name, user_name, marker)
except PermissionDenied:
    points = None
    st.info(t("rounds.trend.blind"), icon=":material/visibility_off:")
if points is not None and not points:
    st.info(t("rounds.trend.empty"), icon=":material/info:")
elif points:
    codes = view.trend_codes(points)
    shown = st.multiselect(t("rounds.trend.codes"), codes, default=codes[:5], key="rounds.trend.codes")
    view.trend_chart(points, shown)
    st.caption(t("rounds.trend.caption"))
    view.trend_table(points)

if lead:
    view.lead_controls(project_name, user_name, views, transcripts, policy)
    st.subheader(t("rounds.export"))
    view.round_download(project_name, user_name, [v.number for v in views])
