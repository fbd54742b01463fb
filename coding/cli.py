"""``fgi codebook``, ``fgi user``, ``fgi code``, ``fgi login``/``logout`` and ``fgi project add-member``.

The acting user is ``--as NAME`` (or FGI_USER, or the user of ``fgi login``) and must
prove it: a password (FGI_PASSWORD or a prompt) or a login token (``coding.cli_auth``).
What each user may do is ``coding.permissions``, checked by the domain functions.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.tree import Tree
from sqlalchemy.orm import Session

from coding import applications, bulk, cli_auth, codebook, codebook_io, keywords, permissions, tokens, users
from coding.cli_agreement import register_agreement
from coding.cli_memos import register_memos
from coding.cli_rounds import register_rounds
from coding.refi.cli import register_refi
from coding.models import USER_ROLES, User
from fgi import console
from fgi.console import OutputFormat, info, print_json, print_table, signed_in, transaction
from fgi.errors import FgiError
from fgi.study import get_project, get_transcript
from fgi.i18n import _

codebook_app = typer.Typer(help="The codebook: show, edit, import and export codes.", no_args_is_help=True)
user_app = typer.Typer(help="Users (coders, leads, admins) and their passwords.", no_args_is_help=True)
code_app = typer.Typer(help="Code segments: apply, remove, import, export, keyword suggestions.",
                       no_args_is_help=True)

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="project name")]
AsOption = Annotated[Optional[str], typer.Option("--as", help="acting user (default: FGI_USER, else the user of fgi login)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
SegmentOption = Annotated[str, typer.Option("--segment", "-s", help="segment id (see fgi segments)")]
CodeOption = Annotated[str, typer.Option("--code", "-c", help="codebook path, e.g. '참여주민의 변화/자신감 회복'")]


def acting_user(session: Session, name: str | None) -> User:
    """The authenticated acting user (see coding.cli_auth)."""
    return signed_in(session, name)


# ---- codebook --------------------------------------------------------------------------


@codebook_app.command("import")
def codebook_import(
    file: Annotated[Path, typer.Argument(help=".yaml, .csv, .xlsx or .qdc")],
    project: ProjectOption,
    fmt: Annotated[Optional[str], typer.Option("--format", help="yaml, csv, xlsx or qdc (default: by suffix)")] = None,
    as_user: AsOption = None,
) -> None:
    """Import a codebook, merging by path into the project's codes (all rows or none)."""
    with transaction() as session:
        summary = codebook_io.import_codebook_file(session, get_project(session, project), file,
                                                   actor=acting_user(session, as_user), fmt=fmt)
    info(f"{file.name}: {len(summary.added)} codes added, {len(summary.updated)} updated, "
         f"{len(summary.unchanged)} unchanged")


@codebook_app.command("export")
def codebook_export(
    project: ProjectOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="yaml, csv, xlsx or qdc (default: by suffix)")] = None,
    as_user: AsOption = None,
) -> None:
    """Write the project's codebook as YAML, CSV, XLSX or REFI-QDA .qdc."""
    with console.database().reading() as session:
        target = get_project(session, project)
        permissions.require(session, acting_user(session, as_user), "export.codebook", target)
        codebook_io.export_codebook(session, target, output, fmt)
    info(f"wrote {output}")


