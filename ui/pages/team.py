"""팀 (leads and admins): the users, new users (admins), and who may code in the chosen project.

Each form is shown only to whom the permission table allows it, and every change is made as
the signed-in user, so the domain checks it again (coding.permissions)."""

from __future__ import annotations

import streamlit as st

from coding.models import ADMIN, CODER, LEAD
from coding.users import add_member, create_user, get_user, list_users, project_members, remove_member
from fgi.errors import FgiError
from fgi.study import get_project
from ui.auth import require_lead
from ui.components.forms import clear_form, field
from ui.context import acting, offers
from ui.resources import database, show_error
from ui.safe import literal
from ui.text import t

db = database()
me = require_lead()
st.header(t("page.team"))

with db.reading() as session:
    user, project = acting(session)
    project_name = project.name
    may_add_users = offers(session, user, "users.add")
    may_change_members = offers(session, user, "project.members", project)
    everyone = list_users(session)
    members = [u.name for u in project_members(session, project)]

st.dataframe([{t("team.col.name"): u.name, t("team.col.role"): t(f"role.{u.role}"),
               t("team.col.projects"): ", ".join(u.projects)} for u in everyone],
             hide_index=True, width="stretch")

if message := st.session_state.pop("team.message", None):
    st.success(literal(message), icon=":material/check:")


def _do(action, message: str, form: str) -> None:
    """``action(session, project, acting user)`` in one transaction."""
    try:
        with db.transaction() as session:
            action(session, get_project(session, project_name), get_user(session, me.name))
        st.session_state["team.message"] = message
        clear_form(form)
        st.rerun()
    except FgiError as error:
        show_error(error)


def add_user_form() -> None:
    st.subheader(t("team.new_user"))
    name = st.text_input(t("login.name"), max_chars=100, key=field("team.add_user", "name"))
    password = st.text_input(t("login.password"), type="password", max_chars=200,
                             key=field("team.add_user", "password"))
    role = st.selectbox(t("team.col.role"), [CODER, LEAD, ADMIN], format_func=lambda r: t(f"role.{r}"),
                        key=field("team.add_user", "role"))
    join = st.checkbox(t("team.join", project=literal(project_name)), value=True, key=field("team.add_user", "join"))
    if st.form_submit_button(t("team.create"), type="primary") and name.strip():
        def create(session, project, acting_user):
            user = create_user(session, name, password, role=role, actor=acting_user)
            if join:
                add_member(session, project, user, actor=acting_user)
        _do(create, t("team.created", name=name.strip()), "team.add_user")


def membership_forms() -> None:
    st.subheader(t("team.members", project=literal(project_name)), anchor=False)  # no link slug of user text
    st.text(", ".join(members) or t("coding.none"))
    others = [u.name for u in everyone if u.name not in members]
    with st.form("team.membership"):
        chosen = st.selectbox(t("team.user"), others, index=None, key=field("team.membership", "user"))
        if st.form_submit_button(t("team.add_member")) and chosen:
            def join_project(session, project, acting_user):
                add_member(session, project, get_user(session, chosen), actor=acting_user)
            _do(join_project, t("team.added", name=chosen), "team.membership")
    with st.form("team.leave"):
        chosen = st.selectbox(t("team.user"), [m for m in members if m != me.name], index=None,
                              key=field("team.leave", "user"))
        if st.form_submit_button(t("team.remove_member")) and chosen:
            def leave(session, project, acting_user):
                remove_member(session, project, get_user(session, chosen), actor=acting_user)
            _do(leave, t("team.removed", name=chosen), "team.leave")


left, right = st.columns(2)
if may_add_users:
    with left, st.form("team.add_user"):
        add_user_form()
else:
    left.info(t("perm.team.admin_adds"), icon=":material/info:")
with right:
    if may_change_members:
        membership_forms()
    else:
        st.info(t("perm.team.not_member", project=literal(project_name)), icon=":material/info:")
