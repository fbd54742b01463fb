"""The lead's codebook editor: add, edit, move, delete, import. Every change goes through
coding.codebook / coding.codebook_io, which record it as an event."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from coding.codebook import CodeView, add_code, delete_code, move_code, update_code
from coding.codebook_io import import_codebook_file
from coding.users import get_user
from fgi.errors import FgiError
from fgi.limits import limit
from fgi.study import get_project
from ui.auth import SessionUser
from ui.components.files import uploaded_path
from ui.components.forms import clear_form, field
from ui.resources import show_error
from ui.safe import literal, md
from ui.text import t

TOP = ""  # the top level in parent pickers


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _done(message: str) -> None:
    st.session_state["codebook.message"] = message
    st.cache_data.clear()  # code lists and keyword suggestions are cached per page
    st.rerun()


def _change(db, me: SessionUser, project_name: str, action, form: str) -> None:
    """Run ``action(session, project, acting user)`` in a transaction; empty ``form`` only
    when the change went through (the domain checks the user against the permission table)."""
    try:
        with db.transaction() as session:
            message = action(session, get_project(session, project_name), get_user(session, me.name))
        clear_form(form)
        _done(message)
    except FgiError as error:
        show_error(error)


def editor(db, me: SessionUser, project_name: str, codes: Sequence[CodeView]) -> None:
    if message := st.session_state.pop("codebook.message", None):
        st.success(literal(message), icon=":material/check:")
    paths = [c.path for c in codes]
    add, edit, move, remove, upload = st.tabs([t("codebook.tab.add"), t("codebook.tab.edit"), t("codebook.tab.move"),
                                               t("codebook.tab.delete"), t("codebook.tab.import")])
    with add, st.form("codebook.add"):
        key = lambda name: field("codebook.add", name)  # noqa: E731
        parent = st.selectbox(t("codebook.parent"), [TOP, *paths], format_func=lambda p: p or t("codebook.top"),
                              key=key("parent"))
        name = st.text_input(t("codebook.name"), max_chars=200, key=key("name"))
        definition = st.text_area(t("codebook.field.definition"), key=key("definition"))
        color = st.color_picker(t("codebook.field.color"), "#4E79A7", key=key("color"))
        keywords = st.text_input(t("codebook.keywords_input"), key=key("keywords"))
        if st.form_submit_button(t("codebook.add.button"), type="primary") and name.strip():
            path = f"{parent}/{name.strip()}" if parent else name.strip()
            _change(db, me, project_name, lambda s, p, acting_user: (
                add_code(s, p, path, actor=acting_user, definition=definition, color=color,
                         keywords=[k.strip() for k in keywords.split(",") if k.strip()]),
                t("codebook.added", path=path))[1], "codebook.add")
    if not codes:
        with upload:
            _import_form(db, me, project_name)
        return
    with edit:
        path = st.selectbox(t("codebook.code"), paths, key="codebook.edit.path")
        code = next(c for c in codes if c.path == path)
        form = f"codebook.edit.{code.id}"
        with st.form(form):
            key = lambda name: field(form, name)  # noqa: E731
            name = st.text_input(t("codebook.name"), code.name, max_chars=200, key=key("name"))
            definition = st.text_area(t("codebook.field.definition"), code.definition or "", key=key("definition"))
            inclusion = st.text_area(t("codebook.field.inclusion"), code.inclusion or "", key=key("inclusion"))
            exclusion = st.text_area(t("codebook.field.exclusion"), code.exclusion or "", key=key("exclusion"))
            examples = st.text_area(t("codebook.examples_input"), "\n".join(code.examples), key=key("examples"))
            keywords = st.text_input(t("codebook.keywords_input"), ", ".join(code.keywords), key=key("keywords"))
            color = st.color_picker(t("codebook.field.color"), code.color or "#BAB0AC", key=key("color"))
            if st.form_submit_button(t("codebook.save"), type="primary"):
                changes = {"name": name, "definition": definition, "inclusion": inclusion, "exclusion": exclusion,
                           "examples": _lines(examples), "color": color,
                           "keywords": [k.strip() for k in keywords.split(",") if k.strip()]}
                _change(db, me, project_name, lambda s, p, acting_user: (
                    update_code(s, p, path, changes, actor=acting_user), t("codebook.saved", path=path))[1], form)
    with move, st.form("codebook.move"):
        path = st.selectbox(t("codebook.code"), paths, key="codebook.move.path")
        parent = st.selectbox(t("codebook.new_parent"), [TOP, *paths], format_func=lambda p: p or t("codebook.top"),
                              key=field("codebook.move", "parent"))
        position = st.number_input(t("codebook.position"), min_value=0, value=None, step=1,
                                   key=field("codebook.move", "position"))
        if st.form_submit_button(t("codebook.move.button")):
            _change(db, me, project_name, lambda s, p, acting_user: (
                move_code(s, p, path, parent or None, actor=acting_user,
                          position=int(position) if position is not None else None),
                t("codebook.moved", path=path))[1], "codebook.move")
    with remove, st.form("codebook.delete"):
        path = st.selectbox(t("codebook.code"), paths, key="codebook.delete.path")
        force = st.checkbox(t("codebook.force"), key=field("codebook.delete", "force"))
        reason = st.text_input(t("codebook.reason"), key=field("codebook.delete", "reason"))
        if st.form_submit_button(t("codebook.delete.button")):
            _change(db, me, project_name, lambda s, p, acting_user: (
                delete_code(s, p, path, actor=acting_user, force=force, reason=reason or None),
                t("codebook.deleted", path=path))[1], "codebook.delete")
    with upload:
        _import_form(db, me, project_name)


def _import_form(db, me: SessionUser, project_name: str) -> None:
    with st.form("codebook.import"):
        file = st.file_uploader(md("codebook.file.label", limit=limit("codebook_mb")),  # any type: the reader explains
                                key=field("codebook.import", "file"))
        if st.form_submit_button(t("codebook.import.button"), type="primary") and file is not None:
            def action(session, project, acting_user):
                with uploaded_path(file) as path:
                    summary = import_codebook_file(session, project, path, actor=acting_user)
                return t("codebook.imported", added=len(summary.added), updated=len(summary.updated),
                         unchanged=len(summary.unchanged))
            _change(db, me, project_name, action, "codebook.import")
