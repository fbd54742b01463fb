"""Read ``project.qde`` (and the source texts it points to) into a ``RefiProject``.

The XML is parsed by lxml with entity resolution, DTD loading and network access off,
and a document with a ``<!DOCTYPE>`` is refused outright: REFI-QDA files have none, and
a DTD is where entity bombs and external entities hide. Elements are matched by local
name, so files with or without the REFI namespace are read alike. Only text sources are
imported; pictures, PDFs, audio and video are counted in ``skipped``.

A source's text comes from ``plainTextPath`` (``internal://NAME`` is ``sources/NAME``,
``Sources/`` accepted too) or from inline ``<PlainTextContent>``. Its selections' offsets
are mapped into the normalised text (``coding.refi.offsets``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coding.refi.archive import SafeArchive, entry_problem
from coding.refi.data import RefiCase, RefiCode, RefiCoding, RefiProject, RefiSelection, RefiSource, RefiUser
from coding.refi.offsets import normalise_with_offsets
from fgi.errors import InputError
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
        raise InputError(f"{member} declares a DTD (<!DOCTYPE ...>), which REFI-QDA files never do; "
                         "entity declarations are refused for safety", path=path,
                         hint="nothing was imported; export the project again from the program that made it")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{member} is not well-formed XML: {exc.msg}", path=path,
                         line=exc.lineno or None, hint="export the project again; the file is damaged") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InputError(f"{member} declares a DTD (<!DOCTYPE ...>), which REFI-QDA files never do; "
                         "entity declarations are refused for safety", path=path,
                         hint="nothing was imported; export the project again from the program that made it")
    return root


def _text(element) -> str:
    return (element.text or "") if element is not None else ""


def _flag(value: str | None) -> bool:
    return (value or "true").strip().lower() in ("true", "1")


def _code(element) -> RefiCode:
    description = _child(element, "Description")
    return RefiCode(element.get("guid") or "", (element.get("name") or "").strip(), _flag(element.get("isCodable")),
                    (description.text or "") if description is not None else "", element.get("color") or None,
                    [_code(child) for child in _children(element, "Code")])


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
            raise InputError(f"source {name!r} has neither plainTextPath nor PlainTextContent", path=archive.path)
        return inline.text or ""
    if not where.startswith("internal://"):
        raise InputError(f"source {name!r} points outside the archive ({where!r}); only internal:// sources "
                         "can be imported", path=archive.path,
                         hint="export the project again with its sources included")
    relative = where.removeprefix("internal://")
    problem = entry_problem(relative)
    if problem:
        raise InputError(f"source {name!r}: path {relative!r} {problem}; nothing was imported", path=archive.path)
    member = archive.find(f"sources/{relative}")
    if member is None:
        raise InputError(f"source {name!r}: sources/{relative} is not in the archive", path=archive.path,
                         hint="export the project again with its sources included")
    data = archive.read(member)
    encoding = detect_encoding(data, f"{archive.path.name}:{member}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{member} is not text in {encoding}", path=archive.path) from None


def _selection(element, mapping, source: str, path: Path) -> RefiSelection:
    try:
        start, end = int(element.get("startPosition")), int(element.get("endPosition"))
    except (TypeError, ValueError):
        raise InputError(f"a selection of source {source!r} has no numeric start/endPosition "
                         f"(guid {element.get('guid')})", path=path) from None
    if start < 0 or end < start:
        raise InputError(f"a selection of source {source!r} runs from {start} to {end}", path=path)
    fallback = element.get("creatingUser")
    codings = []
    for coding in _children(element, "Coding"):
        ref = _child(coding, "CodeRef")
        if ref is not None and ref.get("targetGUID"):
            codings.append(RefiCoding(ref.get("targetGUID"), coding.get("creatingUser") or fallback))
    return RefiSelection(element.get("guid") or "", mapping.new(start), mapping.new(end), codings,
                         element.get("name"))


def _source(element, archive: SafeArchive, variables: dict[str, str]) -> RefiSource:
    name = (element.get("name") or element.get("guid") or "source").strip()
    original = _source_text(element, archive, name)
    mapping = normalise_with_offsets(original)
    length = len(original)
    selections = []
    for chosen in _children(element, "PlainTextSelection"):
        end = int(chosen.get("endPosition") or 0)
        if end > length:
            raise InputError(f"a selection of source {name!r} ends at {end}, past the text's end ({length})",
                             path=archive.path, hint="the source text in the archive does not match project.qde")
        selections.append(_selection(chosen, mapping, name, archive.path))
    return RefiSource(element.get("guid") or "", name, mapping.text, selections, _variables(element, variables))


def read_qdpx(archive: SafeArchive) -> ParsedArchive:
    """Everything the importer needs from an open archive."""
    member = archive.find(PROJECT_FILE)
    if member is None:
        raise InputError(f"the archive has no {PROJECT_FILE}", path=archive.path,
                         hint="a REFI-QDA project (.qdpx) holds project.qde; for a codebook use "
                              "fgi codebook import FILE.qdc")
    root = parse_xml(archive.read(member), archive.path)
    if _local(root) != "Project":
        raise InputError(f"{PROJECT_FILE} starts with <{_local(root)}>, not <Project>", path=archive.path)
    project = RefiProject((root.get("name") or archive.path.stem).strip(), origin=root.get("origin") or "")
    description = _child(root, "Description")
    project.description = (description.text or "") if description is not None else ""
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
                 RefiCase.label_in(_text(_child(c, "Description"))))
        for c in (_children(cases, "Case") if cases is not None else [])]
    parsed = ParsedArchive(project)
    sources = _child(root, "Sources")
    for element in (list(sources) if sources is not None else []):
        kind = _local(element)
        if kind == "TextSource":
            project.sources.append(_source(element, archive, variables))
        elif kind in _OTHER_SOURCES:
            parsed.skipped.append(f"{kind} {element.get('name') or element.get('guid')!r}")
    return parsed
