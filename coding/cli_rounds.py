"""``fgi rounds``: close a coding round, open the next, agreement per round and its trend,
the post-reveal setting, reveal snapshots and post-reveal changes; ``fgi code export --round``
goes through :func:`coding.round_export.export_round`."""

from __future__ import annotations

import dataclasses
import sys
from typing import Annotated, Optional

import typer

from coding import reveal, rounds, users
from coding.models import POST_REVEAL_POLICIES
from fgi import console
from fgi.console import OutputFormat, info, print_json, print_table, transaction
from fgi.errors import FgiError
from fgi.study import get_project, get_transcript
from fgi.i18n import _

rounds_app = typer.Typer(help="Coding rounds: close, revise the codebook, open the next; agreement per round.",
                         no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


def _user(session, name: str | None):
    """The authenticated acting user (coding.cli_auth, through fgi.console)."""
    return console.signed_in(session, name)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ci(ci) -> str:
    return "—" if ci[0] is None or ci[1] is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _when(at) -> str:
    return at.isoformat(timespec="seconds") if at else ""


@rounds_app.command("list")
def rounds_list(project: ProjectOption, as_user: AsOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The rounds of a project: state, span, transcripts, codebook size."""
    with console.database().reading() as session:
        views = rounds.list_rounds(session, get_project(session, project), viewer=_user(session, as_user))
    if fmt is OutputFormat.json:
        print_json([dataclasses.asdict(v) for v in views])
        return
    print_table([{"round": v.number, "state": "open" if v.open else "closed", "opened": _when(v.opened_at),
                  "closed": _when(v.closed_at), "transcripts": ", ".join(name for _, name in v.transcripts),
                  "codes": "" if v.codes_at_close is None else v.codes_at_close, "note": v.note or ""}
                 for v in views], ["round", "state", "opened", "closed", "transcripts", "codes", "note"],
                title=f"{project}: coding rounds")


@rounds_app.command("close")
def rounds_close(project: ProjectOption, note: Annotated[Optional[str], typer.Option(help="what the round did")] = None,
                 as_user: AsOption = None, boot: Annotated[int, typer.Option("--boot")] = rounds.ROUND_BOOTSTRAP) -> None:
    """Close the open round (leads): its agreement is frozen and its transcripts' codings stop changing."""
    with transaction() as session:
        view = rounds.close_round(session, _user(session, as_user), get_project(session, project), note=note,
                                  n_boot=boot)
    info(f"closed round {view.number} ({len(view.transcripts)} transcripts); "
         f"revise the codebook, then: fgi rounds open --project {project!r} --transcript ID")


@rounds_app.command("open")
def rounds_open(
    project: ProjectOption,
    transcript: Annotated[list[str], typer.Option("--transcript", "-t", help="transcript id or name (repeatable)")],
    note: Annotated[Optional[str], typer.Option(help="what changed in the codebook")] = None,
    as_user: AsOption = None,
) -> None:
    """Open the next round on the same or new transcripts (leads); recoded transcripts are blind again."""
    with transaction() as session:
        view = rounds.open_round(session, _user(session, as_user), get_project(session, project), transcript,
                                 note=note)
    info(f"opened round {view.number} on {', '.join(name for _, name in view.transcripts)}")


@rounds_app.command("agreement")
def rounds_agreement(
    project: ProjectOption,
    round_number: Annotated[Optional[int], typer.Option("--round", "-r", help="one round, per code")] = None,
    as_user: AsOption = None, fmt: FormatOption = OutputFormat.table,
    boot: Annotated[int, typer.Option("--boot")] = rounds.ROUND_BOOTSTRAP,
) -> None:
    """Agreement per round: the trend across rounds per code and overall, or one round per code."""
    with console.database().reading() as session:
        target, viewer = get_project(session, project), _user(session, as_user)
        if round_number is not None:
            report = rounds.round_agreement(session, target, round_number, viewer=viewer, n_boot=boot)
        else:
            points = rounds.agreement_trend(session, target, viewer=viewer, n_boot=boot)
    if round_number is not None:
        if fmt is OutputFormat.json:
            print_json(report)
            return
        if report is None:
            info(f"round {round_number} has no transcripts")
            return
        state = "frozen at its close" if report["frozen"] else "live (the round is open)"
        print_table([{"code": e.get("code", "overall"), "alpha": _num(e["alpha"]), "95% CI": _ci(e["alpha_ci"]),
                      "percent": _num(e["percent"]), "fleiss": _num(e["fleiss_kappa"]), "units": e["n_units"]}
                     for e in [*report["codes"], report["overall"]]],
                    ["code", "alpha", "95% CI", "percent", "fleiss", "units"],
                    title=f"{project}: round {round_number}, {state}")
        return
    if fmt is OutputFormat.json:
        print_json([dataclasses.asdict(p) for p in points])
        return
    numbers = sorted({p.round for p in points})
    table: dict[str, dict] = {}
    for p in points:
        table.setdefault(p.code, {"code": p.code})[f"round {p.round}"] = _num(p.alpha) + ("" if p.frozen else " *")
    rows = [row for code, row in table.items() if code != "overall"] + ([table["overall"]] if "overall" in table else [])
    print_table(rows, ["code", *[f"round {n}" for n in numbers]],
                title=f"{project}: Krippendorff's alpha per round (* live: the round is open)")


@rounds_app.command("post-reveal")
def rounds_post_reveal(
    project: ProjectOption,
    policy: Annotated[Optional[str], typer.Argument(help=" or ".join(POST_REVEAL_POLICIES) + " (omit to show)")] = None,
    reason: Annotated[Optional[str], typer.Option(help="why")] = None, as_user: AsOption = None,
) -> None:
    """Show or set whether coders may change codings of a revealed transcript (default: blocked)."""
    if policy is None:
        with console.database().reading() as session:
            info(reveal.post_reveal_policy(session, get_project(session, project)))
        return
    with transaction() as session:
        changed = reveal.set_post_reveal_policy(session, _user(session, as_user), get_project(session, project),
                                                policy, reason=reason)
    info(f"post-reveal changes: {policy}" + ("" if changed else " (unchanged)"))


@rounds_app.command("snapshots")
def rounds_snapshots(project: ProjectOption, transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                     as_user: AsOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The independent coders' agreement stored at each reveal (it never changes afterwards)."""
    with console.database().reading() as session:
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        found = reveal.snapshots(session, target, viewer=_user(session, as_user), transcript_id=tid)
    if fmt is OutputFormat.json:
        print_json([dataclasses.asdict(s) for s in found])
        return
    print_table([{"transcript": s.transcript, "round": s.round_number or "", "revealed": _when(s.revealed_at),
                  "by": s.revealed_by, "codings": s.codings, "alpha": _num(s.overall["alpha"]),
                  "95% CI": _ci(s.overall["alpha_ci"]), "percent": _num(s.overall["percent"]),
                  "fleiss": _num(s.overall["fleiss_kappa"])} for s in found],
                ["transcript", "round", "revealed", "by", "codings", "alpha", "95% CI", "percent", "fleiss"],
                title=f"{project}: independent coding agreement at reveal")


@rounds_app.command("changes")
def rounds_changes(project: ProjectOption, transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                   as_user: AsOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Coding changes made after their transcript was revealed (reported apart from the independent coding)."""
    with console.database().reading() as session:
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        found = reveal.post_reveal_changes(session, target, viewer=_user(session, as_user), transcript_id=tid)
    if fmt is OutputFormat.json:
        print_json([dataclasses.asdict(c) for c in found])
        return
    print_table([{"transcript": c.transcript, "line": c.line, "change": c.kind, "code": c.code, "coder": c.coder,
                  "at": _when(c.at)} for c in found], ["transcript", "line", "change", "code", "coder", "at"],
                title=f"{project}: {len(found)} post-reveal changes")


def register_rounds(app: typer.Typer) -> None:
    app.add_typer(rounds_app, name="rounds")


def require_confirmation(question: str, yes: bool, on_terminal: bool) -> None:
    """Ask ``question`` on a terminal unless ``--yes``; a no stops the command with nothing changed."""
    if yes or not on_terminal:
        return
    if not typer.confirm(question, default=False):
        raise FgiError(_('nothing was changed'), hint=_('answer y, or pass --yes'))


def on_terminal() -> bool:
    return sys.stdin.isatty()


def show_snapshot(transcript_id: str, as_user: str | None) -> None:
    """Print the agreement stored at a transcript's reveal."""
    with console.database().reading() as session:
        from fgi.models import Project, Transcript

        transcript = session.get(Transcript, transcript_id)
        found = reveal.latest_snapshots(session, session.get(Project, transcript.project_id),
                                        viewer=_user(session, as_user), transcript_id=transcript_id)
    _print_snapshots(found)


def show_snapshots_after_live(project: str, transcript: str | None, as_user: str | None) -> None:
    """After a live agreement table: the agreement stored at reveal in scope, and that the
    table above is live."""
    with console.database().reading() as session:
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        found = reveal.latest_snapshots(session, target, viewer=_user(session, as_user), transcript_id=tid)
    if found:
        info("the figures above are live: they include changes made after reveal")
        _print_snapshots(found)


def _print_snapshots(found) -> None:
    for s in found:
        o = s.overall
        info(f"independent coding at reveal of {s.transcript} ({_when(s.revealed_at)}, {s.codings} codings): alpha {_num(o['alpha'])} "
             f"{_ci(o['alpha_ci'])}, percent {_num(o['percent'])}, Fleiss' kappa {_num(o['fleiss_kappa'])}")
