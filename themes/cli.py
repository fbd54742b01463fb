"""``fgi themes`` (propose candidates, list runs), ``fgi hierarchy`` (build the theme
hierarchy) and ``fgi suggest`` (code suggestions for a line). Thin: parse, call, print.
Every command authenticates its user (``--as``) and is checked by ``coding.permissions``."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Optional

import typer
from rich.tree import Tree

from fgi import console
from themes.cli_export import register_export
from coding.permissions import require
from fgi.console import OutputFormat, info, print_json, print_table, signed_in, transaction
from fgi.settings import load_settings
from fgi.study import get_project
from themes import accept, consistency, hierarchy, history, proposals, quotes, reshape, runs, shaping, suggestions, tree
from themes.export_table import speaker_tag
from themes.frequency import FrequencyRule
from themes.hierarchy import plural
from themes.units import Line

themes_app = typer.Typer(help="Candidate themes from the coded lines: propose, list, show.", no_args_is_help=True)
hierarchy_app = typer.Typer(help="The theme hierarchy: domain > theme > sub-theme > code.", no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
ReasonOption = Annotated[Optional[str], typer.Option(help="why (kept in the history)")]
NodeArg = Annotated[int, typer.Argument(help="node id (see fgi hierarchy show)")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]


class Level(str, Enum):
    subtheme = "subtheme"
    theme = "theme"


class Units(str, Enum):
    coded = "coded"
    all = "all"


def _quote(line: Line, width: int = 60) -> str:
    text = line.text if len(line.text) <= width else line.text[: width - 1] + "…"
    who = line.speaker or "?"
    return f"{who}({line.group}): {text}" if line.group else f"{who}: {text}"


# ---- fgi themes ------------------------------------------------------------------------


def _print_run(run: runs.RunView) -> None:
    rows = [{"id": c.id, "label": c.label, "lines": c.size, "people": c.participants, "groups": c.groups,
             "stable": f"{round(c.stability * c.resamples)}/{c.resamples}" if c.stability is not None and c.resamples
             else "",
             "codes": "\n".join(f"{s.path} ({s.lines})" for s in c.codes if s.dominant),
             "quotes": "\n".join(_quote(q) for q in c.representatives),
             "accepted": f"#{c.accepted_as}" if c.accepted_as else ""} for c in run.candidates]
    what = "lines" if run.level == "subtheme" else "codes"
    print_table(rows, ["id", "label", "lines", "people", "groups", "stable", "codes", "quotes", "accepted"],
                title=f"run {run.id}: {len(run.candidates)} candidate {run.level}s from {run.n_units} {what} "
                      f"({run.embedder}, k={run.k}, seed {run.seed})")


@themes_app.command("propose")
def themes_propose(
    project: ProjectOption,
    level: Annotated[Level, typer.Option(help="subtheme: group lines; theme: group codes")] = Level.subtheme,
    units: Annotated[Units, typer.Option(help="coded: lines with a code; all: every participant line")] = Units.coded,
    embedder: Annotated[Optional[str], typer.Option(help="kiwi-lsa, char-lsa or sentence-transformers:MODEL "
                                                         "(default: FGI_EMBEDDER or kiwi-lsa)")] = None,
    clusterer: Annotated[str, typer.Option(help="consensus (kNN-graph communities; the number is found), "
                                                "agglomerative, kmeans or hdbscan")] = "consensus",
    k: Annotated[str, typer.Option("--k", help="number of candidates, or auto")] = "auto",
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same candidates")] = 0,
    quotes: Annotated[int, typer.Option(help="representative quotes per candidate")] = 3,
    fmt: FormatOption = OutputFormat.table,
    as_user: AsOption = None,
) -> None:
    """Propose candidate sub-themes (or themes) and store them; accept one with fgi hierarchy accept."""
    settings = proposals.ProposalSettings(level.value, units.value, embedder or load_settings().embedder,
                                          clusterer, k, seed, quotes)
    with transaction() as session, console.progress_bar() as bar:
        task = bar.add_task("analysing lines", total=None)
        target = get_project(session, project)
        viewer = signed_in(session, as_user)
        require(session, viewer, "themes.propose", target)
        run_id = proposals.propose(session, target, settings, viewer=viewer,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
        run = runs.get_run(session, target, run_id, viewer=viewer)
    if fmt is OutputFormat.json:
        print_json(run)
        return
    _print_run(run)
    cache = run.details.get("cache", {})
    info(f"cache: {cache.get('hits', 0)} texts found, {cache.get('computed', 0)} analysed, "
         f"{cache.get('stored', 0)} lines' lemmas read from the import; "
         f"accept one with: fgi hierarchy accept ID --project {project!r}")


@themes_app.command("show")
def themes_show(project: ProjectOption,
                run: Annotated[Optional[int], typer.Argument(help="run id (default: the latest)")] = None,
                fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """Show a stored run's candidates."""
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = signed_in(session, as_user)
        require(session, viewer, "themes.read", target)
        view = runs.get_run(session, target, run, viewer=viewer)
    if fmt is OutputFormat.json:
        print_json(view)
    else:
        _print_run(view)


