"""What an imported REFI-QDA project keeps beyond lines and codings, and the summary of it.

* **Selection spans**: every coding of another tool keeps the exact span of its selection
  inside each line (``code_selections``), so a partial selection is exported as it was.
  This toolkit's own selections are whole lines; only partial ones are stored for them.
* **GUIDs** of sources (transcripts); codes and users get theirs in ``import_codes``.
* **Memos** (``coding.memos.write_memo``, ``source="import"``, the note's GUID kept):
  a source's ``<Description>`` and NoteRefs become transcript memos, or line memos when the
  note points at a span (QualCoder's annotations); a selection's ``<Description>`` and
  NoteRefs become memos on its first line; a code's NoteRefs code memos; the project's and
  the cases' NoteRefs, and notes nothing refers to (journals), project memos.
* **Sets** of codes become code sets; sets of sources are reported as not kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coding.memos import write_memo
from coding.models import MEMO_CODE, MEMO_PROJECT, MEMO_SEGMENT, MEMO_TRANSCRIPT, CodeApplication, CodeSelection, User
from coding.refi.data import RefiNote, RefiProject, RefiSource, is_ours
from coding.refi.offsets import normalise_with_offsets
from coding.refi.positions import CONVENTION_NAMES, Reader
from coding.refi.store import add_code_set
from fgi.i18n import _
from fgi.ingest.pseudonymise import Rewrite
from fgi.models import Project, Segment, Transcript

Spans = Mapping[tuple[str, int, int], list[tuple[int, int, str | None]]]


def keep_selections(session: Session, project: Project, applied: Spans, *, whole_lines_too: bool) -> int:
    """Store each coding's spans inside its line; returns how many rows were written."""
    segment_ids = sorted({segment_id for segment_id, _code, _user in applied})
    bounds: dict[str, tuple[int, int]] = {}
    ids: dict[tuple[str, int, int], int] = {}
    for chunk in (segment_ids[i:i + 500] for i in range(0, len(segment_ids), 500)):
        bounds.update({sid: (start, end) for sid, start, end in session.execute(
            select(Segment.id, Segment.start, Segment.end).where(Segment.id.in_(chunk)))})
        ids.update({(sid, code, coder): aid for aid, sid, code, coder in session.execute(
            select(CodeApplication.id, CodeApplication.segment_id, CodeApplication.code_id, CodeApplication.coder_id)
            .where(CodeApplication.segment_id.in_(chunk)))})
    rows = []
    for key, spans in applied.items():
        for start, end, guid in spans:
            if not whole_lines_too and (start, end) == bounds[key[0]]:
                continue
            rows.append({"application_id": ids[key], "start": start, "end": end, "guid": guid})
    if rows:
        session.execute(insert(CodeSelection), rows)
    return len(rows)


class _Places:
    """Where a source's positions (as the file counted them) land among its stored lines."""

    def __init__(self, session: Session, source: RefiSource, transcript_id: str, rewrite: Rewrite | None) -> None:
        self.source, self.transcript_id, self.rewrite = source, transcript_id, rewrite
        self.segments = list(session.execute(select(Segment.id, Segment.start, Segment.end)
                                             .where(Segment.transcript_id == transcript_id).order_by(Segment.start)))
        self._reader: Reader | None = None
        self._mapping = None

    def first_line(self, start: int, end: int, *, normalised: bool) -> str | None:
        """The first line a span touches (offsets in the stored source text when ``normalised``,
        else positions as the file counted them), or None."""
        if not normalised:
            if self._reader is None:
                self._reader = Reader(self.source.raw_text, self.source.convention)
                self._mapping = normalise_with_offsets(self.source.raw_text)
            raw_start, raw_end = self._reader.offset(start), self._reader.offset(end)
            if raw_start is None or raw_end is None:
                return None
            start, end = self._mapping.new(raw_start), self._mapping.new(raw_end)
        if self.rewrite is not None:
            start, end = self.rewrite.span(start, end)
        for segment_id, seg_start, seg_end in self.segments:
            if seg_start < max(end, start + 1) and start < seg_end:
                return segment_id
        return None


def _coding_memo(session: Session, segment_id: str, selection, codes, users) -> bool:
    """Put a selection's description back as the memo of its codings on ``segment_id`` (our
    exports write a coding memo so); False when no coding of it was imported."""
    found = False
    for coding in selection.codings:
        code_id, coder_id = codes.code_ids.get(coding.code_guid), users.user_ids.get(coding.user_guid)
        application = session.scalar(select(CodeApplication).where(
            CodeApplication.segment_id == segment_id, CodeApplication.code_id == code_id,
            CodeApplication.coder_id == coder_id)) if code_id and coder_id else None
        if application is not None:
            application.memo = selection.description.strip()
            found = True
    return found


