"""``fgi export qdpx`` and the REFI-QDA side of ``fgi import FILE.qdpx``.

``register_refi(app)`` adds ``qdpx`` to the ``fgi export`` group (made if absent; the
theme-table exports add to the same group). ``import_archive(path, project)`` is what the
composition root hands ``.qdpx`` files to from ``fgi import``. The theme hierarchy lives
in ``themes``, which this package may not import: ``themes`` calls ``use_hierarchy`` with
a bridge when it registers its commands, and without one the hierarchy is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional, Protocol

import typer
from sqlalchemy.orm import Session

from coding.refi.collect import collect_project
from coding.refi.data import Folder
from coding.refi.export import POSITIONS, write_qdpx
from coding.refi.guids import keep_guids
from coding.refi.import_ import check_options, import_qdpx
from coding.permissions import require
from fgi import console
from fgi.console import info, signed_in, transaction
from fgi.errors import InputError
from fgi.i18n import _
from fgi.ingest import ImportOptions
from fgi.models import Project
from fgi.study import get_project


class HierarchyBridge(Protocol):
    def folders(self, session: Session, project: Project) -> list[Folder]: ...

    def store(self, session: Session, project: Project, folders: list[Folder], *, actor: str) -> int: ...


_hierarchy: HierarchyBridge | None = None


def use_hierarchy(bridge: HierarchyBridge | None) -> None:
    """Let the REFI-QDA commands read and write the theme hierarchy through ``bridge``."""
    global _hierarchy
    _hierarchy = bridge


def export_group(app: typer.Typer) -> typer.Typer:
    """The ``fgi export`` group, shared by every package that exports something."""
    for group in app.registered_groups:
        if group.name == "export" and group.typer_instance is not None:
            return group.typer_instance
    group = typer.Typer(help="Export a project: theme tables (docx, xlsx, csv, md), REFI-QDA (.qdpx).",
                        no_args_is_help=True)
    app.add_typer(group, name="export")
    return group


def export_qdpx_command(
    project: Annotated[str, typer.Option("--project", "-p", help="project name")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the .qdpx file to write")],
    as_user: Annotated[Optional[str], typer.Option("--as", help="acting user, a lead (default: FGI_USER, else the user of fgi login)")] = None,
    positions: Annotated[str, typer.Option(
        "--positions", help="how selection positions count: codepoint (the REFI-QDA standard, as QualCoder "
        "reads them) or utf16 (as NVivo counts them: an emoji is two)")] = "codepoint",
    original_names: Annotated[bool, typer.Option(
        "--original-names", help="name sources after the imported files and add the CLOVA header author "
        "(pseudonymisation keeps them out otherwise)")] = False,
) -> None:
    """Write the whole coded project as a REFI-QDA archive for other QDA programs."""
    if output.suffix.lower() != ".qdpx":
        raise InputError(_('a REFI-QDA project file ends in .qdpx'), path=output, hint=_('-o {stem}.qdpx', stem=output.stem))
    if positions not in POSITIONS:
        raise InputError(_("unknown position count {positions!r}", positions=positions),
                         hint=_("use --positions codepoint (the standard) or --positions utf16 (for NVivo)"))
    with transaction() as session:  # an object exported for the first time keeps its GUID from now on
        target = get_project(session, project)
        viewer = console.signed_in(session, as_user)
        folders = _hierarchy.folders(session, target) if _hierarchy else []
        data = collect_project(session, target, viewer=viewer, folders=folders, original_names=original_names)
        keep_guids(session, target, actor=viewer, user_names=[u.name for u in data.users])
    write_qdpx(data, output, positions=positions)
    codings = sum(len(sel.codings) for s in data.sources for sel in s.selections)
    info(_("wrote {file}: {transcripts} transcripts, {codes} codes, {codings} codings, {users} users, "
           "{participants} participants, {memos} memos, {sets} code sets", file=output,
           transcripts=len(data.sources), codes=len(data.codes), codings=codings, users=len(data.users),
           participants=len(data.cases), memos=len(data.notes), sets=len(data.sets)))


def import_archive(path: Path, project: str | None, as_user: str | None = None,
                   options: ImportOptions | None = None) -> None:
    """``fgi import FILE.qdpx --project NEW``: a new project from a REFI-QDA archive (admins),
    with the transcript import options that apply to its sources (``check_options``)."""
    check_options(options or ImportOptions())
    with transaction() as session:
        me = signed_in(session, as_user)
        require(session, me, "project.import")
        result = import_qdpx(session, path, project, actor=me.name, options=options)
        nodes = 0
        if result.folders and _hierarchy is not None:
            nodes = _hierarchy.store(session, get_project(session, result.project), result.folders, actor=me.name)
        elif result.folders:
            result.notes.append("the file's theme hierarchy was not imported (the themes package is absent)")
    info(f"imported {path.name} as project {result.project!r}: {result.transcripts} transcripts, "
         f"{result.segments} segments, {result.codes} codes, {result.codings} codings, "
         f"{result.decisions} consensus decisions, {nodes} hierarchy nodes")
    if result.users_created:
        info(f"  new users (no password yet; set one with `fgi user password NAME`): {', '.join(result.users_created)}")
    if result.users_reused:
        info(f"  existing users matched by name: {', '.join(result.users_reused)}")
    for note in result.notes:
        info(f"  note: {note}")
    if result.kept:
        info(_("  kept from {tool}:", tool=result.origin or path.name))
        for line in result.kept:
            info(f"    - {line}")
    if result.not_kept:
        info(_("  not kept:"))
        for line in result.not_kept:
            info(f"    - {line}")
    for warning in result.warnings:
        info(_("  warning: {warning}", warning=warning))


def register_refi(app: typer.Typer) -> None:
    export_group(app).command("qdpx")(export_qdpx_command)
