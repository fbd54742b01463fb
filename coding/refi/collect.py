"""Read a project into plain data for a REFI-QDA export (no XML here).

What goes out: transcripts (their stored, pseudonymised text), the codebook, every
coder's codings and the consensus coding of settled segments, the users who coded or are
members, and the participants as cases (pseudonym, group, role). What never goes out:
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

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import codings_for
from coding.codebook import CodeView, code_index, list_codes
from coding.consensus import consensus_codings
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
    ids_by_path = {path: code.id for path, code in code_index(session, project).items()}

    codings = codings_for(session, viewer, project=project)
    consensus = [c for c in consensus_codings(session, project, viewer=viewer) if c.settled] if codings else []
    names = sorted({c.coder for c in codings} | {u.name for u in project_members(session, project)})
    users = [_user(project.id, n) for n in names]
    consensus_user = _user(project.id, CONSENSUS_USER)
    if consensus:
        users.append(consensus_user)
    user_guid = {u.name: u.guid for u in users}

    by_segment: dict[str, list[RefiCoding]] = {}
    for c in codings:
        by_segment.setdefault(c.segment_id, []).append(RefiCoding(guid_of_code[c.code_id], user_guid[c.coder]))
    for c in consensus:
        by_segment.setdefault(c.segment_id, []).append(
            RefiCoding(guid_of_code[ids_by_path[c.code]], consensus_user.guid))

    sources = [_source(session, project, t, by_segment) for t in transcripts]
    if original_names:
        _name_after_files(session, project, transcripts, sources)
    cases = _cases(session, project, {t.id: s.guid for t, s in zip(transcripts, sources)})
    return ProjectExport(project.id, project.name, project.description or "", users, codes, list(folders),
                         sources, cases)


def _source(session: Session, project: Project, transcript: Transcript,
            by_segment: dict[str, list[RefiCoding]]) -> RefiSource:
    selections = []
    for segment in session.scalars(
            select(Segment).where(Segment.transcript_id == transcript.id).order_by(Segment.line)):
        if segment.id in by_segment:
            codings = sorted(set(by_segment[segment.id]), key=lambda c: (c.user_guid or "", c.code_guid))
            selections.append(RefiSelection(stable_guid(project.id, "segment", segment.id), segment.start,
                                            segment.end, codings, name=segment.id))
    variables = {"group": transcript.group} if transcript.group else {}
    return RefiSource(stable_guid(project.id, "source", transcript.id), transcript.name, transcript.text,
                      selections, variables)


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
