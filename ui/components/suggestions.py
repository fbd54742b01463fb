"""Suggestions shown beside a line while coding, cached because they are expensive to make:

- keyword auto-code suggestions (``coding.keywords.suggest_keywords``): the codebook's
  keywords matched on Kiwi lemmas, computed once per transcript, coder and codebook;
- code suggestions (``themes.suggestions.suggest_codes``): the codes whose coded examples
  and definitions are nearest the line, learned from the codings the coder may see (blind
  rules hold: in blind mode only their own) plus the codebook's definitions; cached per line.
"""

from __future__ import annotations

from collections import defaultdict

import streamlit as st

from coding.codebook import list_codes
from coding.keywords import KeywordSuggestion, suggest_keywords
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import get_project, list_segments
from ui.resources import database, keyword_nlp

TTL = 600


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=20)
def segments(transcript_id: str):
    with database().reading() as session:
        return list_segments(session, transcript_id)


@st.cache_data(ttl=30, show_spinner=False)
def codes(project_name: str):
    with database().reading() as session:
        return list_codes(session, get_project(session, project_name))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=50)
def keyword_suggestions(project_name: str, transcript_id: str, user_name: str,
                        codebook_key: tuple) -> dict[str, list[KeywordSuggestion]]:
    """By segment id. ``codebook_key`` (the codes' keywords) makes a codebook edit recompute."""
    with database().reading() as session:
        found = suggest_keywords(session, get_user(session, user_name), get_project(session, project_name),
                                 transcript_id=transcript_id, nlp=keyword_nlp())
    by_segment: dict[str, list[KeywordSuggestion]] = defaultdict(list)
    for s in found:
        by_segment[s.segment_id].append(s)
    return dict(by_segment)


@st.cache_data(ttl=120, show_spinner=False, max_entries=500)
def _ranked(project_name: str, user_name: str, segment_id: str):
    """The codes ranked for one line by themes.suggestions (fitted on what the user may see)."""
    from themes.suggestions import suggest_codes

    try:  # a transaction: it fills the lemma cache (themes.cache) as it goes
        with database().transaction() as session:
            found = suggest_codes(session, get_user(session, user_name), get_project(session, project_name),
                                  [segment_id], k=6)
    except FgiError:  # nothing to learn from yet (no codings and no definitions)
        return []
    return found[0].suggestions if found else []


def code_suggestions(project_name: str, user_name: str, segment_id: str, exclude: set[str], top_k: int = 3):
    """Up to ``top_k`` suggestions not applied and not in ``exclude``, with a positive score."""
    return [s for s in _ranked(project_name, user_name, segment_id)
            if s.path not in exclude and s.score > 0][:top_k]
