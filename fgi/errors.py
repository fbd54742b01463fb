"""Errors a user can act on: what was wrong, where, and what to do about it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from fgi.i18n import _


class FgiError(Exception):
    """Base class of every error the toolkit raises on purpose.

    ``hint`` says what the user can do; ``details`` are the problems one by one when there
    are several (a codebook's bad rows); the CLI and the app show them under the message,
    one per line.
    """

    def __init__(self, message: str, *, hint: str | None = None, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = [str(d) for d in details]

    def __str__(self) -> str:
        lines = [self.message, *(f"  {d}" for d in self.details)]
        if self.hint:
            lines.append(f"  → {self.hint}")
        return "\n".join(lines)


class NotFound(FgiError):
    """A project, transcript, segment or other named thing does not exist."""


class InputError(FgiError):
    """A file a user gave us cannot be read as they meant it; names the file and line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        details: Sequence[str] = (),
    ) -> None:
        where = ""
        if path is not None:
            where = f"{Path(path).name}"
            if line is not None:
                where += _(", line {line}", line=line)
            where += ": "
        super().__init__(where + message, hint=hint, details=details)
        self.path = str(path) if path is not None else None
        self.line = line


class DuplicateImport(FgiError):
    """The same transcript content is already in the project."""


class MissingDependency(FgiError):
    """An optional library is not installed; the hint names the pip extra."""


class DatabaseNotMigrated(FgiError):
    """The database schema is older than this version of the toolkit."""
