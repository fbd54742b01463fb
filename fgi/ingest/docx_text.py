"""Text of a Word (.docx) transcript: paragraphs in order, table rows as ``speaker: text``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from fgi.errors import InputError, MissingDependency


def is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def docx_text(path: Path) -> str:
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - python-docx is a core dependency
        raise MissingDependency("reading .docx needs python-docx", hint="pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise InputError(
            f"the Word file cannot be opened ({type(exc).__name__})",
            path=path,
            hint="open it in Word or LibreOffice and save it again as .docx",
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
