"""``fgi agreement``, ``fgi reconcile`` and ``fgi reveal`` (confirmed on a terminal; ``--yes`` skips).

coding/cli.py calls ``register_agreement(app)`` after registering its own commands. The
acting user is ``--as NAME``, authenticated as in coding/cli.py (``coding.cli_auth``).
"""

from __future__ import annotations

import dataclasses
import math
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy.orm import Session

from coding import applications, consensus, reconcile, reconcile_log, reconcile_queue, round_export, users
from coding.agreement import AgreementReport, agreement_report, as_json
from coding.models import REPLACE, User
from coding.reconcile_decide import ADD, DROP, KEEP, CodeChoice, decide_line
from coding.stats import Stat, reason_text
from fgi import console
from fgi.console import OutputFormat, info, print_json, print_table, transaction
from fgi.errors import FgiError
from fgi.study import get_project, get_transcript
from fgi.i18n import _

reconcile_app = typer.Typer(help="Walk the disagreements, decide the consensus, export the log.",
                            no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
TranscriptOption = Annotated[Optional[str], typer.Option("--transcript", "-t", help="transcript id or name")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]


class By(str, Enum):
    code = "code"
    pair = "pair"
    transcript = "transcript"


def _user(session: Session, name: str | None) -> User:
    """The authenticated acting user (see coding.cli_auth)."""
    return console.signed_in(session, name)


def _num(stat: Stat | float) -> str:
    value = stat.value if isinstance(stat, Stat) else stat
    return "—" if math.isnan(value) else f"{value:.3f}"


def _ci(ci: tuple[float, float]) -> str:
    return "—" if any(math.isnan(x) for x in ci) else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def agreement_command(
    project: ProjectOption,
    transcript: TranscriptOption = None,
    by: Annotated[By, typer.Option("--by", help="rows per code, coder pair or transcript")] = By.code,
    fmt: FormatOption = OutputFormat.table,
    as_user: AsOption = None,
    coder: Annotated[Optional[list[str]], typer.Option("--coder", help="only these coders (repeatable)")] = None,
    moderator: Annotated[bool, typer.Option("--include-moderator", help="count the moderator's lines")] = False,
    backchannels: Annotated[bool, typer.Option("--include-backchannels", help="count back-channels (네, 음)")] = False,
    only_coded: Annotated[bool, typer.Option("--only-coded", help="leave out lines no coder coded")] = False,
    after: Annotated[bool, typer.Option("--consensus", help="also each coder against the consensus")] = False,
    boot: Annotated[int, typer.Option("--boot", help="bootstrap resamples for alpha's 95% interval")] = 1000,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 0,
) -> None:
    """Inter-coder agreement: Krippendorff's alpha (95% CI), Fleiss' and Cohen's kappa, % agreement."""
    with console.database().reading() as session:
        target = get_project(session, project)
        report = agreement_report(
            session, target, viewer=_user(session, as_user), transcript_id=transcript,
            include_backchannels=backchannels, include_moderator=moderator, only_coded_units=only_coded,
            coders=coder or None, consensus=after, n_boot=boot, seed=seed)
    if fmt is OutputFormat.json:
        print_json(as_json(report))
        return
    _print_report(report, by)
    from coding.cli_rounds import show_snapshots_after_live

    show_snapshots_after_live(project, transcript, as_user)  # the agreement stored at reveal, labelled


def _print_report(report: AgreementReport, by: By) -> None:
    title = (f"{report.project}: {len(report.coders)} coders, {report.n_units} units, "
             f"alpha 95% CI from {report.n_boot} unit resamples")
    summaries = {By.code: report.codes, By.transcript: report.transcripts}.get(by)
    if summaries is not None:
        rows = [_summary_row(s) for s in [*summaries, report.overall]]
        print_table(rows, [by.value, "alpha", "95% CI", "band", "percent", "Fleiss", "AC1", "BP", "Holsti",
                           "units", "note"], title=title)
    else:
        rows = [{"pair": f"{p.coder_a} · {p.coder_b}", "kappa": _num(p.kappa), "percent": _num(p.percent),
                 "AC1": _num(p.gwet_ac1), "BP": _num(p.brennan_prediger), "Holsti": _num(p.holsti),
                 "units": p.n_units, "note": reason_text(p.kappa.reason)} for p in report.pairs]
        overall = report.overall
        rows.append({"pair": "all coders (kappa: Fleiss'; Holsti: pair mean)",
                     "kappa": _num(overall.fleiss_kappa), "percent": _num(overall.percent),
                     "AC1": _num(overall.gwet_ac1), "BP": _num(overall.brennan_prediger),
                     "Holsti": _num(overall.holsti), "units": overall.fleiss_kappa.n_units,
                     "note": reason_text(overall.fleiss_kappa.reason)})
        print_table(rows, ["pair", "kappa", "percent", "AC1", "BP", "Holsti", "units", "note"], title=title)
        if report.coder_matrix is not None and len(report.coders) > 2:
            _print_coder_matrix(report)
    info("percent counts line x code pairs (the many codes nobody gave a line agree); Holsti counts "
         "applications only; alpha, Fleiss, AC1 and BP correct for chance, AC1 and BP stay high for rare codes")
    if report.unused_codes:
        info(f"not applied by anyone in scope (left out of overall): {', '.join(report.unused_codes)}")
    if report.consensus is not None:
        rows = [{"coder": c.coder, "alpha": _num(c.alpha), "95% CI": _ci(c.alpha_ci), "band": _band(c.band),
                 "kappa": _num(c.kappa), "percent": _num(c.percent), "units": c.n_units, "note": reason_text(c.alpha.reason)}
                for c in report.consensus]
        print_table(rows, ["coder", "alpha", "95% CI", "band", "kappa", "percent", "units", "note"],
                    title=f"after reconciliation: each coder against the consensus ({report.settled_units} settled units)")


def _print_coder_matrix(report: AgreementReport) -> None:
    matrix = report.coder_matrix
    for name, table in (("Cohen's kappa", matrix.kappa), ("Gwet's AC1", matrix.gwet_ac1)):
        rows = [{"coder": coder, **{other: _num(value) for other, value in zip(matrix.coders, row)}}
                for coder, row in zip(matrix.coders, table)]
        print_table(rows, ["coder", *matrix.coders], title=f"coder x coder: {name}, all codes pooled")


def _band(key: str) -> str:
    from coding.bands import band_label

    return band_label(key, "en")


def _summary_row(s) -> dict:
    return {"code": s.name, "transcript": s.name, "alpha": _num(s.alpha), "95% CI": _ci(s.alpha_ci),
            "band": _band(s.band), "percent": _num(s.percent), "Fleiss": _num(s.fleiss_kappa),
            "AC1": _num(s.gwet_ac1), "BP": _num(s.brennan_prediger), "Holsti": _num(s.holsti),
            "units": s.n_units, "note": reason_text(s.alpha.reason)}


@reconcile_app.command("list")
def reconcile_list(
    project: ProjectOption, transcript: TranscriptOption = None, as_user: AsOption = None,
    include_decided: Annotated[bool, typer.Option("--all", help="also the lines already decided")] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The disagreement queue by line: every line the coders coded differently, each coder's codes."""
    with console.database().reading() as session:
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        queue = reconcile_queue.line_queue(session, target, viewer=_user(session, as_user), transcript_id=tid)
    items = queue.items if include_decided else queue.open_items
    if fmt is OutputFormat.json:
        print_json(items)
        return
    rows = [{"segment": i.segment_id, "line": i.line, "speaker": i.speaker, "text": i.text,
             "coders": " | ".join(f"{c.coder}: {', '.join(c.codes) or '-'}" + _with_memos(c.memos)
                                  for c in i.coders),
             "decisions": "; ".join(f"{c.code} {_decision_text(c.decision)}" for c in i.codes if c.decision),
             "open": ", ".join(i.undecided), "version": i.version} for i in items]
    p = queue.progress
    print_table(rows, ["segment", "line", "speaker", "text", "coders", "decisions", "open", "version"],
                title=f"{project}: lines settled {p.settled_lines} / {p.disputed_lines} "
                      f"(lines where the coders differ; {p.coded_lines} lines coded in all)")


def _with_memos(memos: list[str]) -> str:
    return f" ({'; '.join(memos)})" if memos else ""


def _decision_text(decision: reconcile.Decision | None) -> str:
    if decision is None:
        return ""
    what = f"replace → {decision.replacement}" if decision.decision == REPLACE else decision.decision
    return f"{what} ({decision.decided_by})"


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values or []:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise FgiError(_('{option} {value}: expected OLD=NEW', option=option, value=repr(value)), hint=_("{option} 'OLD/PATH=NEW/PATH'", option=option))
        pairs.append((left.strip(), right.strip()))
    return pairs


Codes = Annotated[Optional[list[str]], typer.Option(help="codebook path (repeatable)")]


@reconcile_app.command("decide")
def reconcile_decide(
    segment: Annotated[str, typer.Option("--segment", "-s", help="segment id (fgi reconcile list)")],
    keep: Codes = None,
    drop: Codes = None,
    replace: Annotated[Optional[list[str]], typer.Option(help="OLD=NEW: put NEW in OLD's place (repeatable)")] = None,
    add: Annotated[Optional[list[str]], typer.Option(help="a code nobody applied (repeatable)")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="why, for every code of the line")] = None,
    code_reason: Annotated[Optional[list[str]], typer.Option(
        "--code-reason", help="CODE=REASON: one code's own reason (repeatable)")] = None,
    version: Annotated[Optional[str], typer.Option(
        "--version", help="the line's version from `list`: refuse if the line changed since")] = None,
    as_user: AsOption = None,
) -> None:
    """Decide every code of one line at once (leads and admins): keep, drop, replace or add.
    Every code the coders differ on must be named; a new decision replaces the old one."""
    reasons = dict(_pairs(code_reason, "--code-reason"))
    choices = [CodeChoice(code, action, reason=reasons.get(code))
               for action, codes in ((KEEP, keep), (DROP, drop), (ADD, add)) for code in codes or []]
    choices += [CodeChoice(old, REPLACE, replacement=new, reason=reasons.get(old))
                for old, new in _pairs(replace, "--replace")]
    unknown = set(reasons) - {str(c.code) for c in choices}
    if unknown:
        raise FgiError(_('--code-reason names a code without a decision: {join}', join=', '.join(sorted(unknown))))
    with transaction() as session:
        result = decide_line(session, _user(session, as_user), segment, choices, reason=reason,
                             expected_version=version)
    for d in result.written:
        info(f"{d.segment_id} line {result.line} {d.code}: {_decision_text(d)}")
    for code in result.unchanged:
        info(f"{result.segment_id} line {result.line} {code}: unchanged")


@reconcile_app.command("withdraw")
def reconcile_withdraw(
    segment: Annotated[str, typer.Option("--segment", "-s", help="segment id")],
    code: Annotated[str, typer.Option("--code", "-c", help="codebook path")],
    reason: Annotated[Optional[str], typer.Option("--reason", help="why")] = None,
    as_user: AsOption = None,
) -> None:
    """Take a decision back: the disagreement returns to the queue."""
    with transaction() as session:
        done = reconcile.withdraw(session, _user(session, as_user), segment, code, reason=reason)
    info("withdrawn" if done else "there was no decision to withdraw")


@reconcile_app.command("log")
def reconcile_log_command(
    project: ProjectOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="a .csv or .xlsx file")],
    transcript: TranscriptOption = None, as_user: AsOption = None,
) -> None:
    """Export the reconciliation log (who decided what, why, when) for a methods appendix."""
    with console.database().reading() as session:
        rows = reconcile_log.reconciliation_log(session, get_project(session, project),
                                                viewer=_user(session, as_user), transcript_id=transcript)
    reconcile_log.export_log(rows, output)
    with console.database().reading() as session:  # the agreement stored at each reveal, after the log
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        snapshots = round_export.snapshot_rows(session, target, _user(session, as_user), tid)
    round_export.append_snapshots(output, snapshots)
    info(f"wrote {len(rows)} decisions to {output}, and {len(snapshots)} rows of agreement at reveal")


