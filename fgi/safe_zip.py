"""Zip archives read defensively: Word transcripts (.docx) and REFI-QDA projects (.qdpx).

Reading never extracts to disk: members are read into memory, one at a time, on request.
Before anything is read the whole central directory is checked: every name must stay
inside the archive (no ``..``, no absolute or drive paths, no symbolic links), no member
may be encrypted, no member may claim a compression ratio only a zip bomb has, and the
declared sizes together must stay under the limit. Each read stops as soon as more comes
out than declared or than the limits allow, so a lying header cannot fill memory either.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fgi.errors import InputError
from fgi.limits import MB, limit, setting_hint
from fgi.i18n import _

_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 10_000
    max_member_bytes: int = 100 * MB  # one member, uncompressed
    max_total_bytes: int = 256 * MB  # everything read from one archive
    max_ratio: float = 100.0  # uncompressed / compressed, for members over ratio_floor
    ratio_floor: int = MB
    total_setting: str = "FGI_MAX_UNZIPPED_MB"  # the setting that raises max_total_bytes


def zip_limits(total_limit: str = "unzipped_mb", **overrides) -> ZipLimits:
    """Limits from the settings: ``total_limit`` names the limit (in MB) on what the archive
    may unpack to (``unzipped_mb`` for .qdpx, ``office_xml_mb`` for Word and Excel files)."""
    from fgi.limits import LIMITS

    values = dict(max_total_bytes=limit(total_limit) * MB, max_ratio=float(limit("zip_ratio")),
                  total_setting=LIMITS[total_limit].setting)
    values["max_member_bytes"] = min(100 * MB, values["max_total_bytes"])
    return ZipLimits(**{**values, **overrides})


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else _("{count} bytes", count=n)


def entry_problem(name: str) -> str | None:
    normal = name.replace("\\", "/")
    if "\x00" in normal:
        return _("has a NUL character in its name")
    if normal.startswith("/") or _DRIVE.match(normal):
        return _("is an absolute path")
    if ".." in PurePosixPath(normal).parts:
        return _("escapes the archive folder (..)")
    return None


class SafeZip:
    """An open zip whose directory has been checked; ``read(name)`` gets one member.

    ``counted`` says which members count toward ``max_total_bytes`` in the directory check
    (by default all; a Word file counts only its XML, as pictures are never read)."""

    def __init__(self, path: str | Path, limits: ZipLimits = ZipLimits(), *, hint: str,
                 counted=lambda name: True) -> None:
        self.path = Path(path)
        self.limits = limits
        self.hint = hint
        self._read_total = 0
        if not self.path.is_file():
            raise InputError(_("file not found"), path=self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise self.bad(_("not a zip archive ({detail})", detail=exc)) from None
        try:
            self._members = self._check_directory(counted)
        except Exception:
            self._zip.close()
            raise

    def bad(self, message: str, hint: str | None = None) -> InputError:
        return InputError(message, path=self.path, hint=hint or self.hint)

    def _too_large(self, what: str, size: int) -> InputError:
        limit = self.limits.max_total_bytes
        return self.bad(_("{what} unpacks to {size}, over the limit of {limit} for one archive; nothing was imported",
                          what=what, size=_size(size), limit=_size(limit)),
                        hint=_("if the file is genuine, raise the limit with {setting} (in MB, now {value}); "
                               "do not open files you do not trust", setting=self.limits.total_setting,
                               value=self.limits.max_total_bytes // MB))

    def _check_directory(self, counted) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_members:
            raise self.bad(_("the archive has {count} entries (at most {limit} accepted)", count=len(infos),
                             limit=self.limits.max_members))
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            problem = entry_problem(info.filename)
            if problem:
                raise self.bad(_("archive entry {entry} {problem}; nothing was imported", entry=repr(info.filename),
                                 problem=problem))
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self.bad(_("archive entry {entry} is a symbolic link; nothing was imported", entry=repr(info.filename)))
            if info.flag_bits & 0x1:
                raise self.bad(_("archive entry {entry} is encrypted", entry=repr(info.filename)),
                               hint=_("save or export the file again without a password"))
            if info.file_size > self.limits.ratio_floor and \
                    info.file_size > self.limits.max_ratio * max(info.compress_size, 1):
                raise self.bad(_("archive entry {entry} would expand from {packed} to {size} bytes (more than "
                                 "{ratio:.0f} times): a zip bomb?", entry=repr(info.filename), packed=info.compress_size,
                                 size=info.file_size, ratio=self.limits.max_ratio),
                               hint=_("nothing was imported; do not open this file unless you trust it; then "
                                      "{what_to_do}", what_to_do=setting_hint("zip_ratio")))
            if not info.is_dir():
                name = info.filename.replace("\\", "/")
                members[name] = info
                if counted(name):
                    declared += info.file_size
        if declared > self.limits.max_total_bytes:
            raise self._too_large(_("the archive"), declared)
        return members

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return list(self._members)

    def infos(self) -> list[zipfile.ZipInfo]:
        return list(self._members.values())

    def find(self, name: str) -> str | None:
        """The member called ``name``, matched exactly, else case-insensitively (``Sources/``)."""
        name = name.replace("\\", "/").lstrip("/")
        if name in self._members:
            return name
        folded = [n for n in self._members if n.casefold() == name.casefold()]
        return folded[0] if len(folded) == 1 else None

    def read(self, name: str) -> bytes:
        """The bytes of one member, within the limits, checked while they stream out."""
        info = self._members[name]
        left = self.limits.max_total_bytes - self._read_total
        if info.file_size > self.limits.max_member_bytes:
            raise self.bad(_("archive entry {entry} is {size} bytes uncompressed; at most {limit} bytes are read "
                             "from one entry", entry=repr(name), size=info.file_size, limit=self.limits.max_member_bytes),
                           hint=_("nothing was imported"))
        if info.file_size > left:
            raise self._too_large(_("archive entry {entry}", entry=repr(name)), self._read_total + info.file_size)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > info.file_size:
                        raise self.bad(_("archive entry {entry} holds more than it declares ({size} bytes): a zip bomb?",
                                         entry=repr(name), size=info.file_size),
                                       hint=_("nothing was imported; do not open this file"))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # bad CRC, truncated, bad method
            raise self.bad(_("archive entry {entry} cannot be read ({detail})", entry=repr(name), detail=exc)) from None
        self._read_total += size
        return b"".join(chunks)


def is_xml_part(name: str) -> bool:
    """The parts of an Office file that hold its text (Word, Excel)."""
    return name.lower().endswith((".xml", ".rels"))


def checked_copy(path: str | Path, limits: ZipLimits, *, hint: str, keep: Callable[[str], bool],
                 check: Callable[[str, bytes], None] | None = None) -> io.BytesIO:
    """The archive rebuilt in memory for a library that reads zips without limits
    (python-docx, openpyxl): members ``keep`` accepts are read within the limits (and
    passed to ``check``), the others are left empty, as the text never needs them."""
    with SafeZip(path, limits, hint=hint, counted=keep) as archive:
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as copy:
            for info in archive.infos():
                name = info.filename.replace("\\", "/")
                data = archive.read(name) if keep(name) else b""
                if data and check is not None:
                    check(name, data)
                copy.writestr(name, data)
    package.seek(0)
    return package
