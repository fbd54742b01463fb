"""Read a project into plain data for a REFI-QDA export (no XML here).

What goes out: transcripts (their stored, pseudonymised text), the codebook, every
coder's codings (one selection per coding, its coder as ``creatingUser``, its memo as the
selection's description), the consensus coding of settled segments when a lead has
reconciled (attributed to the user ``CONSENSUS_USER``; a project without decisions has no
consensus layer and no such user), the users who coded or are members, and the
participants as cases (pseudonym, group, role). What never goes out:
``pseudonym_keys``, speaker labels as imported, file names and header metadata of the
imported files, participants' free attributes other than ``group``. The one exception is
asked for explicitly by a lead (``original_names``): each source is then named after its
imported file and described by the file name and the CLOVA header's author.

Reading every coder's codings needs the full view (a lead or admin, or any member once
the transcripts are revealed), as agreement reports do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import codings_for
from coding.codebook import CodeView, code_index, list_codes
from coding.consensus import consensus_codings, decision_rows
from coding.matrix import require_full_view
from coding.permissions import require
from coding.memos import memos_for
from coding.models import Code, User
from coding.qdc import code_guid
from coding.refi.data import (
    CONSENSUS_USER, Folder, RefiCase, RefiCoding, RefiLink, RefiNote, RefiSelection, RefiSet, RefiSource, RefiUser,
    is_guid, selection_name, stable_guid,
)
from coding.refi.guids import guid_of_code as guid_of_code_row
from coding.refi.guids import guid_of_set as guid_of_set_row
from coding.refi.guids import guid_of_transcript, guid_of_user
from coding.refi.notes import Targets, collect_notes
from coding.refi.store import code_sets_for, selections_for
from coding.users import project_members, require_lead
from fgi.models import Participant, Project, PseudonymKey, Segment, Transcript

CASE_VARIABLES = ("group", "role")  # the only participant facts that leave the database


@dataclass
class ProjectExport:
    """Everything a ``project.qde`` holds, as plain data."""

    project_id: int
    name: str
    description: str
    users: list[RefiUser]
    codes: list[CodeView]  # the codebook in tree order
    folders: list[Folder]  # non-codable nodes above the codes (the theme hierarchy)
    sources: list[RefiSource]
    cases: list[RefiCase]
    variables: list[str] = field(default_factory=lambda: list(CASE_VARIABLES))
    code_guids: dict[int, str] = field(default_factory=dict)  # code id -> its (stored) GUID
    notes: list[RefiNote] = field(default_factory=list)
    note_refs: dict[str, list[str]] = field(default_factory=dict)  # code/folder guid or "project" -> notes
    links: list[RefiLink] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)

    def folder_guid(self, folder: Folder) -> str:
        return stable_guid(self.project_id, "folder", folder.key)

    def code_guid(self, code: CodeView) -> str:
        return self.code_guids.get(code.id) or code_guid(self.project_id, code.id)

    def variable_guid(self, name: str) -> str:
        return stable_guid(self.project_id, "variable", name)


@dataclass(frozen=True)
class _Piece:
    """One coding, or the part of an imported selection inside one coded line."""

    start: int
    end: int
    guid: str | None  # the imported selection's GUID (None: a whole-line coding made here)
    code_guid: str
    code_order: int
    user: str
    memo: str
    created: datetime | None


def has_consensus_layer(session: Session, project: Project) -> bool:
    """A consensus exists only where a lead reconciled: at least one decision is stored."""
    return bool(decision_rows(session, project))


def collect_project(session: Session, project: Project, *, viewer: User,
                    folders: Sequence[Folder] = (), original_names: bool = False) -> ProjectExport:
    """The project as a REFI-QDA export sees it; ``folders`` is the theme hierarchy (if any).

    ``original_names`` (a lead only) names sources after the imported files and describes
    them by file name and CLOVA header author, which pseudonymisation otherwise keeps in."""
    if original_names:
        require_lead(session, viewer, project.id, "export the original file names")
    transcripts = list(session.scalars(
        select(Transcript).where(Transcript.project_id == project.id).order_by(Transcript.imported_at, Transcript.id)))
    require(session, viewer, "export.qdpx", project)
    require_full_view(session, viewer, project, [t.id for t in transcripts])
    codes = list_codes(session, project)
    stored_codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project.id))}
    guid_of_code = {c.id: guid_of_code_row(stored_codes[c.id]) for c in codes}
    order_of_code = {c.id: i for i, c in enumerate(codes)}
    ids_by_path = {path: code.id for path, code in code_index(session, project).items()}

    codings = codings_for(session, viewer, project=project)
    consensus = ([c for c in consensus_codings(session, project, viewer=viewer) if c.settled]
                 if codings and has_consensus_layer(session, project) else [])
    memos = memos_for(session, project, viewer=viewer)
    names = sorted({c.coder for c in codings} | {u.name for u in project_members(session, project)}
                   | {m.author for m in memos if m.author})
    known = {u.name: u for u in session.scalars(select(User).where(User.name.in_(names)))}
    users = [RefiUser(guid_of_user(known[n]), n) for n in names if n in known]
    if consensus:
        users.append(RefiUser(stable_guid(project.id, "user", CONSENSUS_USER), CONSENSUS_USER))
    user_guid = {u.name: u.guid for u in users}

    spans = selections_for(session, [c.id for c in codings])
    by_transcript: dict[str, list[_Piece]] = {}
    segment_spans = dict(session.execute(select(Segment.id, Segment.start).join(Transcript)
                                         .where(Transcript.project_id == project.id)).all())
    segment_ends = dict(session.execute(select(Segment.id, Segment.end).join(Transcript)
                                        .where(Transcript.project_id == project.id)).all())
    for c in codings:
        common = dict(code_guid=guid_of_code[c.code_id], code_order=order_of_code[c.code_id], user=c.coder,
                      memo=c.memo or "", created=c.created_at)
        for span in spans.get(c.id) or [None]:
            start, end = (span.start, span.end) if span else (segment_spans[c.segment_id], segment_ends[c.segment_id])
            by_transcript.setdefault(c.transcript_id, []).append(
                _Piece(start, end, span.guid if span else None, **common))
    for c in consensus:
        code_id = ids_by_path[c.code]
        by_transcript.setdefault(c.transcript_id, []).append(_Piece(
            segment_spans[c.segment_id], segment_ends[c.segment_id], None, guid_of_code[code_id],
            order_of_code[code_id], CONSENSUS_USER, "", None))

    taken: set[str] = set()
    sources = [_source(project, t, by_transcript.get(t.id, []), user_guid, taken) for t in transcripts]
    if original_names:
        _name_after_files(session, project, transcripts, sources)
    participants = _participants(session, project)
    cases = _cases(participants, {t.id: s.guid for t, s in zip(transcripts, sources)})
    data = ProjectExport(project.id, project.name, project.description or "", users, codes, list(folders),
                         sources, cases, code_guids=guid_of_code)
    folder_guids = {f.key: data.folder_guid(f) for f in _walk_folders(folders)}
    notes = collect_notes(session, project, viewer=viewer, targets=Targets(
        project.id, {t.id: s for t, s in zip(transcripts, sources)}, guid_of_code,
        {p.id: case.guid for p, case in zip(participants, cases)},
        lambda node: folder_guids.get(f"node-{node}"), lambda name: user_guid.get(name) if name else None,
        _target_names(transcripts, participants, codes, folders)))
    data.notes, data.note_refs, data.links = notes.notes, notes.refs, notes.links
    data.sets = [RefiSet(guid_of_set_row(project.id, s.id, s.guid), s.name, s.description or "",
                         [guid_of_code[i] for i in s.code_ids if i in guid_of_code])
                 for s in code_sets_for(session, project)]
    return data


def _walk_folders(folders: Sequence[Folder]) -> list[Folder]:
    found = []
    for folder in folders:
        found.append(folder)
        found += _walk_folders(folder.children)
    return found


def _target_names(transcripts, participants, codes, folders) -> dict[str, str]:
    names = {f"transcript:{t.id}": t.name for t in transcripts}
    names.update({f"participant:{p.id}": p.pseudonym for p in participants})
    names.update({f"code:{c.id}": c.path for c in codes})
    names.update({f"node:{f.key.removeprefix('node-')}": f.name for f in _walk_folders(folders)})
    return names


def _source(project: Project, transcript: Transcript, pieces: list[_Piece], user_guid: dict[str, str],
            taken: set[str]) -> RefiSource:
    """The transcript with one selection per coding (code × coder × span), each carrying its
    coder as ``creatingUser``: other programs keep one coder per selection. The parts of one
    imported selection (one per line it covered) are joined again into that selection,
    with its original offsets and, the first time it is used, its GUID."""
    groups: dict[tuple, list[_Piece]] = {}
    for piece in pieces:
        key = (piece.guid, piece.code_guid, piece.user) if piece.guid else (None, piece.start, piece.end,
                                                                            piece.code_guid, piece.user)
        groups.setdefault(key, []).append(piece)
    selections = []
    ordered = sorted(groups.values(), key=lambda g: (min(p.start for p in g), max(p.end for p in g),
                                                     g[0].user == CONSENSUS_USER, g[0].user, g[0].code_order))
    for group in ordered:
        first = group[0]
        start, end = min(p.start for p in group), max(p.end for p in group)
        who = user_guid[first.user]
        reuse = first.guid and is_guid(first.guid) and first.guid.lower() not in taken
        guid = first.guid if reuse else stable_guid(
            project.id, "selection", f"{transcript.id}:{start}:{end}:{first.code_guid}:{who}")
        taken.add(guid.lower())
        memo = "\n\n".join(dict.fromkeys(p.memo for p in group if p.memo))
        created = min((p.created for p in group if p.created), default=None)
        selections.append(RefiSelection(
            guid, start, end, [RefiCoding(first.code_guid, who)], name=selection_name(transcript.text[start:end]),
            user_guid=who, description=memo, created=created))
    variables = {"group": transcript.group} if transcript.group else {}
    return RefiSource(guid_of_transcript(transcript), transcript.name, transcript.text, selections, variables)


def _name_after_files(session: Session, project: Project, transcripts: list[Transcript],
                      sources: list[RefiSource]) -> None:
    originals: dict[tuple[str, str], str] = {}
    for transcript_id, kind, original in session.execute(
            select(PseudonymKey.transcript_id, PseudonymKey.kind, PseudonymKey.original)
            .where(PseudonymKey.project_id == project.id, PseudonymKey.kind.in_(("file", "author")))):
        originals[(transcript_id, kind)] = original
    for transcript, source in zip(transcripts, sources):
        file = originals.get((transcript.id, "file"), transcript.source_name)
        source.name = file.rsplit(".", 1)[0] if "." in file else file
        lines = [f"파일: {file}"]
        if (transcript.id, "author") in originals:
            lines.append(f"작성자: {originals[(transcript.id, 'author')]}")
        source.description = "\n".join(lines)


def _participants(session: Session, project: Project) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.project_id == project.id)
                                .order_by(Participant.pseudonym, Participant.id)))


def _cases(participants: list[Participant], source_guids: dict[str, str]) -> list[RefiCase]:
    cases = []
    for p in participants:
        variables = {"role": p.role}
        if p.group:
            variables["group"] = str(p.group)
        source_guid = source_guids[p.transcript_id]
        cases.append(RefiCase(stable_guid(source_guid, "case", p.pseudonym), p.pseudonym,
                              {k: variables[k] for k in CASE_VARIABLES if k in variables},
                              [source_guid], label=p.label))
    return cases
