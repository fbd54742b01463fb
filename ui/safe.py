"""User text is never rendered as HTML or Markdown.

Where the app shows text a user wrote (transcript lines, names of projects, groups, users
and codes, memos, reasons, error messages that quote a file), it uses ``st.text``,
``st.code``, a dataframe cell, or a selectbox/multiselect option (plain text). Where
Streamlit only offers a Markdown slot (``st.markdown``, ``st.write``, ``st.caption``,
``st.info``/``success``/``warning``/``error``, ``st.toast``, titles and headers, metric,
widget, button, tab and expander labels, ``help`` tooltips, radio options, progress and
spinner texts), the text goes through :func:`literal` first, or the label through
:func:`md`, which passes every parameter through :func:`literal`.

:func:`literal` backslash-escapes every ASCII punctuation mark (CommonMark allows it for all
of them), so emphasis (``**``, ``_``), links and images (``[..](..)``, ``![..](..)``),
autolinks (``www.x``, ``a@b.kr``, ``<http://..>``), colour and other directives
(``:red[..]``, ``:material/..:``), KaTeX (``$..$``), HTML (``<b>``), tables (``|``) and block
marks at the start of a line (``#``, ``>``, ``-``, ``+``, ``1.``) come out as the characters
typed. Leading spaces become character references, so an indented line is not a code block.
Streamlit also turns bare ``http://``, ``www.`` and e-mail addresses into links *after*
parsing, where escapes no longer count; there :func:`literal` puts an invisible WORD JOINER
(U+2060) inside the pattern (``http\u2060://``, ``www\u2060.``, ``a\u2060@b``), so the text
reads the same and is not a link.

Plotly reads a few HTML tags in its texts (``<b>``, ``<a href>``, ``<br>``), so texts of
figures go through :func:`plot_text`.

``unsafe_allow_html`` and ``st.html`` are not used anywhere in ui/, and every Markdown slot
gets a constant, ``t(...)`` of constants, ``md(...)`` or ``literal(...)``
(tests/ui/test_safety.py reads the source to check it).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Sequence

from ui.text import t

_ESCAPES = {ord(c): "\\" + c for c in string.punctuation}
_SPACES = {ord("\n"): " ", ord("\r"): " ", ord("\t"): " "}
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=mailto)(?=:)|(?<=xmpp)(?=:)|(?<=www)(?=\.)|(?=@)")
JOINER = "\u2060"


def literal(text: object, *, one_line: bool = False) -> str:
    """``text`` as Markdown source that renders to exactly ``text``."""
    value = "" if text is None else str(text)
    if one_line:
        value = value.translate(_SPACES)
    value = _AUTOLINK.sub(JOINER, value).translate(_ESCAPES)
    return _INDENT.sub(lambda m: "&#32;" * len(m.group(0)), value)


def md(key: str, **params: object) -> str:
    """The label ``key`` of ui.text with every parameter escaped (numbers as they are)."""
    return t(key, **{name: value if isinstance(value, int | float) else literal(value)
                     for name, value in params.items()})


def md_list(items: Sequence[object]) -> str:
    """A Markdown bullet list that renders each item as exactly its text, one per line."""
    return "\n".join(f"- {literal(item, one_line=True)}" for item in items)


def plot_text(text: object) -> str:
    """``text`` for a Plotly title, axis label, legend entry or hover text: no tags."""
    return html.escape("" if text is None else str(text), quote=False)
