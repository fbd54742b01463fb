"""``fgi`` commands of the study itself: database, projects, import, transcripts, segments.

``init``, ``migrate``, ``backup`` and ``restore`` work on the database itself and need only
its URL, which is an administrator's credential. Every other command authenticates its
user (``--as``; ``coding.cli_auth``) and checks ``coding.permissions`` here, because the
study functions in ``fgi`` may not import ``coding``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from fgi import console, demo
from fgi.console import OutputFormat, info, print_json, print_table, signed_in, transaction
from fgi.errors import InputError
from fgi.ingest import FORMATS, UNITS, ImportOptions
from fgi.settings import load_settings
from fgi.storage import migrate, open_database
from fgi.study import get_project, get_transcript, list_projects, list_segments, list_transcripts
from fgi.i18n import _

# Importers of whole-project archives by suffix (".qdpx"): (path, project name, --as, the
# import options) -> None. Filled by the composition root (fgi/cli/__init__.py), since fgi
# may not import coding; the importer applies the options or refuses them with a message.
ARCHIVE_IMPORTERS: dict[str, Callable[[Path, str, Optional[str], ImportOptions], None]] = {}

project_app = typer.Typer(help="Create and list projects.", no_args_is_help=True)
db_app = typer.Typer(help="The database itself (administrators: needs the database URL).", no_args_is_help=True)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]


def _require(session, as_user: str | None, action: str, project=None):
    """The authenticated user, allowed ``action`` (coding.permissions), or PermissionDenied."""
    from coding.permissions import require

    me = signed_in(session, as_user)
    require(session, me, action, project)
    return me


def init() -> None:
    """Create the database (or bring its schema up to date)."""
    db = open_database(upgrade=True)
    info(f"database ready: {db.url} (schema {migrate.current_revision(db.engine)})")


def migrate_command(
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
) -> None:
    """Upgrade the database schema (needed for PostgreSQL after an update)."""
    from fgi.storage.engine import make_engine

    engine = make_engine(load_settings().database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    info(f"schema {before or 'empty'} → {migrate.current_revision(engine)}")
    engine.dispose()


@project_app.command("create")
def project_create(
    name: str,
    description: Annotated[Optional[str], typer.Option(help="what the study is about")] = None,
    blind: Annotated[bool, typer.Option("--blind/--open", help="coders see only their own codings until reveal")] = True,
    pseudonymise: Annotated[bool, typer.Option("--pseudonymise/--no-pseudonymise", help="replace real names and mask personal data on import")] = True,
    as_user: AsOption = None,
) -> None:
    """Create a project (admins)."""
    from coding.study_changes import create_project

    with transaction() as session:
        me = _require(session, as_user, "project.create")
        project = create_project(session, name, actor=me, description=description,
                                 blind_coding=blind, pseudonymise=pseudonymise)
        info(f"created project {project.name!r}")


@project_app.command("list")
def project_list(as_user: AsOption = None) -> None:
    """List projects, one per line: name, transcripts, segments."""
    with console.database().reading() as session:
        _require(session, as_user, "project.list")
        for p in list_projects(session):
            typer.echo(f"{p.name}\t{p.transcripts} transcripts\t{p.segments} segments")


def import_command(
    files: Annotated[list[Path], typer.Argument(help="transcript files (.txt, .docx, .srt, .vtt)")],
    project: Annotated[str, typer.Option("--project", "-p", help="project name")],
    group: Annotated[Optional[str], typer.Option(help="participant group, e.g. 실무자 or 주민")] = None,
    unit: Annotated[str, typer.Option(help=f"coding unit: {' or '.join(UNITS)}")] = "line",
    fmt: Annotated[Optional[str], typer.Option("--format", help=f"force a format: {', '.join(FORMATS)}")] = None,
    replace: Annotated[bool, typer.Option(help="re-import a transcript that is already there")] = False,
    pseudonymise: Annotated[Optional[bool], typer.Option("--pseudonymise/--no-pseudonymise", help="default: the project's setting")] = None,
    names_file: Annotated[Optional[Path], typer.Option("--names", help="file of names to mask, one per line")] = None,
    moderator: Annotated[Optional[list[str]], typer.Option(help="speaker label of a moderator (repeatable)")] = None,
    as_user: AsOption = None,
) -> None:
    """Import transcripts into a project (all files or none), or a REFI-QDA .qdpx as a new project."""
    archives = [f for f in files if f.suffix.lower() in ARCHIVE_IMPORTERS]
    if archives and len(files) > 1:
        raise InputError(_('a project archive is imported on its own'), path=archives[0],
                         hint=_('fgi import {name} --project NEW_NAME', name=archives[0].name))
    names: list[str] = []
    if names_file is not None:
        if not names_file.is_file():
            raise InputError(_('names file not found'), path=names_file, hint=_('one name per line, UTF-8'))
        names = [n.strip() for n in names_file.read_text(encoding="utf-8").splitlines() if n.strip()]
    options = ImportOptions(group=group, unit=unit, format=fmt, replace=replace,
                            pseudonymise=pseudonymise, names=names, moderators=moderator or [])
    options.validate()
    if archives:
        ARCHIVE_IMPORTERS[archives[0].suffix.lower()](archives[0], project, as_user, options)
        return
    from coding.study_changes import import_transcripts

    with transaction() as session, console.progress_bar() as bar:
        task = bar.add_task("importing", total=max(1, 2 * len(files)))
        target = get_project(session, project)
        me = _require(session, as_user, "transcripts.import", target)
        results = import_transcripts(
            session, target, files, options, actor=me,
            progress=lambda done, total, what: bar.update(task, completed=done, total=total, description=what),
        )
    for r in results:
        verb = "replaced" if r.replaced else "imported"
        info(f"{verb} {r.name} ({r.transcript_id}): {r.format}, {r.encoding}, {r.segments} segments "
             f"({r.backchannels} back-channels), speakers {', '.join(r.speakers)}")
        for note in r.notes:
            info(f"  note: {note}")


def transcripts_command(
    project: Annotated[str, typer.Option("--project", "-p")],
    fmt: FormatOption = OutputFormat.table,
    as_user: AsOption = None,
) -> None:
    """List a project's transcripts."""
    with console.database().reading() as session:
        target = get_project(session, project)
        _require(session, as_user, "transcripts.read", target)
        rows = list_transcripts(session, target)
    if fmt is OutputFormat.json:
        print_json(rows)
    else:
        print_table([dataclasses.asdict(r) for r in rows],
                    ["id", "name", "format", "group", "segments", "speakers"], title=project)


