"""Memo widgets: the memo table, one memo shown, the forms that write, change and delete a
memo (the domain checks the user: ``coding.memos``), and a code's memos for the codebook."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding.memos import Memo, delete_memo, edit_memo, memos_for, write_memo
from coding.models import MEMO_CODE, MEMO_PROJECT
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project
from ui.components.forms import clear_form, field
from ui.resources import show_error
from ui.safe import literal, md
from ui.text import t, use_app_language

CODING_PAGE = "pages/coding.py"


def _when(memo: Memo) -> str:
    return memo.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")


def memo_table(memos: list[Memo], about: dict[int, str]) -> None:
    """The memos as a table (plain text cells)."""
    frame = pd.DataFrame([{
        t("memos.col.kind"): t(f"memos.kind.{m.kind}"), t("memos.col.about"): about[m.id],
        t("memos.col.author"): m.author or t("memos.unknown_author"), t("memos.col.title"): m.title or "",
        t("memos.col.text"): m.text, t("memos.col.updated"): _when(m)} for m in memos])
    st.dataframe(frame, hide_index=True, width="stretch", key="memos.table")


def pick(memos: list[Memo], about: dict[int, str]) -> Memo | None:
    by_id = {m.id: m for m in memos}
    chosen = st.selectbox(t("memos.pick"), [None, *by_id], key="memos.pick",
                          format_func=lambda i: t("memos.pick.none") if i is None else
                          f"{by_id[i].title or by_id[i].text[:40]} · {about[i]} · {by_id[i].author or '-'}")
    return by_id.get(chosen)


def show_memo(memo: Memo, about: str) -> None:
    with st.container(border=True, key="memos-chosen"):
        st.caption(md("memos.meta", kind=t(f"memos.kind.{memo.kind}"), about=about,
                      author=memo.author or t("memos.unknown_author"), when=_when(memo)))
        if memo.title:
            st.markdown(f"**{literal(memo.title)}**")
        st.text(memo.text)


def open_line_button(segment_id: str) -> None:
    """Open the memo's line in the coding view (the coding page reads ``coding.goto``)."""
    if st.button(t("memos.open_line"), icon=":material/open_in_new:", key="memos.open_line"):
        st.session_state["coding.goto"] = segment_id
        st.switch_page(CODING_PAGE)


def _done(message: str) -> None:
    st.session_state["memos.message"] = message
    st.rerun()


def edit_form(db, user_name: str, memo: Memo) -> None:
    """Change or delete ``memo`` (shown to its author and to leads; the domain decides)."""
    form = f"memos.edit.{memo.id}"
    with st.form(form):
        title = st.text_input(t("memos.title"), memo.title or "", max_chars=200, key=field(form, "title"))
        text = st.text_area(t("memos.text"), memo.text, height=150, key=field(form, "text"))
        save = st.form_submit_button(t("memos.save"), icon=":material/save:")
    if save:
        try:
            with db.transaction() as session:
                edit_memo(session, memo.id, actor=get_user(session, user_name), text=text, title=title)
            clear_form(form)
            _done(t("memos.saved"))
        except FgiError as error:
            show_error(error)
    sure = st.checkbox(t("memos.delete.sure"), key=f"memos.delete.sure.{memo.id}")
    if st.button(t("memos.delete"), icon=":material/delete:", key=f"memos.delete.{memo.id}", disabled=not sure):
        try:
            with db.transaction() as session:
                delete_memo(session, memo.id, actor=get_user(session, user_name))
            st.session_state.pop("memos.pick", None)
            _done(t("memos.deleted"))
        except FgiError as error:
            show_error(error)


def new_form(db, user_name: str, project_name: str, kind: str, choices: dict[str, str],
             form: str = "memos.new") -> None:
    """Write a memo of ``kind`` on one of ``choices`` (target -> label)."""
    if not choices:
        st.info(t("memos.no_targets"), icon=":material/info:")
        return
    with st.form(form):
        target = "" if kind == MEMO_PROJECT else st.selectbox(
            t("memos.target"), list(choices), format_func=lambda k: choices[k], key=field(form, f"target.{kind}"))
        title = st.text_input(t("memos.title"), max_chars=200, key=field(form, "title"))
        text = st.text_area(t("memos.text"), height=150, key=field(form, "text"))
        write = st.form_submit_button(t("memos.write"), icon=":material/add_notes:")
    if write:
        try:
            with db.transaction() as session:
                write_memo(session, get_project(session, project_name), actor=get_user(session, user_name),
                           kind=kind, target=target, text=text, title=title or None)
            clear_form(form)
            _done(t("memos.written"))
        except FgiError as error:
            show_error(error)


def code_memos(db, user_name: str, project_name: str, code_id: int) -> None:
    """A code's memos, small, below its detail in the codebook, and a form to add one."""
    use_app_language()
    with db.reading() as session:
        memos = memos_for(session, get_project(session, project_name), viewer=get_user(session, user_name),
                          kind=MEMO_CODE, target=code_id)
    with st.expander(md("memos.of_code", count=len(memos)), expanded=bool(memos)):
        for memo in memos:
            st.caption(md("memos.by", author=memo.author or t("memos.unknown_author"), when=_when(memo)))
            st.text(f"{memo.title}: {memo.text}" if memo.title else memo.text)
        form = f"codebook.memo.{code_id}"
        with st.form(form):
            text = st.text_area(t("memos.text"), height=80, key=field(form, "text"))
            write = st.form_submit_button(t("memos.write"), icon=":material/add_notes:")
        if write:
            try:
                with db.transaction() as session:
                    write_memo(session, get_project(session, project_name), actor=get_user(session, user_name),
                               kind=MEMO_CODE, target=code_id, text=text)
                clear_form(form)
                st.rerun()
            except FgiError as error:
                show_error(error)
