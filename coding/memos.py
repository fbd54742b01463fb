"""Memos: a researcher's notes on the project, a transcript, a participant, a code, a line
(segment) or a theme node, each with its author, time, title and text.

A memo belongs to its target, never to a coding, so removing a code from a line leaves the
line's memos as they were. Who may write, edit and delete is in ``coding.permissions``
(members write; the author edits or deletes their own memo, a lead any memo). Every change
is an event with the memo before and after.

Blind coding covers line memos: a coder does not see another user's memo on a line of a
transcript that is not revealed (in a blind project), not even that it exists; leads see
every memo. Memos on the other kinds are shared by the project's members.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import String, and_, cast, column, exists, false, literal, or_, select, table
from sqlalchemy.orm import Session

from coding.applications import _visible_scope
from coding.models import (
    MEMO_CODE,
    MEMO_KINDS,
    MEMO_NODE,
    MEMO_PARTICIPANT,
    MEMO_PROJECT,
    MEMO_SEGMENT,
    MEMO_SOURCES,
    MEMO_TRANSCRIPT,
    Code,
    CodeApplication,
    Reveal,
    User,
)
from coding.models import Memo as MemoRow
from coding.permissions import require
from fgi.errors import FgiError, NotFound
from fgi.i18n import N_, _
from fgi.models import Event, Participant, Project, Segment, Transcript
from fgi.storage.base import utcnow

# How messages name each kind of memo target (translated where shown).
KIND_NAMES = {
    MEMO_PROJECT: N_("project"),
    MEMO_TRANSCRIPT: N_("transcript"),
    MEMO_PARTICIPANT: N_("participant"),
    MEMO_CODE: N_("code"),
    MEMO_SEGMENT: N_("line"),
    MEMO_NODE: N_("theme node"),
}

TITLE_MAX = 200
TEXT_MAX = 100_000  # characters; a memo is a note, not a document

# Theme nodes live in ``themes`` (which coding may not import); a memo only checks that the
# node exists in the project, through this light description of its table.
_theme_nodes = table("theme_nodes", column("id"), column("project_id"))


@dataclass(frozen=True)
class Memo:
    id: int
    project_id: int
    kind: str
    target: str
    author_id: int | None
    author: str | None  # the author's name; None: unknown (an imported memo) or deleted user
    title: str | None
    text: str
    created_at: datetime
    updated_at: datetime
    guid: str | None
    source: str


class _Actor:
    """The default of ``write_memo(author=...)``: the acting user writes the memo."""


ACTOR: Final = _Actor()


def write_memo(session: Session, project: Project, *, actor: User | str, kind: str, target: str | int,
               text: str, title: str | None = None, guid: str | None = None, source: str = "app",
               author: User | None | _Actor = ACTOR) -> Memo:
    """A new memo on ``kind``/``target`` of ``project``. ``actor`` is the acting ``User``
    (checked), or a name from trusted code (set-up, imports). The author is the actor unless
    ``author`` is given (``None``: an imported memo whose author is unknown)."""
    name = _acting(session, actor, "memos.write", project)
    if author is ACTOR:
        author = actor if isinstance(actor, User) else _user_named(session, actor)
    if source not in MEMO_SOURCES:
        raise FgiError(_("unknown memo source {source!r}", source=source),
                       hint=_("one of: {choices}", choices=", ".join(MEMO_SOURCES)))
    target = _check_target(session, project, kind, target)
    row = MemoRow(project_id=project.id, kind=kind, target=target, author_id=author.id if author else None,
                  title=_clean_title(title), text=_clean_text(text), guid=guid, source=source)
    now = utcnow()
    row.created_at = row.updated_at = now
    session.add(row)
    session.flush()
    memo = _memo(row, author.name if author else None)
    Event.record(session, actor=name, kind="memo.write", project_id=project.id, subject=_subject(memo),
                 payload={"before": None, "after": _payload(memo)})
    return memo


def edit_memo(session: Session, memo_id: int, *, actor: User | str, text: str | None = None,
              title: str | None = None) -> Memo:
    """Change a memo's text and/or title (``title=""`` removes the title). Its author may,
    and a lead may change anyone's."""
    row, before = _changeable(session, memo_id, actor)
    if text is not None:
        row.text = _clean_text(text)
    if title is not None:
        row.title = _clean_title(title)
    after = _memo(row, before.author)
    if (after.text, after.title) == (before.text, before.title):
        return before
    row.updated_at = utcnow()
    after = _memo(row, before.author)
    Event.record(session, actor=_name(actor), kind="memo.edit", project_id=row.project_id, subject=_subject(after),
                 payload={"before": _payload(before), "after": _payload(after)})
    return after