def segments_command(
    transcript: Annotated[str, typer.Argument(help="transcript id (see fgi transcripts)")],
    project: Annotated[Optional[str], typer.Option("--project", "-p", help="to find the transcript by name")] = None,
    fmt: FormatOption = OutputFormat.table,
    as_user: AsOption = None,
) -> None:
    """List a transcript's segments (coding units) with speakers and offsets."""
    with console.database().reading() as session:
        target = get_project(session, project) if project else None
        found = get_transcript(session, transcript, target)
        _require(session, as_user, "transcripts.read", found.project_id)
        rows = list_segments(session, found.id)
    if fmt is OutputFormat.json:
        print_json([
            {"id": r.id, "line": r.line, "source_line": r.source_line, "speaker": r.speaker,
             "participant": r.participant, "role": r.role, "text": r.text, "start": r.start,
             "end": r.end, "timestamp": r.timestamp, "backchannel": r.backchannel}
            for r in rows
        ])
    else:
        print_table(
            [dataclasses.asdict(r) | {"backchannel": "·" if r.backchannel else ""} for r in rows],
            ["id", "line", "timestamp", "speaker", "participant", "text", "backchannel"],
        )


def demo_command(
    folder: Annotated[Path, typer.Option("--from", help="folder of sample transcripts")] = demo.SAMPLE_TRANSCRIPTS,
    name: Annotated[str, typer.Option(help="project name")] = demo.DEMO_PROJECT,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="do nothing if the project exists")] = False,
    as_user: AsOption = None,
) -> None:
    """Create the demo project and its team (admins; anyone in a database without users)."""
    # The composition root may reach into coding: the demo team, codebook and codings.
    from coding.demo_team import build_demo_team
    from coding.permissions import has_users

    with transaction() as session:
        # A database without users has nothing to protect and nobody to authenticate: the
        # demo builder itself is recorded as the actor.
        if if_missing and name in {p.name for p in list_projects(session)}:
            info(f"the demo project {name!r} is already there")  # nothing done, nothing to check
            return
        who = _require(session, as_user, "project.demo").name if has_users(session) else "fgi demo"
        project, results = demo.build_demo(session, actor=who, folder=folder, name=name)
        team = build_demo_team(session, project, actor=who, coded_lines=20)
    info(f"created {project.name!r}: {len(results)} transcripts, "
         f"{sum(r.segments for r in results)} segments")
    info(f"log in to the app as {team.lead} (lead) or {', '.join(team.coders)} (coders), "
         f"password {team.password}")


