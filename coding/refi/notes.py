"""Memos as REFI-QDA notes (``<Notes>``), each tied to what it is about.

The standard (REFI-QDA 1.5, 3.9 and 10.1) makes a note a text source that annotates the
project, a source, a selection or a code; the schema gives those a ``<NoteRef>``. So:

* project memo: ``<NoteRef>`` at the end of ``<Project>``;
* transcript memo: ``<NoteRef>`` in its ``<TextSource>``;
* code memo: ``<NoteRef>`` in its ``<Code>``; theme-node memo: in its folder ``<Code>``;
* line memo: a ``<PlainTextSelection>`` over the line without a coding, its author as
  ``creatingUser``, holding the ``<NoteRef>`` and the memo text as ``<Description>`` (how
  MAXQDA writes a memo in a document, and what QualCoder imports as an annotation);
* participant memo: a ``<Case>`` has no ``<NoteRef>`` in the schema, so a ``<Link>`` from
  the note to the case.

A note's text is a file in ``sources/`` (``plainTextPath``, as NVivo and QualCoder write
notes, and what QualCoder imports as a journal), except a line memo's note, whose text is
inline (``<PlainTextContent>``) so that QualCoder, which reads the selection's description,
does not get it twice. Coding memos are not notes: they are the coding's selection
``<Description>`` (``coding.refi.collect``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.memos import memos_for
from coding.models import Memo as MemoRow
from coding.models import User
from coding.refi.data import RefiLink, RefiNote, RefiSelection, RefiSource, selection_name, stable_guid
from coding.refi.guids import guid_of_memo
from fgi.i18n import _
from fgi.models import Project, Segment

NAME_LENGTH = 60


@dataclass
class Notes:
    notes: list[RefiNote] = field(default_factory=list)
    links: list[RefiLink] = field(default_factory=list)
    refs: dict[str, list[str]] = field(default_factory=dict)  # target guid ("project" too) -> note guids


@dataclass(frozen=True)
class Targets:
    """How memo targets are found in the export: guids of what the notes refer to."""

    project_id: int
    sources: dict[str, RefiSource]  # transcript id -> source
    code_guids: dict[int, str]  # code id -> guid
    case_guids: dict[int, str]  # participant id -> case guid
    folder_guid: Callable[[str], str | None]  # theme node id -> folder guid (None: not exported)
    user_guid: Callable[[str | None], str | None]  # author name -> user guid
    names: dict[str, str]  # target key -> a readable name for the note


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NAME_LENGTH else text[:NAME_LENGTH] + "…"


def collect_notes(session: Session, project: Project, *, viewer: User, targets: Targets) -> Notes:
    """Every memo ``viewer`` may read, as notes; line memos also add a selection to their source."""
    found = Notes()
    memos = memos_for(session, project, viewer=viewer)
    guids = {row.id: guid_of_memo(row) for row in session.scalars(
        select(MemoRow).where(MemoRow.project_id == project.id))}
    segments = {s.id: s for s in session.scalars(
        select(Segment).where(Segment.id.in_([m.target for m in memos if m.kind == "segment"])))}
    for memo in memos:
        guid = guids[memo.id]
        name = memo.title or _default_name(memo.kind, targets.names.get(f"{memo.kind}:{memo.target}", memo.target))
        note = RefiNote(guid, name, memo.text, targets.user_guid(memo.author), created=memo.created_at,
                        modified=memo.updated_at)
        if memo.kind == "project":
            found.refs.setdefault("project", []).append(guid)
        elif memo.kind == "transcript" and memo.target in targets.sources:
            targets.sources[memo.target].note_guids.append(guid)
        elif memo.kind == "code" and memo.target.isdigit() and int(memo.target) in targets.code_guids:
            found.refs.setdefault(targets.code_guids[int(memo.target)], []).append(guid)
        elif memo.kind == "node" and targets.folder_guid(memo.target):
            found.refs.setdefault(targets.folder_guid(memo.target), []).append(guid)
        elif memo.kind == "participant" and memo.target.isdigit() and int(memo.target) in targets.case_guids:
            found.links.append(RefiLink(stable_guid(targets.project_id, "link", guid), _("memo"), guid,
                                        targets.case_guids[int(memo.target)]))
        elif memo.kind == "segment" and memo.target in segments \
                and segments[memo.target].transcript_id in targets.sources:
            segment = segments[memo.target]
            source = targets.sources[segment.transcript_id]
            note.inline = True
            source.selections.append(RefiSelection(
                stable_guid(targets.project_id, "memo-selection", guid), segment.start, segment.end, [],
                name=selection_name(source.text[segment.start:segment.end]), user_guid=note.user_guid,
                description=memo.text, created=memo.created_at, modified=memo.updated_at, note_guids=[guid]))
        else:  # its target is gone or not exported (e.g. a theme node without the hierarchy): kept unattached
            pass
        found.notes.append(note)
    for source in targets.sources.values():
        source.selections.sort(key=lambda s: (s.start, s.end, not s.codings))
    return found


def _default_name(kind: str, target: str) -> str:
    names = {
        "project": _("Project memo"),
        "transcript": _("Transcript memo: {target}", target=target),
        "participant": _("Participant memo: {target}", target=target),
        "code": _("Code memo: {target}", target=target),
        "segment": _("Line memo: {target}", target=target),
        "node": _("Theme memo: {target}", target=target),
    }
    return _short(names.get(kind, target))
