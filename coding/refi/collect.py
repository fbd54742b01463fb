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
from coding.models import User
from coding.qdc import code_guid
from coding.refi.data import (
    CONSENSUS_USER, Folder, RefiCase, RefiCoding, RefiSelection, RefiSource, RefiUser, stable_guid,
)
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

    def folder_guid(self, folder: Folder) -> str:
        return stable_guid(self.project_id, "folder", folder.key)

    def code_guid(self, code: CodeView) -> str:
        return code_guid(self.project_id, code.id)

    def variable_guid(self, name: str) -> str:
        return stable_guid(self.project_id, "variable", name)


def _user(project_id: int, name: str) -> RefiUser:
    return RefiUser(stable_guid(project_id, "user", name), name)


SELECTION_NAME_LENGTH = 100  # a selection is named by its text, cut here with "…" (the standard's example)


def selection_name(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SELECTION_NAME_LENGTH else text[:SELECTION_NAME_LENGTH] + "…"


@dataclass(frozen=True)
class _Coded:
    """One coding to write as its own selection: who, which code, where, and its memo."""

    segment_id: str
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
    guid_of_code = {c.id: code_guid(project.id, c.id) for c in codes}
    order_of_code = {c.id: i for i, c in enumerate(codes)}
    ids_by_path = {path: code.id for path, code in code_index(session, project).items()}

    codings = codings_for(session, viewer, project=project)
    consensus = ([c for c in consensus_codings(session, project, viewer=viewer) if c.settled]
                 if codings and has_consensus_layer(session, project) else [])
    names = sorted({c.coder for c in codings} | {u.name for u in project_members(session, project)})
    users = [_user(project.id, n) for n in names]
    if consensus:
        users.append(_user(project.id, CONSENSUS_USER))
    user_guid = {u.name: u.guid for u in users}

    by_segment: dict[str, list[_Coded]] = {}
    for c in codings:
        by_segment.setdefault(c.segment_id, []).append(_Coded(
            c.segment_id, guid_of_code[c.code_id], order_of_code[c.code_id], c.coder, c.memo or "", c.created_at))
    for c in consensus:
        code_id = ids_by_path[c.code]
        by_segment.setdefault(c.segment_id, []).append(_Coded(
            c.segment_id, guid_of_code[code_id], order_of_code[code_id], CONSENSUS_USER, "", None))

    sources = [_source(session, project, t, by_segment, user_guid) for t in transcripts]
    if original_names:
        _name_after_files(session, project, transcripts, sources)
    cases = _cases(session, project, {t.id: s.guid for t, s in zip(transcripts, sources)})
    return ProjectExport(project.id, project.name, project.description or "", users, codes, list(folders),
                         sources, cases)


def _source(session: Session, project: Project, transcript: Transcript, by_segment: dict[str, list[_Coded]],
            user_guid: dict[str, str]) -> RefiSource:
    """The transcript with one selection per coding (coder × code × span), each carrying its
    coder as ``creatingUser``: other programs keep one coder per selection."""
    source_guid = stable_guid(project.id, "source", transcript.id)
    selections = []
    for segment in session.scalars(
            select(Segment).where(Segment.transcript_id == transcript.id).order_by(Segment.line)):
        consensus_last = lambda c: (c.user == CONSENSUS_USER, c.user, c.code_order)  # noqa: E731
        for coded in sorted(by_segment.get(segment.id, ()), key=consensus_last):
            start, end = segment.start, segment.end
            who = user_guid[coded.user]
            selections.append(RefiSelection(
                stable_guid(project.id, "selection", f"{segment.id}:{start}:{end}:{coded.code_guid}:{who}"),
                start, end, [RefiCoding(coded.code_guid, who)], name=selection_name(transcript.text[start:end]),
                user_guid=who, description=coded.memo, created=coded.created))
    variables = {"group": transcript.group} if transcript.group else {}
    return RefiSource(source_guid, transcript.name, transcript.text, selections, variables)


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


def _cases(session: Session, project: Project, source_guids: dict[str, str]) -> list[RefiCase]:
    cases = []
    for p in session.scalars(select(Participant).where(Participant.project_id == project.id)
                             .order_by(Participant.pseudonym)):
        variables = {"role": p.role}
        if p.group:
            variables["group"] = str(p.group)
        cases.append(RefiCase(stable_guid(project.id, "case", p.pseudonym), p.pseudonym,
                              {k: variables[k] for k in CASE_VARIABLES if k in variables},
                              [source_guids[p.transcript_id]], label=p.label))
    return cases
