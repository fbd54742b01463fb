"""Resources cached across reruns and sessions, as the Streamlit docs advise."""

from __future__ import annotations

import streamlit as st

from fgi.errors import FgiError
from fgi.morphology import get_analyzer
from fgi.settings import load_settings
from fgi.storage import Database, open_database
from ui.text import t


@st.cache_resource(show_spinner=False)
def database() -> Database:
    return open_database()


@st.cache_resource(show_spinner=False)
def analyzer():
    return get_analyzer(load_settings().morphology)


def current_user() -> str:
    return load_settings().user


def show_error(error: FgiError) -> None:
    """One place that turns an error into what the page shows (as plain text, never HTML)."""
    st.error(t("error", message=error.message))
    if error.hint:
        st.caption(error.hint)
