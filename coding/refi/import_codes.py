"""The codebook, users and codings of an imported REFI-QDA project.

* **Codes of another tool.** Every ``<Code>`` becomes a code in the same tree, codable or
  not: a non-codable one (an NVivo folder, a QualCoder category) stays the parent of its
  codes. Each code keeps the file's GUID.
* **Codes of this toolkit's files.** Codable ``<Code>``s become codes; a code's parent in the codebook is its
  nearest codable ancestor. Non-codable nodes at the top of the tree, at most three deep
  (domain > theme > sub-theme, as this toolkit exports its theme hierarchy), are
  *folders*: they are returned for the theme hierarchy to store, and the codes directly
  under a sub-theme folder are placed under it. A folder's level is its description's
  last line ``수준: 영역|주제|하위주제`` (our exports write it), else its depth. A placed
  code whose description ends ``상위 코드: PATH`` goes back under that codebook parent. Other non-codable nodes
  (deeper, or under a codable code) become codes, so nothing of the tree is lost. Names
  keep a ``/`` (paths write it ``\\/``, ``coding.code_paths``); a repeated sibling name gets `` (2)``.
* **Users** are matched by name to the database's users; missing ones are created as
  coders *without a password* (they cannot log in until one is set with
  ``fgi user password NAME``) and every one becomes a member of the new project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import clean_fields, code_index, code_path, insert_code, move_code
from coding.models import CODER, LEAD, Code, User
from coding.qdc import parse_description
from coding.refi.data import (
    CONSENSUS_USER, Folder, RefiCode, RefiProject, is_consensus_user, split_folder_description, split_parent_line,
)
from coding.users import add_member
from fgi.errors import FgiError
from fgi.models import Event, Project
from fgi.i18n import _

FOLDER_LEVELS = ("domain", "theme", "subtheme")
UNKNOWN_USER = "refi-import"  # codings whose file names no user
_SPACE = re.compile(r"\s+")


@dataclass
class CodeMapping:
    code_ids: dict[str, int] = field(default_factory=dict)  # REFI guid -> code id
    folders: list[Folder] = field(default_factory=list)
    codes_added: int = 0
    guids: int = 0  # codes that keep the file's GUID
    folder_codes: int = 0  # non-codable codes of another tool kept as parent codes
    repeated: int = 0  # codes the file lists again with the same GUID (kept once)


def usable_name(name: str, fallback: str) -> str:
    name = name.strip()[:200]  # a "/" stays: paths escape it (coding.code_paths)
    return name or fallback


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    taken.add(candidate)
    return candidate


def _fields(description: str, color: str | None) -> dict:
    described = parse_description(description) if description.strip() else {}
    cleaned, problems = clean_fields({k: v for k, v in described.items() if v not in (None, "", [])})
    if problems:  # a limit passed or a NUL character: refused, not stored in part
        raise FgiError(_('a code of the project: {join}', join='; '.join(problems[:3])),
                       hint=_('nothing was imported; fix the code in the program that made the file'))
    color, problems = clean_fields({"color": color or ""})
    if not problems and color.get("color"):
        cleaned["color"] = color["color"]
    return cleaned


def import_codes(session: Session, project: Project, refi: RefiProject, *, actor: str,
                 theme_folders: bool = True) -> CodeMapping:
    """The file's code tree as codes; with ``theme_folders`` (this toolkit's own files) its
    top non-codable nodes are returned as theme-hierarchy folders instead."""
    mapping = CodeMapping()
    guids_taken: set[str] = set()
    names_under: dict[int | None, set[str]] = {}

    moves: list[tuple[int, str]] = []  # placed codes to put back under their codebook parent

    def add_code(node: RefiCode, parent_id: int | None) -> int:
        taken = names_under.setdefault(parent_id, set())
        name = _unique(usable_name(node.name, "(이름 없음)"), taken)
        description, parent_path = split_parent_line(node.description)
        code_id = _insert(session, project, parent_id, name, _fields(description, node.color), actor, mapping)
        if parent_path and parent_id is None:
            moves.append((code_id, parent_path))
        return code_id

    def walk(nodes: list[RefiCode], parent_id: int | None, folder: Folder | None, depth: int) -> None:
        folder_names: set[str] = set()
        for node in nodes:
            if node.guid and node.guid in guids_taken:
                mapping.repeated += 1  # one code listed twice (QualCoder lists a sub-code again)
                continue
            if theme_folders and not node.codable and parent_id is None and depth < len(FOLDER_LEVELS):
                memo, level = split_folder_description(node.description)
                child = Folder(node.guid, _unique(usable_name(node.name, "(이름 없음)"), folder_names),
                               level or FOLDER_LEVELS[depth], memo)
                (folder.children if folder else mapping.folders).append(child)
                walk(node.children, None, child, depth + 1)
                continue
            code_id = add_code(node, parent_id)
            if not node.codable and not theme_folders:
                mapping.folder_codes += 1
            if node.guid:
                guids_taken.add(node.guid)
                session.get(Code, code_id).guid = node.guid[:36]
                mapping.guids += 1
            if node.guid:
                mapping.code_ids.setdefault(node.guid, code_id)
            if folder is not None and folder.level == "subtheme" and parent_id is None:
                folder.code_ids.append(code_id)
            walk(node.children, code_id, folder, depth + 1)

    walk(refi.codes, None, None, 0)
    for code_id, parent_path in moves:
        if parent_path in code_index(session, project):
            move_code(session, project, code_path(session, session.get(Code, code_id)), parent_path, actor=actor)
    return mapping


def _insert(session: Session, project: Project, parent_id: int | None, name: str, fields: dict, actor: str,
            mapping: CodeMapping) -> int:
    parent = session.get(Code, parent_id) if parent_id is not None else None
    code = insert_code(session, project, parent, name, fields, actor=actor, kind="codebook.import")
    mapping.codes_added += 1
    return code.id


@dataclass
class UserMapping:
    user_ids: dict[str | None, int] = field(default_factory=dict)  # REFI guid (None: unnamed) -> user id
    consensus_guids: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    guids: int = 0  # users that keep (or already had) the file's GUID


def _user(session: Session, name: str, role: str, actor: str, mapping: UserMapping, guid: str = "") -> User:
    """The user with the file's GUID, else with the name, else a new one; keeps the GUID."""
    guid = guid[:36]
    user = session.scalar(select(User).where(User.guid == guid)) if guid else None
    user = user or session.scalar(select(User).where(User.name == name))
    if user is not None and guid and user.guid is None and session.scalar(
            select(User.id).where(User.guid == guid)) is None:
        user.guid = guid
    if user is not None and guid and user.guid == guid:
        mapping.guids += 1
    if user is None:
        user = User(name=name, password_hash="", role=role, guid=guid or None)  # no password: cannot log in yet
        mapping.guids += bool(guid)
        session.add(user)
        session.flush()
        Event.record(session, actor=actor, kind="user.add", subject=name,
                     payload={"after": {"role": role, "password": None}}, reason="REFI-QDA import")
        mapping.created.append(name)
    elif name not in mapping.reused:
        mapping.reused.append(name)
    return user


def import_users(session: Session, project: Project, refi: RefiProject, *, actor: str,
                 unnamed_codings: bool) -> UserMapping:
    mapping = UserMapping()
    for refi_user in refi.users:
        if is_consensus_user(refi_user.name):
            mapping.consensus_guids.add(refi_user.guid)
            mapping.user_ids[refi_user.guid] = _user(session, CONSENSUS_USER, LEAD, actor, mapping).id
            continue
        name = usable_name(_SPACE.sub("_", refi_user.name).replace("/", "／"), f"user-{refi_user.guid[:8]}")[:100]
        user = _user(session, name, CODER, actor, mapping, refi_user.guid)
        add_member(session, project, user, actor=actor)
        mapping.user_ids[refi_user.guid] = user.id
    if unnamed_codings:
        user = _user(session, UNKNOWN_USER, CODER, actor, mapping)
        add_member(session, project, user, actor=actor)
        mapping.user_ids[None] = user.id
    return mapping
