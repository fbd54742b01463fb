"""Zip archives read defensively and written reproducibly.

Reading never extracts to disk: members are read into memory, one at a time, on
request. Before anything is read the whole directory is checked: every name must stay
inside the archive (no ``..``, no absolute or drive paths, no symbolic links), no member
may be encrypted, and no member may claim a compression ratio only a zip bomb has. Each
read checks the member's declared size first and stops as soon as more comes out than
declared or than the limits allow, so a lying header cannot fill memory either.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fgi.errors import InputError

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # so the same content gives the same bytes
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    max_members: int = 10_000
    max_member_bytes: int = 100 * 1024 * 1024  # one source text or project.qde
    max_total_bytes: int = 256 * 1024 * 1024  # everything read from one archive
    max_ratio: float = 200.0  # uncompressed / compressed, for members over ratio_floor
    ratio_floor: int = 1024 * 1024


def _bad(path: Path, message: str, hint: str | None = None) -> InputError:
    return InputError(message, path=path, hint=hint or "this is not a usable REFI-QDA archive; export it again "
                      "from the program that made it")


def entry_problem(name: str) -> str | None:
    normal = name.replace("\\", "/")
    if "\x00" in normal:
        return "has a NUL character in its name"
    if normal.startswith("/") or _DRIVE.match(normal):
        return "is an absolute path"
    if ".." in PurePosixPath(normal).parts:
        return "escapes the archive folder (..)"
    return None


class SafeArchive:
    """An open zip whose directory has been checked; ``read(name)`` gets one member."""

    def __init__(self, path: str | Path, limits: Limits = Limits()) -> None:
        self.path = Path(path)
        self.limits = limits
        self._read_total = 0
        if not self.path.is_file():
            raise InputError("file not found", path=self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise _bad(self.path, f"not a zip archive ({exc})",
                       hint="a .qdpx file is a zip archive holding project.qde; export it again") from None
        try:
            self._members = self._check_directory()
        except Exception:
            self._zip.close()
            raise

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_members:
            raise _bad(self.path, f"the archive has {len(infos)} entries (at most {self.limits.max_members} accepted)")
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            problem = entry_problem(info.filename)
            if problem:
                raise _bad(self.path, f"archive entry {info.filename!r} {problem}; nothing was imported")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _bad(self.path, f"archive entry {info.filename!r} is a symbolic link; nothing was imported")
            if info.flag_bits & 0x1:
                raise _bad(self.path, f"archive entry {info.filename!r} is encrypted",
                           hint="export the project again without a password")
            if info.file_size > self.limits.ratio_floor and \
                    info.file_size > self.limits.max_ratio * max(info.compress_size, 1):
                raise _bad(self.path, f"archive entry {info.filename!r} would expand from {info.compress_size} to "
                           f"{info.file_size} bytes (more than {self.limits.max_ratio:.0f} times): a zip bomb?",
                           hint="nothing was imported; do not open this file")
            if not info.is_dir():
                members[info.filename.replace("\\", "/")] = info
        return members

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return list(self._members)

    def find(self, name: str) -> str | None:
        """The member called ``name``, matched exactly, else case-insensitively (``Sources/``)."""
        name = name.replace("\\", "/").lstrip("/")
        if name in self._members:
            return name
        folded = [n for n in self._members if n.casefold() == name.casefold()]
        return folded[0] if len(folded) == 1 else None

    def read(self, name: str) -> bytes:
        """The bytes of one member, within the limits."""
        info = self._members[name]
        allowed = min(self.limits.max_member_bytes, self.limits.max_total_bytes - self._read_total)
        if info.file_size > allowed:
            raise _bad(self.path, f"archive entry {name!r} is {info.file_size} bytes uncompressed; at most {allowed} "
                       "more bytes are read from one archive", hint="nothing was imported")
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > info.file_size or size > allowed:
                        raise _bad(self.path, f"archive entry {name!r} holds more than it declares "
                                   f"({info.file_size} bytes)", hint="nothing was imported; do not open this file")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # bad CRC, truncated, bad method
            raise _bad(self.path, f"archive entry {name!r} cannot be read ({exc})") from None
        self._read_total += size
        return b"".join(chunks)


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
