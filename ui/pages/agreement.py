"""일치도: inter-coder agreement per code, per coder pair and overall (α with its band, %
agreement, Fleiss' κ, Gwet's AC1, Brennan-Prediger κ, Holsti), a coder x coder heat map when
more than two coders took part, and a heat map of α per code and coder pair; filter by
transcript. Leads always; coders once the transcripts in scope are revealed (blind rules)."""

from __future__ import annotations

import itertools

import streamlit as st

from coding.agreement import agreement_report
from coding.errors import PermissionDenied
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project, list_transcripts
from ui.components import agreement_view as view
from ui.context import acting
from ui.resources import database, show_error
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


with db.reading() as session:
    me, project = acting(session)
    project_name, viewer = project.name, me.name
    transcripts = list_transcripts(session, project)

names = {tr.id: tr.name for tr in transcripts}
scope = st.selectbox(t("agreement.scope"), [None, *names], format_func=lambda i: t("agreement.all") if i is None else names[i])
if st.button(t("agreement.refresh"), icon=":material/refresh:"):
    report.clear()
st.caption(t("agreement.bands", guide=view.guide()))

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
labels = [t("agreement.tab.codes"), t("agreement.tab.pairs"), *([t("agreement.tab.coders")] if many else []),
          t("agreement.tab.heatmap")]
by_code, by_pair, *by_coder, heat = st.tabs(labels)
with by_code:
    view.code_table(result)
with by_pair:
    view.pair_table(result)
if many:
    with by_coder[0]:
        view.coder_matrix(result)
with heat:
    pairs = list(itertools.combinations(result.coders, 2))
    per_pair = [report(project_name, viewer, scope, pair, 0) for pair in pairs]
    codes = [s.name for s in result.codes]
    values = []
    for code in codes:
        row = []
        for pair_report in per_pair:
            found = next((s for s in pair_report.codes if s.name == code), None)
            row.append(found.alpha.value if found is not None else None)
        values.append(row)
    view.heat_map(codes, [f"{a} – {b}" for a, b in pairs], values)
    st.caption(t("agreement.heatmap_caption"))
