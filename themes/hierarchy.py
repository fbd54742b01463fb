"""The theme hierarchy and its operations: domain (영역) > theme (주제) > sub-theme
(하위주제) > code (의미단위) > coded lines.

Rules, enforced here with errors that say what to do:

* Levels are fixed. A domain sits at the top. A theme sits under a domain, or at the top
  level while it is not yet placed in a domain. A sub-theme sits under a theme, or at the
  top level while not yet placed (researchers group lines into sub-themes before they
  integrate sub-themes into themes). Codes sit only under sub-themes, and a code under one
  sub-theme at most (the database enforces that too).
* Names are unique among siblings (the top level counts as one set of siblings).
* No node is moved under itself or its descendants.
* Unknown node ids and code paths are named in the error.

Every operation takes a ``Session`` and returns a ``history.Change``; each records an
event ``hierarchy.<op>`` with a snapshot for ``undo`` (see ``themes.history``). Merge and
split are in ``themes.reshape``, accepting proposal candidates in ``themes.accept``,
reading the tree in ``themes.tree``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coding.applications import resolve_code
from coding.codebook import code_path
from coding.memos import delete_memo, edit_memo, write_memo
from coding.models import MEMO_NODE, Code, User
from coding.models import Memo as MemoRow
from coding.permissions import acting
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Project
from fgi.i18n import N_, _
from themes.history import HELD, Change, lock, record, take_snapshot
from themes.models import DOMAIN, LEVELS, SUBTHEME, THEME, ThemeNode, ThemeNodeCode, ThemeNodeSegment

PARENT_LEVELS: dict[str, tuple[str | None, ...]] = {DOMAIN: (None,), THEME: (None, DOMAIN), SUBTHEME: (None, THEME)}
LEVEL_NAMES = {DOMAIN: N_("domain (영역)"), THEME: N_("theme (주제)"), SUBTHEME: N_("sub-theme (하위주제)")}
SHORT_NAMES = {DOMAIN: N_("domain"), THEME: N_("theme"), SUBTHEME: N_("sub-theme")}
MAX_NAME = 200


class HierarchyError(FgiError):
    """A change would break a rule of the hierarchy (levels, unique names, one place per code)."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe(node: ThemeNode) -> str:
    """``sub-theme #7 "자신감 회복"`` (in the current language)."""
    return _('{level} #{id} "{name}"', level=_(SHORT_NAMES.get(node.level, node.level)), id=node.id, name=node.name)


def node_dict(node: ThemeNode) -> dict:
    return {"id": node.id, "level": node.level, "name": node.name, "parent_id": node.parent_id}


def get_node(session: Session, project: Project, node_id: int) -> ThemeNode:
    node = session.get(ThemeNode, node_id)
    if node is None or node.project_id != project.id:
        raise NotFound(_('no theme node #{node_id} in project {name}', node_id=node_id, name=repr(project.name)),
                       hint=_('see the ids: fgi hierarchy show --project {name}', name=repr(project.name)))
    return node


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise HierarchyError(_('unknown level {level}', level=repr(level)), hint=_('use one of: {join}', join=', '.join(LEVELS)))


def clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", " ".join((name or "").split()))
    if not name:
        raise HierarchyError(_('a node needs a name'), hint=_('give one, e.g. --name "정서적 변화"'))
    if len(name) > MAX_NAME:
        raise HierarchyError(_('a node name can be at most {MAX_NAME} characters (this one has {count})', MAX_NAME=MAX_NAME, count=len(name)))
    return name


def check_parent(level: str, parent: ThemeNode | None) -> None:
    allowed = PARENT_LEVELS[level]
    if (parent.level if parent is not None else None) in allowed:
        return
    where = {None: _("at the top level")} | {lv: _("under a {level}", level=_(LEVEL_NAMES[lv])) for lv in LEVELS}
    place = _("at the top level") if parent is None else _("under {node}", node=describe(parent))
    raise HierarchyError(_("a {level} cannot sit {place}", level=_(LEVEL_NAMES[level]), place=place),
                         hint=_("a {level} sits {places}", level=_(SHORT_NAMES[level]),
                                places=_(" or ").join(where[a] for a in allowed)))


def siblings(session: Session, project: Project, parent_id: int | None) -> list[ThemeNode]:
    parent = ThemeNode.parent_id.is_(None) if parent_id is None else ThemeNode.parent_id == parent_id
    return list(session.scalars(select(ThemeNode).where(ThemeNode.project_id == project.id, parent)
                                .order_by(ThemeNode.position, ThemeNode.id)))


def check_unique(session: Session, project: Project, parent_id: int | None, name: str,
                 ignore: Iterable[int] = ()) -> None:
    ignore = set(ignore)
    for other in siblings(session, project, parent_id):
        if other.name == name and other.id not in ignore:
            where = _("at the top level") if parent_id is None else _("under #{id}", id=parent_id)
            raise HierarchyError(_('the name {name} is taken {where}: {describe}', name=repr(name), where=where, describe=describe(other)),
                                 hint=_('choose another name, or merge them: fgi hierarchy merge {id} OTHER_ID', id=other.id))


