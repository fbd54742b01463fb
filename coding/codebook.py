"""The codebook: a tree of codes per project, edited by add / update / move / delete.

A code is addressed by its *path*, the names from the root joined by ``/``
(``참여주민의 변화/자신감 회복``); names are unique among siblings and cannot contain ``/``.
Every change is an event (``codebook.add`` / ``.update`` / ``.move`` / ``.delete``) whose
payload holds the code before and after, so ``codebook_history`` can show how the
codebook evolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.code_paths import child_path, leaf_name
from coding.code_paths import parent_path as code_parent_path
from coding.code_fields import (  # noqa: F401 - re-exported: callers use coding.codebook
    FIELDS, LIST_FIELDS, SEPARATOR, TEXT_FIELDS, CodeSpec, clean_fields, join_path, name_problem,
    normalise_color, split_path,
)
from coding.models import Code, CodeApplication, User
from coding.permissions import acting
from fgi.errors import FgiError, NotFound
from fgi.i18n import _, ngettext
from fgi.models import Event, Project, Segment, Transcript

@dataclass(frozen=True)
class CodeView:
    id: int
    project_id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    position: int
    definition: str | None
    inclusion: str | None
    exclusion: str | None
    examples: list[str]
    example_segments: list[str]
    color: str | None
    keywords: list[str]
    # Codings of this code itself that the viewer may see (``counted_codes``); None when the
    # codebook was read without a viewer (``list_codes``), so nothing is counted.
    codings: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    kind: str
    subject: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _codes(session: Session, project: Project) -> list[Code]:
    return list(session.scalars(
        select(Code).where(Code.project_id == project.id).order_by(Code.position, Code.id)))


def _paths(codes: list[Code]) -> dict[int, tuple[str, ...]]:
    by_id = {c.id: c for c in codes}
    paths: dict[int, tuple[str, ...]] = {}

    def path_of(code: Code) -> tuple[str, ...]:
        if code.id not in paths:
            parent = by_id.get(code.parent_id) if code.parent_id is not None else None
            paths[code.id] = (path_of(parent) if parent else ()) + (code.name,)
        return paths[code.id]

    for code in codes:
        path_of(code)
    return paths


def code_index(session: Session, project: Project) -> dict[str, Code]:
    """Every code of the project by its path."""
    codes = _codes(session, project)
    paths = _paths(codes)
    return {join_path(paths[c.id]): c for c in codes}


def code_path(session: Session, code: Code) -> str:
    parts = [code.name]
    while code.parent_id is not None:
        code = session.get(Code, code.parent_id)
        parts.append(code.name)
    return join_path(parts[::-1])


def list_codes(session: Session, project: Project) -> list[CodeView]:
    """The codebook in tree order (parents before children, siblings by position), without
    counts: nothing of anyone's coding is read. Use ``counted_codes`` to show counts."""
    return _code_views(session, project, None)


def counted_codes(session: Session, project: Project, *, viewer: User) -> list[CodeView]:
    """The codebook as ``list_codes`` gives it, each code with the number of its codings
    ``viewer`` may see (blind coding: a coder counts only their own until a transcript is
    revealed), counted in SQL by the rule of ``coding.applications.codings_for``."""
    from coding.applications import visible_code_counts  # applications imports this module

    return _code_views(session, project, visible_code_counts(session, viewer, project=project))


def _code_views(session: Session, project: Project, counts: dict[int, int] | None) -> list[CodeView]:
    codes = _codes(session, project)
    paths = _paths(codes)
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[CodeView] = []

    def walk(parent_id: int | None) -> None:
        for c in children.get(parent_id, []):
            ordered.append(CodeView(
                c.id, c.project_id, c.parent_id, c.name, join_path(paths[c.id]), len(paths[c.id]) - 1,
                c.position, c.definition, c.inclusion, c.exclusion, list(c.examples or []),
                list(c.example_segments or []), c.color, list(c.keywords or []),
                None if counts is None else counts.get(c.id, 0),
            ))
            walk(c.id)

    walk(None)
    return ordered


def get_code(session: Session, project: Project, path: str) -> Code:
    """A code by path, or by a name that only one code of the project has."""
    index = code_index(session, project)
    wanted = join_path(split_path(path))
    if wanted in index:
        return index[wanted]
    by_name = [c for p, c in index.items() if leaf_name(p) == leaf_name(wanted)]
    if len(split_path(wanted)) == 1 and len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        hint = "several codes have this name; give the path: " + ", ".join(
            p for p in index if leaf_name(p) == leaf_name(wanted))
    else:
        hint = "see the codebook: fgi codebook show --project " + repr(project.name)
    raise NotFound(_('no code {path} in project {name}', path=repr(path), name=repr(project.name)), hint=hint)


