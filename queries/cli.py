"""``fgi retrieve`` (the coded lines of codes combined with AND / OR / NOT) and ``fgi search``
(text by lemma, surface or regular expression, as KWIC lines; ``--code-all`` codes the hits).

Both authenticate their user (``--as``) and show only what that user may see (blind coding).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from fgi import console
from fgi.console import info, print_json, print_table, signed_in, transaction
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.participant_labels import report_labels
from fgi.study import get_project
from queries import export
from queries.code_all import code_all
from queries.filters import Filters
from queries.retrieval import CodeQuery, retrieve
from queries.search import DEFAULT_LIMIT, LEMMA, REGEX, SURFACE, search


class RetrieveFormat(str, Enum):
    table = "table"
    json = "json"
    docx = "docx"
    xlsx = "xlsx"


class SearchFormat(str, Enum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]
Many = Optional[list[str]]
GroupOption = Annotated[Many, typer.Option("--group", help="only lines of this group (repeatable)")]
TranscriptOption = Annotated[Many, typer.Option("--transcript", help="only this transcript, id or name (repeatable)")]
ParticipantOption = Annotated[Many, typer.Option("--participant", help="only this speaker, e.g. P03 (repeatable)")]
RoleOption = Annotated[Many, typer.Option("--role", help="moderator or participant (repeatable)")]
CoderOption = Annotated[Many, typer.Option("--coder", help="only codings of this coder, as far as you may see them (repeatable)")]
OutOption = Annotated[Optional[Path], typer.Option("--out", "-o", help="file for docx / xlsx")]


def _filters(transcript, group, participant, role, coder) -> Filters:
    return Filters.of(transcripts=transcript, groups=group, participants=participant, roles=role, coders=coder)


def _out(out: Path | None, fmt: str) -> Path:
    if out is None:
        raise FgiError(_("--format {format} writes a file: give it with --out FILE", format=fmt))
    export.check_suffix(out, f".{fmt}")
    return out


def retrieve_command(
    project: ProjectOption,
    code: Annotated[list[str], typer.Option("--code", "-c", help="a code path; several --code: any of them (OR)")],
    and_: Annotated[Many, typer.Option("--and", help="the line must also have this code (AND)")] = None,
    or_: Annotated[Many, typer.Option("--or", help="or this code (OR)")] = None,
    not_: Annotated[Many, typer.Option("--not", help="the line must not have this code (AND NOT)")] = None,
    descendants: Annotated[bool, typer.Option("--descendants", help="a code includes the codes below it")] = False,
    group: GroupOption = None, transcript: TranscriptOption = None, participant: ParticipantOption = None,
    role: RoleOption = None, coder: CoderOption = None,
    context: Annotated[int, typer.Option("--context", help="lines of context before and after each line")] = 0,
    fmt: Annotated[RetrieveFormat, typer.Option("--format", "-f", help="table, json, docx or xlsx")] = RetrieveFormat.table,
    out: OutOption = None,
    as_user: AsOption = None,
) -> None:
    """The coded lines of codes combined with --and / --or / --not (e.g. -c '자신감 회복' --not '취업과 자격 취득')."""
    query = CodeQuery(tuple(code) + tuple(or_ or ()), tuple(and_ or ()), tuple(not_ or ()), descendants)
    path = _out(out, fmt.value) if fmt in (RetrieveFormat.docx, RetrieveFormat.xlsx) else None
    with console.database().reading() as session:
        target = get_project(session, project)
        result = retrieve(session, target, query, viewer=signed_in(session, as_user),
                          filters=_filters(transcript, group, participant, role, coder), context=context)
        labels = report_labels(session, target)
    if fmt == RetrieveFormat.json:
        print_json({"query": query.describe(), "counts": result.counts, "lines": result.lines})
        return
    if path is not None:
        (export.retrieval_docx(result, path, project=project, labels=labels) if fmt == RetrieveFormat.docx
         else export.retrieval_xlsx(result, path))
        info(_("wrote {file}: {n} lines", file=str(path), n=len(result.lines)))
        return
    rows = []
    for item in result.lines:
        text = "\n".join([*(f"  {x.line} [{x.speaker or ''}] {x.text}" for x in item.before), item.line.text,
                          *(f"  {x.line} [{x.speaker or ''}] {x.text}" for x in item.after)])
        rows.append({"transcript": item.line.transcript, "line": item.line.line, "speaker": item.line.speaker,
                     "group": item.line.group, "text": text,
                     "codes": "; ".join(f"{c.path} ({', '.join(c.coders)})" for c in item.codes),
                     "segment": item.line.segment_id})
    print_table(rows, ["transcript", "line", "speaker", "group", "text", "codes", "segment"],
                title=query.describe())
    info(_("{n} lines", n=len(result.lines)) + " · "
         + ", ".join(f"{code}: {n}" for code, n in result.counts.items()))


def search_command(
    project: ProjectOption,
    query: Annotated[str, typer.Argument(help="a word or phrase (by lemma unless --surface or --regex)")],
    lemma: Annotated[bool, typer.Option("--lemma", help="match Kiwi lemmas: 까다롭다 finds 까다로워서 (default)")] = False,
    surface: Annotated[bool, typer.Option("--surface", help="match the text as typed")] = False,
    regex: Annotated[bool, typer.Option("--regex", help="a regular expression")] = False,
    group: GroupOption = None, transcript: TranscriptOption = None, participant: ParticipantOption = None,
    role: RoleOption = None, coder: CoderOption = None,
    limit: Annotated[int, typer.Option("--limit", help="KWIC lines shown (counts cover every hit)")] = DEFAULT_LIMIT,
    code_all_path: Annotated[Optional[str], typer.Option("--code-all", help="code every hit line with this code")] = None,
    fmt: Annotated[SearchFormat, typer.Option("--format", "-f", help="table, json or xlsx")] = SearchFormat.table,
    out: OutOption = None,
    as_user: AsOption = None,
) -> None:
    """Search the project's text; results as keyword-in-context lines; --code-all codes the hit lines."""
    if lemma + surface + regex > 1:
        raise FgiError(_("choose one of --lemma, --surface and --regex"))
    mode = SURFACE if surface else REGEX if regex else LEMMA
    path = _out(out, fmt.value) if fmt == SearchFormat.xlsx else None
    filters = _filters(transcript, group, participant, role, coder)
    if code_all_path is not None:
        with transaction() as session:
            target = get_project(session, project)
            me = signed_in(session, as_user)
            result = search(session, target, query, viewer=me, mode=mode, filters=filters, limit=5000)
            if result.truncated:
                raise FgiError(_("{n} hits are more than can be coded at once", n=result.n_hits),
                               hint=_("narrow the search with filters"))
            if not result.segment_ids:
                info(_("no hits: nothing was coded"))
                return
            done = code_all(session, target, result.segment_ids, code_all_path, actor=me)
        info(_("coded {n} lines with {code} ({already} already had it)", n=len(done.applied), code=done.code,
               already=len(done.already)))
        return
    with console.database().reading() as session:
        target = get_project(session, project)
        result = search(session, target, query, viewer=signed_in(session, as_user), mode=mode, filters=filters,
                        limit=limit)
    if fmt == SearchFormat.json:
        print_json({"query": result.query, "mode": result.mode, "lemmas": list(result.lemmas),
                    "hits": result.n_hits, "lines": result.n_lines, "truncated": result.truncated,
                    "kwic": [{"segment": h.segment_id, "transcript": h.line.transcript, "line": h.line.line,
                              "speaker": h.line.speaker, "group": h.line.group, "left": h.left, "hit": h.hit,
                              "right": h.right} for h in result.hits]})
        return
    if path is not None:
        export.search_xlsx(result, path)
        info(_("wrote {file}: {n} hits", file=str(path), n=len(result.hits)))
        return
    print_table([{"transcript": h.line.transcript, "line": h.line.line, "speaker": h.line.speaker,
                  "left": h.left, "hit": h.hit, "right": h.right, "segment": h.segment_id} for h in result.hits],
                ["transcript", "line", "speaker", "left", "hit", "right", "segment"])
    shown = _(" ({n} shown)", n=len(result.hits)) if result.truncated else ""
    info(_("{hits} hits in {lines} lines", hits=result.n_hits, lines=result.n_lines) + shown)


def register(app: typer.Typer) -> None:
    app.command("retrieve")(retrieve_command)
    app.command("search")(search_command)
