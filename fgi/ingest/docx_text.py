"""Text of a Word (.docx) transcript: paragraphs in order, table rows as ``speaker: text``.

A .docx is a zip of XML parts, so a small file can hold a huge document (a 1.6 MB file
can unpack to 400 MB of XML). Before python-docx sees anything, the zip goes through the
shared defensive reader (``fgi.safe_zip``): the XML parts together may unpack to at most
``FGI_MAX_OFFICE_XML_MB`` (checked from the zip's directory, then again while streaming),
no part may expand more than ``FGI_MAX_ZIP_RATIO`` times, and every XML part is scanned
with a safe parser (no DTD, no entities, no network, no huge-tree mode) whose nesting
may not pass ``FGI_MAX_XML_DEPTH``. Pictures and other binary parts are never unpacked.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fgi.errors import InputError, MissingDependency
from fgi.limits import limit, raise_hint
from fgi.safe_zip import checked_copy, is_xml_part, zip_limits
from fgi.i18n import _



def _hint() -> str:
    return _("open it in Word or LibreOffice and save it again as .docx")


def is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _check_xml(data: bytes, name: str, path: Path) -> None:
    """Refuse a DTD (Word never writes one) and nesting deeper than the limit."""
    from lxml import etree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(_("part {part} of the Word file declares a DTD or entities, which Word never writes", part=repr(name)),
                         path=path, hint=_("nothing was imported; do not open this file"))
    deepest = limit("xml_depth")
    depth = 0
    try:
        for event, _element in etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                                        no_network=True, load_dtd=False, huge_tree=False):
            depth += 1 if event == "start" else -1
            if depth > deepest:
                raise InputError(_("part {part} of the Word file nests elements more than {limit} deep", part=repr(name), limit=deepest),
                                 path=path, hint=raise_hint("xml_depth"))
    except etree.XMLSyntaxError as exc:
        raise InputError(_("part {part} of the Word file is not well-formed XML ({detail})", part=repr(name), detail=exc),
                         path=path, hint=_hint()) from None


def checked_package(path: Path) -> io.BytesIO:
    """The Word file rebuilt in memory from its XML parts, read within the limits; other
    parts (pictures, fonts) are left empty, as the text never needs them."""
    return checked_copy(path, zip_limits("office_xml_mb"), hint=_hint(), keep=is_xml_part,
                        check=lambda name, data: _check_xml(data, name, path))


def docx_text(path: Path) -> str:
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - python-docx is a core dependency
        raise MissingDependency(_("reading .docx needs python-docx"), hint=_('pip install python-docx')) from exc
    package = checked_package(path)
    try:
        document = docx.Document(package)
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise InputError(
            _("the Word file cannot be opened ({kind})", kind=type(exc).__name__),
            path=path,
            hint=_hint(),
        ) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if len(cells) >= 2:
                    lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
                elif cells:
                    lines.append(cells[0])
        else:
            lines.extend(block.text.split("\n"))
    return "\n".join(lines)
