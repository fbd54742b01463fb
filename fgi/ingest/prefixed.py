"""Speaker-prefixed text (also used for the paragraphs of a .docx), and plain lines.

Recognised prefixes: ``진행자: ...``, ``참여자3 : ...``, ``A: ...``, ``[사회자] ...``.
Lines without a prefix continue the last speaker's turn; lines before the first
speaker are a header.
"""

from __future__ import annotations

import re

from fgi.errors import InputError
from fgi.ingest.layout import LabelSpan, Layout, Utterance, line_spans, strip_span
from fgi.i18n import _

# A label is short, has no colon or bracket, and at most one inner space (``참여자 3``).
_COLON = re.compile(r"^(?P<label>[^\s:：\[\]()]{1,15}(?: [^\s:：\[\]()]{1,6})?)\s*[:：]\s?")
_BRACKET = re.compile(r"^\[(?P<label>[^\[\]\n]{1,20})\]\s*(?=\S)")
# Things that look like ``label:`` but are not speakers: clock times, URLs.
_NOT_A_LABEL = re.compile(r"^(?:\d+|https?|ftp|mailto|[Ww]ww)$")
MAX_HEADER_LINES = 10


def speaker_prefix(line: str) -> tuple[str, int, int] | None:
    """``(label, label offset, content offset)`` within ``line``, or None."""
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    for pattern in (_BRACKET, _COLON):
        match = pattern.match(stripped)
        if match and not _NOT_A_LABEL.match(match["label"]):
            label_start = indent + match.start("label")
            return match["label"].strip(), label_start, indent + match.end()
    return None


def parse_prefixed(text: str, path: str, fmt: str = "prefixed") -> Layout:
    layout = Layout(format=fmt, utterances=[])
    speaker: str | None = None
    header: list[str] = []
    header_start_line: int | None = None
    for number, (start, end) in enumerate(line_spans(text), start=1):
        line = text[start:end]
        if not line.strip():
            continue
        found = speaker_prefix(line)
        if found:
            speaker, label_offset, content_offset = found
            layout.labels.append(
                LabelSpan(speaker, start + label_offset, start + label_offset + len(speaker))
            )
            content_start, content_end = strip_span(text, start + content_offset, end)
            if content_end > content_start:
                layout.utterances.append(Utterance(speaker, content_start, content_end, number))
            continue
        if speaker is None:
            header.append(line.strip())
            header_start_line = header_start_line or number
            continue
        content_start, content_end = strip_span(text, start, end)
        layout.utterances.append(Utterance(speaker, content_start, content_end, number))
    if not layout.utterances:
        raise InputError(
            _("no speaker labels found"),
            path=path,
            line=header_start_line,
            hint=_("write each turn as `진행자: ...` or `[참여자1] ...`, or import with "
                   "the format 'plain' (--format plain) to take every line without a speaker"),
        )
    if len(header) > MAX_HEADER_LINES:
        raise InputError(
            _("{count} lines stand before the first speaker label", count=len(header)),
            path=path,
            line=header_start_line,
            hint=_("start turns with a speaker label (`진행자: ...`), or import with the format 'plain' (--format plain)"),
        )
    if header:
        layout.meta["title"] = header[0]
        if len(header) > 1:
            layout.meta["header"] = "\n".join(header[1:])
    return layout


def parse_plain(text: str, path: str) -> Layout:
    """Every non-empty line is an utterance with no speaker."""
    layout = Layout(format="plain", utterances=[])
    for number, (start, end) in enumerate(line_spans(text), start=1):
        content_start, content_end = strip_span(text, start, end)
        if content_end > content_start:
            layout.utterances.append(Utterance(None, content_start, content_end, number))
    if not layout.utterances:
        raise InputError(_("the file has no text"), path=path, hint=_("choose a non-empty transcript"))
    return layout
