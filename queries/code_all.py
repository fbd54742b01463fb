"""Code all hits: one code applied to many lines (a search's hits, or the ticked ones) in
one action. Every line is checked before anything is written: a line of another project,
or of a transcript whose coding may not change now (revealed and blocked, or its round
closed), refuses the whole action, naming the lines. Each new coding is one audited
``code.apply`` event (``coding.undo.apply_codes``); lines the user had already coded
with the code are left as they are. The caller gets the ``coding.undo`` actions, to undo it as one step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import resolve_code
from coding.codebook import code_path
from coding.models import CodeApplication, User
from coding.permissions import require
from coding.undo import UndoAction, apply_codes
from fgi.errors import FgiError, NotFound
from fgi.i18n import _
from fgi.models import Project, Segment, Transcript
from queries.lines import chunks

MAX_LINES = 5000  # lines coded in one action


@dataclass(frozen=True)
class CodedAll:
    code_id: int
    code: str  # its path
    applied: tuple[str, ...]  # segment ids newly coded, in the order given
    already: tuple[str, ...]  # segment ids the user had coded with it before
    actions: tuple[UndoAction, ...] = ()  # the step that undoes it (coding.undo)


class LinesRefused(FgiError):
    """Some of the lines may not be coded now; nothing was written."""


def code_all(session: Session, project: Project, segment_ids: list[str], code: str | int, *,
             actor: User) -> CodedAll:
    """``actor`` codes every line of ``segment_ids`` with ``code``, all or nothing."""
    segment_ids = list(dict.fromkeys(segment_ids))
    if not segment_ids:
        raise FgiError(_("no lines to code"), hint=_("search first, or tick at least one hit"))
    if len(segment_ids) > MAX_LINES:
        raise FgiError(_("{n} lines are more than {limit} coded in one action", n=len(segment_ids), limit=MAX_LINES),
                       hint=_("narrow the search with filters"))
    require(session, actor, "code", project)
    target = resolve_code(session, project, code)
    path = code_path(session, target)
    transcripts: dict[str, str] = {}
    for part in chunks(segment_ids):
        transcripts.update(session.execute(
            select(Segment.id, Segment.transcript_id).join(Transcript, Transcript.id == Segment.transcript_id)
            .where(Segment.id.in_(part), Transcript.project_id == project.id)).all())
    missing = [s for s in segment_ids if s not in transcripts]
    if missing:
        raise NotFound(_("{n} lines are not in project {project}: {lines}", n=len(missing), project=project.name,
                         lines=", ".join(missing[:10])))
    refused: list[str] = []
    reasons: list[str] = []
    from coding.reveal import check_change_allowed

    for transcript_id in dict.fromkeys(transcripts.values()):
        try:
            check_change_allowed(session, session.get(Transcript, transcript_id))
        except FgiError as exc:
            refused += [s for s in segment_ids if transcripts[s] == transcript_id]
            reasons.append(exc.message)
    if refused:
        raise LinesRefused(
            _("{n} of the {total} lines may not be coded now, so none was coded: {lines}", n=len(refused),
              total=len(segment_ids), lines=", ".join(refused[:10]) + (" …" if len(refused) > 10 else "")),
            hint=_("untick those lines and code the rest; why: {reasons}", reasons="; ".join(reasons)))
    had: set[str] = set()
    for part in chunks(segment_ids):
        had |= set(session.scalars(select(CodeApplication.segment_id).where(
            CodeApplication.segment_id.in_(part), CodeApplication.code_id == target.id,
            CodeApplication.coder_id == actor.id)))
    actions = apply_codes(session, actor, [s for s in segment_ids if s not in had], target.id)
    return CodedAll(target.id, path, tuple(a.segment_id for a in actions), tuple(s for s in segment_ids if s in had),
                    tuple(actions))