@codebook_app.command("show")
def codebook_show(project: ProjectOption, fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """Show the codebook as a tree, with each code's number of codings you may see."""
    with console.database().reading() as session:
        target = get_project(session, project)
        viewer = acting_user(session, as_user)
        permissions.require(session, viewer, "codebook.read", target)
        codes = codebook.counted_codes(session, target, viewer=viewer)
    if fmt is OutputFormat.json:
        print_json(codes)
        return
    tree = Tree(f"{project} ({len(codes)} codes)")
    nodes = {}
    for code in codes:
        label = f"{code.name}  [{code.codings}]" + (f"  {code.color}" if code.color else "")
        nodes[code.id] = (nodes[code.parent_id] if code.parent_id else tree).add(label)
    console.stdout.print(tree, markup=False)


def _fields(definition, inclusion, exclusion, examples, color, keyword) -> dict:
    given = {"definition": definition, "inclusion": inclusion, "exclusion": exclusion,
             "examples": examples or None, "color": color, "keywords": keyword or None}
    return {k: v for k, v in given.items() if v is not None}


Definition = Annotated[Optional[str], typer.Option(help="what the code means")]
Inclusion = Annotated[Optional[str], typer.Option(help="when to apply it")]
Exclusion = Annotated[Optional[str], typer.Option(help="when not to (and which code instead)")]
Example = Annotated[Optional[list[str]], typer.Option("--example", help="an example statement (repeatable)")]
Color = Annotated[Optional[str], typer.Option(help="#RRGGBB")]
Keyword = Annotated[Optional[list[str]], typer.Option("--keyword", help="a keyword lemma (repeatable)")]


@codebook_app.command("add")
def codebook_add(path: str, project: ProjectOption, definition: Definition = None, inclusion: Inclusion = None,
                 exclusion: Exclusion = None, example: Example = None, color: Color = None,
                 keyword: Keyword = None, as_user: AsOption = None) -> None:
    """Add a code at PATH (its parent must exist), e.g. '성과/정서적 성과'."""
    with transaction() as session:
        codebook.add_code(session, get_project(session, project), path, actor=acting_user(session, as_user),
                          **_fields(definition, inclusion, exclusion, example, color, keyword))
    info(f"added {path!r}")


@codebook_app.command("edit")
def codebook_edit(path: str, project: ProjectOption,
                  name: Annotated[Optional[str], typer.Option(help="new name")] = None,
                  definition: Definition = None, inclusion: Inclusion = None, exclusion: Exclusion = None,
                  example: Example = None, color: Color = None, keyword: Keyword = None,
                  as_user: AsOption = None) -> None:
    """Change a code's name or fields (list options replace the whole list)."""
    changes = _fields(definition, inclusion, exclusion, example, color, keyword)
    if name is not None:
        changes["name"] = name
    with transaction() as session:
        codebook.update_code(session, get_project(session, project), path, changes,
                             actor=acting_user(session, as_user))
    info(f"updated {path!r}")


@codebook_app.command("move")
def codebook_move(path: str, project: ProjectOption,
                  to: Annotated[Optional[str], typer.Option("--to", help="new parent's path (omit: top level)")] = None,
                  position: Annotated[Optional[int], typer.Option(help="0-based place among siblings")] = None,
                  as_user: AsOption = None) -> None:
    """Move a code and its sub-codes under another parent, or reorder it."""
    with transaction() as session:
        code = codebook.move_code(session, get_project(session, project), path, to,
                                  actor=acting_user(session, as_user), position=position)
        info(f"moved to {codebook.code_path(session, code)!r}")


@codebook_app.command("delete")
def codebook_delete(path: str, project: ProjectOption,
                    force: Annotated[bool, typer.Option(help="also delete the codings of the code")] = False,
                    reason: Annotated[Optional[str], typer.Option(help="why (kept in the history)")] = None,
                    as_user: AsOption = None) -> None:
    """Delete a code and its sub-codes (refused while it has codings, unless --force)."""
    with transaction() as session:
        removed = codebook.delete_code(session, get_project(session, project), path,
                                       actor=acting_user(session, as_user),
                                       force=force, reason=reason)
    info(f"deleted {path!r}" + (f" and {removed} codings" if removed else ""))


@codebook_app.command("history")
def codebook_history(project: ProjectOption, fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """Every change to the codebook: who, when, what."""
    with console.database().reading() as session:
        target = get_project(session, project)
        permissions.require(session, acting_user(session, as_user), "codebook.read", target)
        entries = codebook.codebook_history(session, target)
    if fmt is OutputFormat.json:
        print_json(entries)
        return
    rows = []
    for e in entries:
        changed = sorted(k for k in (e.after or {}) if (e.before or {}).get(k) != (e.after or {}).get(k))
        rows.append({"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "kind": e.kind,
                     "code": e.subject, "changed": ", ".join(changed) if e.before and e.after else ""})
    print_table(rows, ["at", "actor", "kind", "code", "changed"], title=f"{project}: codebook history")


@codebook_app.command("keywords")
def codebook_keywords(project: ProjectOption, as_user: AsOption = None) -> None:
    """How each keyword is analysed: the lemmas a segment must contain to be suggested."""
    with console.database().reading() as session:
        target = get_project(session, project)
        permissions.require(session, acting_user(session, as_user), "codebook.read", target)
        codes = codebook.list_codes(session, target)
    rows = [{"code": k.code_path, "keyword": k.keyword, "lemmas": " + ".join(k.lemmas),
             "problem": k.problem} for k in keywords.keyword_patterns(codes)]
    print_table(rows, ["code", "keyword", "lemmas", "problem"])


# ---- users and logins ------------------------------------------------------------------


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help=" or ".join(USER_ROLES))] = "coder",
    project: Annotated[Optional[list[str]], typer.Option("--project", "-p", help="make a member (repeatable)")] = None,
    as_user: AsOption = None,
) -> None:
    """Add a user (admins; the first user of an empty database is an admin made without one).
    The new password comes from a hidden prompt or FGI_NEW_PASSWORD."""
    with transaction() as session:
        first = not permissions.has_users(session)
    if first and role != "admin":
        raise FgiError(_('the first user of a database must be an admin'),
                       hint=_('fgi user add {name} --role admin, then add the others as that admin', name=name))
    password = cli_auth.new_password()
    with transaction() as session:
        if first:
            user = users.create_first_admin(session, name, password)
            me: User | str = user
        else:
            me = acting_user(session, as_user)
            user = users.create_user(session, name, password, role=role, actor=me)
        for project_name in project or []:
            users.add_member(session, get_project(session, project_name), user, actor=me)
    info(f"added {role} {name!r}" + (f", member of {', '.join(project)}" if project else ""))