@reconcile_app.command("consensus")
def reconcile_consensus(
    project: ProjectOption, transcript: TranscriptOption = None, as_user: AsOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The consensus coding: agreed codes plus the leads' decisions."""
    with console.database().reading() as session:
        target = get_project(session, project)
        tid = get_transcript(session, transcript, target).id if transcript else None
        rows = consensus.consensus_codings(session, target, viewer=_user(session, as_user), transcript_id=tid)
    if fmt is OutputFormat.json:
        print_json(rows)
    else:
        print_table([dataclasses.asdict(r) for r in rows], ["segment_id", "code", "basis", "settled"])


def reveal_command(
    transcript: Annotated[str, typer.Option("--transcript", "-t", help="transcript id (or name, with --project)")],
    project: Annotated[Optional[str], typer.Option("--project", "-p", help="to find the transcript by name")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="why now")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
    as_user: AsOption = None,
) -> None:
    """Lift blind coding for a transcript (leads and admins) after a confirmation on a terminal:
    coders then see each other's codings, and the agreement at this moment is stored as the
    independent coding's reliability."""
    from coding.cli_rounds import on_terminal, require_confirmation, show_snapshot

    with console.database().reading() as session:
        target = get_project(session, project) if project else None
        found = get_transcript(session, transcript, target)
        name, tid, already = found.name, found.id, applications.is_revealed(session, found.id)
    if already:
        info(f"{name} was already revealed")
        return
    require_confirmation(f"Reveal {name} ({tid})? Every coder will see every coding of it, and its agreement "
                         "now is stored as the independent coding's reliability.", yes, on_terminal())
    with transaction() as session:
        done = applications.reveal(session, _user(session, as_user), tid, reason=reason)
    info(f"revealed {name} ({tid})" if done else f"{name} was already revealed")
    if done:
        show_snapshot(tid, as_user)


def register_agreement(app: typer.Typer) -> None:
    """Add the agreement and reconciliation commands to ``app``."""
    app.command("agreement")(agreement_command)
    app.add_typer(reconcile_app, name="reconcile")
    app.command("reveal")(reveal_command)
