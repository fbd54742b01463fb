"""Reshaping the hierarchy: merge nodes of one level, split one node in two.

Both follow the rules of ``themes.hierarchy`` and record an undoable event.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.memos import move_memos
from coding.models import MEMO_NODE
from fgi.models import Project
from fgi.i18n import _
from themes.hierarchy import (HierarchyError, clean_name, check_unique, code_of, delete_nodes, describe, evidence,
                              get_node, next_position, node_dict, placements, plural, siblings)
from themes.history import Change, lock, record, take_snapshot
from themes.models import SUBTHEME, ThemeNode, ThemeNodeCandidate, ThemeNodeSegment, ThemeQuote
from themes.quotes import pinned
from themes.units import team_lines


def merge_nodes(session: Session, project: Project, target_id: int, source_ids: Sequence[int], *, actor: str,
                name: str | None = None, reason: str | None = None) -> Change:
    """Merge nodes of one level into ``target_id``: their children, codes, evidence lines,
    pinned quotes, memos and the candidates they were accepted from move to it, and they
    are deleted."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    target = get_node(session, project, target_id)
    sources = [get_node(session, project, i) for i in dict.fromkeys(source_ids)]
    if not sources or any(s.id == target.id for s in sources):
        raise HierarchyError(_('merge needs a target and at least one other node to merge into it'),
                             hint=_('fgi hierarchy merge TARGET_ID OTHER_ID [OTHER_ID ...]'))
    for s in sources:
        if s.level != target.level:
            raise HierarchyError(_('only nodes of one level merge: {describe} is a {level}, {describe2} a {level2}', describe=describe(s), level=s.level, describe2=describe(target), level2=target.level),
                                 hint=_('move it under the target instead: fgi hierarchy move ID --to TARGET_ID'))
    names = {c.name: c for c in siblings(session, project, target.id)}
    for s in sources:
        for child in siblings(session, project, s.id):
            if child.name in names:
                raise HierarchyError(_('{describe} and {describe2} would be siblings with one name', describe=describe(child), describe2=describe(names[child.name])), hint=_('rename one of them first, or merge them first'))
            names[child.name] = child
    if name is not None:
        name = clean_name(name)
        check_unique(session, project, target.parent_id, name, ignore=[target.id] + [s.id for s in sources])
    before = {"target": node_dict(target), "sources": [node_dict(s) for s in sources]}
    position = next_position(session, project, target.id)
    codes = len(placements(session, target.id))
    lines = set(evidence(session, target.id))
    for s in sources:
        for child in siblings(session, project, s.id):
            child.parent_id, child.position, position = target.id, position, position + 1
        for placed in placements(session, s.id):
            placed.node_id, placed.position, codes = target.id, codes, codes + 1
        for segment_id in evidence(session, s.id):
            if segment_id not in lines:
                lines.add(segment_id)
                session.add(ThemeNodeSegment(node_id=target.id, segment_id=segment_id))
    move_memos(session, project, MEMO_NODE, [s.id for s in sources], target.id, actor=actor)
    quotes = pinned(session, [target.id] + [s.id for s in sources])
    kept = quotes.get(target.id, [])
    for s in sources:  # pinned quotes follow, after the target's own
        for segment_id in quotes.get(s.id, []):
            session.delete(session.get(ThemeQuote, (s.id, segment_id)))
            if segment_id not in kept:
                session.add(ThemeQuote(node_id=target.id, segment_id=segment_id, position=len(kept)))
                kept.append(segment_id)
    for held in session.scalars(select(ThemeNodeCandidate).where(
            ThemeNodeCandidate.node_id.in_([s.id for s in sources]))):
        held.node_id = target.id  # a merged candidate stays taken
    if name is not None:
        target.name = name
    session.flush()
    delete_nodes(session, [s.id for s in sources])
    event = record(session, project, actor=actor, op="merge", subject=target.id, before=before,
                   after=node_dict(target), snapshot=snapshot, reason=reason)
    return Change("merge", event.id, target.id,
                  f"merged {', '.join(describe(s) for s in sources)} into {describe(target)}")


