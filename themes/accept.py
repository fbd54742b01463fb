"""Accepting a proposal candidate into the hierarchy.

* A **sub-theme-level** candidate (a group of lines) becomes a sub-theme named after its
  label (or the name given), holding its *dominant* codes (``proposals.dominant_codes``)
  and its lines as evidence.
* A **theme-level** candidate (a group of codes) becomes a theme. Each of its codes is
  placed through a sub-theme: a code already under an unplaced sub-theme brings that
  sub-theme along (moved under the new theme); a code not yet placed gets a sub-theme of
  its own, named after the code, which the researcher can then merge or rename.

A code already placed elsewhere (under a sub-theme of another theme, or for a sub-theme
candidate under any sub-theme) stays where it is: a code sits under one sub-theme, and
accepting never moves codes behind the researcher's back. Those codes are listed in the
result's ``skipped``. A candidate is taken once (``ThemeNodeCandidate``; merging a node
carries its candidates along); undo or delete the node to accept it again. The new node goes under ``parent_id`` (a domain for a theme, a theme for a
sub-theme) or at the top level.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import code_index
from fgi.i18n import _
from fgi.models import Project, Segment
from themes.hierarchy import (HierarchyError, check_parent, check_unique, clean_name, describe, get_node,
                              next_position, node_dict, plural, siblings)
from themes.history import Change, lock, record, take_snapshot
from coding.code_paths import leaf_name
from themes.models import SUBTHEME, THEME, ThemeNode, ThemeNodeCandidate, ThemeNodeCode, ThemeNodeSegment
from themes.proposals import dominant_codes
from themes.runs import get_candidate
from themes.wording import name as quoted


def _new_node(session: Session, project: Project, level: str, name: str, parent_id: int | None,
              candidate_id: int | None = None) -> ThemeNode:
    node = ThemeNode(project_id=project.id, parent_id=parent_id, level=level, name=name, candidate_id=candidate_id,
                     position=next_position(session, project, parent_id))
    session.add(node)
    session.flush()
    return node


def _free_name(session: Session, project: Project, parent_id: int, wanted: list[str]) -> str:
    taken = {n.name for n in siblings(session, project, parent_id)}
    for name in wanted:
        if name not in taken:
            return name
    n = 2
    while f"{wanted[0]} ({n})" in taken:
        n += 1
    return f"{wanted[0]} ({n})"


def _place_codes_of_subtheme(session, project, node, candidate, paths) -> tuple[list[str], list[str]]:
    placed, skipped = [], []
    codes = [c for c in candidate.codes if c["id"] in paths]
    for position, code_id in enumerate(dominant_codes(codes) if codes else []):
        where = session.get(ThemeNodeCode, code_id)
        if where is not None:
            skipped.append(f"{paths[code_id]}: stays under {describe(session.get(ThemeNode, where.node_id))}")
            continue
        session.add(ThemeNodeCode(code_id=code_id, node_id=node.id, position=position))
        placed.append(paths[code_id])
    existing = set(session.scalars(select(Segment.id).where(Segment.id.in_(list(candidate.members)))))
    session.add_all(ThemeNodeSegment(node_id=node.id, segment_id=s) for s in dict.fromkeys(candidate.members)
                    if s in existing)
    return placed, skipped


def _place_codes_of_theme(session, project, theme, candidate, paths) -> tuple[list[str], list[str]]:
    placed, skipped, unplaced = [], [], []
    for code_id in [c for c in candidate.member_codes if c in paths]:  # sub-themes the codes are under first
        where = session.get(ThemeNodeCode, code_id)
        if where is None:
            unplaced.append(code_id)
            continue
        sub = session.get(ThemeNode, where.node_id)
        if sub.parent_id is None:
            check_unique(session, project, theme.id, sub.name)
            sub.parent_id, sub.position = theme.id, next_position(session, project, theme.id)
            session.flush()
        if sub.parent_id == theme.id:
            placed.append(paths[code_id])
        else:
            skipped.append(f"{paths[code_id]}: stays under {describe(sub)} "
                           f"in {describe(session.get(ThemeNode, sub.parent_id))}")
    for code_id in unplaced:  # then a sub-theme of its own for each code not yet placed
        name = _free_name(session, project, theme.id, [leaf_name(paths[code_id]), paths[code_id]])
        sub = _new_node(session, project, SUBTHEME, name, theme.id)
        session.add(ThemeNodeCode(code_id=code_id, node_id=sub.id, position=0))
        placed.append(paths[code_id])
    return placed, skipped


def accept_candidate(session: Session, project: Project, candidate_id: int, *, actor: str,
                     name: str | None = None, parent_id: int | None = None, reason: str | None = None) -> Change:
    """Make a hierarchy node of a stored candidate (see the module for what it holds)."""
    lock(session, project)
    snapshot = take_snapshot(session, project)
    candidate, run = get_candidate(session, project, candidate_id)
    taken = session.get(ThemeNodeCandidate, candidate.id)
    if taken is not None:
        raise HierarchyError(_("candidate {candidate} was already taken into the hierarchy: it is part of {node}",
                               candidate=candidate.id, node=quoted(session.get(ThemeNode, taken.node_id).name)),
                             hint=_("undo that, or delete the node, to accept it again"))
    level = SUBTHEME if run.level == SUBTHEME else THEME
    name = clean_name(name if name is not None else candidate.label)
    parent = get_node(session, project, parent_id) if parent_id is not None else None
    check_parent(level, parent)
    check_unique(session, project, parent_id, name)
    node = _new_node(session, project, level, name, parent_id, candidate.id)
    session.add(ThemeNodeCandidate(candidate_id=candidate.id, node_id=node.id))
    paths = {code.id: path for path, code in code_index(session, project).items()}
    fill = _place_codes_of_subtheme if level == SUBTHEME else _place_codes_of_theme
    placed, skipped = fill(session, project, node, candidate, paths)
    session.flush()
    event = record(session, project, actor=actor, op="accept", subject=node.id, before=None,
                   after=node_dict(node) | {"candidate": candidate.id, "codes": placed, "skipped": skipped},
                   snapshot=snapshot, reason=reason)
    lines = f", {plural(len(candidate.members), 'line')}" if level == SUBTHEME else ""
    return Change("accept", event.id, node.id,
                  f"accepted candidate {candidate.id} as {describe(node)}: {plural(len(placed), 'code')}{lines}",
                  skipped)