def next_position(session: Session, project: Project, parent_id: int | None) -> int:
    parent = ThemeNode.parent_id.is_(None) if parent_id is None else ThemeNode.parent_id == parent_id
    top = session.scalar(select(func.max(ThemeNode.position)).where(ThemeNode.project_id == project.id, parent))
    return 0 if top is None else top + 1


def subtree_ids(session: Session, project: Project, node_id: int) -> list[int]:
    """The node and all its descendants, parents first."""
    rows = session.execute(select(ThemeNode.id, ThemeNode.parent_id).where(ThemeNode.project_id == project.id)).all()
    children: dict[int | None, list[int]] = {}
    for i, parent in rows:
        children.setdefault(parent, []).append(i)
    out, todo = [], [node_id]
    while todo:
        current = todo.pop(0)
        out.append(current)
        todo.extend(sorted(children.get(current, [])))
    return out


def delete_nodes(session: Session, ids: Sequence[int]) -> None:
    """Delete nodes with their code placements and evidence (codes become unplaced)."""
    session.flush()
    doomed = set(ids)
    for obj in list(session.identity_map.values()):
        if (isinstance(obj, ThemeNode) and obj.id in doomed) or (isinstance(obj, HELD) and obj.node_id in doomed):
            session.expunge(obj)
    options = {"synchronize_session": False}
    for table in HELD:
        session.execute(delete(table).where(table.node_id.in_(doomed)), execution_options=options)
    session.execute(delete(ThemeNode).where(ThemeNode.id.in_(doomed)), execution_options=options)


def placements(session: Session, node_id: int) -> list[ThemeNodeCode]:
    return list(session.scalars(select(ThemeNodeCode).where(ThemeNodeCode.node_id == node_id)
                                .order_by(ThemeNodeCode.position, ThemeNodeCode.code_id)))


def evidence(session: Session, node_id: int) -> list[str]:
    return list(session.scalars(select(ThemeNodeSegment.segment_id).where(ThemeNodeSegment.node_id == node_id)
                                .order_by(ThemeNodeSegment.segment_id)))


def code_of(session: Session, project: Project, code: str | int) -> tuple[Code, str]:
    found = resolve_code(session, project, code)
    return found, code_path(session, found)


# ---- operations ------------------------------------------------------------------------


def create_node(session: Session, project: Project, level: str, name: str, *, actor: str,
                parent_id: int | None = None, memo: str | None = None, reason: str | None = None) -> Change:
    """A new empty domain, theme or sub-theme (under ``parent_id``, or at the top level)."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    check_level(level)
    name = clean_name(name)
    parent = get_node(session, project, parent_id) if parent_id is not None else None
    check_parent(level, parent)
    check_unique(session, project, parent_id, name)
    node = ThemeNode(project_id=project.id, parent_id=parent_id, level=level, name=name,
                     position=next_position(session, project, parent_id))
    session.add(node)
    session.flush()
    event = record(session, project, actor=actor, op="create", subject=node.id, before=None,
                   after=node_dict(node), snapshot=snapshot, reason=reason)
    if (memo or "").strip():
        write_memo(session, project, actor=actor, kind=MEMO_NODE, target=node.id, text=memo)
    return Change("create", event.id, node.id, f"created {describe(node)}" +
                  (f" under {describe(parent)}" if parent else ""))


def rename_node(session: Session, project: Project, node_id: int, name: str, *, actor: str,
                reason: str | None = None) -> Change:
    lock(session, project)
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    name = clean_name(name)
    if name == node.name:
        raise HierarchyError(_('{describe} already has that name', describe=describe(node)))
    check_unique(session, project, node.parent_id, name, ignore=[node.id])
    before = node_dict(node)
    node.name = name
    session.flush()
    event = record(session, project, actor=actor, op="rename", subject=node.id, before=before,
                   after=node_dict(node), snapshot=snapshot, reason=reason)
    return Change("rename", event.id, node.id, f"renamed {before['name']!r} to {describe(node)}")


def set_memo(session: Session, project: Project, node_id: int, memo: str | None, *,
             actor: User | str) -> Change:
    """Write the node's memo, or change its first one (an empty memo deletes that one). A
    node's memos are ``coding.memos`` memos: their changes are memo events, outside the
    hierarchy's undo (which puts memos back on their nodes but never changes their text)."""
    acting(session, actor, "themes.edit", project)
    node = get_node(session, project, node_id)
    first = _first_node_memo(session, project, node.id)
    text = (memo or "").strip()
    if not text:
        if first is None:
            raise HierarchyError(_('{describe} has no memo to remove', describe=describe(node)))
        delete_memo(session, first, actor=actor)
        message = f"memo removed from {describe(node)}"
    elif first is None:
        write_memo(session, project, actor=actor, kind=MEMO_NODE, target=node.id, text=text)
        message = f"memo set on {describe(node)}"
    else:
        edit_memo(session, first, actor=actor, text=text)
        message = f"memo set on {describe(node)}"
    session.flush()
    event_id = session.scalar(select(Event.id).where(Event.project_id == project.id, Event.kind.like("memo.%"))
                              .order_by(Event.id.desc()).limit(1))
    return Change("memo", event_id, node.id, message)


