"""What a code is made of, as plain data: paths, fields and their checks, and ``CodeSpec``
(a code as a file describes it). No database access; ``coding.codebook`` stores codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SEPARATOR = "/"
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


def split_path(path: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in path.split(SEPARATOR))


def join_path(parts: tuple[str, ...] | list[str]) -> str:
    return SEPARATOR.join(parts)


def name_problem(name: str) -> str | None:
    if not name:
        return "a code needs a name (empty path part)"
    if SEPARATOR in name:
        return f"a code name cannot contain {SEPARATOR!r}: {name!r}"
    if len(name) > 200:
        return f"a code name can be at most 200 characters: {name[:20]!r}..."
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


def clean_fields(changes: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fields normalised for storage, and the problems found (unknown field, bad colour)."""
    cleaned: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in changes.items():
        if name in TEXT_FIELDS:
            cleaned[name] = (str(value).strip() or None) if value is not None else None
        elif name in LIST_FIELDS:
            items = [value] if isinstance(value, str) else list(value or [])
            cleaned[name] = list(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))
        elif name == "color":
            if value in (None, ""):
                cleaned[name] = None
            elif (color := normalise_color(str(value))) is None:
                problems.append(f"colour {value!r} is not #RRGGBB (e.g. #4E79A7)")
            else:
                cleaned[name] = color
        else:
            problems.append(f"unknown field {name!r} (known: name, {', '.join(FIELDS)})")
    return cleaned, problems
