"""Stable ids: the same file imported into the same project gets the same ids again.

A transcript id is a short hash of the project and the normalised content; a segment
id is the transcript id and the unit's position (``3f9a1c2e07-0042``), so a coding
spreadsheet keyed by segment id stays valid when a transcript is re-imported.
"""

from __future__ import annotations

import hashlib


def transcript_id(project_id: int, content_hash: str) -> str:
    return hashlib.sha256(f"{project_id}:{content_hash}".encode()).hexdigest()[:10]


def segment_id(transcript: str, line: int) -> str:
    return f"{transcript}-{line:04d}"
