"""The session's undo and redo stacks, shared by every page that codes or writes line memos.

A page that changed something the coder may want back calls ``push(actions, label)`` with the
``coding.undo.UndoAction`` list of that one step and a short description
(``coding.undo.describe``). ``undo_buttons`` draws 되돌리기 / 다시 실행 (Alt+Z / Alt+Y);
``undo_last`` and ``redo_last`` do the work in a widget callback. Steps belong to the user
who took them: after another user signs in on the same browser session, they are not offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from coding.undo import UndoAction, redo, undo
from coding.users import get_user
from fgi.errors import FgiError
from ui.resources import database
from ui.safe import literal
from ui.text import t, use_app_language

UNDO_KEY, REDO_KEY = "undo.stack", "undo.redo"
NOTICE_KEY = "undo.notice"  # (kind, text) shown once by undo_feedback: what was undone, or why not
DEPTH = 100  # steps kept


@dataclass(frozen=True)
class Step:
    user: str
    actions: tuple[UndoAction, ...]
    label: str


def _stack(key: str) -> list[Step]:
    return st.session_state.setdefault(key, [])


def _user() -> str | None:
    from ui.auth import USER_KEY

    user = st.session_state.get(USER_KEY)
    return user.name if user is not None else None


def push(actions: list[UndoAction], label: str, *, user: str | None = None) -> None:
    """One undo step: ``actions`` taken together (nothing for an empty list). A new step
    clears what could be redone, as in every editor."""
    if not actions:
        return
    owner = user or _user()
    if owner is None:
        raise ValueError("push needs the signed-in user (or user=...)")
    stack = _stack(UNDO_KEY)
    stack.append(Step(owner, tuple(actions), label))
    del stack[:-DEPTH]
    st.session_state[REDO_KEY] = []


def _top(key: str, user_name: str) -> Step | None:
    stack = _stack(key)
    return stack[-1] if stack and stack[-1].user == user_name else None


def can_undo(user_name: str) -> Step | None:
    return _top(UNDO_KEY, user_name)


def can_redo(user_name: str) -> Step | None:
    return _top(REDO_KEY, user_name)


def _move(user_name: str, *, backwards: bool) -> Step | None:
    source, target = (UNDO_KEY, REDO_KEY) if backwards else (REDO_KEY, UNDO_KEY)
    step = _top(source, user_name)
    if step is None:
        return None
    use_app_language()  # the refusal is said in the app's language
    try:
        with database().transaction() as session:
            acting_user = get_user(session, user_name)
            flipped = (undo if backwards else redo)(session, list(step.actions), actor=acting_user)
    except FgiError as error:
        # Refused: the step stays where it was, so nothing is lost; the reason is shown.
        st.session_state[NOTICE_KEY] = ("error", error.message, error.hint)
        return None
    _stack(source).pop()
    done = Step(step.user, tuple(flipped), step.label)
    _stack(target).append(done)
    text = t("undo.undone" if backwards else "undo.redone", what=step.label)
    st.session_state[NOTICE_KEY] = ("ok", text, None)
    return done


def undo_last(user_name: str, on_done: Callable[[Step], None] | None = None) -> Step | None:
    """Undo the newest step of ``user_name``; None (and a notice why) when refused.
    ``on_done(step)`` runs after a success (a page shows the lines that changed)."""
    done = _move(user_name, backwards=True)
    if done is not None and on_done is not None:
        on_done(done)
    return done


def redo_last(user_name: str, on_done: Callable[[Step], None] | None = None) -> Step | None:
    """Redo the newest undone step of ``user_name``."""
    done = _move(user_name, backwards=False)
    if done is not None and on_done is not None:
        on_done(done)
    return done


def undo_buttons(user_name: str, *, key: str, on_done: Callable[[Step], None] | None = None) -> None:
    """되돌리기 and 다시 실행 (Alt+Z, Alt+Y), with the step each would act on as the tooltip."""
    back, forward = can_undo(user_name), can_redo(user_name)
    with st.container(horizontal=True, key=f"{key}-bar"):
        st.button(t("undo.undo"), key=f"{key}.undo", icon=":material/undo:", shortcut="Alt+Z",
                  disabled=back is None, help=literal(back.label) if back else None,
                  on_click=undo_last, args=(user_name, on_done))
        st.button(t("undo.redo"), key=f"{key}.redo", icon=":material/redo:", shortcut="Alt+Y",
                  disabled=forward is None, help=literal(forward.label) if forward else None,
                  on_click=redo_last, args=(user_name, on_done))


def undo_feedback() -> None:
    """Show, once, what the last undo or redo did, or why it was refused."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice is None:
        return
    kind, text, hint = notice
    if kind == "ok":
        st.success(literal(text), icon=":material/undo:")
    else:
        st.error(literal(text), icon=":material/error:")
        if hint:
            st.text(hint)