def snapshot(code: Code, path: str) -> dict[str, Any]:
    """A code's fields as an event payload records them."""
    return {
        "path": path, "name": code.name, "definition": code.definition, "inclusion": code.inclusion,
        "exclusion": code.exclusion, "examples": list(code.examples or []),
        "example_segments": list(code.example_segments or []), "color": code.color,
        "keywords": list(code.keywords or []), "position": code.position,
    }


def _check_unique_sibling(session: Session, project: Project, parent_id: int | None, name: str,
                          parent_path: str, ignore: int | None = None) -> None:
    siblings = select(Code.id).where(Code.project_id == project.id, Code.name == name,
                                     Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id)
    found = [i for i in session.scalars(siblings) if i != ignore]
    if found:
        where = _("under {parent}", parent=repr(parent_path)) if parent_path else _("at the top level")
        raise FgiError(_('a code named {name} already exists {where}', name=repr(name), where=where), hint=_('choose another name'))


def _next_position(session: Session, project: Project, parent_id: int | None) -> int:
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    last = session.scalar(select(func.max(Code.position)).where(Code.project_id == project.id, condition))
    return 0 if last is None else last + 1


def _raise_problems(problems: list[str]) -> None:
    if len(problems) == 1:
        raise FgiError(problems[0])
    if problems:
        raise FgiError(ngettext("{count} problem:", "{count} problems:", len(problems)), details=problems)


def add_code(session: Session, project: Project, path: str, *, actor: User | str, **fields: Any) -> Code:
    """Add the code at ``path``; its parent must exist already."""
    actor = acting(session, actor, "codebook.edit", project)
    parts = split_path(path)
    for part in parts:
        _raise_problems([p for p in [name_problem(part)] if p])
    parent = None
    if len(parts) > 1:
        parent = code_index(session, project).get(join_path(parts[:-1]))
        if parent is None:
            raise NotFound(_('no code {join_path} to add {parts} under', join_path=repr(join_path(parts[:-1])), parts=repr(parts[-1])),
                           hint=_('add the parent first, or give the full path of an existing code'))
    cleaned, problems = clean_fields(fields)
    _raise_problems(problems)
    return insert_code(session, project, parent, parts[-1], cleaned, actor=actor)


def insert_code(session: Session, project: Project, parent: Code | None, name: str,
                fields: dict[str, Any], *, actor: User | str, kind: str = "codebook.add") -> Code:
    """Store a new child of ``parent`` from already-cleaned fields (used by imports too)."""
    actor = acting(session, actor, "codebook.edit", project)
    parent_path = code_path(session, parent) if parent else ""
    parent_id = parent.id if parent else None
    _check_unique_sibling(session, project, parent_id, name, parent_path)
    code = Code(project_id=project.id, parent_id=parent_id, name=name,
                position=_next_position(session, project, parent_id),
                examples=[], example_segments=[], keywords=[])
    for key, value in fields.items():
        setattr(code, key, value)
    session.add(code)
    session.flush()
    path = child_path(parent_path, name)
    Event.record(session, actor=actor, kind=kind, project_id=project.id, subject=path,
                 payload={"before": None, "after": snapshot(code, path)})
    return code


def update_code(session: Session, project: Project, path: str, changes: Mapping[str, Any], *,
                actor: User | str, kind: str = "codebook.update") -> Code:
    """Change a code's fields or name (``changes`` keys: name, definition, ..., example_segments)."""
    actor = acting(session, actor, "codebook.edit", project)
    code = get_code(session, project, path)
    before = snapshot(code, code_path(session, code))
    changes = dict(changes)
    name = changes.pop("name", None)
    segments = changes.pop("example_segments", None)
    cleaned, problems = clean_fields(changes)
    if name is not None:
        name = name.strip()
        problems += [p for p in [name_problem(name)] if p]
    _raise_problems(problems)
    if name is not None and name != code.name:
        parent_path = code_parent_path(before["path"]) if code.parent_id else ""
        _check_unique_sibling(session, project, code.parent_id, name, parent_path, ignore=code.id)
        code.name = name
    if segments is not None:
        code.example_segments = _checked_segments(session, project, segments)
    for key, value in cleaned.items():
        setattr(code, key, value)
    after = snapshot(code, code_path(session, code))
    if after != before:
        session.flush()
        Event.record(session, actor=actor, kind=kind, project_id=project.id, subject=after["path"],
                     payload={"before": before, "after": after})
    return code


