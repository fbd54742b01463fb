"""Log in (user name and bcrypt password from the users table), log out, and who is here.

The session is bound to the user through ``st.session_state`` (one browser tab = one
session; reloading the tab asks again). The user's role is read from the database on every
full run, so a changed role or a deleted user takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from coding.login_throttle import LoginFailed, LoginLocked, login
from coding.models import ADMIN, LEAD
from coding.users import get_user, list_users
from fgi.errors import NotFound
from ui.resources import database, login_throttle
from ui.safe import literal
from ui.text import t

USER_KEY = "auth.user"


@dataclass(frozen=True)
class SessionUser:
    name: str
    role: str

    @property
    def is_lead(self) -> bool:
        return self.role in (LEAD, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def current_user() -> SessionUser | None:
    """The logged-in user, refreshed from the database; None when nobody is logged in."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return None
    try:
        with database().reading() as session:
            stored = get_user(session, user.name)
            fresh = SessionUser(stored.name, stored.role)
    except NotFound:
        logout()
        return None
    if fresh != user:
        st.session_state[USER_KEY] = fresh
    return fresh


def require_user() -> SessionUser:
    """For pages: the user (the frame shows only the login page to visitors)."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        st.stop()
    return user


def require_lead() -> SessionUser:
    user = require_user()
    if not user.is_lead:
        st.error(t("auth.lead_only"), icon=":material/lock:")
        st.stop()
    return user


def logout() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def login_page() -> None:
    st.header(t("app.title"))
    with database().reading() as session:
        has_users = bool(list_users(session))
    if not has_users:
        st.info(t("login.no_users"), icon=":material/info:")
        st.code('fgi user add 팀장 --role lead\nfgi project add-member "프로젝트 이름" 팀장', language="bash")
    with st.form("login"):
        name = st.text_input(t("login.name"), max_chars=100)
        password = st.text_input(t("login.password"), type="password", max_chars=200)
        submitted = st.form_submit_button(t("login.button"), type="primary")
    if not submitted:
        return
    try:
        with database().reading() as session:
            user = login(session, login_throttle(), name, password)
            st.session_state[USER_KEY] = SessionUser(user.name, user.role)
    except LoginLocked as error:
        st.error(t("login.locked", seconds=int(error.seconds) + 1), icon=":material/lock_clock:")
        return
    except LoginFailed:
        st.error(t("login.failed"), icon=":material/error:")
        return
    st.rerun()


def sidebar_user(user: SessionUser) -> None:
    with st.sidebar:
        st.caption(t("auth.signed_in", name=literal(user.name), role=t(f"role.{user.role}")))
        if st.button(t("auth.logout"), icon=":material/logout:", key="auth.logout"):
            logout()
            st.rerun()