@user_app.command("list")
def user_list(fmt: FormatOption = OutputFormat.table, as_user: AsOption = None) -> None:
    """List users with their roles and projects (leads and admins)."""
    with console.database().reading() as session:
        permissions.require(session, acting_user(session, as_user), "users.list")
        rows = users.list_users(session)
    if fmt is OutputFormat.json:
        print_json(rows)
    else:
        print_table([dataclasses.asdict(r) | {"projects": ", ".join(r.projects)} for r in rows],
                    ["name", "role", "projects"])


@user_app.command("role")
def user_role(name: str, role: Annotated[str, typer.Argument(help=" or ".join(USER_ROLES))],
              as_user: AsOption = None) -> None:
    """Change a user's role (admins)."""
    with transaction() as session:
        users.set_role(session, users.get_user(session, name), role, actor=acting_user(session, as_user))
    info(f"{name} is now a {role}")


@user_app.command("password")
def user_password(name: str, as_user: AsOption = None) -> None:
    """Change your own password (proven by the old one: FGI_PASSWORD or the prompt), or, as an
    admin, set another user's. The new one: hidden prompt or FGI_NEW_PASSWORD."""
    with transaction() as session:
        claimed = cli_auth.claimed_name(session, as_user)
        if claimed == name:  # the old password is the proof, a login token is not enough
            old = cli_auth.read_password(name)
            me = cli_auth.by_password(session, name, old)
        else:
            me, old = acting_user(session, as_user), None
        target = users.get_user(session, name)
        if me.id != target.id:
            permissions.require(session, me, "users.password.other")
        password = cli_auth.new_password()
        users.set_password(session, target, password, actor=me, old_password=old)
    info(f"password of {name} changed")


@user_app.command("revoke")
def user_revoke(name: str, as_user: AsOption = None) -> None:
    """End every command-line login of a user (yours, or anyone's for a lead or admin)."""
    with transaction() as session:
        count = tokens.revoke_all(session, acting_user(session, as_user), users.get_user(session, name))
    info(f"revoked {count} login(s) of {name}")


def login_command(
    as_user: AsOption = None,
    hours: Annotated[Optional[float], typer.Option("--hours", help="how long the login lasts (default: FGI_LOGIN_HOURS or 12)")] = None,
) -> None:
    """Log in to this database: a password once, then a token in your config folder (0600)."""
    lifetime = cli_auth.login_hours(hours)
    url = console.database().url
    with transaction() as session:
        user = cli_auth.by_password(session, cli_auth.claimed_name(session, as_user))
        issued = tokens.issue(session, user, hours=lifetime)
    path = cli_auth.store_login(url, issued)
    info(f"logged in as {issued.user} until {issued.expires_at:%Y-%m-%d %H:%M} UTC (token in {path})")


