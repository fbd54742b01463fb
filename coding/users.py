"""Users, roles and project membership; bcrypt passwords.

Roles: a *coder* codes; a *lead* also sees every coder's codings, reveals transcripts and
reconciles; an *admin* is a lead in every project without being a member. Coding in a
project needs membership (admins excepted). Who may do what is ``coding.permissions``;
functions here that change users take the acting ``User`` (checked) or a trusted name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import bcrypt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coding.errors import PermissionDenied
from coding.models import ADMIN, USER_ROLES, Membership, User
from coding.permissions import acting, has_users, require
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Project
from fgi.i18n import _

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt uses only the first 72 bytes; longer ones are refused
_NAME = re.compile(r"[^\s/]{1,100}")
BCRYPT_ROUNDS = 12  # the cost factor of new hashes (tests lower it)
_dummy_hashes: dict[int, bytes] = {}


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str
    projects: list[str]
    created_at: datetime


def _check_password(password: str) -> bytes:
    encoded = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FgiError(_('a password needs at least {MIN_PASSWORD_LENGTH} characters', MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH))
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise FgiError(
            _('a password can be at most {MAX_PASSWORD_BYTES} bytes in UTF-8 (this one is {count}; a Hangul syllable takes 3)', MAX_PASSWORD_BYTES=MAX_PASSWORD_BYTES, count=len(encoded)),
            hint=_('choose a shorter password'),
        )
    return encoded


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_check_password(password), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def _dummy_hash() -> bytes:
    """Checked when the user is unknown, so a wrong name costs as long as a wrong password."""
    if BCRYPT_ROUNDS not in _dummy_hashes:
        _dummy_hashes[BCRYPT_ROUNDS] = bcrypt.hashpw(b"not a password", bcrypt.gensalt(BCRYPT_ROUNDS))
    return _dummy_hashes[BCRYPT_ROUNDS]


def _check_role(role: str) -> None:
    if role not in USER_ROLES:
        raise FgiError(_('unknown role {role}', role=repr(role)), hint=_('use one of: {join}', join=', '.join(USER_ROLES)))


def create_user(session: Session, name: str, password: str, *, role: str, actor: User | str) -> User:
    actor = acting(session, actor, "users.add")
    return _create(session, name, password, role=role, actor=actor)


def create_first_admin(session: Session, name: str, password: str) -> User:
    """The first user of an empty database, an admin, made without anyone to authenticate."""
    if has_users(session):
        raise PermissionDenied(_('the database already has users; only an admin may add more'),
                               hint=_('fgi user add NAME --as ADMIN'))
    return _create(session, name, password, role=ADMIN, actor=name.strip())


def _create(session: Session, name: str, password: str, *, role: str, actor: str) -> User:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise FgiError(
            _('{name} is not a usable user name', name=repr(name)),
            hint=_("1-100 characters without spaces or '/', e.g. kim.coder or 김코더"),
        )
    _check_role(role)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise FgiError(_('a user named {name} already exists', name=repr(name)), hint=_('choose another name'))
    user = User(name=name, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    Event.record(session, actor=actor, kind="user.add", subject=name, payload={"after": {"role": role}})
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(_('no user named {name}', name=repr(name)), hint=_('list users with: fgi user list'))
    return user


def list_users(session: Session) -> list[UserRow]:
    projects: dict[int, list[str]] = {}
    for user_id, project in session.execute(
        select(Membership.user_id, Project.name).join(Project, Project.id == Membership.project_id)
        .order_by(Project.name)
    ):
        projects.setdefault(user_id, []).append(project)
    return [
        UserRow(u.id, u.name, u.role, projects.get(u.id, []), u.created_at)
        for u in session.scalars(select(User).order_by(User.name))
    ]


def set_role(session: Session, user: User, role: str, *, actor: User | str) -> None:
    actor = acting(session, actor, "users.role")
    _check_role(role)
    if role != user.role:
        Event.record(session, actor=actor, kind="user.role", subject=user.name,
                     payload={"before": {"role": user.role}, "after": {"role": role}})
        user.role = role


def set_password(session: Session, user: User, password: str, *, actor: User | str,
                 old_password: str | None = None) -> None:
    """Set ``user``'s password. A user changing their own gives the old one; only an admin
    sets another user's."""
    if isinstance(actor, User) and actor.id == user.id:
        require(session, actor, "users.password.own")
        if old_password is None or authenticate(session, user.name, old_password) is None:
            raise PermissionDenied(_('the old password is not right'), hint=_('give your current password'))
        actor = actor.name
    else:
        actor = acting(session, actor, "users.password.other")
    user.password_hash = hash_password(password)
    Event.record(session, actor=actor, kind="user.password", subject=user.name)


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user if the password is right, else None. Unknown names cost a hash check too."""
    user = session.scalar(select(User).where(User.name == name))
    candidate = password.encode("utf-8")[:MAX_PASSWORD_BYTES]
    usable = user is not None and user.password_hash.startswith("$2")
    # A user without a password (made by a .qdpx import) is checked against the dummy hash,
    # so they answer in the same time as everyone else and never authenticate.
    stored = user.password_hash.encode() if usable else _dummy_hash()
    try:
        ok = bcrypt.checkpw(candidate, stored)
    except ValueError:  # a stored hash that is not bcrypt
        ok = False
    return user if ok and usable else None


def is_member(session: Session, user: User, project_id: int) -> bool:
    return session.get(Membership, (project_id, user.id)) is not None


def add_member(session: Session, project: Project, user: User, *, actor: User | str) -> bool:
    """Let ``user`` code in ``project``; False if they already could."""
    actor = acting(session, actor, "project.members", project)
    if is_member(session, user, project.id):
        return False
    session.add(Membership(project_id=project.id, user_id=user.id))
    session.flush()
    Event.record(session, actor=actor, kind="project.member", project_id=project.id, subject=user.name,
                 payload={"before": None, "after": {"user": user.name, "role": user.role}})
    return True


def remove_member(session: Session, project: Project, user: User, *, actor: User | str) -> bool:
    """Take ``user`` off ``project`` (their codings stay); False if they were not on it."""
    actor = acting(session, actor, "project.members", project)
    if not is_member(session, user, project.id):
        return False
    session.execute(delete(Membership).where(
        Membership.project_id == project.id, Membership.user_id == user.id))
    Event.record(session, actor=actor, kind="project.member.remove", project_id=project.id,
                 subject=user.name, payload={"before": {"user": user.name}, "after": None})
    return True


def project_members(session: Session, project: Project) -> list[User]:
    return list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id).order_by(User.name)
    ))


def require_member(session: Session, user: User, project_id: int) -> None:
    """Raise PermissionDenied unless ``user`` may code in the project (members and admins)."""
    require(session, user, "code", project_id)


def require_lead(session: Session, user: User, project_id: int, what: str = "read every coder's codings") -> None:
    """Raise PermissionDenied unless ``user`` is a lead of the project or an admin; ``what``
    completes the message (new code names an action of ``coding.permissions`` instead)."""
    if not user.is_lead:
        raise PermissionDenied(_('only a lead or admin may {what}; {name} is a {role}', what=what, name=user.name, role=user.role),
                               hint=_('ask a lead of the project'))
    require(session, user, "codings.read.all", project_id)