def split_node(session: Session, project: Project, node_id: int, name: str, *, actor: str,
               codes: Sequence[str | int] = (), children: Sequence[int] = (), lines: Sequence[str] = (),
               reason: str | None = None) -> Change:
    """Make a new sibling of ``node_id`` named ``name`` and move to it the given children
    (of a domain or theme), or codes and evidence lines (of a sub-theme). Evidence lines
    that carry a moved code and none of the codes left behind move along, unless
    ``lines`` are given."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    name = clean_name(name)
    if not (codes or children or lines):
        raise HierarchyError(_('say what goes from {describe} to the new {level}', describe=describe(node), level=node.level),
                             hint=_('give codes (--code), child nodes (--child) or evidence lines (--line)'))
    if node.level != SUBTHEME and (codes or lines):
        raise HierarchyError(_('{describe} holds no codes or lines itself; split it by its children (--child)', describe=describe(node)))
    if node.level == SUBTHEME and children:
        raise HierarchyError(_('{describe} is a sub-theme and has no child nodes; split it by --code or --line', describe=describe(node)))
    mine = {c.id: c for c in siblings(session, project, node.id)}
    moved_children = []
    for child_id in dict.fromkeys(children):
        if child_id not in mine:
            raise HierarchyError(_('#{child_id} is not under {describe}', child_id=child_id, describe=describe(node)),
                                 hint=_('its children are: {value}', value=', '.join(describe(c) for c in mine.values()) or 'none'))
        moved_children.append(mine[child_id])
    placed = {p.code_id: p for p in placements(session, node.id)}
    moved_codes = []
    for ref in dict.fromkeys(codes):
        found, path = code_of(session, project, ref)
        if found.id not in placed:
            raise HierarchyError(_('code {path} is not under {describe}', path=repr(path), describe=describe(node)))
        moved_codes.append(placed[found.id])
    held = evidence(session, node.id)
    missing = [s for s in lines if s not in set(held)]
    if missing:
        raise HierarchyError(_('line {missing} is not evidence of {describe}', missing=missing[0], describe=describe(node)))
    if lines:
        moved_lines = list(dict.fromkeys(lines))
    else:
        going = {p.code_id for p in moved_codes}
        staying = set(placed) - going
        view = team_lines(session, project) if going else {}
        moved_lines = [s for s in held if view.get(s, set()) & going and not view.get(s, set()) & staying]
    check_unique(session, project, node.parent_id, name)
    new = ThemeNode(project_id=project.id, parent_id=node.parent_id, level=node.level, name=name,
                    position=next_position(session, project, node.parent_id))
    session.add(new)
    session.flush()
    for position, child in enumerate(moved_children):
        child.parent_id, child.position = new.id, position
    for position, p in enumerate(moved_codes):
        p.node_id, p.position = new.id, position
    for segment_id in moved_lines:
        session.delete(session.get(ThemeNodeSegment, (node.id, segment_id)))
        session.add(ThemeNodeSegment(node_id=new.id, segment_id=segment_id))
    session.flush()
    event = record(session, project, actor=actor, op="split", subject=node.id, before=node_dict(node),
                   after={"kept": node_dict(node), "new": node_dict(new), "children": [c.id for c in moved_children],
                          "codes": [p.code_id for p in moved_codes], "lines": len(moved_lines)},
                   snapshot=snapshot, reason=reason)
    parts = [plural(len(moved_children), "child node")] if moved_children else []
    parts += [plural(len(moved_codes), "code")] if moved_codes else []
    parts += [plural(len(moved_lines), "line")] if moved_lines else []
    return Change("split", event.id, new.id, f"split {describe(node)}: {', '.join(parts)} went to {describe(new)}")
