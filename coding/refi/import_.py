"""Import a REFI-QDA archive (``.qdpx``) as a new project.

Everything is read and checked before anything is written (``coding.refi.parse``), and
the caller's transaction holds the whole import, so a bad archive changes nothing.

* **Transcripts.** Each text source goes through the ordinary transcript import, so it
  is segmented, its speakers found and its lines analysed like any transcript, and
  pseudonymised like any import when the project says so (the default): real-name
  speaker labels, names, phone numbers, resident numbers and e-mails are masked, and a
  source name holding a name becomes a neutral ``전사본 N``. A source without speaker
  labels is imported line by line (format ``plain``).
* **Selections → segments.** Selection offsets are carried through normalisation and
  pseudonymisation (a selection on a masked name covers its mask). A selection that is
  exactly a segment (every selection of this toolkit's own exports) codes that segment;
  any other selection codes every segment it overlaps (the lines it touches). Selections
  outside every segment (e.g. on a CLOVA speaker line) are skipped and counted.
* **Participants.** Speakers whose label is a case's name (``P03`` in our exports) keep
  it as their pseudonym, and take the case's ``group`` and ``role``. A case named or
  labelled with a real name is matched through the pseudonymisation key and never gives
  its name as a pseudonym.
* **Consensus.** Codings by the user ``(consensus)`` become the leads' decisions that
  reproduce them: a consensus code not every coder applied is an ``apply``, a code some
  coder applied that the consensus lacks is a ``reject``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coding.models import APPLY, IMPORT, REJECT, CodeApplication, ConsensusDecision
from coding.refi.archive import Limits, SafeArchive
from coding.refi.data import Folder, RefiCase, RefiProject, RefiSource
from coding.refi.import_codes import import_codes, import_users, usable_name
from coding.refi.parse import ParsedArchive, read_qdpx
from coding.refi.participants import adopt_case_pseudonyms
from fgi.errors import InputError
from fgi.ingest import ImportOptions, import_files, read_source
from fgi.ingest.pseudonymise import Rewrite, is_real_name
from fgi.models import Event, Project, PseudonymKey, Segment, Transcript
from fgi.morphology import Analyzer
from fgi.settings import load_settings
from fgi.study import create_project


@dataclass
class QdpxImport:
    project: str
    transcripts: int = 0
    segments: int = 0
    codes: int = 0
    codings: int = 0
    decisions: int = 0
    users_created: list[str] = field(default_factory=list)
    users_reused: list[str] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)  # for the theme hierarchy
    notes: list[str] = field(default_factory=list)


def read_archive(path: str | Path, limits: Limits | None = None) -> ParsedArchive:
    """The parsed archive (nothing written); raises InputError naming the file."""
    with SafeArchive(path, limits) as archive:
        return read_qdpx(archive)


def _format_of(path: Path) -> str | None:
    """None (detect as usual), or ``plain`` for a text without speaker labels."""
    try:
        read_source(path, max_bytes=load_settings().max_import_bytes)
    except InputError as exc:
        if "not recognised" in exc.message:
            return "plain"
        raise
    return None


def _import_sources(session: Session, project: Project, sources: list[RefiSource], folder: Path, *,
                    actor: str, analyzer: Analyzer | None, notes: list[str],
                    rewrites: dict[str, Rewrite]) -> dict[str, str]:
    """Import each text source; REFI source guid -> transcript id (and, in ``rewrites``, how
    pseudonymisation moved its offsets)."""
    transcripts: dict[str, str] = {}
    for index, source in enumerate(sources):
        if not source.text.strip():
            notes.append(f"source {source.name!r} has no text; skipped")
            continue
        path = folder / str(index) / (usable_name(source.name, f"source {index + 1}")[:200] + ".txt")
        path.parent.mkdir()
        path.write_text(source.text, encoding="utf-8")
        options = ImportOptions(group=source.variables.get("group"), format=_format_of(path))
        result = import_files(session, project, [path], options, actor=actor, analyzer=analyzer)[0]
        transcripts[source.guid] = result.transcript_id
        if result.rewrite is not None:
            rewrites[source.guid] = result.rewrite
        notes += [f"{source.name}: {note}" for note in result.notes]
    return transcripts


def _segments_of(session: Session, transcript_id: str) -> list[tuple[str, int, int]]:
    return list(session.execute(select(Segment.id, Segment.start, Segment.end)
                                .where(Segment.transcript_id == transcript_id).order_by(Segment.start)).all())


def _covered(segments: list[tuple[str, int, int]], start: int, end: int) -> list[str]:
    exact = [sid for sid, s, e in segments if s == start and e == end]
    return exact or [sid for sid, s, e in segments if s < end and start < e]


def _pseudonymous_cases(session: Session, project: Project, cases: list[RefiCase],
                        transcripts: dict[str, str]) -> list[RefiCase]:
    """The cases with real names in their name or label replaced by the speaker's pseudonym
    (from the key the import stored); a real-named case that matches no speaker is dropped."""
    if not project.pseudonymise:
        return cases
    key = {(t, original): replacement for t, original, replacement in session.execute(
        select(PseudonymKey.transcript_id, PseudonymKey.original, PseudonymKey.replacement)
        .where(PseudonymKey.project_id == project.id, PseudonymKey.kind == "speaker"))}
    kept = []
    for case in cases:
        if not is_real_name(case.name) and not (case.label and is_real_name(case.label)):
            kept.append(case)
            continue
        written = case.label or case.name
        found = {key[(transcripts[g], written)] for g in case.source_guids
                 if g in transcripts and (transcripts[g], written) in key}
        if len(found) == 1:
            pseudonym = found.pop()
            kept.append(replace(case, name=pseudonym, label=pseudonym))
    return kept


def _codings(session: Session, refi: RefiProject, transcripts: dict[str, str], code_ids: dict[str, int],
             user_ids: dict[str | None, int], consensus: set[str], notes: list[str],
             rewrites: dict[str, Rewrite]):
    """(coders' codings as (segment, code, user), consensus as {segment: {codes}})."""
    applied: set[tuple[str, int, int]] = set()
    agreed: dict[str, set[int]] = {}
    outside = unknown = 0
    for source in refi.sources:
        if source.guid not in transcripts:
            continue
        segments = _segments_of(session, transcripts[source.guid])
        rewrite = rewrites.get(source.guid)
        for selection in source.selections:
            start, end = rewrite.span(selection.start, selection.end) if rewrite else (selection.start, selection.end)
            covered = _covered(segments, start, end)
            if not covered and selection.codings:
                outside += 1
            for coding in selection.codings:
                code_id = code_ids.get(coding.code_guid)
                if code_id is None:
                    unknown += 1
                    continue
                for segment_id in covered:
                    if coding.user_guid in consensus:
                        agreed.setdefault(segment_id, set()).add(code_id)
                    else:
                        user = user_ids.get(coding.user_guid, user_ids.get(None))
                        applied.add((segment_id, code_id, user))
    if outside:
        notes.append(f"{outside} coded selection(s) lie outside every transcript unit (e.g. on a speaker line); "
                     "skipped")
    if unknown:
        notes.append(f"{unknown} coding(s) name a code that is not a codable code of the file; skipped")
    return applied, agreed


def _decisions(session: Session, applied: set[tuple[str, int, int]], agreed: dict[str, set[int]],
               lead_id: int, reason: str) -> list[dict]:
    """The apply/reject decisions that make the consensus what the file says."""
    transcript_of = dict(session.execute(select(Segment.id, Segment.transcript_id)
                                         .where(Segment.id.in_(list({s for s, _, _ in applied} | set(agreed))))).all())
    coders_in: dict[str, set[int]] = {}
    by_segment: dict[str, dict[int, set[int]]] = {}
    for segment_id, code_id, user in applied:
        coders_in.setdefault(transcript_of[segment_id], set()).add(user)
        by_segment.setdefault(segment_id, {}).setdefault(code_id, set()).add(user)
    rows = []
    for segment_id, consensus in agreed.items():
        coders = coders_in.get(transcript_of[segment_id], set())
        codes = by_segment.get(segment_id, {})
        for code_id in sorted(consensus | set(codes)):
            everyone = bool(coders) and codes.get(code_id, set()) == coders
            decision = APPLY if code_id in consensus and not everyone else (
                REJECT if code_id not in consensus else None)
            if decision:
                rows.append({"segment_id": segment_id, "code_id": code_id, "decision": decision,
                             "decided_by": lead_id, "reason": reason})
    return rows


def import_qdpx(session: Session, path: str | Path, project_name: str | None = None, *, actor: str,
                analyzer: Analyzer | None = None, limits: Limits | None = None) -> QdpxImport:
    """Create a project from a ``.qdpx`` archive (named ``project_name``, else as in the file)."""
    path = Path(path)
    parsed = read_archive(path, limits)
    refi = parsed.project
    project = create_project(session, project_name or refi.name, actor=actor,
                             description=refi.description or None)
    result = QdpxImport(project.name, notes=[f"not imported: {what}" for what in parsed.skipped])
    rewrites: dict[str, Rewrite] = {}
    with tempfile.TemporaryDirectory(prefix="fgi-qdpx-") as folder:
        transcripts = _import_sources(session, project, refi.sources, Path(folder), actor=actor,
                                      analyzer=analyzer, notes=result.notes, rewrites=rewrites)
    adopt_case_pseudonyms(session, project, _pseudonymous_cases(session, project, refi.cases, transcripts),
                          transcripts)
    codes = import_codes(session, project, refi, actor=actor)
    unnamed = any(c.user_guid is None or c.user_guid not in {u.guid for u in refi.users}
                  for s in refi.sources for sel in s.selections for c in sel.codings)
    users = import_users(session, project, refi, actor=actor, unnamed_codings=unnamed)
    applied, agreed = _codings(session, refi, transcripts, codes.code_ids, users.user_ids,
                               users.consensus_guids, result.notes, rewrites)
    if applied:
        session.execute(insert(CodeApplication), [
            {"segment_id": s, "code_id": k, "coder_id": u, "source": IMPORT} for s, k, u in sorted(applied)])
    decisions = []
    if agreed and users.consensus_guids:
        lead = users.user_ids[next(iter(users.consensus_guids))]
        decisions = _decisions(session, applied, agreed, lead, f"imported from {path.name}")
        if decisions:
            session.execute(insert(ConsensusDecision), decisions)
    result.transcripts = len(transcripts)
    result.segments = sum(len(_segments_of(session, t)) for t in transcripts.values())
    result.codes, result.codings, result.decisions = codes.codes_added, len(applied), len(decisions)
    result.users_created, result.users_reused, result.folders = users.created, users.reused, codes.folders
    Event.record(session, actor=actor, kind="project.import_qdpx", project_id=project.id, subject=str(project.id),
                 payload={"file": path.name, "transcripts": result.transcripts, "codes": result.codes,
                          "codings": result.codings, "decisions": result.decisions, "notes": result.notes})
    return result
