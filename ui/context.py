"""What every page works on: the project chosen in the sidebar, and the acting user as a
database object inside a session."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from coding import permissions
from coding.models import User
from coding.users import get_user, is_member
from fgi.errors import NotFound
from fgi.models import Project
from fgi.study import ProjectSummary, get_project, list_projects, list_transcripts
from ui.auth import SessionUser, require_user
from ui.resources import database
from ui.text import t

PROJECT_KEY = "project"
NEXT_PROJECT_KEY = "project.next"


def choose_project(name: str) -> None:
    """Make ``name`` the sidebar's project from the next run on (the widget exists already)."""
    st.session_state[NEXT_PROJECT_KEY] = name


def visible_projects(session: Session, user: User) -> list[ProjectSummary]:
    """Admins see every project; others the projects they are members of."""
    return [p for p in list_projects(session) if user.role == "admin" or is_member(session, user, p.id)]


def offers(session: Session, user: User, action: str, project: Project | int | None = None) -> bool:
    """Whether a page offers ``action`` to ``user``: what the permission table allows. The
    domain checks the user again when the action runs (a page never acts by name alone)."""
    return permissions.may(session, user, action, project)


def project_picker(user: SessionUser) -> str | None:
    """The sidebar's project selectbox (kept across pages); None when there is none."""
    with database().reading() as session:
        names = [p.name for p in visible_projects(session, get_user(session, user.name))]
    if not names:
        st.session_state.pop(PROJECT_KEY, None)
        return None
    wanted = st.session_state.pop(NEXT_PROJECT_KEY, None)
    if wanted in names:
        st.session_state[PROJECT_KEY] = wanted
    if st.session_state.get(PROJECT_KEY) not in names:
        st.session_state[PROJECT_KEY] = names[0]
    return st.sidebar.selectbox(t("context.project"), names, key=PROJECT_KEY)


def project_name() -> str:
    """For pages that need a project: its name, or a message and stop."""
    require_user()
    name = st.session_state.get(PROJECT_KEY)
    if not name:
        st.info(t("projects.none_visible"), icon=":material/info:")
        st.stop()
    return name


def acting(session: Session) -> tuple[User, Project]:
    """The logged-in user and the chosen project, loaded in ``session``."""
    user = require_user()
    try:
        return get_user(session, user.name), get_project(session, project_name())
    except NotFound:
        st.session_state.pop(PROJECT_KEY, None)
        st.rerun()


def transcript_picker(session: Session, project: Project, *, key: str = "transcript"):
    """A transcript of the project (selectbox, remembered across pages); stops when none."""
    transcripts = list_transcripts(session, project)
    if not transcripts:
        st.info(t("transcripts.none"), icon=":material/info:")
        st.stop()
    ids = [tr.id for tr in transcripts]
    by_id = {tr.id: tr for tr in transcripts}
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    chosen = st.selectbox(t("transcripts.transcript"), ids, key=key,
                          format_func=lambda i: f"{by_id[i].name} ({by_id[i].group or '-'}, {by_id[i].segments})")
    return by_id[chosen]
