"""Pseudonymisation: real names in speaker labels become pseudonymous ids, and personal
data in the text is masked. What was replaced is returned so it can be stored apart.

Replacements are applied in one pass, and every offset computed before is mapped into
the new text, so segments still slice exactly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Speaker labels that name a role, not a person. Anything else that looks like a
# Korean personal name (2-4 Hangul syllables) is treated as a real name.
_GENERIC_LABEL = re.compile(
    r"^(?:참석자|참여자|화자|발화자|응답자|면담자|연구참여자|실무자|주민|참여주민|사례관리자|"
    r"진행자|사회자|면접자|면접관|연구자|연구원|모더레이터|인터뷰어|질문자|관찰자|보조진행자|"
    r"speaker|participant|moderator|interviewer|facilitator|respondent)"
    r"\s*[A-Za-z0-9가-힣]{0,3}$|^[A-Za-z]{1,2}\d{0,3}$|^\d{1,3}$",
    re.IGNORECASE,
)
_PERSONAL_NAME = re.compile(r"^[가-힣]{2,4}$")

MASKS = {
    "rrn": (re.compile(r"(?<!\d)\d{6}\s?-\s?[1-8]\d{6}(?!\d)"), "[주민등록번호]"),
    "phone": (
        re.compile(r"(?<!\d)(?:01[016789]|0[2-6][0-9]?)[-.\s]?\d{3,4}[-.\s]?\d{4}(?!\d)"),
        "[전화번호]",
    ),
    "email": (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[이메일]"),
}
NAME_MASK = "[이름]"


def is_real_name(label: str) -> bool:
    return bool(_PERSONAL_NAME.match(label)) and not _GENERIC_LABEL.match(label)


@dataclass(frozen=True, slots=True)
class Replacement:
    start: int
    end: int
    new: str
    kind: str  # speaker, name, phone, rrn, email

    def original(self, text: str) -> str:
        return text[self.start : self.end]


def find_masks(text: str, names: Iterable[str], name_replacements: Mapping[str, str]) -> list[Replacement]:
    """Personal data in ``text``: identity numbers, phones, e-mails and the given names.

    ``name_replacements`` maps a speaker's real name to their pseudonymous id; other
    names are masked as ``[이름]``.
    """
    found = [
        Replacement(m.start(), m.end(), mask, kind)
        for kind, (pattern, mask) in MASKS.items()
        for m in pattern.finditer(text)
    ]
    wanted = {name.strip(): NAME_MASK for name in names if name.strip()}
    wanted.update(name_replacements)
    # Longest names first, so 김도현 is masked whole rather than as 도현.
    for name in sorted(wanted, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            found.append(Replacement(match.start(), match.end(), wanted[name], "name"))
    return found


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

    def position(self, old: int) -> int:
        """Where offset ``old`` lands; an offset inside a replaced span snaps to its end."""
        i = bisect.bisect_right(self._old_ends, old)
        if i < len(self.replacements) and self.replacements[i].start < old:
            r = self.replacements[i]
            return r.start + (self._deltas[i - 1] if i else 0) + len(r.new)
        return old + (self._deltas[i - 1] if i else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.position(start), self.position(end)
