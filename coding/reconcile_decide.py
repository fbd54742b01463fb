"""A lead decides a whole line at once: keep, drop or replace each code on it, or add one.

The choices become the existing consensus decisions, one row per (segment, code):
keep and add are *apply*, drop is *reject*, replace is *replace* with the new code. Each row
written is an audited ``consensus.decide`` event with before, after and its reason; all of
them are written in the caller's one transaction, or none.

Two leads on one line: the save names the version of the line its card showed
(:attr:`coding.reconcile_queue.LineItem.version`). The line's row is locked (PostgreSQL
``SELECT ... FOR UPDATE``; SQLite writers hold the write lock from their first statement),
the version is computed again inside the transaction, and a save made on an older card is
refused with :class:`StaleLine`: nothing is overwritten unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import get_segment, resolve_code
from coding.codebook import code_path
from coding.models import APPLY, REJECT, REPLACE, CodeApplication, ConsensusDecision, User
from coding.reconcile import Decision, write_decision
from coding.reconcile_queue import line_versions
from coding.users import require_lead
from fgi.errors import FgiError
from fgi.models import Project, Segment
from fgi.i18n import _

KEEP, DROP, ADD = "keep", "drop", "add"
LINE_ACTIONS = (KEEP, DROP, REPLACE, ADD)
_DECISION = {KEEP: APPLY, DROP: REJECT, REPLACE: REPLACE, ADD: APPLY}


class StaleLine(FgiError):
    """The line changed (another lead decided, or a coder changed a coding) after the card
    the save was made on was shown."""

    def __init__(self, segment_id: str, line: int, current_version: str) -> None:
        super().__init__(
            f"line {line} ({segment_id}) changed after it was shown: someone decided it or changed its "
            "codings in the meantime; nothing was saved",
            hint=_('look at the line again (fgi reconcile list --all) and decide on what it shows now'),
        )
        self.segment_id = segment_id
        self.line = line
        self.current_version = current_version


@dataclass(frozen=True)
class CodeChoice:
    code: str | int  # path or id
    action: str  # keep, drop, replace, add
    replacement: str | int | None = None  # for replace
    reason: str | None = None  # this code's own reason; else the line's


@dataclass(frozen=True)
class LineDecision:
    segment_id: str
    line: int
    written: list[Decision]  # decisions stored (new or changed)
    unchanged: list[str]  # codes whose state the choice left as it was (e.g. an agreed code kept)
    version: str  # the line's version after the save


def decide_line(
    session: Session, lead: User, segment_id: str, choices: Sequence[CodeChoice], *,
    reason: str | None = None, expected_version: str | None,
) -> LineDecision:
    """Decide the codes of one line. Every disputed code without a decision must be among
    ``choices``. ``expected_version`` is the version the lead saw (None only where no card
    was shown, e.g. a script); a different current version raises :class:`StaleLine`."""
    segment, transcript = get_segment(session, segment_id)
    project = session.get(Project, transcript.project_id)
    require_lead(session, lead, project.id, "decide the consensus coding")
    # Lock the line so a second lead's save waits here and then sees the first one's rows.
    session.execute(select(Segment.id).where(Segment.id == segment.id).with_for_update())
    current = line_versions(session, [segment.id])[segment.id]
    if expected_version is not None and expected_version != current:
        raise StaleLine(segment.id, segment.line, current)

    applied, coders = _line_codings(session, segment)
    existing = {d.code_id: d for d in session.scalars(
        select(ConsensusDecision).where(ConsensusDecision.segment_id == segment.id))}
    disputed = {k for k, by in applied.items() if 0 < len(by) < len(coders)}
    line_reason = (reason or "").strip() or None
    plan = _plan(session, project, segment, choices, applied, existing, disputed, line_reason)
    missing = disputed - set(existing) - {code.id for code, *_ in plan}
    if missing:
        names = ", ".join(sorted(code_path(session, resolve_code(session, project, k)) for k in missing))
        raise FgiError(_('line {line}: the coders differ on {names}, and the decision says nothing of it', line=segment.line, names=names),
                       hint=_('decide every code the coders differ on: --keep, --drop or --replace OLD=NEW'))

    written, unchanged = [], []
    for code, decision, other, why in plan:
        row = existing.get(code.id)
        path = code_path(session, code)
        if row is None and decision == APPLY and code.id in applied and code.id not in disputed:
            unchanged.append(path)  # every coder applied it: it is in the consensus already
            continue
        if row is not None and (row.decision, row.replacement_code_id, row.reason) == (
                decision, other.id if other else None, why):
            unchanged.append(path)
            continue
        written.append(write_decision(session, lead, project, segment, code, path, row, decision, other, why,
                                      line_version=current))
    session.flush()
    return LineDecision(segment.id, segment.line, written, unchanged,
                        line_versions(session, [segment.id])[segment.id])


def _line_codings(session: Session, segment: Segment) -> tuple[dict[int, set[int]], set[int]]:
    """Who applied which code on the line, and the coders who coded its transcript (the
    coders whose absence of a code counts, as in the agreement arrays)."""
    applied: dict[int, set[int]] = {}
    for code, coder in session.execute(select(CodeApplication.code_id, CodeApplication.coder_id)
                                       .where(CodeApplication.segment_id == segment.id)):
        applied.setdefault(code, set()).add(coder)
    coders = set(session.scalars(
        select(CodeApplication.coder_id).join(Segment, Segment.id == CodeApplication.segment_id)
        .where(Segment.transcript_id == segment.transcript_id).distinct()))
    return applied, coders


def _plan(session, project, segment, choices, applied, existing, disputed, line_reason) -> list[tuple]:
    """Check every choice before anything is written: (code, decision, replacement, reason)."""
    if not choices:
        raise FgiError(_('line {line}: no decision given', line=segment.line),
                       hint=_('name the codes: --keep A --drop B --replace C=D --add E'))
    plan, seen = [], set()
    for choice in choices:
        if choice.action not in LINE_ACTIONS:
            raise FgiError(_('unknown action {action}', action=repr(choice.action)), hint=_('one of: {join}', join=', '.join(LINE_ACTIONS)))
        code = resolve_code(session, project, choice.code)
        path = code_path(session, code)
        if code.id in seen:
            raise FgiError(_('line {line}: {path} is decided twice', line=segment.line, path=repr(path)), hint=_('one action per code'))
        seen.add(code.id)
        on_line = code.id in applied or code.id in existing
        if choice.action == ADD and code.id in applied:
            raise FgiError(_('line {line}: a coder applied {path} already, so it cannot be added', line=segment.line, path=repr(path)),
                           hint=_('keep it instead (--keep)'))
        if choice.action != ADD and not on_line:
            raise FgiError(_('line {line}: nobody applied {path}', line=segment.line, path=repr(path)), hint=_('to put it on the line: --add'))
        other = None
        if choice.action == REPLACE:
            if choice.replacement is None:
                raise FgiError(_('line {line}: replacing {path} needs the code to put in its place', line=segment.line, path=repr(path)),
                               hint=_("--replace 'OLD/PATH=NEW/PATH'"))
            other = resolve_code(session, project, choice.replacement)
            if other.id == code.id:
                raise FgiError(_('line {line}: {path} cannot replace itself', line=segment.line, path=repr(path)), hint=_('keep it instead'))
        elif choice.replacement is not None:
            raise FgiError(_('a replacement code only goes with replace, not {action}', action=choice.action))
        why = (choice.reason or "").strip() or line_reason
        plan.append((code, _DECISION[choice.action], other, why))
    # An agreed code kept as it is needs no reason: nothing is decided about it.
    reasonless = [code_path(session, code) for code, decision, _, why in plan if why is None
                  and not (decision == APPLY and code.id in applied and code.id not in disputed | set(existing))]
    if reasonless:
        raise FgiError(_('line {line}: no reason for {join}', line=segment.line, join=', '.join(reasonless)),
                       hint=_('give one reason for the line (--reason) or one per code'))
    return plan
