"""주제 (leads): run a proposal (embedder, level, k), see the candidates as cards and as a
2-D scatter of their lines; accept and merge them; shape the hierarchy (domain > theme >
sub-theme > code) by hand: place codes, move lines, pin quotes, node memos, rename, merge,
split, move; frequency labels; undo and redo.

Speed: the hierarchy is a fragment, so its actions rerun it alone; its reads are cached
by the last recorded event (``themes.tree.state_version``), so an action costs one write
and one read of the tree."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from coding.memos import memos_for
from coding.models import MEMO_NODE
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from themes.accept import accept_candidate
from themes.history import redo, undo
from themes.models import SUBTHEME, THEME
from themes.proposals import ProposalSettings, propose
from themes.runs import get_run, list_runs
from themes.scatter import embedder_name, run_points
from themes.tree import code_list, evidence_lines, hierarchy_tree, node_lines, state_version
from themes.frequency import FrequencyRule
from ui.auth import require_lead
from ui.components import theme_shaping as shaping
from ui.components import theme_view as view
from ui.components.consistency_view import consistency_section
from ui.components.theme_forms import hierarchy_forms
from ui.context import acting
from ui.resources import database, embedder, show_error
from ui.safe import literal
from ui.text import t, use_app_language

SAYS_WHAT = {"undo", "redo", "place", "lines", "pin", "unpin", "order"}  # the domain's message says what happened

db = database()
me = require_lead()
st.header(t("page.themes"))

with db.reading() as session:
    viewer, project = acting(session)
    project_name = project.name
    runs = list_runs(session, project, viewer=viewer)


def change(action, message_key: str = "themes.done", *, scope: str = "fragment") -> None:
    """Run ``action(session, project, acting user)`` (returns a hierarchy Change) in a
    transaction; the domain checks the user against the permission table. Reruns the
    hierarchy fragment (``scope="app"``: the whole page, when candidates change too)."""
    use_app_language()  # a fragment's rerun runs no app.py
    try:
        with db.transaction() as session:
            result = action(session, get_project(session, project_name), get_user(session, me.name))
        kind = getattr(result, "kind", None)
        st.session_state["themes.message"] = (result.message if kind in SAYS_WHAT else
                                              t(f"themes.change.{kind}") if kind else t(message_key))
        for key in [k for k in st.session_state if str(k).startswith("themes.pick.")]:
            del st.session_state[key]  # candidates ticked for this action are done
    except FgiError as error:
        show_error(error)
        return
    try:
        st.rerun(scope=scope)
    except StreamlitAPIException:  # this run is a whole-page run, not the fragment's own: rerun the page
        st.rerun()


def memo_change(action, message_key: str) -> None:
    """Run a memo change (``coding.memos``) as the signed-in user and rerun the hierarchy."""
    use_app_language()
    try:
        with db.transaction() as session:
            action(session, get_project(session, project_name), get_user(session, me.name))
    except FgiError as error:
        show_error(error)
        return
    st.session_state["themes.message"] = t(message_key)
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def read_memos(node_id: int) -> list:
    with db.reading() as session:
        return memos_for(session, get_project(session, project_name), viewer=get_user(session, me.name),
                         kind=MEMO_NODE, target=str(node_id))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def read_tree(project: str, viewer: str, version: int, rule: tuple):
    with database().reading() as session:
        p, user = get_project(session, project), get_user(session, viewer)
        return hierarchy_tree(session, p, viewer=user, rule=FrequencyRule(*rule)), code_list(session, p, viewer=user)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def read_lines(project: str, viewer: str, version: int, node_id: int, evidence: bool):
    with database().reading() as session:
        p, user = get_project(session, project), get_user(session, viewer)
        read = evidence_lines if evidence else node_lines
        return read(session, p, node_id, viewer=user)


with st.expander(t("themes.propose"), expanded=not runs), st.form("themes.propose"):
    a, b, c, d = st.columns(4)
    name = a.selectbox(t("themes.embedder"), ["kiwi-lsa", "char-lsa"], help=t("themes.embedder.help"), key="themes.propose.embedder")
    model = a.text_input(t("themes.model"), placeholder="jhgan/ko-sroberta-multitask", key="themes.propose.model")
    level = b.radio(t("themes.level"), [SUBTHEME, THEME], format_func=lambda v: t(f"themes.level.{v}"), key="themes.propose.level")
    units = b.radio(t("themes.units"), ["coded", "all"], format_func=lambda v: t(f"themes.units.{v}"), key="themes.propose.units")
    k = c.number_input(t("themes.k"), min_value=0, max_value=100, value=0, help=t("themes.k.help"), key="themes.propose.k")
    seed = d.number_input(t("themes.seed"), min_value=0, value=0, key="themes.propose.seed")
    if st.form_submit_button(t("themes.run"), type="primary"):
        chosen = f"sentence-transformers:{model.strip()}" if model.strip() else name
        settings = ProposalSettings(level=level, units=units, embedder=chosen, k=int(k) if k >= 2 else "auto",
                                    seed=int(seed))
        bar = st.progress(0.0, text=t("themes.running"))
        try:
            emb = embedder(chosen, int(seed))
            with db.transaction() as session:
                run_id = propose(session, get_project(session, project_name), settings,
                                 viewer=get_user(session, me.name), embedder=emb,
                                 progress=lambda done, total: bar.progress(min(1.0, done / max(total, 1)),
                                                                           text=t("themes.running")))
            st.session_state["themes.run"] = run_id
            st.session_state["themes.embedder"] = {run_id: chosen}
            st.rerun()
        except FgiError as error:
            bar.empty()
            show_error(error)


@st.fragment
def candidates(run_id: int) -> None:
    """The run's cards and scatter; ticking a card reruns this part alone."""
    with db.reading() as session:
        run = get_run(session, get_project(session, project_name), run_id, viewer=get_user(session, me.name))
    cards, plot = st.tabs([t("themes.tab.cards"), t("themes.tab.scatter")])
    with cards:
        selected_key = f"themes.pick.{run.id}"
        columns = st.columns(2)
        for i, candidate in enumerate(run.candidates):
            with columns[i % 2]:
                view.candidate_card(candidate, selected_key=selected_key)
        chosen = [c for c in run.candidates if c.accepted_as is None and st.session_state.get(f"{selected_key}.{c.id}")]
        left, right = st.columns(2)
        if left.button(t("themes.accept", n=len(chosen)), disabled=not chosen, type="primary", key="themes.accept"):
            def accept_all(session, project, acting_user):
                results = [accept_candidate(session, project, c.id, actor=acting_user) for c in chosen]
                return results[-1]
            change(accept_all, scope="app")
        if right.button(t("themes.accept_merge", n=len(chosen)), disabled=len(chosen) < 2, key="themes.accept_merge"):
            def accept_merge(session, project, acting_user):
                from themes.reshape import merge_nodes

                nodes = [accept_candidate(session, project, c.id, actor=acting_user).node_id for c in chosen]
                return merge_nodes(session, project, nodes[0], nodes[1:], actor=acting_user,
                                   reason=t("themes.accept_merge.reason"))
            change(accept_merge, scope="app")
    with plot:
        @st.cache_data(ttl=600, show_spinner=False, max_entries=10)
        def points(project_name: str, run_id: int, embedder_id: str, viewer: str):
            name = st.session_state.get("themes.embedder", {}).get(run_id) or embedder_name(embedder_id)
            with database().transaction() as session:
                return run_points(session, get_project(session, project_name), run_id, embedder(name, 0),
                                  viewer=get_user(session, viewer))

        with st.spinner(t("themes.plotting")):
            try:
                view.scatter(points(project_name, run.id, run.embedder, me.name))
            except FgiError as error:
                show_error(error)
        st.caption(t("themes.scatter_caption"))


