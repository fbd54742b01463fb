"""CLOVA Note text exports.

An optional header (title, date line, author), then blocks of a speaker line
``<speaker> <MM:SS | H:MM:SS>`` followed by the utterance lines::

    자활사례관리 FGI
    2024.05.14 화 오후 2:03 ・ 1시간 5분
    연구팀

    참석자 1 00:00
    안녕하세요.
"""

from __future__ import annotations

import re

from fgi.errors import InputError
from fgi.ingest.layout import LabelSpan, Layout, Utterance, line_spans, parse_timestamp, strip_span
from fgi.i18n import _

SPEAKER_LINE = re.compile(r"^(?P<label>\S.{0,38}?)\s+(?P<ts>(?:\d{1,2}:)?\d{1,3}:\d{2})$")
_HEADER_KEYS = ("title", "date", "author")


def speaker_line(line: str) -> tuple[str, float] | None:
    match = SPEAKER_LINE.match(line.strip())
    if not match:
        return None
    seconds = parse_timestamp(match["ts"])
    if seconds is None:
        return None
    return match["label"].strip(), seconds


def parse_clova(text: str, path: str) -> Layout:
    layout = Layout(format="clova", utterances=[])
    speaker: str | None = None
    timestamp: float | None = None
    header: list[str] = []
    for number, (start, end) in enumerate(line_spans(text), start=1):
        line = text[start:end]
        found = speaker_line(line)
        if found:
            speaker, timestamp = found
            label_start = start + (len(line) - len(line.lstrip()))
            layout.labels.append(LabelSpan(speaker, label_start, label_start + len(speaker)))
            continue
        if not line.strip():
            continue
        if speaker is None:
            header.append(line.strip())
            continue
        content_start, content_end = strip_span(text, start, end)
        layout.utterances.append(Utterance(speaker, content_start, content_end, number, timestamp))
    if not layout.utterances:
        raise InputError(
            _("no utterances found under the CLOVA Note speaker lines"),
            path=path,
            hint=_("each speaker line (`참석자 1 00:00`) must be followed by what was said"),
        )
    if len(header) > len(_HEADER_KEYS) + 2:
        raise InputError(
            _("{count} lines stand before the first speaker line; a CLOVA Note header "
              "has at most a title, a date and an author", count=len(header)),
            path=path,
            line=1,
            hint=_("check that speaker lines look like `참석자 1 00:00`, or import with "
                   "the format 'prefixed' (--format prefixed) if speakers are written as `진행자: ...`"),
        )
    layout.meta = dict(zip(_HEADER_KEYS, header, strict=False))
    return layout
