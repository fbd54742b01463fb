"""Finding English sentences in text that should be Korean: three or more Latin-script words
in a row, once what may stay Latin is taken out (quoted user data, file names and paths,
command lines and options, setting names, code spans, numbers with units)."""

from __future__ import annotations

import re

_ALLOWED = [
    re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|`[^`]*`"),  # quoted user data, code spans
    re.compile(r"\bfgi(?:\s+[a-z][\w-]*)+"),  # a command line: fgi codebook show
    re.compile(r"--?[a-z][\w-]*(?:\s+[A-Z][A-Z_]+)?"),  # options and their metavariables
    re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b(?:=\S*)?"),  # settings: FGI_MAX_IMPORT_MB
    re.compile(r"\S+\.(?:txt|docx|hwpx?|srt|vtt|csv|xlsx|ya?ml|qdc|qdpx|qde|md|json|pdf|db|xml)\b", re.I),
    re.compile(r"\b\S*/\S*"),  # paths and code paths
    re.compile(r"https?://\S+"),
    re.compile(r"\b(?:CLOVA Note|REFI-QDA|UTF-8|UTF-16|CP949|EUC-KR|NUL|OWPML|HWP \d|Word|Excel|LibreOffice|"
               r"PostgreSQL|SQLite|Streamlit|Kiwi|MB|KB|GB|XML|DTD|YAML|CSV|XLSX|zip|gzip|PDF|PNG|JPEG|GIF|MP3|WAV|"
               r"python-docx|python-hwpx|Hancom Office)\b"),
]
_SENTENCE = re.compile(r"\b[A-Za-z][a-z']*(?:[\s,;:]+[A-Za-z][a-z']*){2,}\b")


def english_sentences(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """The runs of three or more English words in ``text`` (``allowed``: user data to ignore)."""
    for literal in sorted(allowed, key=len, reverse=True):
        if literal:
            text = text.replace(literal, " ")
    for pattern in _ALLOWED:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in _SENTENCE.finditer(text)]
