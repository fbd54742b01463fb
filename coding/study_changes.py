"""The study's state changes (``fgi.study``, ``fgi.ingest``) for a front end that acts as a
user: each is checked against the permission table, then recorded under the user's name.

``fgi`` knows nothing of users and roles (it imports no other package), so the check lives
here; the CLI, the app and any future front end call these instead of the ``fgi`` functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from coding.models import User
from coding.permissions import acting
from fgi import participant_labels, study
from fgi.ingest import ImportOptions, ImportResult, import_files
from fgi.models import Participant, Project


def create_project(session: Session, name: str, *, actor: User | str, blind_coding: bool = True,
                   description: str | None = None, pseudonymise: bool = True) -> Project:
    return study.create_project(session, name, actor=acting(session, actor, "project.create"),
                                description=description, blind_coding=blind_coding, pseudonymise=pseudonymise)


def import_transcripts(session: Session, project: Project, paths: Sequence[str | Path],
                       options: ImportOptions | None = None, *, actor: User | str, analyzer=None,
                       progress=None) -> list[ImportResult]:
    name = acting(session, actor, "transcripts.import", project)
    return import_files(session, project, paths, options, actor=name, analyzer=analyzer, progress=progress)


def update_participant(session: Session, participant_id: int, *, actor: User | str, role: str | None = None,
                       attributes: dict[str, Any] | None = None) -> Participant:
    participant = session.get(Participant, participant_id)
    project = participant.project_id if participant is not None else None  # None: fgi says not found
    name = acting(session, actor, "participants.edit", project) if project is not None else _name(actor)
    return study.update_participant(session, participant_id, actor=name, role=role, attributes=attributes)


def _name(actor: User | str) -> str:
    return actor.name if isinstance(actor, User) else actor


def set_label_scheme(session: Session, project: Project, scheme: str, *, actor: User | str) -> None:
    """How reports name participants (``fgi.participant_labels.SCHEMES``)."""
    participant_labels.set_label_scheme(session, project, scheme,
                                        actor=acting(session, actor, "participants.edit", project))


def set_report_labels(session: Session, project: Project, labels: dict[int, str | None], *,
                      actor: User | str) -> int:
    """Participants' own report labels (participant id -> label; None: the scheme's)."""
    return participant_labels.set_report_labels(session, project, labels,
                                                actor=acting(session, actor, "participants.edit", project))
