"""The pseudonymisation key of a project — who ``P03`` is, which names were masked — for
leads only. It is kept apart from the text at import and never leaves through an export;
this is the one way to read it, and each reading is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.models import User
from coding.permissions import require
from fgi.models import Event, Project, PseudonymKey, Transcript


@dataclass(frozen=True)
class IdentityEntry:
    transcript: str | None
    kind: str  # speaker, name, phone, rrn, email
    original: str
    replacement: str


def identity_key(session: Session, viewer: User, project: Project) -> list[IdentityEntry]:
    """What pseudonymisation replaced in ``project``; raises PermissionDenied for non-leads."""
    require(session, viewer, "identities", project)
    rows = session.execute(
        select(Transcript.name, PseudonymKey.kind, PseudonymKey.original, PseudonymKey.replacement)
        .outerjoin(Transcript, PseudonymKey.transcript_id == Transcript.id)
        .where(PseudonymKey.project_id == project.id)
        .order_by(Transcript.name, PseudonymKey.kind, PseudonymKey.replacement, PseudonymKey.original)
    ).all()
    Event.record(session, actor=viewer.name, kind="identities.read", project_id=project.id,
                 subject=project.name, payload={"entries": len(rows)})
    return [IdentityEntry(*row) for row in rows]
