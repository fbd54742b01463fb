"""Importing transcript files into a project: all of them in one transaction, or none.

Every segment stores its tagged content lemmas (``Segment.lemmas``), and its transcript
records the backend that analysed them (``Transcript.meta["morphology"]``: ``kiwi`` or
``okt``). Every path that creates segments comes through here (the REFI-QDA import too).
"""

from __future__ import annotations

import dataclasses
import hashlib

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from fgi.errors import DuplicateImport, InputError
from fgi.ids import segment_id, transcript_id
from fgi.ingest.prepare import PreparedTranscript, prepare_transcript
from fgi.ingest.pseudonymise import Rewrite
from fgi.ingest.reader import FORMATS, SourceText, read_source
from fgi.ingest.segment import UNITS
from fgi.models import MODERATOR, Event, Participant, Project, PseudonymKey, Segment, Transcript
from fgi.morphology import Analyzer, get_analyzer
from fgi.settings import load_settings
from fgi.i18n import _

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass
class ImportOptions:
    group: str | None = None
    unit: str = "line"
    format: str | None = None
    replace: bool = False
    pseudonymise: bool | None = None  # None: the project's setting
    names: Sequence[str] = ()  # names to mask in the text
    moderators: Sequence[str] = ()  # speaker labels that are moderators
    # Makes this import a transcript of its own even when the same text is already there
    # (a REFI-QDA project may hold two sources with one text): salts the content hash.
    distinct: str | None = None

    def validate(self) -> None:
        if self.unit not in UNITS:
            raise InputError(_("unknown unit {unit}", unit=repr(self.unit)), hint=_("use one of: {choices}", choices=", ".join(UNITS)))
        if self.format is not None and self.format not in FORMATS:
            raise InputError(_("unknown format {format}", format=repr(self.format)),
                             hint=_("use one of: {choices}", choices=", ".join(FORMATS)))
        if self.group is not None and len(self.group) > 100:
            raise InputError(_("a group name can be at most 100 characters"))


@dataclass
class ImportResult:
    transcript_id: str
    name: str
    format: str
    encoding: str
    segments: int
    backchannels: int
    speakers: list[str]
    replaced: bool = False
    notes: list[str] = field(default_factory=list)
    rewrite: Rewrite | None = None  # offsets of the file's text -> offsets of the stored text


class _Pseudonyms:
    """Hands out the project's next ``P03`` / ``M01``, reusing those a transcript had."""

    def __init__(self, session: Session, project: Project) -> None:
        taken = session.scalars(select(Participant.pseudonym).where(Participant.project_id == project.id))
        self._next = {"P": 1, "M": 1}
        for pseudonym in taken:
            match = re.fullmatch(r"([PM])(\d+)", pseudonym)
            if match:
                prefix, number = match.group(1), int(match.group(2))
                self._next[prefix] = max(self._next[prefix], number + 1)
        self.reuse: dict[str, str] = {}

    def __call__(self, label: str, role: str) -> str:
        if label in self.reuse:
            return self.reuse[label]
        prefix = "M" if role == MODERATOR else "P"
        number = self._next[prefix]
        self._next[prefix] += 1
        return f"{prefix}{number:02d}"


def _existing_pseudonyms(session: Session, transcript: Transcript) -> dict[str, str]:
    """Original speaker label -> pseudonym, for a transcript being replaced."""
    known = {p.label: p.pseudonym for p in session.scalars(
        select(Participant).where(Participant.transcript_id == transcript.id))}
    for original, replacement in session.execute(
        select(PseudonymKey.original, PseudonymKey.replacement)
        .where(PseudonymKey.transcript_id == transcript.id, PseudonymKey.kind == "speaker")
    ):
        known[original] = replacement
    return known


