"""Uploaded files to paths and exported files to bytes: the domain functions read and write
paths; Streamlit hands over and offers bytes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

MIME = {
    ".csv": "text/csv", ".md": "text/markdown", ".yaml": "application/yaml", ".qdc": "application/xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".qdpx": "application/zip",
    ".hwpx": "application/hwp+zip",
}


@contextmanager
def uploaded_path(upload) -> Iterator[Path]:
    """An uploaded file saved under its own name in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        yield path


def written_bytes(write: Callable[[Path], object], filename: str) -> bytes:
    """Call ``write(path)`` for a temporary ``filename`` and return what it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        write(path)
        return path.read_bytes()


def mime(filename: str) -> str:
    return MIME.get(Path(filename).suffix.lower(), "application/octet-stream")


def download(label: str, filename: str, make: Callable[[], bytes], *, key: str) -> None:
    """A download button whose bytes are made when it is clicked (no work on page load)."""
    import streamlit as st

    st.download_button(label, make, file_name=filename, mime=mime(filename), key=key,
                       on_click="ignore", icon=":material/download:")
