"""The ``fgi`` command: assembles the commands each package defines next to its code."""

from __future__ import annotations

import importlib
import sys
from functools import cache

import click
import typer

from fgi.cli import study
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.terminal import clean

try:  # typer carries its own copy of click since 0.20; older ones use click itself
    from typer._click import exceptions as _typer_click
except ImportError:  # pragma: no cover
    from click import exceptions as _typer_click

# Exceptions of either click: usage errors (unknown option or command: exit code 2) and more.
_EXIT = tuple({click.exceptions.Exit, typer.Exit, getattr(_typer_click, "Exit", typer.Exit)})
_ABORT = tuple({click.exceptions.Abort, typer.Abort, getattr(_typer_click, "Abort", typer.Abort)})
_CLICK_ERROR = tuple({click.ClickException, _typer_click.ClickException})

app = typer.Typer(
    name="fgi",
    help="Korean focus-group transcripts: import, code as a team, measure agreement, find themes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
study.register(app)

# Packages that add commands; each has cli.register(app). A missing one is simply absent.
for package in ("coding", "queries", "themes"):
    try:
        module = importlib.import_module(f"{package}.cli")
    except ModuleNotFoundError as exc:
        if exc.name not in (package, f"{package}.cli"):
            raise
        continue
    module.register(app)

# `fgi import FILE.qdpx` hands the archive to coding's REFI-QDA importer.
if "coding" in sys.modules:
    from coding.refi.cli import import_archive

    study.ARCHIVE_IMPORTERS[".qdpx"] = import_archive

# `fgi matrix` (queries/cli_matrix.py): code frequencies and co-occurrence.
from queries.cli_matrix import register as register_matrix  # noqa: E402

register_matrix(app)


@cache
def command() -> click.Command:
    """The click command of ``app``, built once per process: Typer builds it anew on every
    call, which reads every command's signature (0.18 s, most of a short command's time)."""
    return typer.main.get_command(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors a user can act on are printed without a traceback."""
    try:
        command().main(args=argv, prog_name="fgi", standalone_mode=False)
    except FgiError as exc:
        label = _("error")
        click.echo(f"{label}: {clean(exc.message)}", err=True)
        for detail in exc.details:
            click.echo(f"  - {clean(detail)}", err=True)
        if exc.hint:
            click.echo(f"  → {clean(exc.hint)}", err=True)
        return 1
    except _EXIT as exc:
        return exc.exit_code
    except _ABORT:
        click.echo("aborted", err=True)
        return 130
    except _CLICK_ERROR as exc:
        exc.show()
        return exc.exit_code
    finally:
        from fgi.console import reset_database

        reset_database()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
