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
        from coding.applications import visible_scope  # applications imports this module

        coded_lines = (visible_scope(session, viewer, project, CodeApplication.segment_id)
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


def memo_texts(session: Session, project: Project, kind: str) -> dict[str, str]:
    """The texts of each target's memos of ``kind`` (not lines: those are blind), oldest
    first, joined by blank lines: e.g. a theme node's memos in the tree and theme table."""
    if kind == MEMO_SEGMENT:
        raise ValueError("line memos are read per viewer: use memos_for")
    texts: dict[str, list[str]] = {}
    for target, title, text in session.execute(
            select(MemoRow.target, MemoRow.title, MemoRow.text)
            .where(MemoRow.project_id == project.id, MemoRow.kind == kind).order_by(MemoRow.created_at, MemoRow.id)):
        texts.setdefault(target, []).append(f"{title}: {text}" if title else text)
    return {target: "\n\n".join(parts) for target, parts in texts.items()}


def memo_places(session: Session, project: Project, kind: str) -> list[list]:
    """[memo id, target] of every memo of ``kind`` in ``project``: where they are, for a
    snapshot that can put them back (``place_memos``)."""
    return [[memo_id, target] for memo_id, target in session.execute(
        select(MemoRow.id, MemoRow.target).where(MemoRow.project_id == project.id, MemoRow.kind == kind)
        .order_by(MemoRow.id))]


def place_memos(session: Session, project: Project, kind: str, places: list[list]) -> None:
    """Put memos of ``kind`` back on the targets of ``memo_places`` (memos deleted since
    stay deleted; memos written since stay where they are)."""
    wanted = {memo_id: target for memo_id, target in places}
    for row in session.scalars(select(MemoRow).where(MemoRow.project_id == project.id, MemoRow.kind == kind,
                                                     MemoRow.id.in_(list(wanted)))):
        row.target = wanted[row.id]


def move_memos(session: Session, project: Project, kind: str, sources: list[str | int], target: str | int, *,
               actor: User | str) -> list[Memo]:
    """Move the memos of ``kind`` on ``sources`` to ``target`` (e.g. merged theme nodes: their
    memos go with their codes), one ``memo.move`` event each."""
    target = _check_target(session, project, kind, target)
    rows = list(session.scalars(select(MemoRow).where(
        MemoRow.project_id == project.id, MemoRow.kind == kind, MemoRow.target.in_([str(s) for s in sources]))
        .order_by(MemoRow.id)))
    moved = []
    for row in rows:
        author = session.get(User, row.author_id) if row.author_id is not None else None
        before = _memo(row, author.name if author else None)
        row.target = target
        after = _memo(row, before.author)
        Event.record(session, actor=_name(actor), kind="memo.move", project_id=project.id, subject=_subject(after),
                     payload={"before": _payload(before), "after": _payload(after)})
        moved.append(after)
    return moved


def first_line_memos(session: Session, project_ids: list[int],
                     segment_ids: list[str] | None = None) -> dict[tuple[str, int], str]:
    """The text of each author's first memo on each line, by (segment id, author id): what a
    coding shows as its coder's memo (``Coding.memo``). Callers apply the blind rule: a
    coding's memo is its coder's, visible wherever the coding is."""
    if not project_ids:
        return {}
    query = (select(MemoRow.target, MemoRow.author_id, MemoRow.text)
             .where(MemoRow.project_id.in_(project_ids), MemoRow.kind == MEMO_SEGMENT,
                    MemoRow.author_id.is_not(None)).order_by(MemoRow.created_at.desc(), MemoRow.id.desc()))
    if segment_ids is not None:
        query = query.where(MemoRow.target.in_(segment_ids) if segment_ids else false())
    return {(target, author): text for target, author, text in session.execute(query)}


def put_line_memo(session: Session, project: Project, author: User, segment_id: str, text: str,
                  title: str | None) -> tuple[Memo | None, Memo]:
    """Write ``author``'s memo on a line, or change their first one there: the memo a coding
    carries (``coding.applications.apply_code(memo=...)``). Returns (before, after); the
    caller has checked the author may code and records the event."""
    row = session.scalar(select(MemoRow).where(
        MemoRow.project_id == project.id, MemoRow.kind == MEMO_SEGMENT, MemoRow.target == segment_id,
        MemoRow.author_id == author.id).order_by(MemoRow.created_at, MemoRow.id).limit(1))
    text = _clean_text(text)
    if row is None:
        row = MemoRow(project_id=project.id, kind=MEMO_SEGMENT, target=segment_id, author_id=author.id,
                      title=_clean_title(title), text=text, source="app")
        row.created_at = row.updated_at = utcnow()
        session.add(row)
        session.flush()
        return None, _memo(row, author.name)
    before = _memo(row, author.name)
    if row.text != text:
        row.text, row.updated_at = text, utcnow()
    return before, _memo(row, author.name)


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


def resolve_target(session: Session, project: Project, kind: str, key: str | int | None) -> str:
    """A memo target from what a person types: a transcript's name or id, a code's path or
    id, a participant's pseudonym or id, a line's segment id, a theme node's id."""
    key = "" if key is None else str(key).strip()
    if kind == MEMO_TRANSCRIPT and key:
        from fgi.study import get_transcript

        return get_transcript(session, key, project).id
    if kind == MEMO_CODE and key and not key.isdigit():
        from coding.codebook import get_code

        return str(get_code(session, project, key).id)
    if kind == MEMO_PARTICIPANT and key and not key.isdigit():
        found = session.scalar(select(Participant.id).where(Participant.project_id == project.id,
                                                            Participant.pseudonym == key))
        if found is None:
            raise NotFound(_("no participant {name!r} in project {project!r}", name=key, project=project.name),
                           hint=_("a participant is named by their pseudonym (the speaker column of: fgi segments TRANSCRIPT)"))
        return str(found)
    return _check_target(session, project, kind, key)


def describe_targets(session: Session, project: Project, memos: list[Memo]) -> dict[int, str]:
    """What each memo is on, in words (memo id -> label): the project, a transcript's name, a
    participant's pseudonym, a code's path, a line (transcript, number and the start of its
    text), a theme node's name; a target deleted since is said to be deleted."""
    from coding.codebook import code_index

    wanted: dict[str, set[str]] = {}
    for memo in memos:
        wanted.setdefault(memo.kind, set()).add(memo.target)
    names: dict[tuple[str, str], str] = {}
    if MEMO_TRANSCRIPT in wanted or MEMO_SEGMENT in wanted:
        transcripts = dict(session.execute(select(Transcript.id, Transcript.name)
                                           .where(Transcript.project_id == project.id)).all())
        names |= {(MEMO_TRANSCRIPT, t): transcripts[t] for t in wanted.get(MEMO_TRANSCRIPT, ()) if t in transcripts}
        lines = sorted(wanted.get(MEMO_SEGMENT, ()))
        for i in range(0, len(lines), 500):
            for sid, tid, line, text in session.execute(
                    select(Segment.id, Segment.transcript_id, Segment.line, Segment.text)
                    .where(Segment.id.in_(lines[i : i + 500]))):
                short = text if len(text) <= 30 else text[:29] + "…"
                names[(MEMO_SEGMENT, sid)] = _("{transcript} line {line}: {text}",
                                               transcript=transcripts.get(tid, tid), line=line, text=short)
    if MEMO_PARTICIPANT in wanted:
        for pid, pseudonym in session.execute(select(Participant.id, Participant.pseudonym)
                                              .where(Participant.project_id == project.id)):
            names[(MEMO_PARTICIPANT, str(pid))] = pseudonym
    if MEMO_CODE in wanted:
        names |= {(MEMO_CODE, str(code.id)): path for path, code in code_index(session, project).items()}
    if MEMO_NODE in wanted:
        names |= {(MEMO_NODE, str(i)): name for i, name in session.execute(
            select(_theme_nodes.c.id, column("name")).select_from(_theme_nodes)
            .where(_theme_nodes.c.project_id == project.id))}
    labels = {}
    for memo in memos:
        if memo.kind == MEMO_PROJECT:
            labels[memo.id] = _("the project")
        elif (memo.kind, memo.target) in names:
            labels[memo.id] = names[(memo.kind, memo.target)]
        else:
            labels[memo.id] = _("deleted {what} #{id}", what=_(KIND_NAMES[memo.kind]), id=memo.target)
    return labels


def target_choices(session: Session, project: Project, kind: str, *, transcript_id: str | None = None,
                   viewer: User) -> list[tuple[str, str]]:
    """What a memo of ``kind`` may be written on, as (target, label), for a picker: the
    project's transcripts, participants, codes (by path), theme nodes, or the lines of
    ``transcript_id``."""
    require(session, viewer, "memos.write", project)
    if kind == MEMO_PROJECT:
        return [("", _("the project"))]
    if kind == MEMO_TRANSCRIPT:
        return [(tid, name) for tid, name in session.execute(
            select(Transcript.id, Transcript.name).where(Transcript.project_id == project.id)
            .order_by(Transcript.imported_at, Transcript.name))]
    if kind == MEMO_PARTICIPANT:
        return [(str(pid), f"{pseudonym} ({name})") for pid, pseudonym, name in session.execute(
            select(Participant.id, Participant.pseudonym, Transcript.name)
            .join(Transcript, Transcript.id == Participant.transcript_id)
            .where(Participant.project_id == project.id).order_by(Participant.pseudonym))]
    if kind == MEMO_CODE:
        from coding.codebook import code_index

        return sorted(((str(code.id), path) for path, code in code_index(session, project).items()),
                      key=lambda pair: pair[1])
    if kind == MEMO_NODE:
        return [(str(i), f"{name} ({level})") for i, name, level in session.execute(
            select(_theme_nodes.c.id, column("name"), column("level")).select_from(_theme_nodes)
            .where(_theme_nodes.c.project_id == project.id).order_by(_theme_nodes.c.id))]
    if kind == MEMO_SEGMENT:
        if transcript_id is None:
            return []
        return [(sid, f"{line} {speaker or '-'}: {text if len(text) <= 60 else text[:59] + '…'}")
                for sid, line, speaker, text in session.execute(
                    select(Segment.id, Segment.line, Segment.speaker, Segment.text)
                    .join(Transcript, Transcript.id == Segment.transcript_id)
                    .where(Segment.transcript_id == transcript_id, Transcript.project_id == project.id)
                    .order_by(Segment.line))]
    raise FgiError(_("unknown memo kind {kind!r}", kind=kind),
                   hint=_("one of: {choices}", choices=", ".join(MEMO_KINDS)))


# The columns of a memo table (CSV, or the 메모 sheet of an .xlsx): export headers, translated.
MEMO_COLUMNS = (N_("id"), N_("kind"), N_("on"), N_("target id"), N_("author"), N_("title"), N_("memo text"),
                N_("created"), N_("updated"), N_("source"))
MEMO_SHEET = N_("memos")


def memo_table(session: Session, project: Project, *, viewer: User, **filters) -> tuple[list[str], list[list]]:
    """The memos ``viewer`` may see (``memos_for`` filters), as (columns, rows) for a file."""
    rows = memos_for(session, project, viewer=viewer, **filters)
    about = describe_targets(session, project, rows)
    body = [[m.id, _(KIND_NAMES[m.kind]), about[m.id], m.target, m.author or _("(unknown)"), m.title or "", m.text,
             m.created_at.isoformat(timespec="seconds"), m.updated_at.isoformat(timespec="seconds"), m.source]
            for m in rows]
    return [_(c) for c in MEMO_COLUMNS], body


def export_memos(session: Session, project: Project, path, *, viewer: User, **filters) -> int:
    """Write the memos ``viewer`` may see to .csv or .xlsx (a sheet named 메모); how many."""
    from coding.tables import write_table

    columns, rows = memo_table(session, project, viewer=viewer, **filters)
    write_table(path, columns, rows, sheet=_(MEMO_SHEET))
    return len(rows)
