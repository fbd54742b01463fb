"""Errors of team coding a user can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fgi.errors import FgiError, InputError
from fgi.i18n import _, ngettext


class PermissionDenied(FgiError):
    """The acting user may not do this (not a member of the project, or not a lead).

    ``action`` is the permission table's action; ``needed`` the level the user lacks (one of
    ``coding.permissions.LEVELS``), so a front end can say it in its own language."""

    action: str | None = None
    needed: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """What is wrong where: ``row 7: unknown code path ...`` (``unit`` may be ``line``)."""

    row: int | None  # a spreadsheet's row number (header = row 1), or a YAML line
    message: str
    unit: str = "row"

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.unit == "line":
            return _("line {row}: {message}", row=self.row, message=self.message)
        return _("row {row}: {message}", row=self.row, message=self.message)


class RowErrors(InputError):
    """Every bad row of an imported file, reported at once; nothing was changed."""

    def __init__(self, path: str | Path, problems: Sequence[RowProblem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            ngettext("{count} problem, nothing was imported:", "{count} problems, nothing was imported:", count),
            path=path, hint=hint or _("fix these rows and import the file again"),
            details=[str(p) for p in self.problems],
        )
