"""Participants of imported sources take the pseudonyms, groups and roles of the file's cases.

A transcript import numbers speakers ``P01``, ``P02``... in the new project. When a
speaker's label is the label a case of the same source declares (``<Description>화자:
참석자 2</Description>``, as this toolkit exports its participants), or else the case's
name, the participant takes the case's name as its pseudonym and takes the case's ``group`` and
``role``, so a re-export names the same people the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.refi.data import RefiCase
from fgi.models import ROLES, Participant, Project

_PSEUDONYM = re.compile(r"([PM])(\d+)")


def adopt_case_pseudonyms(session: Session, project: Project, cases: Sequence[RefiCase],
                          transcripts: dict[str, str]) -> int:
    """Apply the cases to the project's participants; returns how many matched a case."""
    by_key = {}
    for case in cases:
        for guid in case.source_guids or [None]:
            by_key[(transcripts.get(guid) if guid else None, case.label or case.name)] = case
    participants = list(session.scalars(select(Participant).where(Participant.project_id == project.id)
                                        .order_by(Participant.id)))
    wanted: dict[int, str] = {}
    for p in participants:
        case = by_key.get((p.transcript_id, p.label)) or by_key.get((None, p.label))
        if case is None:
            continue
        wanted[p.id] = case.name[:20]
        attributes = dict(p.attributes or {})
        if case.variables.get("group"):
            attributes["group"] = case.variables["group"]
        p.attributes = attributes
        if case.variables.get("role") in ROLES:
            p.role = case.variables["role"]
    if not wanted or len(set(wanted.values())) != len(wanted):
        return 0  # none, or two speakers would share a pseudonym: keep the import's numbering
    for p in participants:  # make room first: the unique (project, pseudonym) holds at every flush
        p.pseudonym = f"~{p.id}"
    session.flush()
    taken = set(wanted.values())
    next_number = {"P": 1, "M": 1}
    for name in taken:
        match = _PSEUDONYM.fullmatch(name)
        if match:
            next_number[match.group(1)] = max(next_number[match.group(1)], int(match.group(2)) + 1)
    for p in participants:
        if p.id in wanted:
            p.pseudonym = wanted[p.id]
            continue
        prefix = "M" if p.role == "moderator" else "P"
        p.pseudonym = f"{prefix}{next_number[prefix]:02d}"
        next_number[prefix] += 1
    session.flush()
    return len(wanted)

