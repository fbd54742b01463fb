"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

Pure functions, reused by the project export (``.qdpx``):

- ``code_guid(project_id, code_id)``: a stable UUID per code (uuid5 of the project and the
  code's id), so renaming or moving a code keeps its guid and repeated exports agree.
- ``codes_to_qdc_element(codes)``: the ``<Codes>`` tree as an ``Element``;
  ``codebook_element(codes)``: the whole ``<CodeBook>``; ``qdc_bytes``: serialised.
- ``parse_qdc(data)``: ``CodeSpec``s in tree order.

REFI has one free-text ``<Description>`` per code. It carries the definition, followed by
labelled lines for the other fields (``포함 기준:``, ``제외 기준:``, ``예시:``, ``키워드:``,
list items separated by `` | ``), which ``parse_qdc`` reads back; a description without
such lines is taken as the definition.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

from coding.codebook import CodeSpec, CodeView
from fgi.errors import InputError
from fgi.i18n import _

NAMESPACE = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("5d6f1f3e-8a43-4c1e-9f0e-6b1c2a7d9e21")  # this toolkit's codes
LABELS = {"inclusion": "포함 기준", "exclusion": "제외 기준", "examples": "예시", "keywords": "키워드"}
_ENGLISH_LABELS = {"inclusion": "Inclusion", "exclusion": "Exclusion", "examples": "Examples",
                   "keywords": "Keywords"}
_LIST_SEPARATOR = " | "


def code_guid(project_id: int, code_id: int) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"fgi-code:{project_id}:{code_id}"))


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def description_text(code: CodeView | CodeSpec) -> str:
    """The definition, then one labelled line per other field that has a value."""
    lines = []
    for key, label in LABELS.items():
        value = getattr(code, key)
        if isinstance(value, list):
            value = _LIST_SEPARATOR.join(value)
        if value:
            lines.append(f"{label}: {value}")
    definition = code.definition or ""
    if not lines:
        return definition
    return (definition + "\n\n" if definition else "") + "\n".join(lines)


def parse_description(text: str) -> dict[str, object]:
    """``definition``, ``inclusion``, ... from a description ``description_text`` wrote."""
    fields: dict[str, object] = {}
    body: list[str] = []
    by_label = {label: key for key, label in LABELS.items()}
    by_label.update({label: key for key, label in _ENGLISH_LABELS.items()})
    for line in text.strip().split("\n"):
        label, colon, value = line.partition(":")
        key = by_label.get(label.strip()) if colon else None
        if key is None:
            body.append(line)
        elif key in ("examples", "keywords"):
            fields[key] = [v.strip() for v in value.split("|") if v.strip()]
        else:
            fields[key] = value.strip()
    fields["definition"] = "\n".join(body).strip()
    return fields


def codes_to_qdc_element(codes: Sequence[CodeView], guid_of: Callable[[CodeView], str] | None = None) -> ET.Element:
    """``<Codes>`` with nested ``<Code>``s; ``codes`` in tree order (parents first)."""
    guid_of = guid_of or (lambda code: code_guid(code.project_id, code.id))
    root = ET.Element(_q("Codes"))
    elements: dict[int, ET.Element] = {}
    for code in codes:
        parent = elements.get(code.parent_id, root) if code.parent_id is not None else root
        attributes = {"guid": guid_of(code), "name": code.name, "isCodable": "true"}
        if code.color:
            attributes["color"] = code.color
        element = ET.SubElement(parent, _q("Code"), attributes)
        description = description_text(code)
        if description:
            ET.SubElement(element, _q("Description")).text = description
        elements[code.id] = element
    # A <Description> must precede child <Code>s; SubElement order already guarantees it.
    return root


def codebook_element(codes: Sequence[CodeView], *, origin: str = "fgi-toolkit",
                     guid_of: Callable[[CodeView], str] | None = None) -> ET.Element:
    book = ET.Element(_q("CodeBook"), {"origin": origin})
    book.append(codes_to_qdc_element(codes, guid_of))
    return book


def qdc_bytes(codes: Sequence[CodeView], *, origin: str = "fgi-toolkit",
              guid_of: Callable[[CodeView], str] | None = None) -> bytes:
    ET.register_namespace("", NAMESPACE)
    tree = ET.ElementTree(codebook_element(codes, origin=origin, guid_of=guid_of))
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_qdc(data: bytes, path: str | Path = "codebook.qdc") -> list[CodeSpec]:
    """The codes of a ``.qdc`` file (with or without the REFI namespace), parents first."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(_('not well-formed XML: {exc}', exc=exc), path=path,
                         line=exc.position[0] if exc.position else None) from None
    if _local(root.tag) != "CodeBook":
        raise InputError(_('the root element is <{local}>, not <CodeBook>', local=_local(root.tag)), path=path,
                         hint=_('a REFI-QDA codebook (.qdc) starts with <CodeBook xmlns="urn:QDA-XML:codebook:1.0">'))
    codes = next((child for child in root if _local(child.tag) == "Codes"), None)
    if codes is None:
        raise InputError(_('the codebook has no <Codes> element'), path=path)
    specs: list[CodeSpec] = []

    def walk(element: ET.Element, parent: tuple[str, ...]) -> None:
        for child in element:
            if _local(child.tag) != "Code":
                continue
            name = (child.get("name") or "").strip()
            description = next((d.text or "" for d in child if _local(d.tag) == "Description"), "")
            fields = parse_description(description)
            spec = CodeSpec(parent + (name,), guid=child.get("guid"), color=child.get("color") or "",
                            **{k: fields.get(k, [] if k in ("examples", "keywords") else "")
                               for k in ("definition", "inclusion", "exclusion", "examples", "keywords")})
            specs.append(spec)
            walk(child, spec.path)

    walk(codes, ())
    return specs
