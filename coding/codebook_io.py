"""Codebook files: read YAML / CSV / XLSX / REFI-QDA .qdc into ``CodeSpec``s, merge them into
a project, and write the project's codebook back out.

YAML is the sample format (``codebooks/자활사례관리_코드북.yaml``): ``name``, ``description``
and a tree of ``codes`` with ``children``. CSV and XLSX have one row per code with the
columns ``path,description,inclusion,exclusion,examples,color,keywords``; only ``path`` is
required. ``description`` is the code's definition (Taguette reads that column); files
with ``definition`` instead, and Taguette's own codebook export (``tag``, ``description``),
are read too. ``path`` names the parents (``참여주민의 변화/자신감 회복``); parents that no row
and no stored code defines are created empty. In ``examples`` and ``keywords`` a cell holds
several items one per line, or separated by ``|``, or (when neither is used) by ``;``.

Importing *merges by path*: a code whose path is already in the project gets the fields
the file gives (an empty cell clears that field; a column or key that is absent leaves it
alone); new paths are added; stored codes the file does not mention are kept. Every
problem in the file is reported at once, before anything is written.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import qdc
from coding.codebook import (
    FIELDS, LIST_FIELDS, CodeSpec, CodeView, clean_fields, code_index, insert_code, join_path,
    list_codes, name_problem, snapshot, split_path, update_code,
)
from coding.errors import RowErrors, RowProblem
from coding.models import Code, User
from coding.permissions import acting
from coding.tables import read_table, write_table
from fgi.errors import InputError
from fgi.i18n import _
from fgi.ingest.encoding import decode_bytes
from fgi.limits import MB, limit, raise_hint
from fgi.models import Event, Project

# Written columns: ``description`` holds the definition, so that Taguette (which reads a
# ``tag``, ``name`` or ``path`` column and a ``description`` column) keeps it.
COLUMNS = ("path", "description", *FIELDS[1:])
# Read: ``definition`` (this toolkit's older files) or ``description``; ``tag`` for ``path``
# (Taguette's export); Taguette's counts are computed there and ignored here.
_DEFINITION_COLUMNS = ("description", "definition")
_PATH_COLUMNS = ("path", "tag")
_IGNORED_COLUMNS = ("number of highlights", "number of documents")
YAML_KEYS = ("name", *FIELDS, "children")
FORMATS = ("yaml", "csv", "xlsx", "qdc")
_SUFFIX_FORMAT = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx", ".qdc": "qdc"}
_ITEM_SEPARATORS = ("\n", "|", ";")
_SHOWN_PROBLEMS = 50  # a broken file of a million rows gets a message of fifty


@dataclass
class CodebookFile:
    path: Path
    specs: list[CodeSpec]
    rows: list[int | None]  # where each spec was in the file (row or line), for errors
    unit: str = "row"
    name: str | None = None
    description: str | None = None
    problems: list[RowProblem] = field(default_factory=list)  # found while reading


@dataclass(frozen=True)
class ImportSummary:
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def format_of(path: Path, fmt: str | None = None) -> str:
    fmt = fmt or _SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise InputError(_('unknown codebook format {value}', value=repr(fmt or path.suffix)), path=path,
                         hint=_('use a file ending in {join}', join=', '.join(_SUFFIX_FORMAT)))
    return fmt


def split_items(cell: str) -> list[str]:
    for separator in _ITEM_SEPARATORS:
        if separator in cell:
            return [item.strip() for item in cell.split(separator) if item.strip()]
    return [cell.strip()] if cell.strip() else []


# ---- reading ---------------------------------------------------------------------------


class _YamlLimit(Exception):
    def __init__(self, message: str, line: int, limit_name: str) -> None:
        super().__init__(message)
        self.line = line
        self.limit_name = limit_name


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


def _check_yaml_shape(text: str) -> None:
    """Walk the YAML's events once, before anything is built, and stop at the first limit
    passed: aliases (``*name``; a few hundred bytes of them can stand for gigabytes),
    nesting (deep nesting overflows Python's stack) and values (a codebook has hundreds)."""
    max_aliases, max_depth, max_nodes = limit("yaml_aliases"), limit("yaml_depth"), limit("yaml_nodes")
    aliases = depth = nodes = 0
    for event in yaml.parse(text, Loader=_FAST):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise _YamlLimit(f"lists and mappings nest more than {max_depth} deep",
                                 event.start_mark.line + 1, "yaml_depth")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > max_aliases:
                raise _YamlLimit(f"more than {max_aliases} aliases (*name)", event.start_mark.line + 1,
                                 "yaml_aliases")
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > max_nodes:
                raise _YamlLimit(f"more than {max_nodes} values", event.start_mark.line + 1, "yaml_nodes")


class _LineLoader(_FAST):
    """A safe loader that remembers the line of every mapping, so errors can point at it."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _read_limited(path: Path) -> bytes:
    size = path.stat().st_size
    allowed = limit("codebook_mb") * MB
    if size > allowed:
        raise InputError(_('the codebook file is {value:.1f} MB, over the {value2} MB limit', value=size / MB, value2=allowed // MB),
                         path=path, hint=raise_hint("codebook_mb"))
    return path.read_bytes()


def _yaml_specs(path: Path) -> CodebookFile:
    text, _encoding = decode_bytes(_read_limited(path), path)
    try:
        _check_yaml_shape(text)
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _YamlLimit as exc:
        raise InputError(_('the YAML has {exc}; nothing was imported', exc=exc), path=path, line=exc.line,
                         hint=raise_hint(exc.limit_name)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)[:300]
        raise InputError(_('not valid YAML: {problem}', problem=problem), path=path,
                         line=mark.line + 1 if mark else None) from None
    if isinstance(document, list):
        document = {"codes": document, "__line__": 1}
    if not isinstance(document, dict) or not isinstance(document.get("codes"), list):
        raise InputError(_("a YAML codebook needs a list under 'codes:'"), path=path,
                         hint=_('see codebooks/자활사례관리_코드북.yaml'))
    book = CodebookFile(path, [], [], unit="line", name=document.get("name"),
                        description=document.get("description"))
    problems = book.problems
    most = limit("codes")

    def walk(items: Any, parent: tuple[str, ...], line: int) -> None:
        if len(book.specs) > most:
            raise InputError(_('the codebook describes more than {most} codes; nothing was imported', most=most),
                             path=path, line=line, hint=raise_hint("codes"))
        if not isinstance(items, list):
            problems.append(RowProblem(line, _("'children' must be a list of codes"), "line"))
            return
        for item in items:
            if len(book.specs) > most:
                raise InputError(_('the codebook describes more than {most} codes; nothing was imported', most=most),
                                 path=path, line=line, hint=raise_hint("codes"))
            if not isinstance(item, dict):
                problems.append(RowProblem(line, _('a code must be a mapping with a name, not {short}', short=_short(item)),
                                           "line"))
                continue
            here = item.pop("__line__", line)
            unknown = [k for k in item if k not in YAML_KEYS]
            if unknown:
                problems.append(RowProblem(here, _('unknown key {join} (known: {join2})', join=', '.join(map(repr, unknown)), join2=', '.join(YAML_KEYS)), "line"))
            name = str(item.get("name") or "").strip()
            spec = CodeSpec(parent + (name,), **{k: item.get(k) for k in FIELDS if k in item})
            for key in LIST_FIELDS:
                value = getattr(spec, key)
                if value is not None and not isinstance(value, list):
                    setattr(spec, key, [value])
            book.specs.append(spec)
            book.rows.append(here)
            if "children" in item and item["children"] is not None:
                walk(item["children"], spec.path, here)

    walk(document["codes"], (), document.get("__line__", 1))
    return book


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 40, 40


def _short(value: Any) -> str:
    """A bounded repr: shared (aliased) structures would otherwise print exponentially."""
    return _REPR.repr(value)


def _table_specs(path: Path) -> CodebookFile:
    _read_limited(path)
    table = read_table(path, required=[], optional=[*_PATH_COLUMNS, *_DEFINITION_COLUMNS, *FIELDS[1:],
                                                    *_IGNORED_COLUMNS])
    path_column = _one_of(table.columns, _PATH_COLUMNS, path, required=True)
    definition_column = _one_of(table.columns, _DEFINITION_COLUMNS, path, required=False)
    book = CodebookFile(path, [], [])
    for row in table.rows:
        values = dict(row.values)
        if definition_column:
            values["definition"] = values.pop(definition_column)
        fields: dict[str, Any] = {k: values[k] for k in FIELDS if k in values}
        for key in LIST_FIELDS:
            if key in fields:
                fields[key] = split_items(fields[key])
        code_path = values[path_column]
        book.specs.append(CodeSpec(split_path(code_path) if code_path else (), **fields))
        book.rows.append(row.number)
    return book


def _one_of(columns: list[str], names: tuple[str, ...], path: Path, *, required: bool) -> str | None:
    """The one column of ``names`` the header has (``path`` or ``tag``; ``description`` or ``definition``)."""
    found = [name for name in names if name in columns]
    if len(found) > 1:
        raise InputError(_("row 1 (header): columns {names} mean the same; keep one", names=" and ".join(found)),
                         path=path, hint=_("the definition goes in {column}", column=names[0]) if not required
                         else _("the code path goes in {column}", column=names[0]))
    if not found and required:
        raise InputError(_('row 1 (header): missing column path'), path=path,
                         hint=_('columns: path (required), {join} (optional)', join=', '.join(COLUMNS[1:])))
    return found[0] if found else None


def read_codebook(path: str | Path, fmt: str | None = None) -> CodebookFile:
    """The codes a codebook file describes, in file order (parents before children)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(_('file not found'), path=path)
    fmt = format_of(path, fmt)
    if fmt == "yaml":
        book = _yaml_specs(path)
    elif fmt == "qdc":
        specs = qdc.parse_qdc(_read_limited(path), path)
        book = CodebookFile(path, specs, [None] * len(specs), unit="code")
    else:
        book = _table_specs(path)
    check_specs(book)
    return book


def check_specs(book: CodebookFile) -> None:
    """Raise RowErrors listing every bad code of the file (empty path, bad colour, ...)."""
    problems: list[RowProblem] = list(book.problems)
    if len(book.specs) > limit("codes"):
        raise InputError(_('the codebook describes {count} codes, over the limit of {limit}; nothing was imported', count=len(book.specs), limit=limit('codes')), path=book.path, hint=raise_hint("codes"))
    seen: dict[tuple[str, ...], int | None] = {}
    for spec, row in zip(book.specs, book.rows, strict=True):
        where = row if row is not None else None
        label = "" if row is not None else f"{join_path(spec.path) or _('(no name)')}: "
        if not spec.path or not any(spec.path):
            problems.append(RowProblem(where, label + _("empty path: every code needs one"), book.unit))
            continue
        bad_names = [p for p in (name_problem(part) for part in spec.path) if p]
        problems += [RowProblem(where, label + p, book.unit) for p in bad_names[:1]]
        _fields, field_problems = clean_fields(spec.given())
        problems += [RowProblem(where, label + p, book.unit) for p in field_problems]
        if spec.path in seen:
            first = seen[spec.path]
            path = repr(join_path(spec.path))
            if first is None:
                duplicate = _("duplicate path {path}", path=path)
            elif book.unit == "line":
                duplicate = _("duplicate path {path} (first at line {first})", path=path, first=first)
            else:
                duplicate = _("duplicate path {path} (first at row {first})", path=path, first=first)
            problems.append(RowProblem(where, label + duplicate, book.unit))
        else:
            seen[spec.path] = row
    if problems:
        problems = sorted(problems, key=lambda p: p.row if p.row is not None else 0)
        if len(problems) > _SHOWN_PROBLEMS:
            more = len(problems) - _SHOWN_PROBLEMS
            problems = problems[:_SHOWN_PROBLEMS] + [RowProblem(None, _('... and {more} more problems', more=more))]
        raise RowErrors(book.path, problems)


# ---- merging ---------------------------------------------------------------------------


def import_codebook(session: Session, project: Project, book: CodebookFile, *, actor: User | str) -> ImportSummary:
    """Merge the file's codes into the project by path (see the module's docstring)."""
    actor = acting(session, actor, "codebook.edit", project)
    check_specs(book)
    index = code_index(session, project)
    new = {join_path(spec.path[:depth]) for spec in book.specs for depth in range(1, len(spec.path) + 1)} - set(index)
    if len(index) + len(new) > limit("codes"):
        raise InputError(_('the project has {count} codes and the file adds {count2}, over the limit of {limit} codes per project; nothing was imported', count=len(index), count2=len(new), limit=limit('codes')), path=book.path,
                         hint=raise_hint("codes"))
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    guids = {code.guid.lower() for code in index.values() if code.guid}
    for spec in book.specs:
        for depth in range(1, len(spec.path)):  # parents no row has defined yet
            ancestor = join_path(spec.path[:depth])
            if ancestor not in index:
                parent = index.get(join_path(spec.path[:depth - 1])) if depth > 1 else None
                index[ancestor] = insert_code(session, project, parent, spec.path[depth - 1], {}, actor=actor)
                added.append(ancestor)
        path = join_path(spec.path)
        fields, _problems = clean_fields(spec.given())
        if path not in index:
            parent = index.get(join_path(spec.path[:-1])) if len(spec.path) > 1 else None
            index[path] = insert_code(session, project, parent, spec.path[-1], fields, actor=actor)
            added.append(path)
            _keep_guid(index[path], spec.guid, guids)
            continue
        _keep_guid(index[path], spec.guid, guids)
        before = snapshot(index[path], path)
        update_code(session, project, path, fields, actor=actor)
        if path not in added:
            (updated if snapshot(index[path], path) != before else unchanged).append(path)
    Event.record(session, actor=actor, kind="codebook.import", project_id=project.id,
                 subject=book.path.name,
                 payload={"added": len(added), "updated": len(updated), "unchanged": len(unchanged)})
    return ImportSummary(added, updated, unchanged)


def _keep_guid(code: Code, guid: str | None, taken: set[str]) -> None:
    """A code read from a ``.qdc`` keeps the file's GUID (unless it has one, or another code of
    the project has that one), so exporting the codebook again gives other programs the same
    codes."""
    guid = (guid or "").strip().strip("{}")
    if len(guid) == 36 and not code.guid and guid.lower() not in taken:
        code.guid = guid
        taken.add(guid.lower())


def import_codebook_file(session: Session, project: Project, path: str | Path, *, actor: User | str,
                         fmt: str | None = None) -> ImportSummary:
    return import_codebook(session, project, read_codebook(path, fmt), actor=actor)


# ---- writing ---------------------------------------------------------------------------


def codebook_tree(codes: list[CodeView]) -> list[dict[str, Any]]:
    """Nested plain dicts in the YAML layout, leaving out empty fields."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        node: dict[str, Any] = {"name": code.name}
        for key in FIELDS:
            value = getattr(code, key)
            if value:
                node[key] = value
        nodes[code.id] = node
        if code.parent_id is None:
            roots.append(node)
        else:
            nodes[code.parent_id].setdefault("children", []).append(node)
    return roots


def codebook_yaml(codes: list[CodeView], *, name: str, description: str | None = None) -> str:
    document: dict[str, Any] = {"name": name}
    if description:
        document["description"] = description
    document["codes"] = codebook_tree(codes)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def codebook_rows(codes: list[CodeView]) -> list[list[str]]:
    """One row per code in ``COLUMNS`` order; list fields joined by `` | ``."""
    return [
        [code.path, code.definition or "", code.inclusion or "", code.exclusion or "",
         " | ".join(code.examples), code.color or "", " | ".join(code.keywords)]
        for code in codes
    ]


def export_codebook(session: Session, project: Project, path: str | Path, fmt: str | None = None) -> Path:
    path = Path(path)
    fmt = format_of(path, fmt)
    codes = list_codes(session, project)
    if fmt == "yaml":
        text = codebook_yaml(codes, name=f"{project.name} 코드북", description=project.description)
        path.write_text(text, encoding="utf-8")
    elif fmt == "qdc":
        stored = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project.id))}
        path.write_bytes(qdc.qdc_bytes(codes, origin="fgi-toolkit",
                                       guid_of=lambda code: stored[code.id].guid or qdc.code_guid(project.id, code.id)))
    else:
        if path.suffix.lower() != f".{fmt}":
            raise InputError(_('a {fmt} file must end in .{fmt}', fmt=fmt), path=path)
        write_table(path, COLUMNS, codebook_rows(codes), sheet="codebook")
    return path
