from __future__ import annotations

import pytest
from sqlalchemy import select

from coding import users
from coding.errors import PermissionDenied
from coding.models import Membership, User
from fgi.errors import FgiError, NotFound
from fgi.models import Event
from fgi.study import create_project, get_project
from tests.coding.conftest import PASSWORD


def test_a_user_is_stored_with_a_bcrypt_hash_and_an_event(db):
    with db.transaction() as session:
        users.create_user(session, "김코더", PASSWORD, role="coder", actor="admin")
    with db.reading() as session:
        user = session.scalars(select(User)).one()
        assert user.role == "coder" and user.password_hash.startswith("$2")
        assert PASSWORD not in user.password_hash
        event = session.scalars(select(Event).where(Event.kind == "user.add")).one()
        assert (event.actor, event.subject, event.payload["after"]) == ("admin", "김코더", {"role": "coder"})


@pytest.mark.parametrize(("name", "password", "role", "message"), [
    ("김코더", PASSWORD, "reader", "unknown role"),
    ("김 코더", PASSWORD, "coder", "not a usable user name"),
    ("", PASSWORD, "coder", "not a usable user name"),
    ("김코더", "짧은암호", "coder", "at least 8 characters"),
    ("김코더", "가" * 25, "coder", "at most 72 bytes"),  # 75 bytes in UTF-8
])
def test_bad_users_are_refused(db, name, password, role, message):
    with pytest.raises(FgiError, match=message):
        with db.transaction() as session:
            users.create_user(session, name, password, role=role, actor="admin")


def test_names_are_unique(db):
    with db.transaction() as session:
        users.create_user(session, "김코더", PASSWORD, role="coder", actor="admin")
    with pytest.raises(FgiError, match="already exists"):
        with db.transaction() as session:
            users.create_user(session, "김코더", PASSWORD, role="lead", actor="admin")


@pytest.mark.parametrize(("name", "password", "ok"), [
    ("김코더", PASSWORD, True),
    ("김코더", PASSWORD + "x", False),
    ("김코더", "", False),
    ("없는사람", PASSWORD, False),
])
def test_authenticate(db, name, password, ok):
    with db.transaction() as session:
        users.create_user(session, "김코더", PASSWORD, role="coder", actor="admin")
    with db.reading() as session:
        user = users.authenticate(session, name, password)
        assert (user is not None) == ok
        if ok:
            assert user.name == "김코더"


def test_unknown_users_still_cost_a_hash_check(db, monkeypatch):
    checked = []
    real = users.bcrypt.checkpw
    monkeypatch.setattr(users.bcrypt, "checkpw", lambda p, h: checked.append(h) or real(p, h))
    with db.reading() as session:
        assert users.authenticate(session, "없는사람", PASSWORD) is None
    assert len(checked) == 1


def test_role_and_password_changes_are_audited(db):
    with db.transaction() as session:
        user = users.create_user(session, "김코더", PASSWORD, role="coder", actor="admin")
        users.set_role(session, user, "lead", actor="admin")
        users.set_password(session, user, "새비밀번호5678", actor="admin")
    with db.reading() as session:
        assert users.authenticate(session, "김코더", "새비밀번호5678").role == "lead"
        kinds = session.scalars(select(Event.kind).order_by(Event.id)).all()
        assert kinds == ["user.add", "user.role", "user.password"]


def test_membership(team):
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        outsider = users.get_user(session, team.outsider)
        assert not users.is_member(session, outsider, project.id)
        assert users.add_member(session, project, outsider, actor=team.lead) is True
        assert users.add_member(session, project, outsider, actor=team.lead) is False
        assert [u.name for u in users.project_members(session, project)] == sorted(
            [team.lead, *team.coders, team.outsider])
        assert users.remove_member(session, project, outsider, actor=team.lead) is True
        assert users.remove_member(session, project, outsider, actor=team.lead) is False
    with team.db.reading() as session:
        events = session.scalars(select(Event).where(Event.kind.like("project.member%"),
                                                     Event.subject == team.outsider)).all()
        assert [e.kind for e in events] == ["project.member", "project.member.remove"]
        rows = {r.name: r for r in users.list_users(session)}
        assert rows[team.coder].projects == [team.project] and rows[team.outsider].projects == []


def test_permission_checks(team):
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        other = create_project(session, "다른 연구", actor="setup")
        coder, lead, admin, outsider = (users.get_user(session, n) for n in
                                        (team.coder, team.lead, team.admin, team.outsider))
        users.require_member(session, coder, project.id)
        users.require_member(session, admin, project.id)  # admins need no membership
        with pytest.raises(PermissionDenied, match="not a member of project '자활 FGI'") as error:
            users.require_member(session, outsider, project.id)
        assert "add-member" in error.value.hint
        users.require_lead(session, lead, project.id, "reveal")
        with pytest.raises(PermissionDenied, match="only a lead or admin may reveal"):
            users.require_lead(session, coder, project.id, "reveal")
        with pytest.raises(PermissionDenied, match="not a member"):
            users.require_lead(session, lead, other.id, "reveal")


def test_unknown_user(db):
    with db.reading() as session, pytest.raises(NotFound, match="fgi user list"):
        users.get_user(session, "없는사람")


def test_deleting_a_project_removes_its_memberships(team):
    with team.db.transaction() as session:
        session.delete(get_project(session, team.project))
    with team.db.reading() as session:
        assert session.scalars(select(Membership)).all() == []
        assert len(session.scalars(select(User)).all()) == 5
