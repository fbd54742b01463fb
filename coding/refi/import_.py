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
* **Which sources are transcripts.** A source is parsed for speakers only when it looks
  like a transcript (``looks_like_transcript``: most non-empty lines ``speaker: text`` with
  few, repeated speakers; not ``2021-10-30T08:45:00Z``); otherwise it is plain text, one unit
  per line, no speakers. ``--format plain|prefixed``, ``--unit``, ``--names``,
  ``--pseudonymise`` and ``--group`` apply to every source; ``--replace`` and the other
  formats are refused (an archive makes a new project). Two sources with one text become
  two transcripts.
* **Kept from other tools** (``coding.refi.keep``): GUIDs of codes, sources and users; the
  exact span of every selection inside its lines (``code_selections``); notes, NoteRefs and
  descriptions of sources and selections as memos; code sets. Non-codable codes of another
  tool (NVivo folders) stay parents in the codebook; only this toolkit's own files have a
  theme hierarchy.
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
from coding.refi.data import Folder, RefiCase, RefiProject, RefiSource, is_ours
from coding.refi.import_codes import import_codes, import_users, usable_name
from coding.refi.keep import keep_extras, keep_selections
from coding.refi.parse import ParsedArchive, read_qdpx
from coding.refi.participants import adopt_case_pseudonyms
from coding.refi.sources import looks_like_transcript
from fgi.errors import InputError
from fgi.i18n import _
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
    origin: str = ""
    kept: list[str] = field(default_factory=list)  # what of the file was kept beyond lines and codings
    not_kept: list[str] = field(default_factory=list)  # and what was not, with the reason
    warnings: list[str] = field(default_factory=list)
    selection_rows: int = 0


def read_archive(path: str | Path, limits: Limits | None = None) -> ParsedArchive:
    """The parsed archive (nothing written); raises InputError naming the file."""
    with SafeArchive(path, limits) as archive:
        return read_qdpx(archive)


# The transcript formats that make sense for the text of a REFI-QDA source.
QDPX_FORMATS = ("plain", "prefixed")


def check_options(options: ImportOptions) -> None:
    """Refuse the import options that cannot apply to a .qdpx, with what to do instead."""
    options.validate()
    if options.replace:
        raise InputError(_("--replace does not apply to a .qdpx: an archive is imported as a new project"),
                         hint=_("give another --project name, or delete the old project first"))
    if options.format is not None and options.format not in QDPX_FORMATS:
        raise InputError(_("--format {format} does not apply to a .qdpx: its sources are text", format=options.format),
                         hint=_("use --format plain (lines, no speakers) or --format prefixed (`speaker: text`), "
                                "or leave it out to decide per source"))


def _format_of(path: Path, text: str, options: ImportOptions) -> str | None:
    """The format to import a source with: the one asked for, else ``prefixed``/detected for
    a source that looks like a transcript, else ``plain``."""
    if options.format is not None:
        return options.format
    if not looks_like_transcript(text):
        return "plain"
    try:
        read_source(path, max_bytes=load_settings().max_import_bytes)
    except InputError as exc:
        if "not recognised" in exc.message:
            return "plain"
        raise
    return None


