"""팀 (leads and admins): the users, new users, and who may code in the chosen project."""

from __future__ import annotations

import streamlit as st

from coding.models import ADMIN, CODER, LEAD
from coding.users import add_member, create_user, get_user, list_users, project_members, remove_member
from fgi.errors import FgiError
from ui.auth import require_lead
from ui.components.forms import clear_form, field
from ui.context import acting
from ui.resources import database, show_error
from ui.safe import literal
from ui.text import t

db = database()
me = require_lead()
st.header(t("page.team"))

with db.reading() as session:
    _, project = acting(session)
    project_name = project.name
    everyone = list_users(session)
    members = [u.name for u in project_members(session, project)]

st.dataframe([{t("team.col.name"): u.name, t("team.col.role"): t(f"role.{u.role}"),
               t("team.col.projects"): ", ".join(u.projects)} for u in everyone],
             hide_index=True, width="stretch")

if message := st.session_state.pop("team.message", None):
    st.success(literal(message), icon=":material/check:")


def _do(action, message: str, form: str) -> None:
    try:
        with db.transaction() as session:
            action(session)
        st.session_state["team.message"] = message
        clear_form(form)
        st.rerun()
    except FgiError as error:
        show_error(error)


left, right = st.columns(2)
with left, st.form("team.add_user"):
    st.subheader(t("team.new_user"))
    name = st.text_input(t("login.name"), max_chars=100, key=field("team.add_user", "name"))
    password = st.text_input(t("login.password"), type="password", max_chars=200,
                             key=field("team.add_user", "password"))
    roles = [CODER, LEAD, ADMIN] if me.is_admin else [CODER, LEAD]
    role = st.selectbox(t("team.col.role"), roles, format_func=lambda r: t(f"role.{r}"),
                        key=field("team.add_user", "role"))
    join = st.checkbox(t("team.join", project=literal(project_name)), value=True, key=field("team.add_user", "join"))
    if st.form_submit_button(t("team.create"), type="primary") and name.strip():
        def create(session):
            from fgi.study import get_project

            user = create_user(session, name, password, role=role, actor=me.name)
            if join:
                add_member(session, get_project(session, project_name), user, actor=me.name)
        _do(create, t("team.created", name=name.strip()), "team.add_user")

with right:
    st.subheader(t("team.members", project=literal(project_name)), anchor=False)  # no link slug of user text
    st.text(", ".join(members) or t("coding.none"))
    others = [u.name for u in everyone if u.name not in members]
    with st.form("team.membership"):
        chosen = st.selectbox(t("team.user"), others, index=None, key=field("team.membership", "user"))
        if st.form_submit_button(t("team.add_member")) and chosen:
            def join_project(session):
                from fgi.study import get_project

                add_member(session, get_project(session, project_name), get_user(session, chosen), actor=me.name)
            _do(join_project, t("team.added", name=chosen), "team.membership")
    with st.form("team.leave"):
        chosen = st.selectbox(t("team.user"), [m for m in members if m != me.name], index=None,
                              key=field("team.leave", "user"))
        if st.form_submit_button(t("team.remove_member")) and chosen:
            def leave(session):
                from fgi.study import get_project

                remove_member(session, get_project(session, project_name), get_user(session, chosen), actor=me.name)
            _do(leave, t("team.removed", name=chosen), "team.leave")