def logout_command() -> None:
    """Log out of this database: the stored token is revoked and deleted."""
    url = console.database().url
    stored = cli_auth.drop_login(url)
    if stored is None:
        info("not logged in to this database")
        return
    with transaction() as session:
        tokens.revoke(session, stored.token)
    info(f"logged out {stored.user}")


def project_add_member(project: str, user: str, as_user: AsOption = None) -> None:
    """Let a user code in a project (leads of the project, admins)."""
    with transaction() as session:
        added = users.add_member(session, get_project(session, project), users.get_user(session, user),
                                 actor=acting_user(session, as_user))
    info(f"{user} is {'now' if added else 'already'} a member of {project!r}")


def project_remove_member(project: str, user: str, as_user: AsOption = None) -> None:
    """Take a user off a project (their codings stay; leads of the project, admins)."""
    with transaction() as session:
        removed = users.remove_member(session, get_project(session, project), users.get_user(session, user),
                                      actor=acting_user(session, as_user))
    info(f"{user} {'removed from' if removed else 'was not a member of'} {project!r}")


# ---- coding ----------------------------------------------------------------------------


@code_app.command("apply")
def code_apply(segment: SegmentOption, code: CodeOption, as_user: AsOption = None,
               memo: Annotated[Optional[str], typer.Option(help="a note on this coding")] = None) -> None:
    """Code a segment (several codes per segment are fine)."""
    with transaction() as session:
        coding = applications.apply_code(session, acting_user(session, as_user), segment, code, memo=memo)
    info(f"{coding.coder}: {coding.segment_id} ← {coding.code_path}")


@code_app.command("remove")
def code_remove(segment: SegmentOption, code: CodeOption, as_user: AsOption = None) -> None:
    """Remove your coding of a segment with a code."""
    with transaction() as session:
        applications.remove_code(session, acting_user(session, as_user), segment, code)
    info(f"removed {code!r} from {segment}")


@code_app.command("import")
def code_import(file: Annotated[Path, typer.Argument(help=".csv or .xlsx with segment_id,code[,memo]")],
                as_user: AsOption = None,
                project: Annotated[Optional[str], typer.Option("--project", "-p")] = None) -> None:
    """Import codings from a spreadsheet as one coder (all rows or none)."""
    with transaction() as session:
        target = get_project(session, project) if project else None
        summary = bulk.import_codings(session, acting_user(session, as_user), file, project=target)
    info(f"{file.name} → {summary.project!r}: {summary.applied} codings applied, "
         f"{summary.unchanged} already there, {summary.memos_updated} memos updated")


def _scope(session: Session, project: str, transcript: str | None):
    target = get_project(session, project)
    return target, get_transcript(session, transcript, target).id if transcript else None


@code_app.command("export")
def code_export(project: ProjectOption, output: Annotated[Path, typer.Option("--output", "-o", help=".csv or .xlsx")],
                as_user: AsOption = None,
                coder: Annotated[Optional[str], typer.Option(help="only this coder's codings")] = None,
                transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                round_number: Annotated[Optional[int], typer.Option(
                    "--round", "-r", help="one coding round: its codings, agreement and post-reveal changes")] = None,
                ) -> None:
    """Export the codings the acting user may see (blind coding applies)."""
    if round_number is not None:
        if coder or transcript:
            raise FgiError(_('--round exports the whole round; leave out --coder and --transcript'))
        from coding.round_export import export_round

        with console.database().reading() as session:
            counts = export_round(session, acting_user(session, as_user), get_project(session, project),
                                  round_number, output)
        info(f"wrote round {round_number} to {output}: {counts['codings']} codings, "
             f"{counts['agreement']} agreement rows, {counts['changes']} post-reveal changes")
        return
    with console.database().reading() as session:
        target, transcript_id = _scope(session, project, transcript)
        only = users.get_user(session, coder) if coder else None
        count = bulk.export_codings(session, acting_user(session, as_user), target, output,
                                    coder=only, transcript_id=transcript_id)
    info(f"wrote {count} codings to {output}")


