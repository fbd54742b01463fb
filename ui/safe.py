"""User text is never rendered as HTML or Markdown.

Where the app shows text a user wrote (transcript lines, code names, memos, reasons, error
messages that quote a file), it uses ``st.text``, ``st.code``, a dataframe cell, or a widget
whose options are plain text (selectbox, multiselect). Where Streamlit only offers a
Markdown slot (``st.markdown``, ``st.error``, ``st.caption``, button and expander labels),
the text goes through :func:`literal` first: every ASCII punctuation mark is
backslash-escaped (CommonMark allows it for all of them), so ``**굵게**``, ``<b>``,
``[link](x)``, ``:red[x]`` and ``$x$`` come out as the characters typed.

``unsafe_allow_html`` is not used anywhere in ui/ (tests/ui/test_safety.py greps for it).
"""

from __future__ import annotations

import string

_ESCAPES = {ord(c): "\\" + c for c in string.punctuation}
_SPACES = {ord("\n"): " ", ord("\r"): " ", ord("\t"): " "}


def literal(text: object, *, one_line: bool = False) -> str:
    """``text`` as Markdown source that renders to exactly ``text``."""
    value = "" if text is None else str(text)
    if one_line:
        value = value.translate(_SPACES)
    return value.translate(_ESCAPES)
