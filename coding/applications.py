"""Applying and removing codes, and the one read every caller uses: ``codings_for``.

Blind coding (``Project.blind_coding``, on by default) is enforced here and nowhere else:
until a lead reveals a transcript, a coder reading codings gets only their own; leads and
admins get everyone's; after ``reveal`` (:mod:`coding.reveal`) every member sees all codings
of that transcript. Applying and removing codes is refused on a revealed transcript unless
the project allows post-reveal changes, and on a transcript whose round is closed.
The CLI, the app, exports and agreement reports read codings through ``codings_for``.

A coding's ``memo`` is its coder's (first) memo on the line, a ``coding.memos`` memo of kind
``segment``: removing the code leaves it, and it is seen wherever the coding is seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coding.codebook import code_path, get_code
from coding.models import APPLICATION_SOURCES, MANUAL, Code, CodeApplication, Reveal, User
from coding.memos import first_line_memos, put_line_memo
from coding.permissions import require
from coding.users import require_member
from coding.reveal import check_change_allowed, is_revealed, reveal  # noqa: F401 - reveal lives in coding.reveal
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Project, Segment, Transcript
from fgi.i18n import _


class ConcurrentChange(FgiError):
    """Someone else changed the same rows at the same moment; trying again is safe."""


@dataclass(frozen=True)
class Coding:
    id: int
    segment_id: str
    transcript_id: str
    line: int
    code_id: int
    code_path: str
    coder: str
    memo: str | None  # the coder's memo on the line (not on this code alone)
    source: str
    created_at: datetime


def get_segment(session: Session, segment_id: str) -> tuple[Segment, Transcript]:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound(_('no segment {segment_id}', segment_id=repr(segment_id)), hint=_('segment ids are listed by: fgi segments TRANSCRIPT'))
    return segment, session.get(Transcript, segment.transcript_id)


def resolve_code(session: Session, project: Project, code: str | int) -> Code:
    """A code of ``project`` by path (or unique name) or by id."""
    if isinstance(code, int):
        found = session.get(Code, code)
        if found is None or found.project_id != project.id:
            raise NotFound(_('no code with id {code} in project {name}', code=code, name=repr(project.name)))
        return found
    return get_code(session, project, code)


def _line_memo(session: Session, segment: Segment, coder: User, project_id: int) -> str | None:
    return first_line_memos(session, [project_id], [segment.id]).get((segment.id, coder.id))


def _coding(session: Session, application: CodeApplication, segment: Segment, coder: User,
            memo: str | None) -> Coding:
    return Coding(application.id, segment.id, segment.transcript_id, segment.line, application.code_id,
                  code_path(session, session.get(Code, application.code_id)), coder.name,
                  memo, application.source, application.created_at)


def _payload(application: CodeApplication, path: str, coder: User, memo: str | None) -> dict:
    return {"segment": application.segment_id, "code": path, "code_id": application.code_id,
            "coder": coder.name, "memo": memo, "source": application.source}


INSERT_ATTEMPTS = 3  # a coding removed and applied again by another process while we insert


def apply_code(session: Session, coder: User, segment_id: str, code: str | int, *,
               memo: str | None = None, source: str = MANUAL) -> Coding:
    """``coder`` codes the segment with ``code`` (path or id). Applying a code the coder has
    already applied changes nothing, except that a memo given replaces the coder's memo on
    the line (written, titled with the code's name, when they have none there yet)."""
    if source not in APPLICATION_SOURCES:
        raise FgiError(_('unknown coding source {source}', source=repr(source)), hint=_('one of: {join}', join=', '.join(APPLICATION_SOURCES)))
    segment, transcript = get_segment(session, segment_id)
    check_change_allowed(session, transcript)  # round open; not revealed, or post-reveal changes allowed
    project = session.get(Project, transcript.project_id)
    require(session, coder, "code", project)
    target = resolve_code(session, project, code)
    path = code_path(session, target)
    memo = (memo.strip() or None) if memo is not None else None
    # Another process of the same coder may apply or remove this coding between our read and
    # our insert; each round either finds the row, inserts it, or sees it vanish and tries again.
    for _attempt in range(INSERT_ATTEMPTS):
        application = _find(session, segment.id, target.id, coder.id)
        if application is not None:
            break
        application = _insert(session, segment.id, target.id, coder.id, source)
        if application is not None:
            memo_before = _line_memo(session, segment, coder, project.id)
            payload = {"before": None}
            if memo is not None and memo != memo_before:
                _memo, written = put_line_memo(session, project, coder, segment.id, memo, target.name)
                payload |= {"memo_before": memo_before, "memo_id": written.id}
            memo = memo or memo_before
            payload["after"] = _payload(application, path, coder, memo)
            Event.record(session, actor=coder.name, kind="code.apply", project_id=project.id, subject=segment.id,
                         payload=payload)
            return _coding(session, application, segment, coder, memo)
    if application is None:
        raise ConcurrentChange(
            _('segment {id} or code {path} was changed by someone else while {name} coded it', id=segment.id, path=repr(path), name=coder.name),
            hint=_('try again; if it fails again, check that the segment and the code still exist'))
    current = _line_memo(session, segment, coder, project.id)
    if memo is not None and memo != current:
        before = _payload(application, path, coder, current)
        _memo, written = put_line_memo(session, project, coder, segment.id, memo, target.name)
        current = written.text
        Event.record(session, actor=coder.name, kind="code.memo", project_id=project.id, subject=segment.id,
                     payload={"before": before, "after": _payload(application, path, coder, current),
                              "memo_id": written.id})
    return _coding(session, application, segment, coder, current)


def _find(session: Session, segment_id: str, code_id: int, coder_id: int) -> CodeApplication | None:
    return session.scalar(select(CodeApplication).where(
        CodeApplication.segment_id == segment_id, CodeApplication.code_id == code_id,
        CodeApplication.coder_id == coder_id).execution_options(populate_existing=True))


def _insert(session: Session, segment_id: str, code_id: int, coder_id: int, source: str) -> CodeApplication | None:
    """The new coding, or None when the database refused it: the same coder applied the
    same code in another process at the same moment (unique constraint), or the segment or
    code was deleted meanwhile (foreign key). A savepoint keeps the transaction usable."""
    application = CodeApplication(segment_id=segment_id, code_id=code_id, coder_id=coder_id, source=source)
    try:
        with session.begin_nested():
            session.add(application)
    except IntegrityError:
        return None
    return application


def remove_code(session: Session, coder: User, segment_id: str, code: str | int) -> None:
    """Delete ``coder``'s coding of the segment with ``code``; recorded as an event. The
    coder's memos on the line stay."""
    segment, transcript = get_segment(session, segment_id)
    check_change_allowed(session, transcript)  # round open; not revealed, or post-reveal changes allowed
    project = session.get(Project, transcript.project_id)
    require(session, coder, "code", project)
    target = resolve_code(session, project, code)
    path = code_path(session, target)
    # One DELETE ... RETURNING: of two processes removing the same coding at once, only
    # the one whose statement deleted the row records the event; the other is told it is gone.
    deleted = session.execute(
        delete(CodeApplication).where(
            CodeApplication.segment_id == segment.id, CodeApplication.code_id == target.id,
            CodeApplication.coder_id == coder.id)
        .returning(CodeApplication.id, CodeApplication.source)
        .execution_options(synchronize_session="fetch")).one_or_none()
    if deleted is None:
        raise NotFound(_('{name} has not coded segment {id} with {path}', name=coder.name, id=segment.id, path=repr(path)),
                       hint=_('see the codings: fgi code export --project {name} --as {name2}', name=repr(project.name), name2=coder.name))
    before = {"segment": segment.id, "code": path, "code_id": target.id, "coder": coder.name,
              "memo": _line_memo(session, segment, coder, project.id), "source": deleted.source}
    Event.record(session, actor=coder.name, kind="code.remove", project_id=project.id, subject=segment.id,
                 payload={"before": before, "after": None})


def _projects_in_scope(session: Session, project: Project | None, transcript_id: str | None,
                       segment_ids: Sequence[str] | None) -> list[Project]:
    ids: set[int] = set()
    if project is not None:
        ids.add(project.id)
    if transcript_id is not None:
        transcript = session.get(Transcript, transcript_id)
        if transcript is None:
            raise NotFound(_('no transcript {transcript_id}', transcript_id=repr(transcript_id)))
        ids.add(transcript.project_id)
    if segment_ids:
        ids |= set(session.scalars(
            select(Transcript.project_id).join(Segment, Segment.transcript_id == Transcript.id)
            .where(Segment.id.in_(list(segment_ids))).distinct()))
    if project is None and transcript_id is None and segment_ids is None:
        raise FgiError(_('say which codings to read: a project, a transcript or segments'))
    return [session.get(Project, i) for i in sorted(ids)]


def codings_for(session: Session, viewer: User, *, project: Project | None = None,
                transcript_id: str | None = None, segment_ids: Sequence[str] | None = None,
                coder: User | None = None) -> list[Coding]:
    """The codings ``viewer`` may see in the scope given (all scopes given must hold),
    optionally only ``coder``'s, in transcript and line order."""
    projects = _projects_in_scope(session, project, transcript_id, segment_ids)
    for p in projects:
        require(session, viewer, "codings.read.own", p)
    query = (
        select(CodeApplication, Segment, User)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .join(User, User.id == CodeApplication.coder_id)
    )
    if project is not None:
        query = query.where(Transcript.project_id == project.id)
    if transcript_id is not None:
        query = query.where(Segment.transcript_id == transcript_id)
    if segment_ids is not None:
        query = query.where(Segment.id.in_(list(segment_ids)) if segment_ids else false())
    if coder is not None:
        query = query.where(CodeApplication.coder_id == coder.id)
    query = query.where(_visible_to(viewer, [p.id for p in projects if not p.blind_coding]))
    rows = session.execute(query.order_by(Transcript.imported_at, Segment.transcript_id, Segment.line,
                                          CodeApplication.code_id, User.name)).all()
    paths: dict[int, str] = {}
    memos = first_line_memos(session, [p.id for p in projects]) if rows else {}
    result = []
    for application, segment, user in rows:
        if application.code_id not in paths:
            paths[application.code_id] = code_path(session, session.get(Code, application.code_id))
        result.append(Coding(application.id, segment.id, segment.transcript_id, segment.line,
                             application.code_id, paths[application.code_id], user.name,
                             memos.get((segment.id, user.id)), application.source, application.created_at))
    return result


def visible_condition(session: Session, viewer: User, project: Project):
    """The blind rule of ``codings_for`` as a SQL condition on ``CodeApplication`` joined
    (or correlated) with its ``Segment`` and ``Transcript``: what ``viewer`` may see of
    ``project``'s codings."""
    require(session, viewer, "codings.read.own", project.id)
    return _visible_to(viewer, [] if project.blind_coding else [project.id])


def visible_scope(session: Session, viewer: User, project: Project, *columns):
    """``columns`` of the codings of ``project`` that ``viewer`` may see (the same rule as
    ``codings_for``), for aggregate reads."""
    condition = visible_condition(session, viewer, project)
    return (
        select(*columns)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.project_id == project.id, condition)
    )


