"""What the 검색 and 코드 검색 pages share: the filter widgets, a result's "open in the
coding view" button (the jump contract: ``coding.goto`` + ``st.switch_page``), and paging."""

from __future__ import annotations

import streamlit as st

from fgi.models import MODERATOR
from queries.filters import FilterOptions, Filters
from ui.safe import md
from ui.text import t

GOTO_KEY = "coding.goto"
CODING_PAGE = "ui/pages/coding.py"
PAGE_SIZE = 50


def filter_widgets(options: FilterOptions, *, key: str) -> Filters:
    """Multiselects for transcripts, groups, speakers, roles and coders (empty: all)."""
    names = dict(options.transcripts)
    with st.expander(t("queries.filters"), icon=":material/filter_alt:"):
        left, right = st.columns(2)
        with left:
            transcripts = st.multiselect(t("queries.filter.transcripts"), list(names), key=f"{key}.transcripts",
                                         format_func=lambda i: names.get(i, i))
            groups = st.multiselect(t("queries.filter.groups"), options.groups, key=f"{key}.groups")
            participants = st.multiselect(t("queries.filter.participants"), options.participants,
                                          key=f"{key}.participants")
        with right:
            roles = st.multiselect(t("queries.filter.roles"), list(options.roles), key=f"{key}.roles",
                                   format_func=lambda r: t("queries.role.moderator" if r == MODERATOR
                                                           else "queries.role.participant"))
            coders = st.multiselect(t("queries.filter.coders"), options.coders, key=f"{key}.coders",
                                    help=t("queries.filter.coders.help"))
    return Filters.of(transcripts=transcripts, groups=groups, participants=participants, roles=roles, coders=coders)


def open_in_coding(segment_id: str) -> None:
    """Widget callback: the coding page opens this line (its transcript, selected, in view)."""
    st.session_state[GOTO_KEY] = segment_id
    st.session_state["queries.goto.pending"] = segment_id


def follow_jump() -> None:
    """Switch to the coding page when a result's open button was clicked (switch_page
    cannot run inside a callback)."""
    if st.session_state.pop("queries.goto.pending", None):
        st.switch_page(CODING_PAGE)


def open_button(segment_id: str, *, key: str) -> None:
    st.button(t("queries.open"), key=key, icon=":material/open_in_new:", on_click=open_in_coding,
              args=(segment_id,), help=t("queries.open.help"))


def page_slice(n: int, *, key: str) -> tuple[int, int]:
    """The (start, end) of the results shown, PAGE_SIZE at a time, with a page number."""
    pages = max(1, -(-n // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = st.number_input(md("queries.page", pages=pages), min_value=1, max_value=pages, value=1, step=1,
                               key=f"{key}.page")
    start = (int(page) - 1) * PAGE_SIZE
    return start, min(n, start + PAGE_SIZE)
