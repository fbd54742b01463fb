"""Shaping the hierarchy by hand: place many codes at once, creating the sub-theme (and
its theme and domain) where they are needed, and move evidence lines between sub-themes.

Each call is one change: one event ``hierarchy.place`` or ``hierarchy.lines`` with the
snapshot before it, so one undo takes back the whole step (the nodes it created too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from coding.permissions import acting
from fgi.i18n import _
from fgi.models import Project
from themes.hierarchy import (HierarchyError, check_parent, check_unique, clean_name, code_of, evidence,
                              get_node, next_position, placements)
from themes.history import Change, lock, record, take_snapshot
from themes.models import DOMAIN, SUBTHEME, THEME, ThemeNode, ThemeNodeCode, ThemeNodeSegment
from themes.wording import level_word
from themes.wording import name as quoted
from themes.wording import names as quoted_names


@dataclass(frozen=True)
class Where:
    """Where codes go: an existing node of a level by id, or a new one by name (under the
    place the next level up says). ``Where()`` at the theme or domain level: none."""

    id: int | None = None
    new: str | None = None

    @property
    def empty(self) -> bool:
        return self.id is None and not (self.new or "").strip()


def _resolve(session: Session, project: Project, level: str, where: Where, parent: ThemeNode | None,
             created: list[ThemeNode]) -> ThemeNode | None:
    if where.id is not None:
        node = get_node(session, project, where.id)
        if node.level != level:
            raise HierarchyError(_("{node} is not a {level}", node=quoted(node.name), level=level_word(level)))
        return node
    if where.empty:
        return None
    node_name = clean_name(where.new or "")
    check_parent(level, parent)
    parent_id = parent.id if parent is not None else None
    check_unique(session, project, parent_id, node_name)
    node = ThemeNode(project_id=project.id, parent_id=parent_id, level=level, name=node_name,
                     position=next_position(session, project, parent_id))
    session.add(node)
    session.flush()
    created.append(node)
    return node


def place_codes(session: Session, project: Project, codes: Sequence[str | int], *, actor,
                subtheme: Where, theme: Where = Where(), domain: Where = Where(),
                reason: str | None = None) -> Change:
    """Put ``codes`` under a sub-theme, in the order given (codes placed elsewhere move;
    codes already there stay). A new sub-theme goes under ``theme`` (existing or new), a
    new theme under ``domain`` (existing or new); an existing sub-theme stays where it is."""
    lock(session, project)
    acting(session, actor, "themes.edit", project)  # refuse before reading anything
    snapshot = take_snapshot(session, project)
    found = [code_of(session, project, c) for c in dict.fromkeys(codes)]
    if not found:
        raise HierarchyError(_("choose at least one code to place"),
                             hint=_("tick codes in the list, or give code paths"))
    if subtheme.empty:
        raise HierarchyError(_("choose the sub-theme the codes go under, or name a new one"))
    created: list[ThemeNode] = []
    if subtheme.id is None:
        domain_node = _resolve(session, project, DOMAIN, domain, None, created)
        theme_node = _resolve(session, project, THEME, theme, domain_node, created)
        if domain_node is not None and theme_node is not None and theme.id is not None \
                and theme_node.parent_id != domain_node.id:
            raise HierarchyError(_("{theme} is not under {domain}", theme=quoted(theme_node.name),
                                   domain=quoted(domain_node.name)),
                                 hint=_("choose the theme alone, or move it first"))
        target = _resolve(session, project, SUBTHEME, subtheme, theme_node, created)
    else:
        target = _resolve(session, project, SUBTHEME, subtheme, None, created)
    position = len(placements(session, target.id))
    moved, kept, paths = [], [], []
    for code, path in found:
        placed = session.get(ThemeNodeCode, code.id)
        if placed is not None and placed.node_id == target.id:
            kept.append(path)
            continue
        moved.append({"code_id": code.id, "code": path, "from": placed.node_id if placed else None})
        if placed is None:
            session.add(ThemeNodeCode(code_id=code.id, node_id=target.id, position=position))
        else:
            placed.node_id, placed.position = target.id, position
        position += 1
        paths.append(path)
    if not moved and not created:
        raise HierarchyError(_("every chosen code already sits under {node}", node=quoted(target.name)))
    session.flush()
    after = {"node_id": target.id, "node": target.name, "codes": moved, "kept": kept,
             "created": [{"id": n.id, "level": n.level, "name": n.name, "parent_id": n.parent_id} for n in created]}
    event = record(session, project, actor=actor, op="place", subject=target.id, before=None, after=after,
                   snapshot=snapshot, reason=reason)
    message = _("placed {codes} under {node}", codes=quoted_names([p.rsplit("/", 1)[-1] for p in paths], "을"),
                node=quoted(target.name)) if paths else _("created {node}", node=quoted(target.name, "을"))
    return Change("place", event.id, target.id, message, kept or None)


def move_lines(session: Session, project: Project, segment_ids: Sequence[str], source_id: int, target_id: int, *,
               actor, reason: str | None = None) -> Change:
    """Move evidence lines of one sub-theme to another (lines that come with a code follow
    the code: place the code instead)."""
    lock(session, project)
    acting(session, actor, "themes.edit", project)  # refuse before reading anything
    snapshot = take_snapshot(session, project)
    source, target = get_node(session, project, source_id), get_node(session, project, target_id)
    for node in (source, target):
        if node.level != SUBTHEME:
            raise HierarchyError(_("lines move between sub-themes, and {node} is a {level}",
                                   node=quoted(node.name), level=level_word(node.level)))
    if source.id == target.id:
        raise HierarchyError(_("the lines are already under {node}", node=quoted(source.name)))
    wanted = list(dict.fromkeys(segment_ids))
    if not wanted:
        raise HierarchyError(_("choose at least one line to move"))
    held, there = set(evidence(session, source.id)), set(evidence(session, target.id))
    missing = [s for s in wanted if s not in held]
    if missing:
        raise HierarchyError(_("line {line} is not an evidence line of {node}", line=missing[0], node=quoted(source.name)),
                             hint=_("a line that comes with a code follows the code: place the code instead"))
    for segment_id in wanted:
        session.delete(session.get(ThemeNodeSegment, (source.id, segment_id)))
        if segment_id not in there:
            session.add(ThemeNodeSegment(node_id=target.id, segment_id=segment_id))
    session.flush()
    event = record(session, project, actor=actor, op="lines", subject=source.id,
                   before={"node_id": source.id, "node": source.name},
                   after={"node_id": target.id, "node": target.name, "lines": wanted}, snapshot=snapshot,
                   reason=reason)
    return Change("lines", event.id, target.id, _("moved {n} lines from {source} to {target}", n=len(wanted),
                                                   source=quoted(source.name), target=quoted(target.name)))