def import_files(
    session: Session,
    project: Project,
    paths: Sequence[str | Path],
    options: ImportOptions | None = None,
    *,
    actor: str,
    analyzer: Analyzer | None = None,
    progress: Progress | None = None,
) -> list[ImportResult]:
    """Import every file into ``project``. Any error leaves the session to be rolled back.

    Files are read and checked before anything is written, so a bad file among good ones
    is reported before the good ones could be half-stored.
    """
    options = options or ImportOptions()
    options.validate()
    settings = load_settings()
    analyzer = analyzer or get_analyzer(settings.morphology)
    total = len(paths)
    sources: list[SourceText] = []
    for done, path in enumerate(paths):
        if progress:
            progress(done, total * 2, _("reading {file}", file=Path(path).name))
        sources.append(read_source(Path(path), fmt=options.format, max_bytes=settings.max_import_bytes))

    pseudonyms = _Pseudonyms(session, project)
    seen: dict[str, Path] = {}
    results = []
    for done, source in enumerate(sources, start=total):
        if progress:
            progress(done, total * 2, _("segmenting {file}", file=source.path.name))
        if source.content_hash in seen:
            raise DuplicateImport(
                _("{file} has the same content as {other}", file=source.path.name, other=seen[source.content_hash].name),
                hint=_("import each transcript once"),
            )
        seen[source.content_hash] = source.path
        results.append(_import_one(session, project, source, options, actor, analyzer, pseudonyms))
    if progress:
        progress(total * 2, total * 2, "done")
    return results


def _import_one(
    session: Session, project: Project, source: SourceText, options: ImportOptions,
    actor: str, analyzer: Analyzer, pseudonyms: _Pseudonyms,
) -> ImportResult:
    if options.distinct:
        source = dataclasses.replace(source, content_hash=hashlib.sha256(
            f"{source.content_hash}:{options.distinct}".encode()).hexdigest())
    tid = transcript_id(project.id, source.content_hash)
    existing = session.get(Transcript, tid)
    if existing is not None and not options.replace:
        raise DuplicateImport(
            _("{file} is already in project {project} as transcript {transcript} ({id})", file=source.path.name,
              project=repr(project.name), transcript=repr(existing.name), id=existing.id),
            hint=_("import it again with 'replace' (--replace) to update it (codings on unchanged lines are kept)"),
        )
    pseudonyms.reuse = _existing_pseudonyms(session, existing) if existing else {}
    prepared = prepare_transcript(
        source,
        analyzer=analyzer,
        pseudonym_for=pseudonyms,
        pseudonymise=project.pseudonymise if options.pseudonymise is None else options.pseudonymise,
        names=options.names,
        moderators=options.moderators,
        unit=options.unit,
    )
    transcript = existing or Transcript(id=tid, project_id=project.id)
    name, source_name = _stored_names(session, project, source, prepared, existing)
    transcript.name = name
    transcript.source_name = source_name
    transcript.format = source.layout.format
    transcript.encoding = source.encoding
    transcript.unit = options.unit
    transcript.group = options.group
    transcript.content_hash = source.content_hash
    transcript.text = prepared.text
    # Which backend analysed the lines: theme work reads Kiwi's stored lemmas instead of
    # analysing again, and only for transcripts that say they were Kiwi's.
    transcript.meta = {**prepared.meta, "morphology": analyzer.name}
    transcript.imported_by = actor
    if existing is None:
        session.add(transcript)
    session.flush()

    participant_ids = _store_participants(session, project, transcript, prepared, options.group)
    _store_segments(session, transcript, prepared, participant_ids, replacing=existing is not None)
    session.execute(delete(PseudonymKey).where(PseudonymKey.transcript_id == tid))
    keys = list(prepared.keys)
    if source_name != source.path.name:
        keys.append(("file", source.path.name, source_name))
    if keys:
        session.execute(insert(PseudonymKey), [
            {"project_id": project.id, "transcript_id": tid, "kind": kind, "original": original,
             "replacement": replacement}
            for kind, original, replacement in keys
        ])
    backchannels = sum(u.backchannel for u in prepared.units)
    Event.record(
        session, actor=actor, kind="transcript.replace" if existing else "transcript.import",
        project_id=project.id, subject=tid,
        payload={"name": name, "file": source_name, "format": transcript.format,
                 "encoding": source.encoding, "unit": options.unit, "group": options.group,
                 "segments": len(prepared.units), "content_hash": source.content_hash},
    )
    return ImportResult(
        tid, name, transcript.format, source.encoding, len(prepared.units), backchannels,
        [s.pseudonym for s in prepared.speakers], replaced=existing is not None, notes=prepared.notes,
        rewrite=prepared.rewrite,
    )


