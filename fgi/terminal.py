"""Text from transcripts, codebooks and users, made safe to print on a terminal.

A transcript line holding ``ESC [ 2 J`` would clear the screen of whoever runs
``fgi segments``; other sequences set the window title, write to the clipboard (OSC 52)
or hide text. Control characters (C0 but tab and newline, DEL, C1) and the Unicode bidi
overrides that reorder what a line appears to say are shown as visible escapes
(``\\x1b``, ``\\u202e``) instead, so nothing is hidden and nothing is executed.
"""

from __future__ import annotations

import re

# C0 controls except \t and \n, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every control character shown as an escape (tab and newline kept)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def clean_line(text: str) -> str:
    """As ``clean``, and newlines too: for one table cell or one line of a message."""
    return clean(text).replace("\n", "\\n")


def json_safe(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with the characters ``clean``
    would escape written as ``\\uXXXX``: the same JSON value, safe on a terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