def _first_node_memo(session: Session, project: Project, node_id: int) -> int | None:
    """The id of the node's oldest memo (node memos are the team's, not blind)."""
    return session.scalar(select(MemoRow.id).where(MemoRow.project_id == project.id, MemoRow.kind == MEMO_NODE,
                                                   MemoRow.target == str(node_id))
                          .order_by(MemoRow.created_at, MemoRow.id).limit(1))


def move_node(session: Session, project: Project, node_id: int, parent_id: int | None, *, actor: str,
              reason: str | None = None) -> Change:
    """Put a node (with everything under it) under another parent, or at the top level."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    parent = get_node(session, project, parent_id) if parent_id is not None else None
    check_parent(node.level, parent)
    if parent is not None and parent.id in subtree_ids(session, project, node.id):
        raise HierarchyError(_('cannot move {describe} under itself or its own descendant {describe2}', describe=describe(node), describe2=describe(parent)))
    if node.parent_id == parent_id:
        raise HierarchyError(_('{describe} is already there', describe=describe(node)))
    check_unique(session, project, parent_id, node.name, ignore=[node.id])
    before = node_dict(node)
    node.parent_id, node.position = parent_id, next_position(session, project, parent_id)
    session.flush()
    event = record(session, project, actor=actor, op="move", subject=node.id, before=before,
                   after=node_dict(node), snapshot=snapshot, reason=reason)
    return Change("move", event.id, node.id,
                  f"moved {describe(node)} " + (f"under {describe(parent)}" if parent else "to the top level"))


def place_code(session: Session, project: Project, code: str | int, subtheme_id: int | None, *, actor: str,
               reason: str | None = None) -> Change:
    """Put a code under a sub-theme (moving it from where it was), or take it out of the
    hierarchy (``subtheme_id=None``)."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    found, path = code_of(session, project, code)
    placed = session.get(ThemeNodeCode, found.id)
    before = {"code": path, "code_id": found.id, "node_id": placed.node_id if placed else None}
    if subtheme_id is None:
        if placed is None:
            raise HierarchyError(_('code {path} is not in the hierarchy, so there is nothing to take out', path=repr(path)))
        session.delete(placed)
        message = f"took code {path!r} out of the hierarchy"
    else:
        target = get_node(session, project, subtheme_id)
        if target.level != SUBTHEME:
            raise HierarchyError(_('codes sit under sub-themes, and {describe} is a {LEVEL_NAMES}', describe=describe(target), LEVEL_NAMES=_(LEVEL_NAMES[target.level])),
                                 hint=_('see its sub-themes: fgi hierarchy show --project {name}', name=repr(project.name)))
        if placed is not None and placed.node_id == target.id:
            raise HierarchyError(_('code {path} already sits under {describe}', path=repr(path), describe=describe(target)))
        position = len(placements(session, target.id))
        if placed is None:
            session.add(ThemeNodeCode(code_id=found.id, node_id=target.id, position=position))
        else:
            placed.node_id, placed.position = target.id, position
        message = f"placed code {path!r} under {describe(target)}"
    session.flush()
    event = record(session, project, actor=actor, op="place", subject=path, before=before,
                   after={"code": path, "code_id": found.id, "node_id": subtheme_id}, snapshot=snapshot, reason=reason)
    return Change("place", event.id, subtheme_id, message)


def delete_node(session: Session, project: Project, node_id: int, *, actor: str, reason: str | None = None) -> Change:
    """Delete a node and everything under it; its codes are no longer placed (the codes
    and their codings stay in the codebook)."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    ids = subtree_ids(session, project, node.id)
    freed = session.scalar(select(func.count()).select_from(ThemeNodeCode).where(ThemeNodeCode.node_id.in_(ids)))
    before = node_dict(node) | {"descendants": len(ids) - 1, "codes": freed}
    label = describe(node)
    delete_nodes(session, ids)
    event = record(session, project, actor=actor, op="delete", subject=node_id, before=before, after=None,
                   snapshot=snapshot, reason=reason)
    extra = [f"and {plural(len(ids) - 1, 'node')} under it"] if len(ids) > 1 else []
    extra += [f"{plural(freed, 'code')} no longer placed"] if freed else []
    return Change("delete", event.id, None, f"deleted {label}" + (f" ({'; '.join(extra)})" if extra else ""))