NEUTRAL_NAME = "전사본 {number}"


def _stored_names(session: Session, project: Project, source: SourceText, prepared: PreparedTranscript,
                  existing: Transcript | None) -> tuple[str, str]:
    """(name, file name) to store: the file's own, or a neutral ``전사본 3`` when the file
    name holds a speaker's or a listed name (or other personal data); the original is then
    kept only in the pseudonymisation key."""
    if not prepared.name_is_personal:
        return source.path.stem, source.path.name
    if existing is not None and existing.source_name != source.path.name:
        return existing.name, existing.source_name  # replaced: keep the neutral name it had
    taken = set(session.scalars(select(Transcript.name).where(Transcript.project_id == project.id)))
    number = len(taken) + 1
    while NEUTRAL_NAME.format(number=number) in taken:
        number += 1
    name = NEUTRAL_NAME.format(number=number)
    return name, name + source.path.suffix


def _store_participants(
    session: Session, project: Project, transcript: Transcript, prepared: PreparedTranscript,
    group: str | None,
) -> dict[str, int]:
    """Participant id of every stored speaker label."""
    current = {p.label: p for p in session.scalars(
        select(Participant).where(Participant.transcript_id == transcript.id))}
    ids: dict[str, int] = {}
    for speaker in prepared.speakers:
        participant = current.pop(speaker.stored_label, None)
        if participant is None:
            participant = Participant(project_id=project.id, transcript_id=transcript.id,
                                      label=speaker.stored_label)
            session.add(participant)
        participant.pseudonym = speaker.pseudonym
        participant.role = speaker.role
        attributes = dict(participant.attributes or {})
        if group:
            attributes["group"] = group
        participant.attributes = attributes
        session.flush()
        ids[speaker.stored_label] = participant.id
    for leftover in current.values():
        session.delete(leftover)
    return ids


def _store_segments(
    session: Session, transcript: Transcript, prepared: PreparedTranscript,
    participant_ids: dict[str, int], *, replacing: bool,
) -> None:
    rows = [
        {
            "id": segment_id(transcript.id, line),
            "transcript_id": transcript.id,
            "line": line,
            "source_line": u.unit.source_line,
            "participant_id": participant_ids.get(u.unit.speaker) if u.unit.speaker else None,
            "speaker": u.unit.speaker,
            "text": u.text,
            "start": u.unit.start,
            "end": u.unit.end,
            "timestamp": u.unit.timestamp,
            "backchannel": u.backchannel,
            "lemmas": " ".join(u.lemmas),
            "noun_runs": u.noun_runs,
        }
        for line, u in enumerate(prepared.units, start=1)
    ]
    if replacing:
        # Keep segments (and what hangs on them) whose id survives; update them in place.
        new_ids = {row["id"] for row in rows}
        old = {s.id: s for s in session.scalars(select(Segment).where(Segment.transcript_id == transcript.id))}
        for stale in set(old) - new_ids:
            session.delete(old[stale])
        session.flush()
        for row in rows:
            segment = old.get(row["id"])
            if segment is None:
                session.add(Segment(**row))
            else:
                for key, value in row.items():
                    setattr(segment, key, value)
        session.flush()
        return
    if rows:
        session.execute(insert(Segment), rows)