@code_app.command("list")
def code_list(project: ProjectOption, as_user: AsOption = None,
              transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
              fmt: FormatOption = OutputFormat.table) -> None:
    """List the codings the acting user may see (blind coding applies)."""
    with console.database().reading() as session:
        target, transcript_id = _scope(session, project, transcript)
        rows = applications.codings_for(session, acting_user(session, as_user), project=target,
                                        transcript_id=transcript_id)
    if fmt is OutputFormat.json:
        print_json(rows)
    else:
        print_table([dataclasses.asdict(r) for r in rows], ["segment_id", "code_path", "coder", "memo", "source"])


@code_app.command("suggest-keywords")
def code_suggest(project: ProjectOption, as_user: AsOption = None,
                 transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                 moderators: Annotated[bool, typer.Option(help="also moderators' lines")] = False,
                 fmt: FormatOption = OutputFormat.table) -> None:
    """List codes whose keywords occur in segments; accept or reject them one by one."""
    with console.database().reading() as session:
        target, transcript_id = _scope(session, project, transcript)
        found = keywords.suggest_keywords(session, acting_user(session, as_user), target,
                                          transcript_id=transcript_id, include_moderators=moderators)
    if fmt is OutputFormat.json:
        print_json(found)
        return
    print_table([{"segment": s.segment_id, "code": s.code_path, "keywords": ", ".join(s.keywords),
                  "matched": ", ".join(f"{m.text}@{m.start}" for m in s.matches), "text": s.segment_text}
                 for s in found], ["segment", "code", "keywords", "matched", "text"])
    info(f"{len(found)} suggestions in {len({s.segment_id for s in found})} segments; "
         "take one with: fgi code accept --segment ID --code PATH, or: fgi code reject ...")


@code_app.command("accept")
def code_accept(segment: SegmentOption, code: CodeOption, as_user: AsOption = None,
                memo: Annotated[Optional[str], typer.Option()] = None) -> None:
    """Accept a keyword suggestion: code the segment (source 'keyword')."""
    with transaction() as session:
        coding = keywords.accept_suggestion(session, acting_user(session, as_user), segment, code, memo)
    info(f"{coding.coder}: {coding.segment_id} ← {coding.code_path}")


@code_app.command("reject")
def code_reject(segment: SegmentOption, code: CodeOption, as_user: AsOption = None) -> None:
    """Reject a keyword suggestion; it will not be suggested to you again."""
    with transaction() as session:
        keywords.reject_suggestion(session, acting_user(session, as_user), segment, code)
    info(f"rejected {code!r} for {segment}")


def project_identities(
    project: Annotated[str, typer.Option("--project", "-p")],
    as_user: Annotated[Optional[str], typer.Option("--as", help="a lead of the project")] = None,
) -> None:
    """Show the pseudonymisation key (who P03 is, what was masked): leads only, audited."""
    from coding.identities import identity_key

    with transaction() as session:
        rows = identity_key(session, acting_user(session, as_user), get_project(session, project))
    print_table([dataclasses.asdict(r) for r in rows], ["transcript", "kind", "replacement", "original"])


def _project_group(app: typer.Typer) -> typer.Typer:
    for group in app.registered_groups:
        if group.name == "project" and group.typer_instance is not None:
            return group.typer_instance
    raise FgiError(_("the fgi command has no 'project' group to add member commands to"))


def register(app: typer.Typer) -> None:
    console.use_authenticator(cli_auth.current_user, cli_auth.forget)
    app.command("login")(login_command)
    app.command("logout")(logout_command)
    app.add_typer(codebook_app, name="codebook")
    app.add_typer(user_app, name="user")
    app.add_typer(code_app, name="code")
    project_app = _project_group(app)
    project_app.command("add-member")(project_add_member)
    project_app.command("remove-member")(project_remove_member)
    project_app.command("identities")(project_identities)
    register_agreement(app)  # fgi agreement, fgi reconcile, fgi reveal (coding/cli_agreement.py)
    register_refi(app)  # fgi export qdpx (coding/refi/cli.py)
    register_rounds(app)  # fgi rounds (coding/cli_rounds.py)
    register_memos(app)  # fgi memo (coding/cli_memos.py)