def visible_code_counts(session: Session, viewer: User, *, project: Project) -> dict[int, int]:
    """How many codings of each code ``viewer`` may see in ``project`` (code id -> count):
    ``codings_for``'s rule counted in SQL, so the codebook stays quick on large projects."""
    query = visible_scope(session, viewer, project, CodeApplication.code_id, func.count(CodeApplication.id)) \
        .group_by(CodeApplication.code_id)
    return {code_id: n for code_id, n in session.execute(query).all()}


def visible_line_codes(session: Session, viewer: User, *, project: Project) -> dict[str, set[int]]:
    """The codes ``viewer`` may see on each coded line of ``project`` (segment id -> code
    ids, any coder's), by ``codings_for``'s rule, without loading every coding."""
    query = visible_scope(session, viewer, project, CodeApplication.segment_id, CodeApplication.code_id).distinct()
    codes: dict[str, set[int]] = {}
    for segment_id, code_id in session.execute(query).all():
        codes.setdefault(segment_id, set()).add(code_id)
    return codes


def sees_every_coding(session: Session, viewer: User, project: Project) -> set[str] | None:
    """The transcripts of ``project`` whose every coding ``viewer`` may see (None: all of
    them: a lead or admin, or a project without blind coding). What was computed from
    everyone's codings may be shown to the viewer only when it comes from these."""
    require(session, viewer, "codings.read.own", project.id)
    if viewer.is_lead or not project.blind_coding:
        return None
    return set(session.scalars(select(Reveal.transcript_id).join(Transcript, Transcript.id == Reveal.transcript_id)
                               .where(Transcript.project_id == project.id)))


def _visible_to(viewer: User, open_project_ids: list[int]):
    """The blind-coding rule as a SQL condition over the joined codings."""
    if viewer.is_lead:
        return true()
    revealed = select(Reveal.transcript_id)
    return or_(
        CodeApplication.coder_id == viewer.id,
        Segment.transcript_id.in_(revealed),
        Transcript.project_id.in_(open_project_ids) if open_project_ids else false(),
    )
