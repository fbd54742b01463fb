"""Read ``project.qde`` (and the source texts it points to) into a ``RefiProject``.

The XML is parsed by lxml with entity resolution, DTD loading and network access off,
and a document with a ``<!DOCTYPE>`` is refused outright: REFI-QDA files have none, and
a DTD is where entity bombs and external entities hide. Elements are matched by local
name, so files with or without the REFI namespace are read alike. Only text sources are
imported; pictures, PDFs, audio and video are counted in ``skipped``.

A source's text comes from ``plainTextPath`` (``internal://NAME`` is ``sources/NAME``,
``Sources/`` accepted too) or from inline ``<PlainTextContent>``. How its selections count
positions is found per source (``coding.refi.positions``: UTF-16 units for NVivo, CRLF as
one for MAXQDA-style files, code points otherwise, checked against the text); the offsets
are then mapped into the normalised text (``coding.refi.offsets``). When a source's
selections fit the text under no reading, nothing is imported and the failed selections
are named.

The project file is the archive's one ``.qde`` whatever its name (ATLAS.ti names it after
the project); none or several is an error. Notes, NoteRefs, descriptions and code sets
are read so the importer can keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coding.refi.archive import SafeArchive, entry_problem
from coding.refi.data import (
    RefiCase, RefiCode, RefiCoding, RefiNote, RefiProject, RefiSelection, RefiSet, RefiSource, RefiUser,
)
from coding.refi.offsets import normalise_with_offsets
from coding.refi.positions import RawSelection, choose_convention
from fgi.errors import InputError
from fgi.i18n import _
from fgi.ingest.encoding import detect_encoding

PROJECT_FILE = "project.qde"
# Looked for in the raw bytes, before any parsing (UTF-8 and both UTF-16 byte orders).
_DOCTYPE = tuple(form.encode(codec) for form in ("<!DOCTYPE", "<!doctype")
                 for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


@dataclass
class ParsedArchive:
    project: RefiProject
    skipped: list[str] = field(default_factory=list)  # what was not imported, for the report
    warnings: list[str] = field(default_factory=list)  # selections whose stated text differs
    project_file: str = PROJECT_FILE


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def parse_xml(data: bytes, path: Path, member: str = PROJECT_FILE):
    """The root element of a document, parsed without entities, DTDs or network."""
    if any(marker in data for marker in _DOCTYPE):
        raise InputError(_('{member} declares a DTD (<!DOCTYPE ...>), which REFI-QDA files never do; entity declarations are refused for safety', member=member), path=path,
                         hint=_('nothing was imported; export the project again from the program that made it'))
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(_('{member} is not well-formed XML: {msg}', member=member, msg=exc.msg), path=path,
                         line=exc.lineno or None, hint=_('export the project again; the file is damaged')) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError(_('{member} declares a DTD (<!DOCTYPE ...>), which REFI-QDA files never do; entity declarations are refused for safety', member=member), path=path,
                         hint=_('nothing was imported; export the project again from the program that made it'))
    return root


def _text(element) -> str:
    return (element.text or "") if element is not None else ""


def _flag(value: str | None) -> bool:
    return (value or "true").strip().lower() in ("true", "1")


def _code(element) -> RefiCode:
    description = _child(element, "Description")
    return RefiCode(element.get("guid") or "", (element.get("name") or "").strip(), _flag(element.get("isCodable")),
                    (description.text or "") if description is not None else "", element.get("color") or None,
                    [_code(child) for child in _children(element, "Code")], _note_refs(element))


def _note_refs(element) -> list[str]:
    return [ref.get("targetGUID") for ref in _children(element, "NoteRef") if ref.get("targetGUID")]


def _value(element) -> str | None:
    for child in element:
        if _local(child) != "VariableRef" and child.text is not None:
            return child.text.strip()
    return None


def _variables(element, names: dict[str, str]) -> dict[str, str]:
    found = {}
    for value in _children(element, "VariableValue"):
        ref = _child(value, "VariableRef")
        name = names.get(ref.get("targetGUID", "")) if ref is not None else None
        text = _value(value)
        if name and text is not None:
            found[name] = text
    return found


def _source_text(element, archive: SafeArchive, name: str) -> str:
    inline = _child(element, "PlainTextContent")
    where = element.get("plainTextPath")
    if where is None:
        if inline is None:
            raise InputError(_('source {name} has neither plainTextPath nor PlainTextContent', name=repr(name)), path=archive.path)
        return inline.text or ""
    if not where.startswith("internal://"):
        raise InputError(_('source {name} points outside the archive ({where}); only internal:// sources can be imported', name=repr(name), where=repr(where)), path=archive.path,
                         hint=_('export the project again with its sources included'))
    relative = where.removeprefix("internal://")
    problem = entry_problem(relative)
    if problem:
        raise InputError(_('source {name}: path {relative} {problem}; nothing was imported', name=repr(name), relative=repr(relative), problem=problem), path=archive.path)
    member = archive.find(f"sources/{relative}")
    if member is None:
        raise InputError(_('source {name}: sources/{relative} is not in the archive', name=repr(name), relative=relative), path=archive.path,
                         hint=_('export the project again with its sources included'))
    data = archive.read(member)
    encoding = detect_encoding(data, f"{archive.path.name}:{member}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(_('{member} is not text in {encoding}', member=member, encoding=encoding), path=archive.path) from None


def _position(element, source: str, path: Path) -> tuple[int, int]:
    try:
        start, end = int(element.get("startPosition")), int(element.get("endPosition"))
    except (TypeError, ValueError):
        raise InputError(_("a selection of source {source!r} has no numeric start/endPosition (guid {guid})",
                           source=source, guid=element.get("guid")), path=path) from None
    if start < 0 or end < start:
        raise InputError(_("a selection of source {source!r} runs from {start} to {end}",
                           source=source, start=start, end=end), path=path)
    return start, end


def _selection(element, source: str, path: Path) -> RefiSelection:
    start, end = _position(element, source, path)
    fallback = element.get("creatingUser")
    codings = []
    for coding in _children(element, "Coding"):
        ref = _child(coding, "CodeRef")
        if ref is not None and ref.get("targetGUID"):
            codings.append(RefiCoding(ref.get("targetGUID"), coding.get("creatingUser") or fallback))
    return RefiSelection(element.get("guid") or "", start, end, codings, element.get("name"),
                         _text(_child(element, "Description")).strip(), _note_refs(element), (start, end))


def _failures(path: Path | None, source: str, failed: list[RawSelection], what: str, limit: int = 10) -> str:
    """``file: source 'x': what: selection GUID at START-END; ...`` (no file: an InputError names it)."""
    shown = "; ".join(_("selection {guid} at {start}-{end}", guid=f.guid or "?", start=f.start, end=f.end)
                      for f in failed[:limit])
    more = _(" and {count} more", count=len(failed) - limit) if len(failed) > limit else ""
    text = _("source {source!r}: {what}: {selections}{more}", source=source, what=what, selections=shown, more=more)
    return f"{path.name}: {text}" if path is not None else text


def _source(element, archive: SafeArchive, variables: dict[str, str], origin: str,
            warnings: list[str]) -> RefiSource:
    name = (element.get("name") or element.get("guid") or "source").strip()
    original = _source_text(element, archive, name).removeprefix("\ufeff")
    selections = [_selection(chosen, name, archive.path) for chosen in _children(element, "PlainTextSelection")]
    raw = [RawSelection(s.guid or f"#{i}", s.start, s.end, s.name) for i, s in enumerate(selections)]
    placement = choose_convention(original, raw, origin)
    if not placement.fits:
        raise InputError(
            _failures(None, name, placement.failed,
                      _("{count} selection(s) lie outside the text or inside a character under every way of "
                        "counting positions (code points, UTF-16, CRLF as one)", count=len(placement.failed))),
            path=archive.path,
            hint=_("nothing was imported; the source text in the archive does not match its selections: export "
                   "the project again from the program that made it"))
    if placement.mismatched:
        warnings.append(_failures(archive.path, name, placement.mismatched,
                                  _("{count} selection(s) do not cover the text they name (imported where the "
                                    "positions say; check them)", count=len(placement.mismatched))))
    mapping = normalise_with_offsets(original)
    for index, selection in enumerate(selections):
        start, end = placement.spans[selection.guid or f"#{index}"]
        selection.start, selection.end = mapping.new(start), mapping.new(end)
    source = RefiSource(element.get("guid") or "", name, mapping.text, selections, _variables(element, variables),
                        _text(_child(element, "Description")).strip(), _note_refs(element), placement.convention)
    source.raw_text = original
    return source


def _note(element, archive: SafeArchive) -> RefiNote:
    name = (element.get("name") or "").strip()
    inline = _child(element, "PlainTextContent")
    text = ""
    if inline is not None or element.get("plainTextPath"):
        try:
            text = _source_text(element, archive, name or element.get("guid") or "note")
        except InputError:
            text = ""  # a note whose file is missing keeps its name and description
    description = _text(_child(element, "Description")).strip()
    text = "\n\n".join(part for part in (text.strip().removeprefix("\ufeff"), description) if part)
    selection = _child(element, "PlainTextSelection")
    position = None
    if selection is not None:
        try:
            position = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            position = None
    return RefiNote(element.get("guid") or "", name, text, element.get("creatingUser"), position)


def _sets(root) -> list[RefiSet]:
    sets = _child(root, "Sets")
    found = []
    for element in (_children(sets, "Set") if sets is not None else []):
        found.append(RefiSet(element.get("guid") or "", (element.get("name") or "").strip(),
                             _text(_child(element, "Description")).strip(),
                             [m.get("targetGUID") for m in _children(element, "MemberCode") if m.get("targetGUID")],
                             [m.get("targetGUID") for m in _children(element, "MemberSource")
                              if m.get("targetGUID")]))
    return found


def project_file(archive: SafeArchive) -> str:
    """The archive's one ``.qde`` (at the top, else anywhere): ``project.qde`` by the standard,
    named after the project by ATLAS.ti."""
    found = [n for n in archive.names() if n.lower().endswith(".qde") and not n.endswith("/")]
    top = [n for n in found if "/" not in n.strip("/")]
    candidates = top or found
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError(_("the archive holds no project file (.qde)"), path=archive.path,
                         hint=_("a REFI-QDA project (.qdpx) holds one .qde file; for a codebook use "
                                "fgi codebook import FILE.qdc"))
    raise InputError(_("the archive holds {count} project files ({names}); which one is the project is unclear",
                       count=len(candidates), names=", ".join(candidates[:5])), path=archive.path,
                     hint=_("export the project again so the archive holds one .qde file"))


def read_qdpx(archive: SafeArchive) -> ParsedArchive:
    """Everything the importer needs from an open archive."""
    member = project_file(archive)
    root = parse_xml(archive.read(member), archive.path, member)
    if _local(root) != "Project":
        raise InputError(_("{member} starts with <{tag}>, not <Project>", member=member, tag=_local(root)),
                         path=archive.path)
    project = RefiProject((root.get("name") or archive.path.stem).strip(), origin=(root.get("origin") or "").strip())
    description = _child(root, "Description")
    project.description = (description.text or "") if description is not None else ""
    project.note_guids = _note_refs(root)
    users = _child(root, "Users")
    project.users = [RefiUser(u.get("guid") or "", (u.get("name") or u.get("id") or "").strip())
                     for u in (_children(users, "User") if users is not None else [])]
    codebook = _child(root, "CodeBook")
    codes = _child(codebook, "Codes") if codebook is not None else None
    project.codes = [_code(c) for c in _children(codes, "Code")] if codes is not None else []
    variables_element = _child(root, "Variables")
    variables = {v.get("guid", ""): v.get("name", "") for v in
                 (_children(variables_element, "Variable") if variables_element is not None else [])}
    cases = _child(root, "Cases")
    project.cases = [
        RefiCase(c.get("guid") or "", (c.get("name") or "").strip(), _variables(c, variables),
                 [r.get("targetGUID") for r in _children(c, "SourceRef")],
                 RefiCase.label_in(_text(_child(c, "Description"))), _note_refs(c))
        for c in (_children(cases, "Case") if cases is not None else [])]
    parsed = ParsedArchive(project, project_file=member)
    sources = _child(root, "Sources")
    for element in (list(sources) if sources is not None else []):
        kind = _local(element)
        if kind == "TextSource":
            project.sources.append(_source(element, archive, variables, project.origin, parsed.warnings))
        elif kind in _OTHER_SOURCES:
            parsed.skipped.append(_("{kind} {name!r} (only text sources are imported)",
                                    kind=kind, name=element.get("name") or element.get("guid")))
    seen: set[str] = set()
    for source in project.sources:  # a GUID given to two sources identifies neither
        if source.guid in seen:
            source.guid = ""
        seen.add(source.guid)
    notes = _child(root, "Notes")
    project.notes = [_note(n, archive) for n in (_children(notes, "Note") if notes is not None else [])]
    project.sets = _sets(root)
    for kind in ("Links", "Graphs"):
        found = _child(root, kind)
        if found is not None and len(found):
            parsed.skipped.append(_("{count} {kind} (not part of this toolkit's model)", count=len(found), kind=kind))
    return parsed
