"""Forms that keep what was typed when a change is refused, and start empty after it went
through.

Forms are made with ``clear_on_submit=False`` (Streamlit's default) and every widget gets
a key from :func:`field`. A refused submit shows its message and leaves the widgets as they
are; a change that went through calls :func:`clear_form`, which moves the form to a new
round of keys, so the next run draws fresh widgets with their defaults (assigning to a
widget's key after it was drawn is not allowed, and deleting the key does not reset what
the browser shows).
"""

from __future__ import annotations

import streamlit as st


def _round_key(form: str) -> str:
    return f"{form}#round"


def field(form: str, name: str) -> str:
    """The widget key of ``name`` in ``form`` (for this round of the form)."""
    return f"{form}.{st.session_state.get(_round_key(form), 0)}.{name}"


def clear_form(form: str) -> None:
    """The next run shows ``form`` with its defaults; what was typed in it is dropped."""
    current = st.session_state.get(_round_key(form), 0)
    prefix = f"{form}.{current}."
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    st.session_state[_round_key(form)] = current + 1
