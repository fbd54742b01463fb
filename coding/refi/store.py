"""What a REFI-QDA import keeps beyond lines and codings, and how an export reads it back.

Stored (migration ``0010_refi``, models in ``coding.models`` and ``fgi.models``):

* ``Code.guid``, ``Transcript.guid``, ``User.guid``: the GUID the object had in the file it
  was imported from; ``None`` for what was made here (an export derives a stable GUID then,
  ``coding.refi.data.stable_guid``). An export writes the stored GUID when there is one, so
  a code, source or user keeps its identity across tools.
* ``CodeSelection`` rows: the exact span of an imported selection inside each coded line
  (``selections_for``). An application without rows is a whole-line coding.
* ``CodeSet`` / ``CodeSetMember``: code sets (REFI ``<Sets>`` of codes) (``code_sets_for``).

Blind coding: ``selections_for`` takes application ids, so an export first reads the
codings its viewer may see (``coding.applications.codings_for``) and asks only for those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.models import CodeSelection, CodeSet, CodeSetMember
from fgi.models import Project


@dataclass(frozen=True)
class StoredSelection:
    """A span of ``Transcript.text`` (code points, end-exclusive) inside the coded line."""

    start: int
    end: int
    guid: str | None


@dataclass(frozen=True)
class StoredCodeSet:
    id: int
    guid: str | None
    name: str
    description: str | None
    code_ids: tuple[int, ...]


def keep_selection(session: Session, application_id: int, start: int, end: int, guid: str | None) -> None:
    session.add(CodeSelection(application_id=application_id, start=start, end=end, guid=guid))


def selections_for(session: Session, application_ids: Iterable[int]) -> dict[int, list[StoredSelection]]:
    """application id -> its selections in text order (absent: the whole line)."""
    ids = sorted(set(application_ids))
    found: dict[int, list[StoredSelection]] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(select(CodeSelection.application_id, CodeSelection.start, CodeSelection.end,
                                      CodeSelection.guid).where(CodeSelection.application_id.in_(chunk))
                               .order_by(CodeSelection.start, CodeSelection.end, CodeSelection.id))
        for application_id, start, end, guid in rows:
            found.setdefault(application_id, []).append(StoredSelection(start, end, guid))
    return found


def code_sets_for(session: Session, project: Project) -> list[StoredCodeSet]:
    sets = session.scalars(select(CodeSet).where(CodeSet.project_id == project.id).order_by(CodeSet.id)).all()
    members: dict[int, list[int]] = {}
    for set_id, code_id in session.execute(select(CodeSetMember.set_id, CodeSetMember.code_id)
                                           .join(CodeSet, CodeSet.id == CodeSetMember.set_id)
                                           .where(CodeSet.project_id == project.id)
                                           .order_by(CodeSetMember.code_id)):
        members.setdefault(set_id, []).append(code_id)
    return [StoredCodeSet(s.id, s.guid, s.name, s.description, tuple(members.get(s.id, ()))) for s in sets]


def add_code_set(session: Session, project: Project, name: str, code_ids: Iterable[int], *,
                 guid: str | None = None, description: str | None = None) -> CodeSet:
    code_set = CodeSet(project_id=project.id, guid=guid, name=name, description=description)
    session.add(code_set)
    session.flush()
    for code_id in sorted(set(code_ids)):
        session.add(CodeSetMember(set_id=code_set.id, code_id=code_id))
    session.flush()
    return code_set
