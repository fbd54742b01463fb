"""The hierarchy's operations as forms: new node, rename, merge, split, move, delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from themes.hierarchy import create_node, delete_node, move_node, rename_node
from themes.models import DOMAIN, LEVELS, SUBTHEME, THEME
from themes.reshape import merge_nodes, split_node
from themes.tree import TreeNode
from ui.components.forms import clear_form, field
from ui.components.theme_view import node_label
from ui.text import t

PARENT_LEVEL = {THEME: DOMAIN, SUBTHEME: THEME, DOMAIN: None}


def _clearing(form: str, action: Callable) -> Callable:
    """``action`` that empties ``form`` once the hierarchy change went through (``change``
    reruns the page on success, so nothing runs after it)."""
    def run(session, project, acting_user):
        result = action(session, project, acting_user)
        clear_form(form)
        return result
    return run


def hierarchy_forms(nodes: Sequence[TreeNode], change: Callable) -> None:
    """``change(action)`` runs ``action(session, project, acting user)`` in a transaction."""
    by_id = {n.id: n for n in nodes}
    label = lambda i: node_label(by_id[i]) if i in by_id else t("codebook.top")  # noqa: E731
    new, rename, merge, split, move, remove = st.tabs([
        t("themes.op.new"), t("themes.op.rename"), t("themes.op.merge"), t("themes.op.split"),
        t("themes.op.move"), t("themes.op.delete")])
    with new, st.form("themes.new"):
        level = st.selectbox(t("themes.level"), LEVELS, format_func=lambda v: t(f"themes.level.{v}"),
                             key=field("themes.new", "level"))
        name = st.text_input(t("themes.name"), max_chars=200, key=field("themes.new", "name"))
        parents = [None] + [n.id for n in nodes if n.level in (DOMAIN, THEME)]
        parent = st.selectbox(t("themes.parent"), parents, format_func=label, key=field("themes.new", "parent"))
        if st.form_submit_button(t("themes.op.new")) and name.strip():
            change(_clearing("themes.new", lambda s, p, acting_user: create_node(
                s, p, level, name, actor=acting_user, parent_id=parent)))
    if not nodes:
        return
    ids = list(by_id)
    with rename, st.form("themes.rename"):
        node = st.selectbox(t("themes.node"), ids, format_func=label, key="themes.rename.node")
        name = st.text_input(t("themes.new_name"), max_chars=200, key=field("themes.rename", "name"))
        if st.form_submit_button(t("themes.op.rename")) and name.strip():
            change(_clearing("themes.rename", lambda s, p, acting_user: rename_node(
                s, p, node, name, actor=acting_user)))
    with merge, st.form("themes.merge"):
        target = st.selectbox(t("themes.merge.target"), ids, format_func=label, key="themes.merge.target")
        sources = st.multiselect(t("themes.merge.sources"), ids, format_func=label, key="themes.merge.sources")
        name = st.text_input(t("themes.merge.name"), max_chars=200, key=field("themes.merge", "name"))
        if st.form_submit_button(t("themes.op.merge")) and sources:
            change(_clearing("themes.merge", lambda s, p, acting_user: merge_nodes(
                s, p, target, sources, actor=acting_user, name=name.strip() or None)))
    with split:
        node = st.selectbox(t("themes.node"), ids, format_func=label, key="themes.split.node")
        with st.form("themes.split"):
            form = f"themes.split.{node}"
            name = st.text_input(t("themes.split.name"), max_chars=200, key=field(form, "name"))
            codes = st.multiselect(t("themes.split.codes"), [c.path for c in by_id[node].codes], key=field(form, "codes"))
            children = st.multiselect(t("themes.split.children"), [c.id for c in by_id[node].children],
                                      format_func=label, key=field(form, "children"))
            if st.form_submit_button(t("themes.op.split")) and name.strip():
                change(_clearing(form, lambda s, p, acting_user: split_node(
                    s, p, node, name, actor=acting_user, codes=codes, children=children)))
    with move, st.form("themes.move"):
        node = st.selectbox(t("themes.node"), ids, format_func=label, key="themes.move.node")
        parent = st.selectbox(t("themes.parent"), [None] + ids, format_func=label, key="themes.move.parent")
        if st.form_submit_button(t("themes.op.move")):
            change(lambda s, p, acting_user: move_node(s, p, node, parent, actor=acting_user))
    with remove, st.form("themes.delete"):
        node = st.selectbox(t("themes.node"), ids, format_func=label, key="themes.delete.node")
        if st.form_submit_button(t("themes.op.delete")):
            change(lambda s, p, acting_user: delete_node(s, p, node, actor=acting_user))