if runs:
    ids = [r.id for r in runs]
    if st.session_state.get("themes.run") not in ids:
        st.session_state["themes.run"] = max(ids)
    by_id = {r.id: r for r in runs}
    run_id = st.selectbox(t("themes.run_pick"), ids, key="themes.run", format_func=lambda i: t(
        "themes.run_label", id=i, level=t(f"themes.level.{by_id[i].level}"), embedder=by_id[i].embedder,
        k=by_id[i].k, n=by_id[i].n_units, candidates=by_id[i].candidates))
    candidates(run_id)


@st.fragment
def hierarchy() -> None:
    st.subheader(t("themes.hierarchy"))
    slot = st.empty()  # one element whether or not there is a message, so the elements after it keep their places
    if message := st.session_state.pop("themes.message", None):
        slot.success(literal(message), icon=":material/check:")
    rule = shaping.frequency_rule()
    with db.reading() as session:
        version = state_version(session)
    tree, codes = read_tree(project_name, me.name, version, (rule.basis, rule.general_missing, rule.typical_share))
    nodes = view.all_nodes(tree)
    shaping.remember_place(nodes)
    undo_col, redo_col, _ = st.columns([1, 1, 4])
    if undo_col.button(t("themes.undo"), icon=":material/undo:", key="themes.undo"):
        change(lambda s, p, acting_user: undo(s, p, actor=acting_user))
    if redo_col.button(t("themes.redo"), icon=":material/redo:", key="themes.redo"):
        change(lambda s, p, acting_user: redo(s, p, actor=acting_user))
    with st.container(key="themes.tree_box"):
        if tree:
            view.tree_table(tree)
        else:
            st.info(t("themes.tree_empty"), icon=":material/info:")
    names = {n.id: n.name for n in nodes}
    place, quotes, lines, memos, edit = st.tabs([t("themes.tab.place"), t("themes.tab.quotes"),
                                                 t("themes.tab.lines"), t("themes.tab.memos"), t("themes.tab.edit")])
    with place:
        shaping.place_panel(nodes, [(leaf, names.get(where)) for leaf, where in codes], change)
    with quotes:
        shaping.quotes_panel(nodes, lambda i: read_lines(project_name, me.name, version, i, False), change)
    with lines:
        shaping.lines_panel(nodes, lambda i: read_lines(project_name, me.name, version, i, True), change)
    with memos:
        shaping.memos_panel(nodes, read_memos, memo_change, me.name)
    with edit:
        hierarchy_forms(nodes, change)


hierarchy()

consistency_section(project_name, me.name)
