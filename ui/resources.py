"""Resources cached across reruns and sessions, as the Streamlit docs advise:
``st.cache_resource`` for the database engine, the analyser, the embedder and the login
throttle; derived tables use ``st.cache_data(ttl=...)`` next to the page that shows them."""

from __future__ import annotations

import streamlit as st

from coding.login_throttle import LoginThrottle
from fgi.errors import FgiError
from fgi.morphology import get_analyzer
from fgi.settings import load_settings
from fgi.storage import Database, open_database
from ui.safe import md, md_list
from ui.text import t


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return open_database(url)


def database() -> Database:
    """The database of ``FGI_DATABASE_URL`` (one engine per URL and process)."""
    return _database(load_settings().database_url)


database.clear = _database.clear  # tests switch databases between runs


@st.cache_resource(show_spinner=False)
def analyzer():
    return get_analyzer(load_settings().morphology)


@st.cache_resource(show_spinner=False)
def keyword_nlp():
    from coding.keywords import keyword_nlp as make

    return make(load_settings().morphology)


@st.cache_resource(show_spinner=False)
def embedder(name: str, seed: int = 0):
    from themes.proposals import make_embedder

    return make_embedder(name, seed)


@st.cache_resource(show_spinner=False)
def login_throttle() -> LoginThrottle:
    return LoginThrottle()


def show_error(error: FgiError) -> None:
    """One place that turns an error into what the page shows (as plain text, never HTML).
    A refusal of the permission table is said in Korean: who may do it."""
    from coding.errors import PermissionDenied

    if isinstance(error, PermissionDenied) and error.needed:
        st.error(t(f"perm.denied.{error.needed}"), icon=":material/lock:")
        return
    st.error(md("error", message=error.message), icon=":material/error:")
    if error.details:
        st.markdown(md_list(error.details))
    if error.hint:
        st.text(error.hint)
