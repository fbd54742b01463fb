"""The hierarchy's history: every change is an event carrying a snapshot, so it can be undone.

Each operation records an event ``hierarchy.<op>`` whose payload holds what the operation
changed (``before``/``after``) and a ``snapshot`` of the project's whole hierarchy *before*
it (nodes, code placements, evidence lines). Events are append-only, so undo is an event
too:

* ``undo`` restores the snapshot of the latest operation not yet undone and records
  ``hierarchy.undo`` (subject: the id of the event whose snapshot it restored) with the
  snapshot it replaced;
* ``redo`` restores the snapshot an undo replaced, if nothing was changed since, and
  records ``hierarchy.redo`` (subject: the undo's id) with the snapshot before it, so the
  redone operation can be undone again.

The undo stack is the project's, not one user's: undo takes back the latest change
whoever made it. Snapshots restore ids as they were, so candidates, events and the app
keep referring to the same nodes. Codes or lines deleted since a snapshot are left out
when it is restored. A node's memos (``coding.memos``) are not part of the hierarchy: a
snapshot records only which node each is on, so undoing a merge puts them back on their
nodes; a deleted node's memos stay (on its id) and come back with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from coding.memos import memo_places, place_memos
from coding.models import MEMO_NODE, Code, User
from coding.permissions import acting
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import Event, Project, Segment
from fgi.storage.base import utcnow
from themes.models import ThemeCandidate, ThemeNode, ThemeNodeCandidate, ThemeNodeCode, ThemeNodeSegment, ThemeQuote

HELD = (ThemeNodeSegment, ThemeNodeCode, ThemeQuote, ThemeNodeCandidate)  # rows that hang on a node

PREFIX = "hierarchy."
UNDO, REDO = "hierarchy.undo", "hierarchy.redo"


class NothingToUndo(FgiError):
    """Undo or redo was asked for with nothing to take back or bring back."""


@dataclass(frozen=True)
class Change:
    """What an operation did, for the CLI and the app."""

    kind: str  # accept, create, rename, merge, split, move, place, lines, pin, unpin, order, delete, memo, undo, redo
    event_id: int
    node_id: int | None  # the node made or changed, when there is one
    message: str
    skipped: list[str] | None = None  # e.g. codes left where they were, with the reason


@dataclass(frozen=True)
class HistoryEntry:
    event_id: int
    at: datetime
    actor: str
    kind: str
    subject: str | None
    before: Any
    after: Any
    reason: str | None
    undone: bool


def lock(session: Session, project: Project) -> None:
    """Serialise hierarchy changes of a project (a row lock on PostgreSQL; SQLite writes
    one transaction at a time anyway)."""
    session.execute(select(Project.id).where(Project.id == project.id).with_for_update())


def take_snapshot(session: Session, project: Project) -> dict[str, Any]:
    session.flush()
    nodes = list(session.scalars(select(ThemeNode).where(ThemeNode.project_id == project.id)
                                 .order_by(ThemeNode.id)))
    depth: dict[int, int] = {}
    parents = {n.id: n.parent_id for n in nodes}

    def depth_of(node_id: int) -> int:
        if node_id not in depth:
            parent = parents.get(node_id)
            depth[node_id] = 0 if parent is None else depth_of(parent) + 1
        return depth[node_id]

    nodes.sort(key=lambda n: (depth_of(n.id), n.id))
    ids = [n.id for n in nodes]
    codes = session.execute(select(ThemeNodeCode.code_id, ThemeNodeCode.node_id, ThemeNodeCode.position)
                            .where(ThemeNodeCode.node_id.in_(ids)).order_by(ThemeNodeCode.code_id)).all() if ids else []
    lines = session.execute(select(ThemeNodeSegment.node_id, ThemeNodeSegment.segment_id)
                            .where(ThemeNodeSegment.node_id.in_(ids))
                            .order_by(ThemeNodeSegment.node_id, ThemeNodeSegment.segment_id)).all() if ids else []
    quotes = session.execute(select(ThemeQuote.node_id, ThemeQuote.segment_id, ThemeQuote.position)
                             .where(ThemeQuote.node_id.in_(ids))
                             .order_by(ThemeQuote.node_id, ThemeQuote.position, ThemeQuote.segment_id)).all() if ids else []
    taken = session.execute(select(ThemeNodeCandidate.candidate_id, ThemeNodeCandidate.node_id)
                            .where(ThemeNodeCandidate.node_id.in_(ids))
                            .order_by(ThemeNodeCandidate.candidate_id)).all() if ids else []
    return {
        "nodes": [{"id": n.id, "parent_id": n.parent_id, "level": n.level, "name": n.name,
                   "position": n.position, "candidate_id": n.candidate_id,
                   "created_at": n.created_at.isoformat()} for n in nodes],
        "codes": [list(row) for row in codes],
        "segments": [list(row) for row in lines],
        "memos": memo_places(session, project, MEMO_NODE),  # which node each node memo is on
        "quotes": [list(row) for row in quotes],
        "candidates": [list(row) for row in taken],
    }


def _existing(session: Session, column, values: list) -> set:
    found: set = set()
    for i in range(0, len(values), 500):
        found |= set(session.scalars(select(column).where(column.in_(values[i : i + 500]))))
    return found


def restore(session: Session, project: Project, snapshot: dict[str, Any]) -> None:
    """Make the project's hierarchy exactly the snapshot (ids included)."""
    session.flush()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, (ThemeNode, *HELD)):
            session.expunge(obj)
    ids = select(ThemeNode.id).where(ThemeNode.project_id == project.id).scalar_subquery()
    for table in HELD:
        session.execute(delete(table).where(table.node_id.in_(ids)), execution_options={"synchronize_session": False})
    session.execute(delete(ThemeNode).where(ThemeNode.project_id == project.id),
                    execution_options={"synchronize_session": False})
    place_memos(session, project, MEMO_NODE, snapshot.get("memos", []))  # older snapshots: memos stay
    nodes = snapshot["nodes"]
    if not nodes:
        return
    candidates = _existing(session, ThemeCandidate.id, [n["candidate_id"] for n in nodes if n["candidate_id"]])
    session.execute(insert(ThemeNode), [
        {"id": n["id"], "project_id": project.id, "parent_id": n["parent_id"], "level": n["level"],
         "name": n["name"], "position": n["position"],
         "candidate_id": n["candidate_id"] if n["candidate_id"] in candidates else None,
         "created_at": datetime.fromisoformat(n["created_at"]) if n.get("created_at") else utcnow()}
        for n in nodes])
    codes = _existing(session, Code.id, [c for c, _, _ in snapshot["codes"]])
    rows = [{"code_id": c, "node_id": n, "position": p} for c, n, p in snapshot["codes"] if c in codes]
    if rows:
        session.execute(insert(ThemeNodeCode), rows)
    segments = _existing(session, Segment.id, sorted({s for _, s in snapshot["segments"]}))
    rows = [{"node_id": n, "segment_id": s} for n, s in snapshot["segments"] if s in segments]
    if rows:
        session.execute(insert(ThemeNodeSegment), rows)
    quoted = _existing(session, Segment.id, sorted({s for _, s, _ in snapshot.get("quotes", [])}))
    rows = [{"node_id": n, "segment_id": s, "position": p} for n, s, p in snapshot.get("quotes", []) if s in quoted]
    if rows:
        session.execute(insert(ThemeQuote), rows)
    if "candidates" in snapshot:
        taken = snapshot["candidates"]
    else:  # a snapshot from before pins and merges were kept: the node made of a candidate holds it
        taken = [[n["candidate_id"], n["id"]] for n in nodes if n["candidate_id"]]
    kept = _existing(session, ThemeCandidate.id, [c for c, _ in taken])
    rows = [{"candidate_id": c, "node_id": n} for c, n in dict(taken).items() if c in kept]
    if rows:
        session.execute(insert(ThemeNodeCandidate), rows)