def backup_command(
    target: Annotated[Path, typer.Argument(help="file to write, e.g. fgi-2024-05-14.backup")],
) -> None:
    """Back up the database (safe while the app is running)."""
    from fgi.storage.backup import backup

    backup(console.database().engine, target)
    info(f"backed up {console.database().url} to {target}")


def restore_command(
    source: Annotated[Path, typer.Argument(help="a file written by fgi backup")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Replace the database's content with a backup (stop the app first)."""
    from fgi.storage.backup import restore

    engine = console.database().engine
    if not yes:
        typer.confirm(f"Replace everything in {console.database().url} with {source}?", abort=True)
    restore(engine, source)
    info(f"restored {source}")


@db_app.command("app-role")
def db_app_role(
    name: Annotated[str, typer.Argument(help="role the app connects as, e.g. fgi_app")],
) -> None:
    """PostgreSQL: make NAME a login role that reads and writes rows but changes no schema
    (password: hidden prompt or FGI_NEW_PASSWORD). Point the app's FGI_DATABASE_URL at it."""
    import os

    from fgi.storage.roles import make_app_role

    password = os.environ.get("FGI_NEW_PASSWORD") or typer.prompt(
        f"password for {name}", hide_input=True, confirmation_prompt=True)
    created = make_app_role(console.database().engine, name, password)
    info(f"{'created' if created else 'updated'} role {name}: rows only, no CREATE, ALTER or DROP")


participants_app = typer.Typer(help="Participants and how reports name them.", no_args_is_help=True)
ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]


@participants_app.command("list")
def participants_list(project: ProjectOption, fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """List the participants with their report labels (the tag after a quote)."""
    from fgi.participant_labels import labelled_participants

    with console.database().reading() as session:
        target = get_project(session, project)
        _require(session, as_user, "transcripts.read", target.id)
        rows = [{"id": p.participant_id, "transcript": p.transcript_id, "pseudonym": p.pseudonym,
                 "group": p.group or "", "role": p.role, "label": p.label, "own": p.own}
                for p in labelled_participants(session, target)]
        scheme = target.participant_labels or "project"
    if fmt is OutputFormat.json:
        print_json({"scheme": scheme, "participants": rows})
    else:
        print_table(rows, ["id", "transcript", "pseudonym", "group", "role", "label"], title=f"{project} ({scheme})")


@participants_app.command("scheme")
def participants_scheme(
    scheme: Annotated[str, typer.Argument(help="project (실무자19), group (실무자1..n), transcript (실무자 A, B...) "
                                               "or original (the transcript's own labels)")],
    project: ProjectOption, as_user: AsOption = None,
) -> None:
    """Choose how reports number participants."""
    from coding.study_changes import set_label_scheme

    with transaction() as session:
        target = get_project(session, project)
        set_label_scheme(session, target, scheme, actor=signed_in(session, as_user))
    info(f"{project}: participant labels by {scheme}")


@participants_app.command("label")
def participants_label(
    participant: Annotated[int, typer.Argument(help="participant id (fgi participants list)")],
    label: Annotated[str, typer.Argument(help='the label reports use, e.g. "참여자 A"; "" for the scheme\'s')],
    project: ProjectOption, as_user: AsOption = None,
) -> None:
    """Give one participant a report label of your own."""
    from coding.study_changes import set_report_labels

    with transaction() as session:
        target = get_project(session, project)
        set_report_labels(session, target, {participant: label or None}, actor=signed_in(session, as_user))
    info(f"participant {participant}: {label or '(by the scheme)'}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("migrate")(migrate_command)
    app.add_typer(project_app, name="project")
    app.add_typer(db_app, name="db")
    app.command("import")(import_command)
    app.command("transcripts")(transcripts_command)
    app.command("segments")(segments_command)
    app.add_typer(participants_app, name="participants")
    app.command("demo")(demo_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
