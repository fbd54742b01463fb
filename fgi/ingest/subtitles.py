"""SubRip (.srt) and WebVTT (.vtt) subtitles.

Each cue's text lines become utterances stamped with the cue's start time. A speaker
is taken from a ``<v Name>`` voice tag or a ``진행자: ...`` prefix; cues without one
continue the previous speaker.
"""

from __future__ import annotations

import re

from fgi.errors import InputError
from fgi.ingest.layout import LabelSpan, Layout, Utterance, line_spans, parse_timestamp, strip_span
from fgi.ingest.prefixed import speaker_prefix
from fgi.i18n import _

CUE_TIME = re.compile(
    r"^\s*(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*"
    r"(?P<end>(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+(?P<label>[^>]{1,40})>")


def looks_like_subtitles(text: str) -> str | None:
    if text.lstrip().startswith("WEBVTT"):
        return "vtt"
    cues = sum(1 for line in text.split("\n")[:200] if CUE_TIME.match(line))
    return "srt" if cues >= 2 else None


def parse_subtitles(text: str, path: str, fmt: str) -> Layout:
    layout = Layout(format=fmt, utterances=[])
    speaker: str | None = None
    timestamp: float | None = None
    in_cue = False
    cues = 0
    for number, (start, end) in enumerate(line_spans(text), start=1):
        line = text[start:end]
        if not line.strip():
            in_cue = False
            continue
        cue = CUE_TIME.match(line)
        if cue:
            timestamp = parse_timestamp(cue["start"])
            in_cue = True
            cues += 1
            continue
        if not in_cue:  # cue numbers, WEBVTT header, NOTE and STYLE blocks
            continue
        content_start = start
        voice = _VOICE.match(line)
        prefix = None if voice else speaker_prefix(line)
        if voice:
            speaker = voice["label"].strip()
            label_start = start + voice.start("label")
            layout.labels.append(LabelSpan(speaker, label_start, label_start + len(speaker)))
            content_start = start + voice.end()
        elif prefix:
            speaker, label_offset, content_offset = prefix
            layout.labels.append(
                LabelSpan(speaker, start + label_offset, start + label_offset + len(speaker))
            )
            content_start = start + content_offset
        content_end = end
        closing = line.rfind("</v>")
        if closing >= 0 and start + closing >= content_start:
            content_end = start + closing
        content_start, content_end = strip_span(text, content_start, content_end)
        if content_end > content_start:
            layout.utterances.append(
                Utterance(speaker, content_start, content_end, number, timestamp)
            )
    if cues == 0 or not layout.utterances:
        raise InputError(
            _("no subtitle cues with text found"),
            path=path,
            hint=_("a cue is a time line such as `00:00:01,000 --> 00:00:04,000` followed by text"),
        )
    return layout

