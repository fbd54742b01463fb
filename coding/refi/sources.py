"""Is a REFI-QDA source a transcript? Other tools' projects hold papers, survey answers and
social-media exports too, and reading those for speakers makes fake participants (an ISO
time ``2021-10-30T08:45:00Z`` read as the speaker ``2021-10-30T08``).

A source is a transcript when most of its non-empty lines open with a speaker label
(``진행자: ...``, ``[사회자] ...``) or are CLOVA Note speaker lines, the labels do not start
with a digit (times, dates, numbered lists), and a few speakers take turns: at most
``MAX_SPEAKERS`` distinct labels, each speaking on average at least twice.
"""

from __future__ import annotations

from fgi.ingest.clova import speaker_line
from fgi.ingest.prefixed import speaker_prefix

MAX_SPEAKERS = 30
SHARE = 0.5  # of the non-empty lines that must be speaker lines
_SAMPLE = 2000  # lines looked at


def _label(line: str) -> str | None:
    clova = speaker_line(line)
    if clova:
        return clova[0]
    found = speaker_prefix(line)
    return found[0] if found else None


def looks_like_transcript(text: str) -> bool:
    lines = [line for line in text.split("\n")[:_SAMPLE] if line.strip()]
    if not lines:
        return False
    labels = []
    for index, line in enumerate(lines):
        label = _label(line)
        if label and not label[0].isdigit():
            labels.append(label)
    clova_lines = sum(1 for line in lines if speaker_line(line))
    # A CLOVA block is a speaker line and the text line under it.
    counted = len(labels) + clova_lines
    distinct = set(labels)
    return (counted >= SHARE * len(lines) and len(labels) >= 2 and len(distinct) <= MAX_SPEAKERS
            and len(labels) >= 2 * len(distinct))