@themes_app.command("runs")
def themes_runs(project: ProjectOption, fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """List the project's proposal runs."""
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = signed_in(session, as_user)
        require(session, viewer, "themes.read", target)
        rows = runs.list_runs(session, target, viewer=viewer)
    if fmt is OutputFormat.json:
        print_json(rows)
        return
    print_table([{"id": r.id, "level": r.level, "units": r.units, "embedder": r.embedder, "k": r.k, "seed": r.seed,
                  "lines/codes": r.n_units, "candidates": r.candidates, "by": r.created_by,
                  "at": r.created_at.isoformat(timespec="seconds")} for r in rows],
                ["id", "level", "units", "embedder", "k", "seed", "lines/codes", "candidates", "by", "at"])


# ---- fgi hierarchy ---------------------------------------------------------------------


def _change(do: Callable, project: str, *args, as_user: str | None, **kwargs) -> None:
    """Run a hierarchy change as the authenticated user (themes.history checks themes.edit)."""
    with transaction() as session:
        change = do(session, get_project(session, project), *args, actor=signed_in(session, as_user), **kwargs)
    info(change.message)
    for line in change.skipped or []:
        info(f"  skipped {line}")


def _label(node: tree.TreeNode) -> str:
    counts = f"[{plural(len(node.codes), 'code')}, " if node.level == "subtheme" else "["
    counts += f"{plural(node.lines, 'line')}, {node.participants} people, {plural(node.groups, 'group')}]"
    frequency = f" {node.frequency}" if node.frequency else ""
    pins = f" 📌{len(node.pinned)}" if node.pinned else ""
    return f"#{node.id} {node.level}: {node.name}  {counts}{frequency}{pins}" + ("  ✎" if node.memo or node.memos else "")


def _add(parent: Tree, node: tree.TreeNode, show_quotes: bool) -> None:
    branch = parent.add(_label(node))
    for child in node.children:
        _add(branch, child, show_quotes)
    for code in node.codes:
        branch.add(f"code: {code.path}  [{plural(code.lines, 'line')}]")
    if show_quotes and node.level == "subtheme":
        for q in node.quotes:
            branch.add(f"“{_quote(q, 80)}”")


@hierarchy_app.command("show")
def hierarchy_show(project: ProjectOption, fmt: FormatOption = OutputFormat.table,
                   quotes: Annotated[bool, typer.Option("--quotes/--no-quotes", help="representative quotes")] = False,
                   basis: Annotated[str, typer.Option(help="frequency labels from participants or groups")] = "participants",
                   missing: Annotated[int, typer.Option(help="general: all but this many")] = 1,
                   share: Annotated[float, typer.Option(help="typical: at least this share")] = 0.5,
                   as_user: AsOption = None) -> None:
    """The hierarchy as a tree, with counts of codes, lines, participants and groups, and
    CQR frequency labels (general, typical, variant)."""
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = signed_in(session, as_user)
        require(session, viewer, "themes.read", target)
        nodes = tree.hierarchy_tree(session, target, viewer=viewer, rule=FrequencyRule(basis, missing, share))
        loose = tree.unplaced_codes(session, target, viewer=viewer)
    if fmt is OutputFormat.json:
        print_json({"nodes": nodes, "unplaced_codes": loose})
        return
    root = Tree(f"{project}")
    for node in nodes:
        _add(root, node, quotes)
    console.stdout.print(root, markup=False)
    used = [c for c in loose if c.lines]
    if used:
        info(f"{len(used)} coded codes are not placed yet: " + ", ".join(c.path for c in used[:8])
             + (" …" if len(used) > 8 else ""))


@hierarchy_app.command("accept")
def hierarchy_accept(candidate: Annotated[int, typer.Argument(help="candidate id (see fgi themes show)")],
                     project: ProjectOption,
                     name: Annotated[Optional[str], typer.Option(help="name (default: its keyword label)")] = None,
                     under: Annotated[Optional[int], typer.Option(help="parent node id")] = None,
                     reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Accept a candidate: a sub-theme with its dominant codes and lines, or a theme with its codes."""
    _change(accept.accept_candidate, project, candidate, name=name, parent_id=under, reason=reason, as_user=as_user)


@hierarchy_app.command("create")
def hierarchy_create(level: Annotated[str, typer.Argument(help="domain, theme or subtheme")], name: str,
                     project: ProjectOption,
                     under: Annotated[Optional[int], typer.Option(help="parent node id")] = None,
                     memo: Annotated[Optional[str], typer.Option()] = None,
        as_user: AsOption = None) -> None:
    """Create an empty domain, theme or sub-theme."""
    _change(hierarchy.create_node, project, level, name, parent_id=under, memo=memo, as_user=as_user)


@hierarchy_app.command("rename")
def hierarchy_rename(node: NodeArg, name: str, project: ProjectOption, reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Rename a node."""
    _change(hierarchy.rename_node, project, node, name, reason=reason, as_user=as_user)


@hierarchy_app.command("merge")
def hierarchy_merge(target: NodeArg, others: Annotated[list[int], typer.Argument(help="nodes to merge into it")],
                    project: ProjectOption, name: Annotated[Optional[str], typer.Option(help="new name")] = None,
                    reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Merge nodes of one level into TARGET (children, codes, lines and memos move)."""
    _change(reshape.merge_nodes, project, target, others, name=name, reason=reason, as_user=as_user)


@hierarchy_app.command("split")
def hierarchy_split(node: NodeArg, name: Annotated[str, typer.Argument(help="name of the new node")],
                    project: ProjectOption,
                    code: Annotated[Optional[list[str]], typer.Option("--code", help="code path to move (repeatable)")] = None,
                    child: Annotated[Optional[list[int]], typer.Option("--child", help="child node to move")] = None,
                    line: Annotated[Optional[list[str]], typer.Option("--line", help="evidence line to move")] = None,
                    reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Split a node: a new sibling NAME takes the codes, children or lines given."""
    _change(reshape.split_node, project, node, name, codes=code or [], children=child or [], lines=line or [],
            reason=reason, as_user=as_user)


@hierarchy_app.command("move")
def hierarchy_move(node: NodeArg, project: ProjectOption,
                   to: Annotated[Optional[int], typer.Option("--to", help="new parent (omit: top level)")] = None,
                   reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Move a node under another parent (a theme under a domain, a sub-theme under a theme)."""
    _change(hierarchy.move_node, project, node, to, reason=reason, as_user=as_user)


@hierarchy_app.command("place")
def hierarchy_place(code: Annotated[str, typer.Argument(help="code path (or a unique name)")], project: ProjectOption,
                    to: Annotated[Optional[int], typer.Option("--to", help="sub-theme id (omit: take it out)")] = None,
                    reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Put a code under a sub-theme, or take it out of the hierarchy."""
    _change(hierarchy.place_code, project, code, to, reason=reason, as_user=as_user)


@hierarchy_app.command("place-many")
def hierarchy_place_many(
        codes: Annotated[list[str], typer.Argument(help="code paths (or unique names)")], project: ProjectOption,
        to: Annotated[Optional[int], typer.Option("--to", help="an existing sub-theme id")] = None,
        new_subtheme: Annotated[Optional[str], typer.Option("--new-subtheme", help="or a new sub-theme's name")] = None,
        theme: Annotated[Optional[int], typer.Option("--theme", help="the new sub-theme's theme (id)")] = None,
        new_theme: Annotated[Optional[str], typer.Option("--new-theme", help="or a new theme's name")] = None,
        domain: Annotated[Optional[int], typer.Option("--domain", help="the new theme's domain (id)")] = None,
        new_domain: Annotated[Optional[str], typer.Option("--new-domain", help="or a new domain's name")] = None,
        reason: ReasonOption = None, as_user: AsOption = None) -> None:
    """Put several codes under a sub-theme in one step, making the sub-theme (and its theme
    and domain) on the way if named; one undo takes it all back."""
    _change(shaping.place_codes, project, codes, subtheme=shaping.Where(to, new_subtheme),
            theme=shaping.Where(theme, new_theme), domain=shaping.Where(domain, new_domain), reason=reason,
            as_user=as_user)


@hierarchy_app.command("lines")
def hierarchy_lines(segments: Annotated[list[str], typer.Argument(help="segment ids of evidence lines")],
                    project: ProjectOption,
                    source: Annotated[int, typer.Option("--from", help="the sub-theme holding them")],
                    target: Annotated[int, typer.Option("--to", help="the sub-theme they go to")],
                    reason: ReasonOption = None, as_user: AsOption = None) -> None:
    """Move evidence lines from one sub-theme to another."""
    _change(shaping.move_lines, project, segments, source, target, reason=reason, as_user=as_user)


@hierarchy_app.command("pin")
def hierarchy_pin(node: NodeArg, segments: Annotated[list[str], typer.Argument(help="segment ids of its lines")],
                  project: ProjectOption, reason: ReasonOption = None, as_user: AsOption = None) -> None:
    """Pin lines of a node as its representative quotes (after those already pinned)."""
    _change(quotes.pin_quotes, project, node, segments, reason=reason, as_user=as_user)


@hierarchy_app.command("unpin")
def hierarchy_unpin(node: NodeArg, segment: Annotated[str, typer.Argument(help="segment id of a pinned quote")],
                    project: ProjectOption, reason: ReasonOption = None, as_user: AsOption = None) -> None:
    """Unpin a representative quote."""
    _change(quotes.unpin_quote, project, node, segment, reason=reason, as_user=as_user)


@hierarchy_app.command("order")
def hierarchy_order(node: NodeArg, segments: Annotated[list[str], typer.Argument(help="every pinned quote, in order")],
                    project: ProjectOption, reason: ReasonOption = None, as_user: AsOption = None) -> None:
    """Put a node's pinned quotes in a new order."""
    _change(quotes.order_quotes, project, node, segments, reason=reason, as_user=as_user)


@hierarchy_app.command("lines-of")
def hierarchy_lines_of(node: NodeArg, project: ProjectOption,
                       search: Annotated[Optional[str], typer.Option(help="text or speaker to look for")] = None,
                       fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """A node's lines as you may see them (to choose quotes to pin), with speaker tags."""
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = signed_in(session, as_user)
        require(session, viewer, "themes.read", target)
        found = tree.node_lines(session, target, node, viewer=viewer, search=search)
    if fmt is OutputFormat.json:
        print_json(found)
        return
    print_table([{"segment": line.segment_id, "speaker": speaker_tag(line.speaker, line.group),
                  "text": _quote(line, 80)} for line in found], ["segment", "speaker", "text"])


@hierarchy_app.command("delete")
def hierarchy_delete(node: NodeArg, project: ProjectOption, reason: ReasonOption = None,
        as_user: AsOption = None) -> None:
    """Delete a node and what is under it (codes stay in the codebook, unplaced)."""
    _change(hierarchy.delete_node, project, node, reason=reason, as_user=as_user)


@hierarchy_app.command("memo")
def hierarchy_memo(node: NodeArg, text: Annotated[str, typer.Argument(help="the memo ('' removes it)")],
                   project: ProjectOption,
        as_user: AsOption = None) -> None:
    """Attach a memo to a node."""
    _change(hierarchy.set_memo, project, node, text, as_user=as_user)


@hierarchy_app.command("undo")
def hierarchy_undo(project: ProjectOption,
        as_user: AsOption = None) -> None:
    """Take back the latest hierarchy change (anyone's)."""
    _change(history.undo, project, as_user=as_user)


@hierarchy_app.command("redo")
def hierarchy_redo(project: ProjectOption,
        as_user: AsOption = None) -> None:
    """Bring back what the latest undo took back."""
    _change(history.redo, project, as_user=as_user)


@hierarchy_app.command("history")
def hierarchy_history(project: ProjectOption, fmt: FormatOption = OutputFormat.table,
                      as_user: AsOption = None) -> None:
    """Every hierarchy change: who, when, what, and whether it is undone."""
    with console.database().reading() as session:
        target = get_project(session, project)
        require(session, signed_in(session, as_user), "themes.read", target)
        entries = history.hierarchy_history(session, target)
    if fmt is OutputFormat.json:
        print_json(entries)
        return
    print_table([{"event": e.event_id, "at": e.at.isoformat(timespec="seconds"), "actor": e.actor,
                  "change": e.kind.removeprefix(history.PREFIX), "subject": e.subject,
                  "undone": "undone" if e.undone else "", "reason": e.reason} for e in entries],
                ["event", "at", "actor", "change", "subject", "undone", "reason"])


@themes_app.command("consistency")
def themes_consistency(project: ProjectOption,
                       limit: Annotated[int, typer.Option("--limit", "-n", help="how many lines")] = 20,
                       code: Annotated[Optional[str], typer.Option("--code", "-c", help="only this code (path)")] = None,
                       fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """Lines whose code is far from that code's other lines (possible miscodings), most
    doubtful first, each with the code it would fit better (leads)."""
    with transaction() as session:  # a transaction, so the lemma cache keeps what it learns
        viewer = signed_in(session, as_user)
        found = consistency.coding_consistency(session, get_project(session, project), actor=viewer, limit=limit,
                                               code_path=code)
    if fmt is OutputFormat.json:
        print_json(found)
        return
    print_table([{"rank": i + 1, "segment": d.segment_id, "line": f"{d.transcript} {d.line}",
                  "text": _quote_text(d.text), "code": d.code_path, "coders": ", ".join(d.coders),
                  "fit": f"{d.fit:.2f}", "fits better": d.better_path or "", "better fit": f"{d.better_fit:.2f}"}
                 for i, d in enumerate(found)],
                ["rank", "segment", "line", "text", "code", "coders", "fit", "fits better", "better fit"],
                title=f"{project}: {len(found)} codings to look at again")


def _quote_text(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---- fgi suggest -----------------------------------------------------------------------


def suggest(project: ProjectOption,
            segment: Annotated[list[str], typer.Option("--segment", "-s", help="segment id (repeatable)")],
            k: Annotated[int, typer.Option("--k", help="how many codes")] = 5,
            as_user: AsOption = None,
            fmt: FormatOption = OutputFormat.table) -> None:
    """Rank codes for a line from the lines you may see coded and the code definitions."""
    with transaction() as session:  # a transaction, so the lemma cache keeps what it learns
        viewer = signed_in(session, as_user)
        target = get_project(session, project)
        require(session, viewer, "themes.suggest", target)
        found = suggestions.suggest_codes(session, viewer, target, segment, k=k)
    if fmt is OutputFormat.json:
        print_json(found)
        return
    for line in found:
        print_table([{"rank": i + 1, "code": s.path, "score": f"{s.score:.3f}", "applied": "✓" if s.applied else "",
                      "because of": f"{s.nearest}: {s.nearest_text[:50]}" if s.nearest else ""}
                     for i, s in enumerate(line.suggestions)],
                    ["rank", "code", "score", "applied", "because of"], title=f"{line.segment_id}: {line.text[:60]}")


def register(app: typer.Typer) -> None:
    app.add_typer(themes_app, name="themes")
    app.add_typer(hierarchy_app, name="hierarchy")
    app.command("suggest")(suggest)
    register_export(app)  # fgi export themes; gives fgi export qdpx the theme hierarchy