def _import_sources(session: Session, project: Project, sources: list[RefiSource], folder: Path, *,
                    actor: str, analyzer: Analyzer | None, notes: list[str], rewrites: dict[str, Rewrite],
                    options: ImportOptions) -> dict[str, str]:
    """Import each text source; REFI source guid -> transcript id (and, in ``rewrites``, how
    pseudonymisation moved its offsets)."""
    transcripts: dict[str, str] = {}
    seen: dict[str, str] = {}  # text -> the first source's name
    for index, source in enumerate(sources):
        if not source.text.strip():
            notes.append(_("source {name!r} has no text; skipped", name=source.name))
            continue
        path = folder / str(index) / (usable_name(source.name.replace("/", "／"), f"source {index + 1}")[:200] + ".txt")
        path.parent.mkdir()
        path.write_text(source.text, encoding="utf-8")
        distinct = None
        if source.text in seen:
            distinct = source.guid or str(index)
            notes.append(_("source {name!r} has the same text as {other!r}; imported as a transcript of its own",
                           name=source.name, other=seen[source.text]))
        seen.setdefault(source.text, source.name)
        chosen = ImportOptions(group=options.group or source.variables.get("group"), unit=options.unit,
                               format=_format_of(path, source.text, options), pseudonymise=options.pseudonymise,
                               names=options.names, moderators=options.moderators, distinct=distinct)
        result = import_files(session, project, [path], chosen, actor=actor, analyzer=analyzer)[0]
        transcripts[source.guid or f"#{index}"] = result.transcript_id
        if result.rewrite is not None:
            rewrites[source.guid or f"#{index}"] = result.rewrite
        if chosen.format == "plain" and options.format is None:
            notes.append(_("{name}: not a transcript (no `speaker: text` lines); imported as plain text, one unit "
                           "per line, without speakers", name=source.name))
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
    """(coders' codings as {(segment, code, user): [(start, end, selection guid)]}, consensus
    as {segment: {codes}}); each coding's span is the selection's part inside that segment."""
    applied: dict[tuple[str, int, int], list[tuple[int, int, str | None]]] = {}
    agreed: dict[str, set[int]] = {}
    outside = unknown = 0
    for index, source in enumerate(refi.sources):
        key = source.guid or f"#{index}"
        if key not in transcripts:
            continue
        segments = _segments_of(session, transcripts[key])
        rewrite = rewrites.get(key)
        for selection in source.selections:
            start, end = rewrite.span(selection.start, selection.end) if rewrite else (selection.start, selection.end)
            covered = _covered(segments, start, end)
            if not covered and selection.codings:
                outside += 1
            bounds = {sid: (s, e) for sid, s, e in segments}
            for coding in selection.codings:
                code_id = code_ids.get(coding.code_guid)
                if code_id is None:
                    unknown += 1
                    continue
                for segment_id in covered:
                    if coding.user_guid in consensus:
                        agreed.setdefault(segment_id, set()).add(code_id)
                        continue
                    user = user_ids.get(coding.user_guid, user_ids.get(None))
                    seg_start, seg_end = bounds[segment_id]
                    span = (max(start, seg_start), min(end, seg_end), selection.guid or None)
                    spans = applied.setdefault((segment_id, code_id, user), [])
                    if span not in spans:
                        spans.append(span)
    if outside:
        notes.append(_("{count} coded selection(s) lie outside every transcript unit (e.g. on a speaker line); "
                       "skipped", count=outside))
    if unknown:
        notes.append(_("{count} coding(s) name a code that is not a codable code of the file; skipped",
                       count=unknown))
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
                analyzer: Analyzer | None = None, limits: Limits | None = None,
                options: ImportOptions | None = None) -> QdpxImport:
    """Create a project from a ``.qdpx`` archive (named ``project_name``, else as in the file)."""
    path = Path(path)
    options = options or ImportOptions()
    check_options(options)
    parsed = read_archive(path, limits)
    refi = parsed.project
    project = create_project(session, project_name or refi.name, actor=actor,
                             description=refi.description or None)
    if options.pseudonymise is not None:
        project.pseudonymise = options.pseudonymise
    result = QdpxImport(project.name, origin=refi.origin, not_kept=list(parsed.skipped),
                        warnings=list(parsed.warnings))
    rewrites: dict[str, Rewrite] = {}
    with tempfile.TemporaryDirectory(prefix="fgi-qdpx-") as folder:
        transcripts = _import_sources(session, project, refi.sources, Path(folder), actor=actor,
                                      analyzer=analyzer, notes=result.notes, rewrites=rewrites, options=options)
    adopt_case_pseudonyms(session, project, _pseudonymous_cases(session, project, refi.cases, transcripts),
                          transcripts)
    ours = is_ours(refi.origin)
    codes = import_codes(session, project, refi, actor=actor, theme_folders=ours)
    unnamed = any(c.user_guid is None or c.user_guid not in {u.guid for u in refi.users}
                  for s in refi.sources for sel in s.selections for c in sel.codings)
    users = import_users(session, project, refi, actor=actor, unnamed_codings=unnamed)
    applied, agreed = _codings(session, refi, transcripts, codes.code_ids, users.user_ids,
                               users.consensus_guids, result.notes, rewrites)
    if applied:
        session.execute(insert(CodeApplication), [
            {"segment_id": s, "code_id": k, "coder_id": u, "source": IMPORT} for s, k, u in sorted(applied)])
        result.selection_rows = keep_selections(session, project, applied, whole_lines_too=not ours)
    decisions = []
    if agreed and users.consensus_guids:
        lead = users.user_ids[next(iter(users.consensus_guids))]
        decisions = _decisions(session, set(applied), agreed, lead, f"imported from {path.name}")
        if decisions:
            session.execute(insert(ConsensusDecision), decisions)
    keep_extras(session, project, refi, transcripts, rewrites, codes, users, result, actor=actor)
    result.transcripts = len(transcripts)
    result.segments = sum(len(_segments_of(session, t)) for t in transcripts.values())
    result.codes, result.codings, result.decisions = codes.codes_added, len(applied), len(decisions)
    result.users_created, result.users_reused, result.folders = users.created, users.reused, codes.folders
    Event.record(session, actor=actor, kind="project.import_qdpx", project_id=project.id, subject=str(project.id),
                 payload={"file": path.name, "origin": refi.origin, "transcripts": result.transcripts,
                          "codes": result.codes, "codings": result.codings, "decisions": result.decisions,
                          "notes": result.notes, "kept": result.kept, "not_kept": result.not_kept,
                          "warnings": result.warnings})
    return result
