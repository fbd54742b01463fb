"""The transcript drawn as a document for coding: every line with its number, the coder's
coding stripes in the codebook's colours, the speaker (pseudonym, group) and time, the whole
utterance wrapped, and the codes as chips (the coder's own filled; other coders' outlined
with their initials, only where ``codings_for`` lets the viewer see them).

A Streamlit custom component (``st.components.v2``, no iframe) whose JavaScript
(``assets/document.js``) builds the rows with ``textContent`` only, so a line holding markup
shows as typed. It reports a click, a shift-click (extend the selection) or a key (arrows,
j/k, Shift+arrows, Escape) as the trigger ``pick`` {i, id, anchor, seq}; Python keeps the
current line and the selection anchor and sends them back, and the script keeps the current
line in view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from coding.applications import Coding
from fgi.study import SegmentRow
from ui.components.code_colors import code_color, text_color
from ui.text import t

ASSETS = Path(__file__).parent / "assets"
HTML = '<div class="wrap"><div class="doc" tabindex="0" role="listbox"></div><div class="status"></div></div>'


_DOCUMENT = st.components.v2.component(
    "fgi_transcript_document", html=HTML,
    css=(ASSETS / "document.css").read_text(encoding="utf-8"),
    js=(ASSETS / "document.js").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pick:
    """What the coder picked in the document: the current line and the selection's anchor."""

    segment_id: str
    anchor_id: str
    seq: int


def initials(names: Sequence[str]) -> dict[str, str]:
    """Short, distinct labels of coders for chips: a short name as it is, else its first and
    last character (코더A -> 코A), the whole name where two would read the same."""
    def short(name: str) -> str:
        return name if len(name) <= 2 else name[0] + name[-1]

    labels = {name: short(name) for name in names}
    taken: dict[str, int] = {}
    for label in labels.values():
        taken[label] = taken.get(label, 0) + 1
    return {name: label if taken[label] == 1 else name for name, label in labels.items()}


def document_data(rows: Sequence[SegmentRow], codes: Sequence, mine: dict[str, list[Coding]],
                  others: dict[str, list[Coding]], *, transcript_id: str, groups: dict[str, str],
                  fallback_group: str | None, current: int, anchor: int, scroll: int, seq: int,
                  memo_lines: set[str] = frozenset()) -> dict:
    """The component's data: plain lists and dicts (JSON), user text as values only."""
    index = {r.id: i for i, r in enumerate(rows)}
    used = {c.code_id for cs in mine.values() for c in cs} | {c.code_id for cs in others.values() for c in cs}
    by_id = {c.id: c for c in codes}
    palette = {}
    for code_id in sorted(used):
        code = by_id.get(code_id)
        background = code_color(code_id, code.color if code else None)
        palette[str(code_id)] = [code.name if code else "?", code.path if code else "?", background,
                                 text_color(background)]
    coders = sorted({c.coder for cs in others.values() for c in cs})
    short = initials(coders)
    others_by_line = {}
    for sid, cs in others.items():
        if sid not in index:
            continue
        by_code: dict[int, list[str]] = {}
        for c in cs:
            by_code.setdefault(c.code_id, []).append(short[c.coder])
        others_by_line[str(index[sid])] = [[str(code_id), ", ".join(names)] for code_id, names in by_code.items()]
    # Stripe slots: one per code the coder used here, in codebook order, so a code's stripe
    # runs down the same column from line to line (as NVivo and MAXQDA draw them).
    order = {c.id: n for n, c in enumerate(codes)}
    stripes = sorted({c.code_id for cs in mine.values() for c in cs}, key=lambda i: order.get(i, 1 << 30))
    lines = []
    for r in rows:
        speaker = r.participant or r.speaker or ""
        group = groups.get(r.participant or "", fallback_group or "") if r.participant else ""
        kind = "moderator" if r.is_moderator else "backchannel" if r.backchannel else ""
        lines.append([r.id, r.line, speaker, group or "", r.timestamp or "", r.text, kind])
    return {
        "transcript": transcript_id,
        "lines": lines,
        "codes": palette,
        "mine": {str(index[sid]): [str(c.code_id) for c in cs] for sid, cs in mine.items() if sid in index},
        "others": others_by_line,
        "stripes": [str(i) for i in stripes],
        "memos": sorted(index[sid] for sid in memo_lines if sid in index),
        "current": current, "anchor": anchor, "scroll": scroll, "seq": seq,
        "labels": {"range": t("coding.doc.range", first="{first}", last="{last}", count="{count}"), "memo": t("coding.doc.memo"),
                   "document": t("coding.doc.aria")},
    }


def picked(key: str) -> Pick | None:
    """The pick the document just reported (inside its callback), or None."""
    value = st.session_state.get(key)
    if value is None:
        return None
    payload = value.get("pick") if hasattr(value, "get") else getattr(value, "pick", None)
    if not isinstance(payload, dict) or "id" not in payload:
        return None
    return Pick(str(payload["id"]), str(payload.get("anchor") or payload["id"]), int(payload.get("seq") or 0))


def transcript_document(data: dict, *, key: str, on_pick: Callable[[], None]) -> None:
    """Draw the document (its height is the page's, scrolled inside)."""
    _DOCUMENT(key=key, data=data, on_pick_change=on_pick)