def delete_memo(session: Session, memo_id: int, *, actor: User | str) -> None:
    """Delete a memo (its author, or a lead); the event keeps its text."""
    row, before = _changeable(session, memo_id, actor)
    session.delete(row)
    Event.record(session, actor=_name(actor), kind="memo.delete", project_id=row.project_id,
                 subject=_subject(before), payload={"before": _payload(before), "after": None})


def get_memo(session: Session, memo_id: int, *, viewer: User) -> Memo:
    """One memo ``viewer`` may see (another coder's hidden line memo is "not found")."""
    row = session.get(MemoRow, memo_id)
    if row is None:
        raise NotFound(_("no memo {id}", id=memo_id), hint=_("see the memos: fgi memo list --project NAME"))
    project = session.get(Project, row.project_id)
    found = memos_for(session, project, viewer=viewer, ids=[memo_id])
    if not found:
        raise NotFound(_("no memo {id}", id=memo_id), hint=_("see the memos: fgi memo list --project NAME"))
    return found[0]


def memos_for(session: Session, project: Project, *, viewer: User, kind: str | None = None,
              target: str | int | None = None, author: User | str | None = None, search: str | None = None,
              code_id: int | None = None, transcript_id: str | None = None,
              ids: list[int] | None = None) -> list[Memo]:
    """The memos of ``project`` that ``viewer`` may see, oldest first, filtered by
    ``kind``, ``target``, ``author`` (a user or a name), ``search`` (words in the title or
    text, case-insensitive), ``code_id`` (memos on the code and on lines the viewer sees
    coded with it) and ``transcript_id`` (memos on the transcript, its participants and its
    lines). All filters given must hold."""
    require(session, viewer, "memos.read", project)
    if kind is not None and kind not in MEMO_KINDS:
        raise FgiError(_("unknown memo kind {kind!r}", kind=kind),
                       hint=_("one of: {choices}", choices=", ".join(MEMO_KINDS)))
    query = (select(MemoRow, User.name).outerjoin(User, User.id == MemoRow.author_id)
             .where(MemoRow.project_id == project.id, _visible_memo(viewer, project)))
    if kind is not None:
        query = query.where(MemoRow.kind == kind)
    if target is not None:
        query = query.where(MemoRow.target == str(target))
    if ids is not None:
        query = query.where(MemoRow.id.in_(ids) if ids else false())
    if author is not None:
        author_name = author.name if isinstance(author, User) else author
        query = query.where(User.name == author_name)
    if search and search.strip():
        for word in search.split():
            pattern = "%" + _escape_like(word) + "%"
            query = query.where(or_(MemoRow.text.ilike(pattern, escape="\\"),
                                    MemoRow.title.ilike(pattern, escape="\\")))
    if code_id is not None:
        coded_lines = (_visible_scope(session, viewer, project, CodeApplication.segment_id)
                       .where(CodeApplication.code_id == code_id))
        query = query.where(or_(
            and_(MemoRow.kind == MEMO_CODE, MemoRow.target == str(code_id)),
            and_(MemoRow.kind == MEMO_SEGMENT, MemoRow.target.in_(coded_lines)),
        ))
    if transcript_id is not None:
        query = query.where(or_(
            and_(MemoRow.kind == MEMO_TRANSCRIPT, MemoRow.target == transcript_id),
            and_(MemoRow.kind == MEMO_SEGMENT, MemoRow.target.in_(
                select(Segment.id).where(Segment.transcript_id == transcript_id))),
            and_(MemoRow.kind == MEMO_PARTICIPANT, MemoRow.target.in_(
                select(_as_text(Participant.id)).where(Participant.transcript_id == transcript_id))),
        ))
    rows = session.execute(query.order_by(MemoRow.created_at, MemoRow.id)).all()
    return [_memo(row, name) for row, name in rows]


def _visible_memo(viewer: User, project: Project):
    """The blind rule of line memos as a SQL condition: a coder sees another user's line
    memo only in a revealed transcript (or a project without blind coding)."""
    if viewer.is_lead or not project.blind_coding:
        return literal(True)
    revealed_line = exists(select(Segment.id).join(Reveal, Reveal.transcript_id == Segment.transcript_id)
                           .where(Segment.id == MemoRow.target))
    return or_(MemoRow.kind != MEMO_SEGMENT, MemoRow.author_id == viewer.id, revealed_line)


