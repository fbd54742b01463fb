"""Text of a 한글 (Hancom Office) transcript: ``.hwpx`` (a zip of OWPML XML parts) and
``.hwp`` (HWP 5, a binary compound file), read like a Word file: paragraphs in order, each
table row as ``speaker: text``.

``.hwpx`` goes through the shared defensive zip reader (``fgi.safe_zip``) with the limits of
Office files; its section parts are parsed without DTDs, entities or network. ``.hwp`` is
converted to the same section XML by python-hwpx's HWP 5 reader, which has its own stream and
record limits and recognises password, distribution and certificate protection.

The section XML: a ``sec`` holds paragraphs ``p``; a paragraph's ``run``s hold text ``t``
(with ``tab`` and ``lineBreak`` inside) and controls, among them tables ``tbl`` of rows
``tr`` of cells ``tc``, whose ``subList`` holds paragraphs again. Elements are matched by
local name, so both the 2011 and the 2016 namespaces of OWPML are read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from fgi.errors import InputError, MissingDependency
from fgi.i18n import _
from fgi.limits import limit, raise_hint
from fgi.safe_zip import SafeZip, zip_limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")


def _save_as_hint() -> str:
    return _("open it in Hancom Office (한글) and save it again as .hwpx or .docx (File > Save As)")


def is_hwpx(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return False
        import zipfile

        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, ValueError, Exception):  # zipfile raises several kinds on damaged files
        return False
    return "Contents/section0.xml" in names or ("mimetype" in names and "Contents/content.hpf" in names)


def is_hwp(path: Path) -> bool:
    """An OLE compound file named ``.hwp``: HWP 5 (Word 97-2003 files share the magic)."""
    try:
        with path.open("rb") as handle:
            return handle.read(8) == OLE_MAGIC and path.suffix.lower() == ".hwp"
    except OSError:
        return False


def hwpx_text(path: Path) -> str:
    """The transcript text of a ``.hwpx`` file, within the Office-file limits."""
    sections: list[tuple[int, bytes]] = []
    with SafeZip(path, zip_limits("office_xml_mb"), hint=_save_as_hint(),
                 counted=lambda name: _SECTION.match(name) is not None) as archive:
        for name in archive.names():
            match = _SECTION.match(name.replace("\\", "/"))
            if match:
                sections.append((int(match.group(1)), archive.read(name)))
    if not sections:
        raise InputError(_("the .hwpx file has no body text (no Contents/section0.xml)"), path=path,
                         hint=_save_as_hint())
    return "\n".join(_section_text(data, name=f"section{number}", path=path) for number, data in sorted(sections))


def hwp_text(path: Path) -> str:
    """The transcript text of an HWP 5 ``.hwp`` file, through python-hwpx's converter."""
    try:
        from hwpx.errors import Hwp5Error
        from hwpx.hwp5.package import convert
    except ImportError as exc:  # pragma: no cover - python-hwpx is a core dependency
        raise MissingDependency(_("reading .hwp files needs python-hwpx"), hint=_('pip install python-hwpx')) from exc
    data = path.read_bytes()
    try:
        converted = convert(data)
    except Hwp5Error as exc:
        code = getattr(exc, "code", "") or ""
        if code in ("hwp5-password", "hwp5-distribution", "hwp5-drm"):
            raise InputError(_("the 한글 file is protected by a password or encryption, so its text cannot be read"),
                             path=path,
                             hint=_("open it in 한글, remove the password (File > Document Security), "
                                    "save it and import it again")) from None
        if "limit" in code:
            raise InputError(_("the 한글 file is larger inside than the import allows"), path=path,
                             hint=_save_as_hint()) from None
        raise InputError(_("the 한글 file is damaged or not an HWP 5 document"), path=path,
                         hint=_save_as_hint()) from None
    except Exception as exc:  # the binary reader raises many kinds on damaged input
        raise InputError(_("the 한글 file cannot be read ({kind})", kind=type(exc).__name__), path=path,
                         hint=_save_as_hint()) from None
    sections = sorted(
        (int(match.group(1)), payload)
        for name, payload in converted.files.items()
        if (match := _SECTION.match(name))
    )
    return "\n".join(_section_text(payload, name=f"section{number}", path=path) for number, payload in sections)


def _section_text(data: bytes, *, name: str, path: Path) -> str:
    from lxml import etree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(_("part {part} of the 한글 file declares a DTD or entities, which 한글 never writes",
                           part=name), path=path, hint=_("nothing was imported; do not open this file"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(io.BytesIO(data), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise InputError(_("part {part} of the 한글 file is not well-formed XML ({detail})", part=name, detail=exc),
                         path=path, hint=_save_as_hint()) from None
    deepest = limit("xml_depth")
    if _depth(root) > deepest:
        raise InputError(_("part {part} of the 한글 file nests elements more than {limit} deep", part=name,
                           limit=deepest), path=path, hint=raise_hint("xml_depth"))
    return "\n".join(_blocks(root))


def _depth(element) -> int:
    deepest, stack = 0, [(element, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _blocks(section) -> Iterator[str]:
    """Lines of a section: each top-level paragraph's text, then its tables' rows."""
    for paragraph in section:
        if _local(paragraph) != "p":
            continue
        text, tables = _paragraph(paragraph)
        if text or not tables:
            yield from text.split("\n")
        for table in tables:
            yield from _table_lines(table)


def _paragraph(paragraph) -> tuple[str, list]:
    """A paragraph's own text (tables left out) and the tables it holds."""
    parts: list[str] = []
    tables: list = []
    for run in paragraph:
        if _local(run) != "run":
            continue
        for child in run:
            kind = _local(child)
            if kind == "t":
                parts.append(_t_text(child))
            elif kind == "tbl":
                tables.append(child)
    return "".join(parts), tables


def _t_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        kind = _local(child)
        if kind == "tab":
            parts.append("\t")
        elif kind == "lineBreak":
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _table_lines(table) -> Iterator[str]:
    """Each row as ``first cell: other cells`` (a speaker/utterance table), repeated cells
    of a merge left out; a one-cell row as its text."""
    for row in table:
        if _local(row) != "tr":
            continue
        cells = [_cell_text(cell).strip() for cell in row if _local(cell) == "tc"]
        cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
        if len(cells) >= 2:
            yield f"{cells[0]}: {' '.join(cells[1:])}"
        elif cells:
            yield cells[0]


def _cell_text(cell) -> str:
    """All text of a cell on one line (nested tables flattened)."""
    paragraphs = [_paragraph(element)[0] for element in cell.iter() if _local(element) == "p"]
    return " ".join(" ".join(paragraphs).split())