def _checked_segments(session: Session, project: Project, segment_ids: list[str]) -> list[str]:
    segment_ids = list(dict.fromkeys(segment_ids))
    known = set(session.scalars(
        select(Segment.id).join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Segment.id.in_(segment_ids), Transcript.project_id == project.id)))
    missing = [s for s in segment_ids if s not in known]
    if missing:
        raise NotFound(_('no segment {join} in project {name}', join=', '.join(missing), name=repr(project.name)),
                       hint=_('segment ids are listed by: fgi segments TRANSCRIPT'))
    return segment_ids


def move_code(session: Session, project: Project, path: str, new_parent: str | None, *,
              actor: User | str, position: int | None = None) -> Code:
    """Put a code (with its subtree) under ``new_parent`` (None: top level), at ``position``
    among its new siblings (None: last)."""
    actor = acting(session, actor, "codebook.edit", project)
    code = get_code(session, project, path)
    before = snapshot(code, code_path(session, code))
    parent = get_code(session, project, new_parent) if new_parent else None
    if parent is not None:
        ancestor: Code | None = parent
        while ancestor is not None:
            if ancestor.id == code.id:
                raise FgiError(_('cannot move {before} under its own subtree ({new_parent})', before=repr(before['path']), new_parent=repr(new_parent)))
            ancestor = session.get(Code, ancestor.parent_id) if ancestor.parent_id else None
    parent_id = parent.id if parent else None
    parent_path = code_path(session, parent) if parent else ""
    if parent_id != code.parent_id:
        _check_unique_sibling(session, project, parent_id, code.name, parent_path, ignore=code.id)
    condition = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    siblings = [c for c in session.scalars(
        select(Code).where(Code.project_id == project.id, condition).order_by(Code.position, Code.id))
        if c.id != code.id]
    index = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(index, code)
    code.parent_id = parent_id
    for number, sibling in enumerate(siblings):
        sibling.position = number
    session.flush()
    after = snapshot(code, code_path(session, code))
    Event.record(session, actor=actor, kind="codebook.move", project_id=project.id, subject=after["path"],
                 payload={"before": before, "after": after})
    return code


def delete_code(session: Session, project: Project, path: str, *, actor: User | str, force: bool = False,
                reason: str | None = None) -> int:
    """Delete a code and its subtree; returns how many codings went with it.

    Refused when the subtree has codings, unless ``force``."""
    actor = acting(session, actor, "codebook.edit", project)
    code = get_code(session, project, path)
    full_path = code_path(session, code)
    subtree = [code.id]
    frontier = [code.id]
    while frontier:
        frontier = list(session.scalars(select(Code.id).where(Code.parent_id.in_(frontier))))
        subtree += frontier
    codings = session.scalar(
        select(func.count(CodeApplication.id)).where(CodeApplication.code_id.in_(subtree))) or 0
    if codings and not force:
        raise FgiError(
            _('{full_path} has {codings} coding{value} (with its sub-codes); deleting it would delete them', full_path=repr(full_path), codings=codings, value='s' if codings != 1 else ''),
            hint=_('move the codings to another code first, or delete with --force'),
        )
    before = snapshot(code, full_path)
    before["subtree"] = len(subtree)
    for code_id in reversed(subtree):  # children first
        session.delete(session.get(Code, code_id))
    session.flush()
    Event.record(session, actor=actor, kind="codebook.delete", project_id=project.id, subject=full_path,
                 payload={"before": before, "after": None, "codings_deleted": codings}, reason=reason)
    return codings


def codebook_history(session: Session, project: Project) -> list[HistoryEntry]:
    """Every change to the project's codebook, oldest first."""
    events = session.scalars(
        select(Event).where(Event.project_id == project.id, Event.kind.like("codebook.%"))
        .order_by(Event.at, Event.id))
    entries = []
    for e in events:
        payload = dict(e.payload or {})
        before, after = payload.pop("before", None), payload.pop("after", None)
        entries.append(HistoryEntry(e.at, e.actor, e.kind, e.subject, before, after, e.reason, payload))
    return entries