def record(session: Session, project: Project, *, actor: User | str, op: str, subject: int | str | None,
           before: Any, after: Any, snapshot: dict[str, Any], reason: str | None = None) -> Event:
    actor = acting(session, actor, "themes.edit", project)
    event = Event.record(session, actor=actor, kind=PREFIX + op, project_id=project.id,
                         subject=None if subject is None else str(subject),
                         payload={"before": before, "after": after, "snapshot": snapshot}, reason=reason)
    session.flush()
    return event


def _stacks(session: Session, project: Project) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(undo stack, redo stack), replayed from the hierarchy events. Entries are
    (the event whose snapshot a step back restores, the operation it takes back)."""
    rows = session.execute(select(Event.id, Event.kind, Event.subject).where(
        Event.project_id == project.id, Event.kind.like(PREFIX + "%")).order_by(Event.id)).all()
    done: list[tuple[int, int]] = []
    undone: list[tuple[int, int]] = []
    for event_id, kind, subject in rows:
        if kind == UNDO:
            if done and str(done[-1][0]) == subject:
                undone.append((event_id, done.pop()[1]))
        elif kind == REDO:
            if undone and str(undone[-1][0]) == subject:
                done.append((event_id, undone.pop()[1]))
        else:
            done.append((event_id, event_id))
            undone.clear()
    return done, undone


def _step(session: Session, project: Project, stack: list[tuple[int, int]], op: str, *, actor: str) -> Change:
    restorer, original = stack[-1]
    snapshot = session.get(Event, restorer).payload["snapshot"]
    target = session.get(Event, original)
    current = take_snapshot(session, project)
    restore(session, project, snapshot)
    event = record(session, project, actor=actor, op=op, subject=restorer, before=None,
                   after={"kind": target.kind, "event": target.id}, snapshot=current)
    from themes.phrases import phrase  # phrases reads events only; imported here to keep this module first

    what = phrase(target)
    message = _("Undone: {what}", what=what) if op == "undo" else _("Redone: {what}", what=what)
    return Change(op, event.id, None, message)


def undo(session: Session, project: Project, *, actor: str) -> Change:
    """Take back the project's latest hierarchy change not yet undone."""
    lock(session, project)
    done, _undone = _stacks(session, project)
    if not done:
        raise NothingToUndo(_('nothing to undo in the hierarchy of {name}', name=repr(project.name)),
                            hint=_('see the changes: fgi hierarchy history --project {name}', name=repr(project.name)))
    return _step(session, project, done, "undo", actor=actor)


def redo(session: Session, project: Project, *, actor: str) -> Change:
    """Bring back what the latest undo took back, if nothing changed since."""
    lock(session, project)
    _done, undone = _stacks(session, project)
    if not undone:
        raise NothingToUndo(_('nothing to redo in the hierarchy of {name}', name=repr(project.name)),
                            hint=_('redo works right after an undo, before any other change'))
    return _step(session, project, undone, "redo", actor=actor)


def hierarchy_history(session: Session, project: Project) -> list[HistoryEntry]:
    """Every hierarchy change of the project, oldest first; ``undone``: the change is not
    in effect now (taken back by an undo and not redone)."""
    done, _undone = _stacks(session, project)
    in_effect = {op for _, op in done}
    events = session.scalars(select(Event).where(Event.project_id == project.id, Event.kind.like(PREFIX + "%"))
                             .order_by(Event.id))
    return [HistoryEntry(e.id, e.at, e.actor, e.kind, e.subject, e.payload.get("before"), e.payload.get("after"),
                         e.reason, e.kind not in (UNDO, REDO) and e.id not in in_effect) for e in events]
