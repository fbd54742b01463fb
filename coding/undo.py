"""Undo and redo of a coder's own coding actions: applying a code, removing one, writing a
line memo.

A step is a list of ``UndoAction`` (coding lines 10-14 with one code is one step of five
actions). Each action holds the state of one thing before and after the action: the coder's
coding of a line with a code (``apply``/``remove``: None when absent, else its memo and
source), or a line memo (``memo``: None when absent, else its id, title and text).

``undo`` puts every action of a step back to its ``before`` state, ``redo`` to its ``after``
state, through the same functions a coding click uses (``apply_code``, ``remove_code``, the
memo functions), so permissions, closed rounds and reveals are checked again and every change
is an audited event; a ``coding.undo`` / ``coding.redo`` event records the step as a whole.
Nothing is overwritten silently: when the thing is no longer as the step left it (the coder
changed it in another window, a lead changed the memo), the whole step is refused and nothing
changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import _find, apply_code, get_segment, remove_code, resolve_code
from coding.models import MANUAL, Code, User
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import Event, Project, Segment

APPLY, REMOVE, MEMO = "apply", "remove", "memo"
OPS = (APPLY, REMOVE, MEMO)


class StaleUndo(FgiError):
    """The line changed after the step was taken; undoing or redoing it would overwrite that."""


@dataclass(frozen=True)
class UndoAction:
    """One change to put back or do again. ``code_id`` is None for a memo."""

    op: str
    segment_id: str
    code_id: int | None
    before: dict | None
    after: dict | None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown undo operation {self.op!r}; one of {', '.join(OPS)}")


# ---- taking steps that can be undone -------------------------------------------------------

def _coding_state(application) -> dict | None:
    if application is None:
        return None
    return {"memo": getattr(application, "memo", None), "source": application.source}


def apply_codes(session: Session, coder: User, segment_ids: Iterable[str], code: str | int, *,
                source: str = MANUAL) -> list[UndoAction]:
    """``coder`` codes every line of ``segment_ids`` with ``code`` (one audited event per new
    coding). The actions returned are the lines that were not coded with it yet: one step."""
    actions = []
    for segment_id in dict.fromkeys(segment_ids):  # each line once, in the order given
        target = _target(session, segment_id, code)
        if _find(session, segment_id, target.id, coder.id) is not None:
            continue
        apply_code(session, coder, segment_id, target.id, source=source)
        after = _coding_state(_find(session, segment_id, target.id, coder.id))
        actions.append(UndoAction(APPLY, segment_id, target.id, None, after))
    return actions


def remove_codes(session: Session, coder: User, segment_ids: Iterable[str], code: str | int) -> list[UndoAction]:
    """``coder`` removes ``code`` from every line of ``segment_ids`` that has it: one step."""
    actions = []
    for segment_id in dict.fromkeys(segment_ids):
        target = _target(session, segment_id, code)
        before = _coding_state(_find(session, segment_id, target.id, coder.id))
        if before is None:
            continue
        remove_code(session, coder, segment_id, target.id)
        actions.append(UndoAction(REMOVE, segment_id, target.id, before, None))
    return actions


def memo_state(memo) -> dict | None:
    """The state an undo step keeps of a line memo (a ``coding.memos.Memo`` or None)."""
    if memo is None:
        return None
    return {"id": memo.id, "title": memo.title, "text": memo.text}


def memo_action(segment_id: str, before, after) -> UndoAction:
    """The step of writing, editing or deleting a line memo (``Memo`` or None on each side)."""
    return UndoAction(MEMO, segment_id, None, memo_state(before), memo_state(after))


def _target(session: Session, segment_id: str, code: str | int) -> Code:
    _segment, transcript = get_segment(session, segment_id)
    return resolve_code(session, session.get(Project, transcript.project_id), code)


# ---- undo and redo ------------------------------------------------------------------------

def undo(session: Session, actions: Sequence[UndoAction], *, actor: User) -> list[UndoAction]:
    """Put every action of the step back to its ``before`` state, last action first. Returns
    the step to hand to ``redo`` (a memo written again gets a new id)."""
    return _flip(session, actions, actor=actor, backwards=True)


def redo(session: Session, actions: Sequence[UndoAction], *, actor: User) -> list[UndoAction]:
    """Do every action of an undone step again (``after`` state), first action first.
    Returns the step to hand to ``undo``."""
    return _flip(session, actions, actor=actor, backwards=False)


def _flip(session: Session, actions: Sequence[UndoAction], *, actor: User, backwards: bool) -> list[UndoAction]:
    if not actions:
        return []
    order = list(reversed(actions)) if backwards else list(actions)
    # Check the whole step first: a step is undone entirely or not at all.
    for action in order:
        frm = action.after if backwards else action.before
        if not _is_as_left(session, action, frm, actor):
            raise _stale(session, action, actor, backwards)
    done: dict[int, UndoAction] = {}
    for action in order:
        frm, to = (action.after, action.before) if backwards else (action.before, action.after)
        new_state = _set(session, action, frm, to, actor)
        done[id(action)] = replace(action, **{"before" if backwards else "after": new_state})
    first = get_segment(session, actions[0].segment_id)[1]
    Event.record(session, actor=actor.name, kind="coding.undo" if backwards else "coding.redo",
                 project_id=first.project_id, subject=actions[0].segment_id,
                 payload={"before": [a.after if backwards else a.before for a in actions],
                          "after": [a.before if backwards else a.after for a in actions],
                          "actions": [{"op": a.op, "segment": a.segment_id, "code_id": a.code_id} for a in actions]})
    return [done[id(a)] for a in actions]


def _is_as_left(session: Session, action: UndoAction, state: dict | None, actor: User) -> bool:
    """Is the thing still as the step (or the last undo/redo of it) left it?"""
    if action.op == MEMO:
        if state is None:
            return True  # nothing to compare: the memo was absent, and is written anew
        current = _line_memo(session, action.segment_id, state["id"], actor)
        return current is not None and current.text == state["text"] and current.title == state.get("title")
    present = _find(session, action.segment_id, action.code_id, actor.id) is not None
    return present == (state is not None)


def _set(session: Session, action: UndoAction, frm: dict | None, to: dict | None, actor: User) -> dict | None:
    """Change the thing from ``frm`` to ``to``; returns its new state (memo ids may change)."""
    if action.op == MEMO:
        return _set_memo(session, action.segment_id, frm, to, actor)
    if to is None:
        remove_code(session, actor, action.segment_id, action.code_id)
        return None
    apply_code(session, actor, action.segment_id, action.code_id, memo=to.get("memo"),
               source=to.get("source") or MANUAL)
    return _coding_state(_find(session, action.segment_id, action.code_id, actor.id))


def _set_memo(session: Session, segment_id: str, frm: dict | None, to: dict | None, actor: User) -> dict | None:
    from coding import memos  # the memo module; imported here so codings need not load it

    if to is None:
        if frm is not None:
            memos.delete_memo(session, frm["id"], actor=actor)
        return None
    if frm is None:
        project = session.get(Project, get_segment(session, segment_id)[1].project_id)
        memo = memos.write_memo(session, project, actor=actor, kind="segment", target=segment_id,
                                text=to["text"], title=to.get("title"))
    else:
        memo = memos.edit_memo(session, frm["id"], actor=actor, text=to["text"], title=to.get("title"))
    return memo_state(memo)


def _line_memo(session: Session, segment_id: str, memo_id: int, actor: User):
    from coding import memos

    project = session.get(Project, get_segment(session, segment_id)[1].project_id)
    return next((m for m in memos.memos_for(session, project, viewer=actor, kind="segment", target=segment_id)
                 if m.id == memo_id), None)


# ---- messages -------------------------------------------------------------------------------

def _line(session: Session, segment_id: str) -> int:
    segment = session.get(Segment, segment_id)
    return segment.line if segment is not None else 0


def _code_name(session: Session, code_id: int | None) -> str:
    code = session.get(Code, code_id) if code_id is not None else None
    return code.name if code is not None else "?"


def _stale(session: Session, action: UndoAction, actor: User, backwards: bool) -> StaleUndo:
    line = _line(session, action.segment_id)
    what = _("the memo") if action.op == MEMO else f"'{_code_name(session, action.code_id)}'"
    last = _last_change(session, action, actor)
    if last is not None:
        when = f"{last.at:%Y-%m-%d %H:%M}"
        message = (_("line {line}: {what} was changed by {who} at {when} after this step; nothing was undone",
                     line=line, what=what, who=last.actor, when=when) if backwards else
                   _("line {line}: {what} was changed by {who} at {when} after this step; nothing was redone",
                     line=line, what=what, who=last.actor, when=when))
    else:
        message = (_("line {line}: {what} was changed after this step; nothing was undone", line=line, what=what)
                   if backwards else
                   _("line {line}: {what} was changed after this step; nothing was redone", line=line, what=what))
    return StaleUndo(message, hint=_("look at the line as it is now and change it there"))


def _last_change(session: Session, action: UndoAction, actor: User) -> Event | None:
    """The newest event that touched the thing, to say who changed it (the actor's own coding,
    or a memo the actor can see, so naming the author reveals nothing blind coding hides)."""
    if action.op == MEMO:
        state = action.after or action.before or {}
        if "id" not in state:
            return None
        return session.scalars(select(Event).where(Event.subject == f"memo {state['id']}: segment {action.segment_id}")
                               .order_by(Event.id.desc()).limit(1)).first()
    events = session.scalars(select(Event).where(Event.subject == action.segment_id)
                             .order_by(Event.id.desc()).limit(50)).all()
    for event in events:
        payload = event.payload or {}
        sides = [s for s in (payload.get("before"), payload.get("after")) if isinstance(s, dict)]
        if any(s.get("code_id") == action.code_id and s.get("coder") == actor.name for s in sides):
            return event
    return None


def describe(session: Session, actions: Sequence[UndoAction]) -> str:
    """What a step did, in a few words: "lines 10-14 (5 lines): 'code' applied"."""
    if not actions:
        return _("nothing")
    lines = sorted({_line(session, a.segment_id) for a in actions})
    ops = {a.op for a in actions}
    codes = {a.code_id for a in actions}
    where = (_("line {line}", line=lines[0]) if len(lines) == 1 else
             _("lines {first}-{last} ({count} lines)", first=lines[0], last=lines[-1], count=len(lines)))
    if ops == {MEMO}:
        if len(actions) == 1 and actions[0].before is None:
            return _("{where}: memo written", where=where)
        if len(actions) == 1 and actions[0].after is None:
            return _("{where}: memo deleted", where=where)
        return _("{where}: memo edited", where=where)
    if len(ops) == 1 and len(codes) == 1:
        code = _code_name(session, actions[0].code_id)
        if ops == {APPLY}:
            return _("{where}: '{code}' applied", where=where, code=code)
        return _("{where}: '{code}' removed", where=where, code=code)
    return _("{where}: {count} coding changes", where=where, count=len(actions))
