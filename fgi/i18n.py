"""The message catalogue of the domain: every error, hint, note and warning a user reads.

Messages are written in English in the code, wrapped in ``_()`` (the gettext convention, so
Babel's extractor finds them), and translated from gettext catalogues in
``fgi/locale/<lang>/*.po``. Every ``.po`` file of a language is read; each area of the
product keeps its own file so that catalogues stay small and merge cleanly.

The language is chosen per request: the app sets it from its language switch (Korean by
default), the CLI from ``FGI_LANG`` or the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
It lives in a context variable, so two app sessions in two threads do not share it.

``_("{file}: the file is empty", file=name)`` translates, then fills the fields.
``N_("...")`` only marks a text for extraction; translate it with ``_()`` where it is shown.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("ko", "en")
DEFAULT_APP_LANGUAGE = "ko"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: ContextVar[str | None] = ContextVar("fgi_language", default=None)


def set_language(lang: str | None) -> None:
    """Use ``lang`` ("ko" or "en") for the messages of this thread or task; None: the default."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _language.set(lang)


def current_language() -> str:
    """The language set for this context, else ``FGI_LANG``, else the process locale."""
    chosen = _language.get()
    if chosen:
        return chosen
    return environment_language()


def environment_language() -> str:
    """``FGI_LANG`` if set, else Korean when the locale is Korean, else English."""
    explicit = os.environ.get("FGI_LANG", "").strip().lower()
    if explicit:
        return "ko" if explicit.startswith("ko") else "en"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def _(message: str, /, **fields: object) -> str:
    """``message`` in the current language, its ``{fields}`` filled in."""
    translated = catalogue(current_language()).get(message) or message
    return translated.format(**fields) if fields else translated


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogue without translating it yet."""
    return message


def ngettext(singular: str, plural: str, count: int, /, **fields: object) -> str:
    """Korean has one form; English picks by ``count``. ``{count}`` is always available."""
    fields.setdefault("count", count)
    return _(singular if count == 1 else plural, **fields)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``, from all its ``.po`` files."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.po")):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale=lang):
                if entry.id and isinstance(entry.id, str) and entry.string and not entry.fuzzy:
                    messages[entry.id] = entry.string
    return messages
