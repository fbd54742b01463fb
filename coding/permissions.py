"""Who may do what: one table of actions, read by the CLI, the app and any future front end.

Each action has the lowest level that may do it; every higher level may too:

- ``anyone``: no user at all. Only operations on the database itself (create, migrate,
  back up, restore), which need the database URL, an administrator's credential.
- ``signed-in``: any authenticated user.
- ``member``: a member of the project (coder or lead), or an admin.
- ``lead``: a lead who is a member of the project, or an admin. Without a project: any lead.
- ``admin``: an admin.

Domain functions that change state or read codings call ``require`` with the acting
``User``. Functions that record events under an ``actor`` name accept either a ``User``
(checked here, then recorded by name) or a plain name from trusted code that has no user
to check (set-up scripts, the demo builder, tests); ``acting`` turns both into the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.errors import PermissionDenied
from coding.models import ADMIN, LEAD, Membership, User
from fgi.models import Project

ANYONE = "anyone"
SIGNED_IN = "signed-in"
MEMBER = "member"
LEAD_LEVEL = "lead"
ADMIN_LEVEL = "admin"
LEVELS = (ANYONE, SIGNED_IN, MEMBER, LEAD_LEVEL, ADMIN_LEVEL)


@dataclass(frozen=True)
class Rule:
    level: str
    what: str  # completes "only ... may <what>"


# The table. Keys are the actions domain code and front ends name.
RULES: dict[str, Rule] = {
    # the database itself: whoever holds its URL
    "database.admin": Rule(ANYONE, "create, migrate, back up or restore the database"),
    # projects and transcripts
    "project.list": Rule(SIGNED_IN, "list projects"),
    "project.create": Rule(ADMIN_LEVEL, "create a project"),
    "project.import": Rule(ADMIN_LEVEL, "import a project archive (.qdpx), which creates a project and users"),
    "project.demo": Rule(ADMIN_LEVEL, "create the demo project and its team"),
    "transcripts.read": Rule(MEMBER, "read the project's transcripts"),
    "transcripts.import": Rule(LEAD_LEVEL, "import transcripts"),
    "identities": Rule(LEAD_LEVEL, "see the pseudonymisation key"),
    "participants.edit": Rule(LEAD_LEVEL, "change participants' roles and groups"),
    # users and membership
    "users.list": Rule(LEAD_LEVEL, "list users"),
    "users.add": Rule(ADMIN_LEVEL, "add users"),
    "users.role": Rule(ADMIN_LEVEL, "change a user's role"),
    "users.password.own": Rule(SIGNED_IN, "change their own password"),
    "users.password.other": Rule(ADMIN_LEVEL, "set another user's password"),
    "users.tokens.revoke": Rule(LEAD_LEVEL, "revoke another user's logins"),
    "project.members": Rule(LEAD_LEVEL, "add or remove members of the project"),
    # codebook
    "codebook.read": Rule(MEMBER, "read the codebook"),
    "codebook.edit": Rule(LEAD_LEVEL, "change the codebook"),
    # coding
    "codings.read.own": Rule(MEMBER, "read codings"),
    "codings.read.all": Rule(LEAD_LEVEL, "read every coder's codings"),
    "code": Rule(MEMBER, "code segments"),
    "reveal": Rule(LEAD_LEVEL, "reveal a transcript's codings"),
    "reveal.policy": Rule(LEAD_LEVEL, "allow or block coders' changes after reveal"),
    "rounds.manage": Rule(LEAD_LEVEL, "close and open coding rounds"),
    "reconcile": Rule(LEAD_LEVEL, "decide the consensus coding"),
    # memos
    "memos.read": Rule(MEMBER, "read memos"),
    "memos.write": Rule(MEMBER, "write memos"),
    "memos.edit.own": Rule(MEMBER, "change or delete their own memos"),
    "memos.edit.any": Rule(LEAD_LEVEL, "change or delete another user's memos"),
    # themes
    "themes.read": Rule(MEMBER, "read theme proposals and the hierarchy"),
    "themes.propose": Rule(LEAD_LEVEL, "propose themes"),
    "themes.edit": Rule(LEAD_LEVEL, "change the theme hierarchy"),
    "themes.suggest": Rule(MEMBER, "ask for code suggestions"),
    # exports
    "export.codebook": Rule(MEMBER, "export the codebook"),
    "export.themes": Rule(MEMBER, "export the theme table"),
    "export.qdpx": Rule(LEAD_LEVEL, "export the whole project as REFI-QDA"),
}


def rule(action: str) -> Rule:
    try:
        return RULES[action]
    except KeyError:
        raise KeyError(f"no permission rule for action {action!r}") from None


def _project_id(project: Project | int | None) -> int | None:
    return project.id if isinstance(project, Project) else project


def is_member(session: Session, user: User, project: Project | int) -> bool:
    return session.get(Membership, (_project_id(project), user.id)) is not None


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def may(session: Session, user: User | None, action: str, project: Project | int | None = None) -> bool:
    """Whether ``user`` (None: nobody authenticated) may do ``action`` (in ``project``)."""
    level = rule(action).level
    if level == ANYONE:
        return True
    if user is None:
        return False
    if user.role == ADMIN or level == SIGNED_IN:
        return True
    if level == ADMIN_LEVEL:
        return False
    if level == LEAD_LEVEL and user.role != LEAD:
        return False
    return project is None or is_member(session, user, project)


def require(session: Session, user: User | None, action: str, project: Project | int | None = None) -> None:
    """Raise PermissionDenied unless ``may(...)``; the message says who may and who is asking."""
    if may(session, user, action, project):
        return
    raise _refusal(session, user, action, project)


def _refusal(session: Session, user: User | None, action: str, project: Project | int | None) -> PermissionDenied:
    r = rule(action)
    needed = r.level
    if user is None:
        needed = SIGNED_IN
        error = PermissionDenied(f"sign in to {r.what}", hint="fgi login --as NAME, or set FGI_PASSWORD")
    elif r.level == ADMIN_LEVEL:
        error = PermissionDenied(f"only an admin may {r.what}; {user.name} is a {user.role}",
                                 hint="ask an administrator")
    elif r.level == LEAD_LEVEL and user.role != LEAD:
        error = PermissionDenied(f"only a lead or admin may {r.what}; {user.name} is a {user.role}",
                                 hint="ask a lead of the project")
    else:
        pid = _project_id(project)
        found = session.get(Project, pid) if pid is not None else None
        name = found.name if found is not None else pid
        error = PermissionDenied(
            f"{user.name} is not a member of project {name!r}",
            hint=f"a lead or admin can add them: fgi project add-member {name!r} {user.name}",
        )
        needed = MEMBER  # the role would do; the membership is missing
    error.action, error.needed = action, needed
    return error


def acting(session: Session, actor: User | str, action: str, project: Project | int | None = None) -> str:
    """The name to record for ``actor``; a ``User`` must be allowed ``action`` first."""
    if isinstance(actor, User):
        require(session, actor, action, project)
        return actor.name
    if not isinstance(actor, str):  # e.g. a front end's own user object: never trusted by name
        raise TypeError(f"actor must be a User or a name, not {type(actor).__name__}")
    return actor


# How README names the levels (its table is made by ``markdown_table`` and checked by a test).
LEVEL_NAMES = {
    ANYONE: "anyone with the database URL",
    SIGNED_IN: "any signed-in user",
    MEMBER: "a member of the project",
    LEAD_LEVEL: "a lead of the project",
    ADMIN_LEVEL: "an admin",
}


def markdown_table() -> str:
    """The table of RULES as Markdown: each action, who may (the lowest level), and what it is."""
    lines = ["| action | lowest role | what |", "| --- | --- | --- |"]
    lines += [f"| `{action}` | {LEVEL_NAMES[r.level]} | {r.what} |" for action, r in RULES.items()]
    return "\n".join(lines)
