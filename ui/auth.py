"""Log in (user name and bcrypt password from the users table), log out, and who is here.

A login starts an app session (``coding.app_sessions``): its token lives in the tab's
``st.session_state`` and in a cookie (``ui.cookie``), so a reload (F5) or a new tab is let
in again until the session expires (``FGI_SESSION_HOURS``). The token is checked against
the database on every full run, so logging out (in any tab), an expired session, a changed
password or role, or a deleted user sends every tab back to the login form.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from coding.app_sessions import end_session, session_user, start_session
from coding.login_throttle import LoginFailed, LoginLocked, login
from coding.models import ADMIN, LEAD
from coding.users import list_users
from fgi.errors import FgiError
from fgi.storage.base import utcnow
from ui import cookie
from ui.resources import database, login_throttle, show_error
from ui.safe import literal
from ui.text import t

USER_KEY = "auth.user"
TOKEN_KEY = "auth.token"
EXPIRES_KEY = "auth.expires"
FORGET_KEY = "auth.forget"  # the browser may still hold a cookie of an ended session
LOGIN_FIELDS = ("login.name", "login.password")


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
    """The logged-in user, checked against the database; None when nobody is logged in.
    A tab without a session of its own takes the one its browser's cookie names."""
    token = st.session_state.get(TOKEN_KEY)
    if token is None and FORGET_KEY not in st.session_state:  # after a logout, the sent cookie is dead
        token = cookie.sent_token()
    if token is None:
        st.session_state.pop(USER_KEY, None)
        return None
    with database().reading() as session:  # a read on every run; writes only for a dead session
        user = session_user(session, token)
        fresh = SessionUser(user.name, user.role) if user is not None else None
    if fresh is None:
        with database().transaction() as session:
            end_session(session, token)
        _forget()
        return None
    st.session_state[TOKEN_KEY] = token  # restored from the cookie: the browser keeps it as it is
    if st.session_state.get(USER_KEY) != fresh:
        st.session_state[USER_KEY] = fresh
    return fresh


def _forget() -> None:
    """Forget the tab's session (UI state too) and remember to delete the browser's cookie."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[FORGET_KEY] = True


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
    """End the session in the database (every tab of it) and in this browser."""
    token = st.session_state.get(TOKEN_KEY)
    with database().transaction() as session:
        end_session(session, token)
    _forget()


def login_page() -> None:
    st.header(t("app.title"))
    if st.session_state.get(FORGET_KEY) or cookie.sent_token():
        cookie.forget()  # whatever session the browser holds has ended
    with database().reading() as session:
        has_users = bool(list_users(session))
    if not has_users:
        st.info(t("login.no_users"), icon=":material/info:")
        st.code('fgi user add 팀장 --role lead\nfgi project add-member "프로젝트 이름" 팀장', language="bash")
    with st.form("login"):  # a refused login keeps the name typed (clear_on_submit is off)
        name = st.text_input(t("login.name"), max_chars=100, key="login.name")
        password = st.text_input(t("login.password"), type="password", max_chars=200, key="login.password")
        submitted = st.form_submit_button(t("login.button"), type="primary")
    if not submitted:
        return
    try:
        with database().reading() as session:
            user = login(session, login_throttle(), name, password)
            signed_in = SessionUser(user.name, user.role)
        with database().transaction() as session:
            token, expires = start_session(session, user)
    except LoginLocked as error:
        st.error(t("login.locked", seconds=int(error.seconds) + 1), icon=":material/lock_clock:")
        return
    except LoginFailed:
        st.error(t("login.failed"), icon=":material/error:")
        return
    except FgiError as error:  # e.g. a bad FGI_SESSION_HOURS
        show_error(error)
        return
    for key in [FORGET_KEY, *LOGIN_FIELDS]:
        st.session_state.pop(key, None)
    st.session_state.update({USER_KEY: signed_in, TOKEN_KEY: token, EXPIRES_KEY: expires})
    st.rerun()


def keep_cookie() -> None:
    """Write this tab's session into the browser's cookie (unless the browser sent it)."""
    token, expires = st.session_state.get(TOKEN_KEY), st.session_state.get(EXPIRES_KEY)
    if token and expires and cookie.sent_token() != token:
        with st.sidebar:
            cookie.remember(token, int((expires - utcnow()).total_seconds()))


def sidebar_user(user: SessionUser) -> None:
    with st.sidebar:
        st.caption(t("auth.signed_in", name=literal(user.name), role=t(f"role.{user.role}")))
        if st.button(t("auth.logout"), icon=":material/logout:", key="auth.logout"):
            logout()
            st.rerun()
