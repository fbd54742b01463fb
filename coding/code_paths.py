"""Code paths: a code's ancestors' names and its own, joined by ``/``.

A ``/`` inside a name (Taguette writes ``참여주민의 변화/관계 회복`` as one code) is written
``\\/`` in a path, and a backslash ``\\\\``; nothing else is escaped. So the code
``돈/생계`` under ``상위`` has the path ``상위/돈\\/생계``, in the CLI, in codebook CSV and
YAML files (their ``path`` column) and everywhere a path is shown or typed. Files that
carry the tree itself (``.qdc``, ``.qdpx``) carry names, not paths, and keep the ``/``.
"""

from __future__ import annotations

SEPARATOR = "/"
ESCAPE = "\\"


def escape_name(name: str) -> str:
    return name.replace(ESCAPE, ESCAPE * 2).replace(SEPARATOR, ESCAPE + SEPARATOR)


def join_path(parts: tuple[str, ...] | list[str]) -> str:
    """The path of these names (each escaped)."""
    return SEPARATOR.join(escape_name(part) for part in parts)


def split_path(path: str) -> tuple[str, ...]:
    """The names of a path, unescaped and stripped; ``\\/`` stays inside its name."""
    parts, current, index = [], [], 0
    while index < len(path):
        char = path[index]
        if char == ESCAPE and index + 1 < len(path) and path[index + 1] in (SEPARATOR, ESCAPE):
            current.append(path[index + 1])
            index += 2
            continue
        if char == SEPARATOR:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current).strip())
    return tuple(parts)


def leaf_name(path: str) -> str:
    """The code's own name, the last part of its path."""
    return split_path(path)[-1]


def parent_path(path: str) -> str:
    """The path of the code's parent ("" for a top-level code)."""
    return join_path(split_path(path)[:-1])


def child_path(parent: str, name: str) -> str:
    """The path of ``name`` under the code with path ``parent`` ("" for the top)."""
    return f"{parent}{SEPARATOR}{escape_name(name)}" if parent else escape_name(name)
