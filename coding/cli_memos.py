"""``fgi memo add|list|edit|delete``: memos on the project, a transcript, a participant, a
code, a line or a theme node (``coding.memos``), as the signed-in user."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from coding import memos
from coding.applications import resolve_code
from coding.models import MEMO_KINDS
from fgi.console import OutputFormat, info, print_json, print_table, signed_in, transaction
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.study import get_project, get_transcript

memo_app = typer.Typer(help="Memos on the project, transcripts, participants, codes, lines and theme nodes.",
                       no_args_is_help=True)

MemoKind = Enum("MemoKind", {kind: kind for kind in MEMO_KINDS}, type=str)
ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]
TitleOption = Annotated[Optional[str], typer.Option("--title", help="a short title")]
MemoId = Annotated[int, typer.Argument(help="the memo's id (see fgi memo list)")]


@memo_app.command("add")
def memo_add(
    text: Annotated[str, typer.Argument(help="the memo")],
    project: ProjectOption,
    kind: Annotated[MemoKind, typer.Option("--kind", "-k", help="what the memo is on")] = MemoKind.project,
    target: Annotated[Optional[str], typer.Option(
        "--target", "-t", help="transcript name or id, participant pseudonym or id, code path or id, segment id "
                               "(line), theme node id; none for the project")] = None,
    title: TitleOption = None,
    as_user: AsOption = None,
) -> None:
    """Write a memo."""
    with transaction() as session:
        found = get_project(session, project)
        key = memos.resolve_target(session, found, kind.value, target)
        memo = memos.write_memo(session, found, actor=signed_in(session, as_user), kind=kind.value, target=key,
                                text=text, title=title)
    info(_("memo {id} written", id=memo.id))


@memo_app.command("list")
def memo_list(
    project: ProjectOption,
    kind: Annotated[Optional[MemoKind], typer.Option("--kind", "-k", help="only memos on this kind of thing")] = None,
    target: Annotated[Optional[str], typer.Option("--target", "-t", help="only memos on this thing (with --kind)")] = None,
    author: Annotated[Optional[str], typer.Option("--author", help="only this user's memos")] = None,
    code: Annotated[Optional[str], typer.Option(
        "--code", "-c", help="memos on this code and on lines you see coded with it")] = None,
    transcript: Annotated[Optional[str], typer.Option(
        "--transcript", help="memos on this transcript, its participants and its lines")] = None,
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="words in the title or text")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")] = OutputFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write them to a .csv or .xlsx file")] = None,
    as_user: AsOption = None,
) -> None:
    """List the memos you may see (another coder's memos on lines stay hidden until reveal),
    or write them to a file."""
    with transaction() as session:
        found = get_project(session, project)
        viewer = signed_in(session, as_user)
        key = None
        if target is not None:
            if kind is None:
                raise FgiError(_("--target needs --kind (what the target is)"))
            key = memos.resolve_target(session, found, kind.value, target)
        filters = dict(kind=kind.value if kind else None, target=key, author=author, search=search,
                       code_id=resolve_code(session, found, code).id if code else None,
                       transcript_id=get_transcript(session, transcript, found).id if transcript else None)
        if output is not None:
            written = memos.export_memos(session, found, output, viewer=viewer, **filters)
            info(_("{file}: {count} memos", file=output.name, count=written))
            return
        rows = memos.memos_for(session, found, viewer=viewer, **filters)
        about = memos.describe_targets(session, found, rows)
    if fmt is OutputFormat.json:
        print_json([{**_plain(m), "about": about[m.id]} for m in rows])
        return
    print_table([{"id": m.id, "kind": _(memos.KIND_NAMES[m.kind]), "about": about[m.id], "author": m.author or "-",
                  "title": m.title or "", "text": m.text, "updated": f"{m.updated_at:%Y-%m-%d %H:%M}"} for m in rows],
                ["id", "kind", "about", "author", "title", "text", "updated"],
                title=_("{project}: {count} memos", project=project, count=len(rows)))


@memo_app.command("edit")
def memo_edit(
    memo_id: MemoId,
    text: Annotated[Optional[str], typer.Option("--text", help="the new text")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="the new title ('' removes it)")] = None,
    as_user: AsOption = None,
) -> None:
    """Change a memo's text or title (your own; a lead may change any)."""
    if text is None and title is None:
        raise FgiError(_("say what to change: --text and/or --title"))
    with transaction() as session:
        memos.edit_memo(session, memo_id, actor=signed_in(session, as_user), text=text, title=title)
    info(_("memo {id} saved", id=memo_id))


@memo_app.command("delete")
def memo_delete(memo_id: MemoId, as_user: AsOption = None) -> None:
    """Delete a memo (your own; a lead may delete any). The event log keeps its text."""
    with transaction() as session:
        memos.delete_memo(session, memo_id, actor=signed_in(session, as_user))
    info(_("memo {id} deleted", id=memo_id))


def _plain(memo: memos.Memo) -> dict:
    return {"id": memo.id, "kind": memo.kind, "target": memo.target, "author": memo.author, "title": memo.title,
            "text": memo.text, "created_at": memo.created_at.isoformat(timespec="seconds"),
            "updated_at": memo.updated_at.isoformat(timespec="seconds"), "guid": memo.guid, "source": memo.source}


def register_memos(app: typer.Typer) -> None:
    app.add_typer(memo_app, name="memo")