def _as_text(expression):
    return cast(expression, String)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _changeable(session: Session, memo_id: int, actor: User | str) -> tuple[MemoRow, Memo]:
    """The memo row and its current value, once ``actor`` may change it."""
    row = session.get(MemoRow, memo_id)
    if row is None:
        raise NotFound(_("no memo {id}", id=memo_id), hint=_("see the memos: fgi memo list --project NAME"))
    if isinstance(actor, User):
        before = get_memo(session, memo_id, viewer=actor)  # a hidden memo is "not found"
        own = row.author_id is not None and row.author_id == actor.id
        require(session, actor, "memos.edit.own" if own else "memos.edit.any", row.project_id)
    else:
        author = session.get(User, row.author_id) if row.author_id is not None else None
        before = _memo(row, author.name if author else None)
    return row, before


def _acting(session: Session, actor: User | str, action: str, project: Project) -> str:
    if isinstance(actor, User):
        require(session, actor, action, project)
        return actor.name
    if not isinstance(actor, str):
        raise TypeError(f"actor must be a User or a name, not {type(actor).__name__}")
    return actor


def _name(actor: User | str) -> str:
    return actor.name if isinstance(actor, User) else actor


def _user_named(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def _check_target(session: Session, project: Project, kind: str, target: str | int) -> str:
    """``target`` as stored, once it names a thing of ``kind`` in ``project``."""
    if kind not in MEMO_KINDS:
        raise FgiError(_("unknown memo kind {kind!r}", kind=kind),
                       hint=_("one of: {choices}", choices=", ".join(MEMO_KINDS)))
    target = "" if target is None else str(target).strip()
    if kind == MEMO_PROJECT:
        if target not in ("", str(project.id)):
            raise FgiError(_("a project memo has no target (got {target!r})", target=target))
        return ""
    found_project: int | None = None
    if kind == MEMO_TRANSCRIPT:
        found = session.get(Transcript, target)
        found_project = found.project_id if found else None
    elif kind == MEMO_SEGMENT:
        found_project = session.scalar(select(Transcript.project_id).join(
            Segment, Segment.transcript_id == Transcript.id).where(Segment.id == target))
    elif target.isdigit():
        number = int(target)
        if kind == MEMO_PARTICIPANT:
            found = session.get(Participant, number)
            found_project = found.project_id if found else None
        elif kind == MEMO_CODE:
            found = session.get(Code, number)
            found_project = found.project_id if found else None
        elif kind == MEMO_NODE:
            found_project = session.scalar(select(_theme_nodes.c.project_id).where(_theme_nodes.c.id == number))
    if found_project != project.id:
        raise NotFound(_("no {what} {target!r} in project {project!r} to write a memo on",
                         what=_(KIND_NAMES[kind]), target=target, project=project.name),
                       hint=_("a memo's target is the id of a transcript, participant, code, line or theme node"
                              " of the project"))
    return target


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise FgiError(_("a memo title may have at most {limit} characters ({length} given)",
                         limit=TITLE_MAX, length=len(title)), hint=_("shorten the title"))
    _no_nul(title)
    return title or None


def _clean_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise FgiError(_("a memo needs some text"), hint=_("write the memo, or delete it"))
    if len(text) > TEXT_MAX:
        raise FgiError(_("a memo may have at most {limit} characters ({length} given)",
                         limit=TEXT_MAX, length=len(text)), hint=_("split it into several memos"))
    _no_nul(text)
    return text


def _no_nul(value: str) -> None:
    if "\x00" in value:  # PostgreSQL cannot store it
        raise FgiError(_("a memo cannot contain a NUL character (\\0)"), hint=_("remove it and save the memo again"))


def _memo(row: MemoRow, author: str | None) -> Memo:
    return Memo(row.id, row.project_id, row.kind, row.target, row.author_id, author, row.title, row.text,
                row.created_at, row.updated_at, row.guid, row.source)


def _subject(memo: Memo) -> str:
    return f"memo {memo.id}: {memo.kind} {memo.target}".rstrip()


def _payload(memo: Memo) -> dict:
    value = asdict(memo)
    for key in ("created_at", "updated_at"):
        value[key] = value[key].isoformat()
    return value
