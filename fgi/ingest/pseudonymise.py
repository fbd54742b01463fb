"""Pseudonymisation: real names in speaker labels become pseudonymous ids, and personal
data in the text is masked. What was replaced is returned so it can be stored apart.

Replacements are applied in one pass, and every offset computed before is mapped into
the new text, so segments still slice exactly.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from fgi.ingest.names import NAME_MASK, is_real_name, name_mentions
from fgi.ingest.personal_data import PATTERNS, fold, personal_data

MASKS = {kind: mask for kind, (_, mask) in PATTERNS.items()}
__all__ = ["NAME_MASK", "MASKS", "Replacement", "Rewrite", "find_masks", "fold", "is_real_name", "mask_text"]


@dataclass(frozen=True, slots=True)
class Replacement:
    start: int
    end: int
    new: str
    kind: str  # speaker, name, phone, rrn, email

    def original(self, text: str) -> str:
        return text[self.start : self.end]


def find_masks(text: str, names: Iterable[str], name_replacements: Mapping[str, str], *,
               ordinary_word: Callable[[str], bool] | None = None) -> list[Replacement]:
    """Personal data in ``text``: identity numbers, phones, e-mails and the given names.

    ``name_replacements`` maps a speaker's real name to their pseudonymous id; other
    names, and every mention of a name by its given name (``도현 씨``), are masked as
    ``[이름]``. ``ordinary_word(given)`` says whether a given name is also an ordinary
    word (then it is only masked where Korean marks a person, see ``fgi.ingest.names``).
    """
    found = [Replacement(start, end, MASKS[kind], kind) for kind, start, end in personal_data(text)]
    wanted = {" ".join(name.split()): NAME_MASK for name in names if name.strip()}
    wanted.update(name_replacements)
    for name, replacement in wanted.items():
        for start, end, whole in name_mentions(text, name, ordinary_word=ordinary_word):
            found.append(Replacement(start, end, replacement if whole else NAME_MASK, "name"))
    return found


def mask_text(text: str, names: Iterable[str] = (), name_replacements: Mapping[str, str] | None = None, *,
              ordinary_word: Callable[[str], bool] | None = None) -> str:
    """``text`` with everything ``find_masks`` finds replaced."""
    return Rewrite(text, find_masks(text, names, name_replacements or {}, ordinary_word=ordinary_word)).text


def without_overlaps(replacements: Iterable[Replacement]) -> list[Replacement]:
    """Sorted by position; where two overlap, the earlier (then longer) one wins."""
    kept: list[Replacement] = []
    for r in sorted(replacements, key=lambda r: (r.start, -(r.end - r.start))):
        if kept and r.start < kept[-1].end:
            continue
        kept.append(r)
    return kept


class Rewrite:
    """The text after replacements, and a map from old offsets to new ones."""

    def __init__(self, text: str, replacements: Iterable[Replacement]) -> None:
        self.replacements = without_overlaps(replacements)
        parts: list[str] = []
        self._old_ends: list[int] = []
        self._deltas: list[int] = []
        cursor = 0
        delta = 0
        for r in self.replacements:
            parts.append(text[cursor : r.start])
            parts.append(r.new)
            cursor = r.end
            delta += len(r.new) - (r.end - r.start)
            self._old_ends.append(r.end)
            self._deltas.append(delta)
        parts.append(text[cursor:])
        self.text = "".join(parts)

    def position(self, old: int, *, snap_back: bool = False) -> int:
        """Where offset ``old`` lands; an offset inside a replaced span snaps to the end of
        its replacement (to its start with ``snap_back``)."""
        i = bisect.bisect_right(self._old_ends, old)
        before = self._deltas[i - 1] if i else 0
        if i < len(self.replacements) and self.replacements[i].start < old:
            r = self.replacements[i]
            return r.start + before + (0 if snap_back else len(r.new))
        return old + before

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the old text in the new one; a replacement it touches stays inside it."""
        return self.position(start, snap_back=True), self.position(end)
