"""The study's changes made as a user (coding.study_changes) are checked against the
permission table, on SQLite and PostgreSQL; refused ones write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coding import permissions
from coding.errors import PermissionDenied
from coding.study_changes import create_project, import_transcripts, update_participant
from coding.users import get_user
from fgi.ingest import ImportOptions
from fgi.models import Event, Participant, Project, Transcript
from fgi.study import get_project
from tests.conftest import REPO

SAMPLE = REPO / "transcripts" / "주민_FGI_1차.txt"


def _count(session, column) -> int:
    return session.scalar(select(func.count(column)))


def test_only_an_admin_creates_a_project(team):
    with team.db.transaction() as session:
        for name in (team.coder, team.lead, team.outsider):
            with pytest.raises(PermissionDenied) as refused:
                create_project(session, "새 연구", actor=get_user(session, name))
            assert refused.value.action == "project.create" and refused.value.needed == permissions.ADMIN_LEVEL
        assert _count(session, Project.id) == 1
        create_project(session, "새 연구", actor=get_user(session, team.admin))
    with team.db.reading() as session:
        assert _count(session, Project.id) == 2
        assert session.scalar(select(Event.actor).where(Event.kind == "project.create")
                              .order_by(Event.id.desc()).limit(1)) == team.admin


def test_a_lead_of_the_project_imports_and_a_coder_does_not(team, kiwi):
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        for name, needed in [(team.coder, permissions.LEAD_LEVEL), (team.outsider, permissions.LEAD_LEVEL)]:
            with pytest.raises(PermissionDenied) as refused:
                import_transcripts(session, project, [SAMPLE], ImportOptions(), actor=get_user(session, name),
                                   analyzer=kiwi)
            assert refused.value.needed == needed
        assert _count(session, Transcript.id) == 0
        import_transcripts(session, project, [SAMPLE], ImportOptions(), actor=get_user(session, team.lead),
                           analyzer=kiwi)
    with team.db.reading() as session:
        assert _count(session, Transcript.id) == 1


def test_participants_are_changed_by_leads_only(study):
    with study.db.transaction() as session:
        participant = session.scalars(select(Participant).order_by(Participant.id)).first()
        events = _count(session, Event.id)
        with pytest.raises(PermissionDenied):
            update_participant(session, participant.id, actor=get_user(session, study.coder), role="moderator")
        assert _count(session, Event.id) == events
    with study.db.transaction() as session:  # a refusal rolls the transaction back in the front ends
        changed = update_participant(session, participant.id, actor=get_user(session, study.lead),
                                     attributes={"group": "새 집단"})
        assert changed.attributes["group"] == "새 집단"


def test_an_actor_that_is_neither_a_user_nor_a_name_is_refused(team):
    from ui.auth import SessionUser  # what the app holds between runs: never trusted as a name

    with team.db.transaction() as session, pytest.raises(TypeError):
        create_project(session, "새 연구", actor=SessionUser(team.admin, "admin"))
