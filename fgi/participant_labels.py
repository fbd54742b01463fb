"""How reports name participants: the tag after a quote, ``“…” (실무자 A)``.

Pseudonyms (``P19``) are numbered across the project so that every speaker has one stable
id; reports want labels numbered the way the study was run. The project chooses a scheme,
and a researcher may give any participant a label of their own, which wins:

- ``project``: group and pseudonym number, ``실무자19`` (``P19`` without a group);
- ``group``: numbered 1..n within each group, in the order transcripts were imported and
  speakers first spoke, ``실무자1``, ``실무자2`` (``참여자1`` without a group);
- ``transcript``: lettered A, B, ... within each transcript, ``실무자 A`` (``참여자 A``);
- ``original``: the label the transcript itself used (``참여자1``), where it was kept; a
  label that was a name had been replaced by its pseudonym at import, and falls back to the
  ``project`` scheme.

A moderator is ``진행자`` (``실무자 진행자`` with a group) in every scheme. Labels are
report text, written in Korean whatever the app's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import MODERATOR, Event, Participant, Project, Segment, Transcript

SCHEMES = ("project", "group", "transcript", "original")
MAX_LABEL = 40
_PSEUDONYM = re.compile(r"([PM])0*(\d+)")


@dataclass(frozen=True)
class Labelled:
    participant_id: int
    transcript_id: str
    pseudonym: str
    group: str | None
    role: str
    label: str  # what a report writes
    own: bool  # the researcher's own label, not the scheme's


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style letters."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _project_tag(pseudonym: str, group: str | None) -> str:
    match = _PSEUDONYM.fullmatch(pseudonym)
    if match and group:
        return f"{group}{int(match.group(2))}"
    return pseudonym


def labelled_participants(session: Session, project: Project) -> list[Labelled]:
    """Every participant of ``project`` with their report label, in import and speaking order."""
    first_line = dict(session.execute(
        select(Segment.participant_id, func.min(Segment.line))
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.project_id == project.id, Segment.participant_id.is_not(None))
        .group_by(Segment.participant_id)).all())
    rows = session.execute(
        select(Participant, Transcript.imported_at, Transcript.group)
        .join(Transcript, Transcript.id == Participant.transcript_id)
        .where(Participant.project_id == project.id)).all()
    rows.sort(key=lambda r: (r[1], r[0].transcript_id, first_line.get(r[0].id, 10**9), r[0].pseudonym))
    scheme = project.participant_labels or "project"
    per_group: dict[str | None, int] = {}
    per_transcript: dict[str, int] = {}
    labelled: list[Labelled] = []
    for participant, _imported, transcript_group in rows:
        group = participant.group or transcript_group
        if participant.role == MODERATOR:
            automatic = f"{group} 진행자" if group else "진행자"
        elif scheme == "group":
            per_group[group] = per_group.get(group, 0) + 1
            automatic = f"{group or '참여자'}{per_group[group]}"
        elif scheme == "transcript":
            number = per_transcript.get(participant.transcript_id, 0)
            per_transcript[participant.transcript_id] = number + 1
            automatic = f"{group or '참여자'} {letters(number)}"
        elif scheme == "original" and not _PSEUDONYM.fullmatch(participant.label):
            automatic = participant.label
        else:
            automatic = _project_tag(participant.pseudonym, group)
        own = bool(participant.report_label)
        labelled.append(Labelled(participant.id, participant.transcript_id, participant.pseudonym, group,
                                 participant.role, participant.report_label or automatic, own))
    return labelled


def report_labels(session: Session, project: Project) -> dict[str, str]:
    """Pseudonym -> the label reports cite (``P19`` -> ``실무자 A``)."""
    return {p.pseudonym: p.label for p in labelled_participants(session, project)}


def speaker_tag(speaker: str | None, group: str | None, labels: dict[str, str] | None = None) -> str:
    """The tag of a quote's speaker: the report label when known, else group and number."""
    if labels and speaker in labels:
        return labels[speaker]
    match = _PSEUDONYM.fullmatch(speaker or "")
    if match and match.group(1) == "M":
        return f"{group} 진행자" if group else "진행자"
    if match:
        return f"{group}{int(match.group(2))}" if group else (speaker or "")
    return f"{group} {speaker}" if group and speaker else (speaker or group or "화자 미상")


def set_label_scheme(session: Session, project: Project, scheme: str, *, actor: str) -> None:
    """Choose how reports name participants (one of ``SCHEMES``); an event records it."""
    if scheme not in SCHEMES:
        raise FgiError(_("unknown participant label scheme {scheme}", scheme=repr(scheme)),
                       hint=_("use one of: {choices}", choices=", ".join(SCHEMES)))
    before = project.participant_labels
    if before == scheme:
        return
    project.participant_labels = scheme
    Event.record(session, actor=actor, kind="project.participant_labels", project_id=project.id,
                 subject=project.name, payload={"before": before, "after": scheme})


def set_report_labels(session: Session, project: Project, labels: dict[int, str | None], *, actor: str) -> int:
    """Give participants (by id) their own report labels; None or "" returns one to the
    scheme. All are checked before any is changed; returns how many changed."""
    participants = {p.id: p for p in session.scalars(
        select(Participant).where(Participant.project_id == project.id, Participant.id.in_(list(labels))))}
    problems = [_("no participant with id {id}", id=i) for i in labels if i not in participants]
    cleaned: dict[int, str | None] = {}
    for participant_id, label in labels.items():
        value = " ".join(str(label).split()) if label else None
        if value and len(value) > MAX_LABEL:
            problems.append(_("the label {label} is longer than {limit} characters", label=repr(value[:50]),
                              limit=MAX_LABEL))
        if value and any(ch in value for ch in "()\x00"):
            problems.append(_("the label {label} may not contain parentheses or NUL characters",
                              label=repr(value[:50])))
        cleaned[participant_id] = value or None
    if len(problems) == 1:
        raise FgiError(problems[0])
    if problems:
        raise FgiError(_("nothing was saved:"), details=problems)
    changed = 0
    for participant_id, value in cleaned.items():
        participant = participants[participant_id]
        if participant.report_label == value:
            continue
        Event.record(session, actor=actor, kind="participant.label", project_id=project.id,
                     subject=participant.pseudonym,
                     payload={"before": participant.report_label, "after": value})
        participant.report_label = value
        changed += 1
    return changed


def duplicates(labelled: Iterable[Labelled]) -> dict[str, list[str]]:
    """Labels that more than one participant of different transcripts would share in a report
    (label -> their pseudonyms): worth a warning, as a reader could not tell them apart."""
    seen: dict[str, list[Labelled]] = {}
    for item in labelled:
        seen.setdefault(item.label, []).append(item)
    return {label: [i.pseudonym for i in items] for label, items in seen.items()
            if len(items) > 1 and items[0].role != MODERATOR}