def keep_extras(session: Session, project: Project, refi: RefiProject, transcripts: dict[str, str],
                rewrites: dict[str, Rewrite], codes, users, result, *, actor: str) -> None:
    """GUIDs of sources, memos, code sets, and the summary lines of ``result``."""
    ours = is_ours(refi.origin)
    tool = refi.origin or _("the other program")
    notes = {note.guid: note for note in refi.notes if note.guid}
    used: set[str] = set()
    authors: dict[str, User] = {}
    memos = 0

    def author_of(user_guid: str | None) -> User | None:
        user_id = users.user_ids.get(user_guid) if user_guid else None
        if user_id is None or user_guid in users.consensus_guids:
            return None
        if user_id not in authors:
            authors[user_id] = session.get(User, user_id)
        return authors[user_id]

    def memo(kind: str, target, text: str, *, title: str | None = None, guid: str | None = None,
             user_guid: str | None = None) -> None:
        nonlocal memos
        if not text.strip():
            return
        write_memo(session, project, actor=actor, kind=kind, target=target, text=text.strip(),
                   title=(title or "").strip()[:200] or None, guid=guid, source="import",
                   author=author_of(user_guid))
        memos += 1

    def note_memo(note_guid: str, kind: str, target, places: _Places | None = None) -> None:
        note = notes.get(note_guid)
        if note is None or note_guid in used:
            return
        used.add(note_guid)
        if places is not None and note.position is not None:
            line = places.first_line(*note.position, normalised=False)
            if line is not None:
                kind, target = MEMO_SEGMENT, line
        memo(kind, target, note.text, title=note.name, guid=note.guid, user_guid=note.user_guid)

    guids = 0
    source_guids: set[str] = set()
    for index, source in enumerate(refi.sources):
        key = source.guid or f"#{index}"
        transcript_id = transcripts.get(key)
        if transcript_id is None:
            continue
        if source.guid and source.guid[:36] not in source_guids:  # a GUID given twice is kept once
            source_guids.add(source.guid[:36])
            session.get(Transcript, transcript_id).guid = source.guid[:36]
            guids += 1
        places = _Places(session, source, transcript_id, rewrites.get(key))
        if source.description and not ours:
            memo(MEMO_TRANSCRIPT, transcript_id, source.description,
                 title=_("Description in {tool}", tool=tool))
        for note_guid in source.note_guids:
            note_memo(note_guid, MEMO_TRANSCRIPT, transcript_id, places)
        for selection in source.selections:
            if not selection.description and not selection.note_guids:
                continue
            line = places.first_line(selection.start, selection.end, normalised=True)
            target = (MEMO_SEGMENT, line) if line else (MEMO_TRANSCRIPT, transcript_id)
            user = selection.codings[0].user_guid if selection.codings else None
            # A line memo of ours is a note on a selection that repeats its text as the
            # selection's description (for QualCoder and MAXQDA): one memo, from the note.
            repeated = any(notes[g].text.strip() == selection.description.strip()
                           for g in selection.note_guids if g in notes)
            # our coding memo goes back to its coding
            restored = bool(selection.description and not repeated and ours and line and selection.codings
                            and _coding_memo(session, line, selection, codes, users))
            if selection.description and not repeated and not restored:
                memo(*target, selection.description, title=_("Comment on a selection in {tool}", tool=tool),
                     guid=selection.guid or None, user_guid=user)
            for note_guid in selection.note_guids:
                note_memo(note_guid, *target)
    session.flush()
    for node, _ancestors in refi.walk_codes():
        code_id = codes.code_ids.get(node.guid)
        for note_guid in node.note_guids:
            note_memo(note_guid, MEMO_CODE, code_id) if code_id else note_memo(note_guid, MEMO_PROJECT, "")
    for note_guid in refi.note_guids:
        note_memo(note_guid, MEMO_PROJECT, "")
    for case in refi.cases:
        for note_guid in case.note_guids:
            note_memo(note_guid, MEMO_PROJECT, "")
    for note in refi.notes:  # journals and notes nothing refers to
        if note.guid not in used:
            used.add(note.guid)
            memo(MEMO_PROJECT, "", note.text, title=note.name, guid=note.guid or None, user_guid=note.user_guid)
    empty = sum(1 for note in refi.notes if not note.text.strip())

    sets = source_sets = 0
    set_guids: set[str] = set()
    for refi_set in refi.sets:
        set_guid = refi_set.guid[:36] or None
        if set_guid in set_guids:
            set_guid = None
        set_guids.add(set_guid)
        members = [codes.code_ids[g] for g in refi_set.code_guids if g in codes.code_ids]
        if members or not refi_set.source_guids:
            add_code_set(session, project, (refi_set.name or _("(unnamed set)"))[:200], members,
                         guid=set_guid, description=refi_set.description or None)
            sets += 1
        if refi_set.source_guids:
            source_sets += 1

    kept, not_kept = result.kept, result.not_kept
    kept.append(_("GUIDs of {codes} codes, {sources} sources and {users} users (an export writes them again)",
                  codes=codes.guids, sources=guids, users=users.guids))
    if result.selection_rows:
        kept.append(_("{count} exact selection spans inside lines (an export writes them again)",
                      count=result.selection_rows))
    if memos:
        kept.append(_("{count} notes, comments and descriptions as memos", count=memos))
    if sets:
        kept.append(_("{count} code sets", count=sets))
    if codes.folder_codes:
        kept.append(_("{count} non-codable codes (folders) as parent codes in the codebook",
                      count=codes.folder_codes))
    conventions = sorted({s.convention for s in refi.sources if s.selections})
    if conventions:
        kept.append(_("selection positions read as {conventions} (the file was written by {tool})",
                      conventions=", ".join(_(CONVENTION_NAMES[c]) for c in conventions), tool=tool))
    if codes.repeated:
        not_kept.append(_("{count} repeated listings of a code with the same GUID (the code is kept once)",
                          count=codes.repeated))
    if source_sets:
        not_kept.append(_("{count} sets of sources (this toolkit groups transcripts by their group instead)",
                          count=source_sets))
    if empty:
        not_kept.append(_("{count} empty notes", count=empty))
    for note in refi.notes:
        if isinstance(note, RefiNote) and note.text.strip() and note.guid not in used:
            not_kept.append(_("note {name!r}", name=note.name))
