"""Wrap the user-facing messages of domain code in ``_()`` for the message catalogue.

    python tools/mark_messages.py coding themes queries     # rewrite in place
    python tools/mark_messages.py --check coding themes     # list what is not marked

A message is the text given to an error (``FgiError``, ``InputError``, ``NotFound`` ...),
its ``hint=``, or a ``RowProblem``. An f-string becomes a gettext message with named fields:
``f"no code {path!r} in {project.name!r}"`` -> ``_("no code {path} in {name}", path=repr(path),
name=repr(project.name))``. Concatenations and computed texts are listed, not rewritten.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ERRORS = {"FgiError", "InputError", "NotFound", "DuplicateImport", "MissingDependency", "PermissionDenied",
          "DatabaseNotMigrated", "RowErrors", "RowProblem", "bad", "_too_large", "ChangeAfterReveal",
          "ConcurrentChange", "HierarchyError", "LinesRefused", "LoginFailed", "LoginLocked", "NotAuthenticated",
          "NothingToUndo", "RoundClosed", "StaleLine", "StaleUndo"}
MARKERS = {"_", "N_", "ngettext", "md", "t"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _field_name(value: ast.expr, taken: dict[str, str], source: str) -> str:
    text = ast.get_source_segment(source, value) or ""
    if isinstance(value, ast.Call) and _name(value.func) == "len":
        base = "count"
    elif isinstance(value, ast.Subscript):
        base = _name(value.value) or "value"
    else:
        base = _name(value) or (_name(value.func) if isinstance(value, ast.Call) else None) or "value"
    base = base.strip("_") or "value"
    name, number = base, 2
    while name in taken and taken[name] != text:
        name, number = f"{base}{number}", number + 1
    taken[name] = text
    return name


def message_call(node: ast.expr, source: str) -> str | None:
    """``_("...", field=expr)`` for a string or f-string node; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return f"_({node.value!r})" if node.value.strip() else None
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    fields: dict[str, str] = {}
    taken: dict[str, str] = {}
    for piece in node.values:
        if isinstance(piece, ast.Constant):
            parts.append(str(piece.value).replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(piece, ast.FormattedValue)
        expression = ast.get_source_segment(source, piece.value) or ""
        name = _field_name(piece.value, taken, source)
        if piece.conversion == ord("r"):
            expression = f"repr({expression})"
        elif piece.conversion == ord("s"):
            expression = f"str({expression})"
        spec = ""
        if piece.format_spec is not None:
            if not all(isinstance(p, ast.Constant) for p in piece.format_spec.values):
                return None
            spec = ":" + "".join(str(p.value) for p in piece.format_spec.values)
        parts.append(f"{{{name}{spec}}}")
        fields[name] = expression
    text = "".join(parts)
    arguments = "".join(f", {name}={expression}" for name, expression in fields.items())
    return f"_({text!r}{arguments})"


def _targets(tree: ast.AST) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in MARKERS:
            continue
        if name in ERRORS:
            if node.args:
                found.append(node.args[0])
            if name == "RowProblem" and len(node.args) > 1:
                found.append(node.args[1])
        for keyword in node.keywords:
            if keyword.arg == "hint":
                found.append(keyword.value)
    return found


def rewrite(path: Path) -> tuple[int, list[str]]:
    """Mark the messages of one file; (how many were marked, what needs a person)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    left: list[str] = []
    for node in _targets(tree):
        candidates = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]
        for candidate in candidates:
            if isinstance(candidate, ast.Call) and _name(candidate.func) in MARKERS:
                continue
            if isinstance(candidate, ast.Constant) and not isinstance(candidate.value, str):
                continue
            replacement = message_call(candidate, source)
            if replacement is None:
                if not (isinstance(candidate, ast.Name | ast.Attribute | ast.Call) or
                        (isinstance(candidate, ast.Constant) and candidate.value is None)):
                    left.append(f"{path}:{candidate.lineno}: {ast.get_source_segment(source, candidate)}")
                continue
            start = _offset(lines, offsets, candidate.lineno, candidate.col_offset)
            end = _offset(lines, offsets, candidate.end_lineno, candidate.end_col_offset)
            edits.append((start, end, replacement))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    if edits and "from fgi.i18n import" not in source:
        source = _add_import(source)
    if edits:
        path.write_text(source, encoding="utf-8")
    return len(edits), left


def _offset(lines: list[str], offsets: list[int], lineno: int, byte_column: int) -> int:
    """The character offset in the source of ``ast``'s (line, UTF-8 byte column)."""
    return offsets[lineno - 1] + len(lines[lineno - 1].encode()[:byte_column].decode())


def _add_import(source: str) -> str:
    tree = ast.parse(source)
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom | ast.Import)]
    fgi = [n for n in imports if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("fgi")]
    anchor = (fgi or imports)[-1]
    lines = source.splitlines(keepends=True)
    lines.insert(anchor.end_lineno, "from fgi.i18n import _\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    folders = [a for a in argv if not a.startswith("--")]
    total, todo = 0, []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            if check:
                tree = ast.parse(path.read_text(encoding="utf-8"))
                source = path.read_text(encoding="utf-8")
                todo += [f"{path}:{n.lineno}: {ast.get_source_segment(source, n)[:80]}" for n in _targets(tree)
                         if not (isinstance(n, ast.Call) and _name(n.func) in MARKERS)
                         and isinstance(n, ast.Constant | ast.JoinedStr)]
                continue
            marked, left = rewrite(path)
            total += marked
            todo += left
    print(f"marked {total} messages" if not check else f"{len(todo)} messages not marked")
    print("\n".join(todo))
    return 1 if check and todo else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
