"""REFI-QDA (.qdpx) archives: read through the shared defensive zip reader
(``fgi.safe_zip``), written reproducibly.

Reading never extracts to disk; the directory is checked before anything is read (paths,
links, encryption, compression ratio, total size) and every read is bounded while it
streams. The limits come from the settings (``FGI_MAX_UNZIPPED_MB``, ``FGI_MAX_ZIP_RATIO``).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from fgi.safe_zip import SafeZip, ZipLimits, entry_problem, zip_limits
from fgi.i18n import N_, _

__all__ = ["Limits", "SafeArchive", "entry_problem", "qdpx_limits", "write_archive"]

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # so the same content gives the same bytes
_HINT = N_("this is not a usable REFI-QDA archive; export it again from the program that made it")

Limits = ZipLimits


def qdpx_limits() -> ZipLimits:
    return zip_limits("unzipped_mb")


class SafeArchive(SafeZip):
    """An open .qdpx whose directory has been checked; ``read(name)`` gets one member."""

    def __init__(self, path: str | Path, limits: ZipLimits | None = None) -> None:
        super().__init__(path, limits or qdpx_limits(), hint=_(_HINT))

    def bad(self, message: str, hint: str | None = None):
        if message.startswith("not a zip archive"):
            hint = hint or "a .qdpx file is a zip archive holding project.qde; export it again"
        return super().bad(message, hint)


def write_archive(path: str | Path, project_xml: bytes, files: Iterable[tuple[str, bytes]]) -> Path:
    """Write ``project.qde`` and ``files`` (name, bytes) as a zip with fixed timestamps,
    atomically (a temporary file renamed into place)."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=".fgi-", suffix=".qdpx", dir=path.parent or ".")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [("project.qde", project_xml), *files]:
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
