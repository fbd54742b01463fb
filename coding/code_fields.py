"""What a code is made of, as plain data: paths, fields and their checks, and ``CodeSpec``
(a code as a file describes it). No database access; ``coding.codebook`` stores codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fgi.limits import LIMITS, limit
from fgi.i18n import N_, _

from coding.code_paths import SEPARATOR, join_path, split_path  # noqa: F401 (re-exported)
# Field names as messages say them (translated where shown: ``_(name)``).
N_("definition"), N_("inclusion"), N_("exclusion"), N_("examples"), N_("keywords"), N_("example"), N_("keyword")
TEXT_FIELDS = ("definition", "inclusion", "exclusion")
LIST_FIELDS = ("examples", "keywords")
FIELDS = ("definition", "inclusion", "exclusion", "examples", "color", "keywords")
_COLOR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


@dataclass
class CodeSpec:
    """A code as a file describes it. A field left ``None`` is not given: importing keeps
    what is stored; ``""`` or ``[]`` clears it."""

    path: tuple[str, ...]
    definition: str | None = None
    inclusion: str | None = None
    exclusion: str | None = None
    examples: list[str] | None = None
    color: str | None = None
    keywords: list[str] | None = None
    guid: str | None = None  # REFI-QDA guid, when the file had one

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}


def _nul_problem(what: str, text: str) -> str | None:
    """PostgreSQL cannot store a NUL character in text (and no codebook needs one)."""
    return _("{what} contains a NUL character (\\0): {start}...", what=what, start=repr(text[:20])) if "\x00" in text else None


def name_problem(name: str) -> str | None:
    if not name:
        return _("a code needs a name (empty path part)")
    if "\x00" in name:
        return _nul_problem(_("a code name"), name)
    if len(name) > 200:
        return _("a code name can be at most 200 characters: {start}...", start=repr(name[:20]))
    return None


def normalise_color(color: str) -> str | None:
    """``#RRGGBB`` in upper case, or None when ``color`` is not a colour."""
    color = color.strip()
    if not _COLOR.fullmatch(color):
        return None
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def _text_problem(what: str, text: str, limit_name: str) -> str | None:
    most = limit(limit_name)
    if len(text) > most:
        return _("{what} is {count} characters long, over the limit of {limit} ({setting})", what=what, count=len(text),
                 limit=most, setting=LIMITS[limit_name].setting)
    return _nul_problem(what, text)


def _list_problems(name: str, items: list[str]) -> list[str]:
    """Keywords and examples: how many, how long, no NUL (one message per kind of problem)."""
    problems: list[str] = []
    count_limit, item_limit = ("keywords", "keyword_chars") if name == "keywords" else ("examples", "field_chars")
    if len(items) > limit(count_limit):
        problems.append(_("{count} {field}, over the limit of {limit} per code ({setting})", count=len(items),
                          field=_(name), limit=limit(count_limit), setting=LIMITS[count_limit].setting))
        return problems
    singular = name[:-1]
    for item in items:
        item = str(item)
        problem = _text_problem(f"{_(singular)} {item[:20]!r}", item, item_limit)
        if problem:
            problems.append(problem)
            break
    return problems


def clean_fields(changes: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fields normalised for storage, and the problems found (unknown field, bad colour, a
    field over its size limit, a NUL character)."""
    cleaned: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in changes.items():
        if name in TEXT_FIELDS:
            cleaned[name] = (str(value).strip() or None) if value is not None else None
            problem = _text_problem(_(name), cleaned[name] or "", "field_chars")
            if problem:
                problems.append(problem)
        elif name in LIST_FIELDS:
            items = [value] if isinstance(value, str) else list(value or [])
            problems += _list_problems(name, items)
            if len(items) <= limit("keywords" if name == "keywords" else "examples"):  # a bomb costs nothing
                cleaned[name] = list(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))
        elif name == "color":
            if value in (None, ""):
                cleaned[name] = None
            elif (color := normalise_color(str(value)[:20])) is None:
                problems.append(_("colour {value} is not #RRGGBB (e.g. #4E79A7)", value=repr(str(value)[:20])))
            else:
                cleaned[name] = color
        else:
            problems.append(_("unknown field {name} (known: name, {known})", name=repr(str(name)[:40]), known=", ".join(FIELDS)))
    return cleaned, problems
