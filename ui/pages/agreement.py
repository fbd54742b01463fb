"""일치도: inter-coder agreement per code, per coder pair and overall (α with its band, %
agreement, Fleiss' κ, Gwet's AC1, Brennan-Prediger κ, Holsti), a coder x coder heat map when
more than two coders took part, and a heat map of α per code and coder pair; filter by
transcript. Leads always; coders once the transcripts in scope are revealed (blind rules)."""

from __future__ import annotations

import streamlit as st

from coding.agreement import agreement_report, alpha_by_code_and_pair
from coding.errors import PermissionDenied
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project, list_transcripts
from ui.components import agreement_view as view
from ui.components.reveal import agreement_page_panel as reveal_panel
from ui.context import acting
from ui.resources import database, show_error
from ui.safe import literal, md
from ui.text import t

db = database()
st.header(t("page.agreement"))
N_BOOT = 500


@st.cache_data(ttl=60, show_spinner=False, max_entries=30)
def report(project_name: str, viewer: str, transcript_id: str | None, coders: tuple[str, ...] | None = None,
           n_boot: int = N_BOOT):
    with database().reading() as session:
        return agreement_report(session, get_project(session, project_name), viewer=get_user(session, viewer),
                                transcript_id=transcript_id, coders=coders, n_boot=n_boot)


@st.cache_data(ttl=60, show_spinner=False, max_entries=30)
def pair_alpha(project_name: str, viewer: str, transcript_id: str | None):
    with database().reading() as session:
        return alpha_by_code_and_pair(session, get_project(session, project_name), viewer=get_user(session, viewer),
                                      transcript_id=transcript_id)


with db.reading() as session:
    me, project = acting(session)
    project_name, viewer = project.name, me.name
    transcripts = list_transcripts(session, project)

names = {tr.id: tr.name for tr in transcripts}
scope = st.selectbox(t("agreement.scope"), [None, *names], format_func=lambda i: t("agreement.all") if i is None else names[i])
if st.button(t("agreement.refresh"), icon=":material/refresh:"):
    report.clear()
    pair_alpha.clear()
st.caption(md("agreement.bands", guide=view.guide()))
reveal_panel(project_name, viewer, scope)  # reveal with confirmation; the agreement stored at reveal

try:
    with st.spinner(t("agreement.computing")):
        result = report(project_name, viewer, scope)
except PermissionDenied as error:
    st.info(t("agreement.blind"), icon=":material/visibility_off:")
    st.stop()
except FgiError as error:
    show_error(error)
    st.stop()

if len(result.coders) < 2:
    st.info(t("agreement.need_two"), icon=":material/info:")
    st.stop()

view.overall(result)
many = len(result.coders) > 2 and result.coder_matrix is not None
if many:
    by_code, by_pair, by_coder, heat = st.tabs([t("agreement.tab.codes"), t("agreement.tab.pairs"),
                                                t("agreement.tab.coders"), t("agreement.tab.heatmap")])
else:
    by_code, by_pair, heat = st.tabs([t("agreement.tab.codes"), t("agreement.tab.pairs"), t("agreement.tab.heatmap")])
with by_code:
    view.code_table(result)
with by_pair:
    view.pair_table(result)
if many:
    with by_coder:
        view.coder_matrix(result)
with heat:
    grid = pair_alpha(project_name, viewer, scope)
    view.heat_map(grid.codes, [f"{a} – {b}" for a, b in grid.pairs], grid.values)
    st.caption(t("agreement.heatmap_caption"))
