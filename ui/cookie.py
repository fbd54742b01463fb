"""The session cookie in the browser.

Streamlit reads the cookies a browser sent when it opened the page (``st.context.cookies``)
but cannot send a ``Set-Cookie`` header, so the cookie is written by a small script in a
same-origin ``st.iframe`` (``window.parent.document.cookie``). A cookie written by a
script cannot be HttpOnly: scripts of the page can read it. It is SameSite=Strict (never
sent by another site's request), Secure when the app is served over https, path ``/``.

Only a token made by ``coding.app_sessions`` (URL-safe base64) or nothing reaches the
script; anything else is refused before any HTML is built.
"""

from __future__ import annotations

import re

import streamlit as st

COOKIE = "fgi_session"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")

_SCRIPT = """<!doctype html><html><body style="margin:0"><script>
const secure = window.parent.location.protocol === "https:" ? "; Secure" : "";
window.parent.document.cookie = "{cookie}={value}; Max-Age={seconds}; Path=/; SameSite=Strict" + secure;
</script></body></html>"""


def sent_token() -> str | None:
    """The session token the browser sent when this page was opened (None if none)."""
    value = st.context.cookies.get(COOKIE)  # AppTest's stand-in client answers with a mock
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def _write(value: str, seconds: int) -> None:
    st.iframe(_SCRIPT.format(cookie=COOKIE, value=value, seconds=seconds), height="content")


def remember(token: str, seconds: int) -> None:
    """Make the browser keep ``token`` for ``seconds`` (it is sent again after a reload)."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a session token")
    _write(token, max(0, int(seconds)))


def forget() -> None:
    """Delete the cookie in the browser."""
    _write("", 0)
