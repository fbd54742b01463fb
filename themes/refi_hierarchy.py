"""The theme hierarchy in a REFI-QDA project: read it as folders for the export, and store
the folders of an imported archive as domains, themes and sub-themes.

``coding.refi`` may not import ``themes``; it takes and returns ``coding.refi.Folder``s,
and this module converts. ``ThemeHierarchyBridge`` is what ``coding.refi.cli`` is given
(``use_hierarchy``) so that ``fgi export qdpx`` and ``fgi import FILE.qdpx`` carry it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coding.refi.data import Folder
from fgi.models import Project
from themes.hierarchy import create_node, place_code
from themes.models import LEVELS
from themes.tree import TreeNode, hierarchy_tree


def _folder(node: TreeNode) -> Folder:
    return Folder(f"node-{node.id}", node.name, node.level, node.memo or "",
                  [_folder(child) for child in node.children], [code.id for code in node.codes])


def hierarchy_folders(session: Session, project: Project) -> list[Folder]:
    """The project's hierarchy, top-level nodes first, as folders with their codes."""
    return [_folder(node) for node in hierarchy_tree(session, project, n_quotes=0)]


def store_folders(session: Session, project: Project, folders: list[Folder], *, actor: str) -> int:
    """Create the folders as hierarchy nodes (each an undoable change); returns how many."""
    created = 0

    def store(folder: Folder, parent_id: int | None) -> None:
        nonlocal created
        level = folder.level if folder.level in LEVELS else LEVELS[0]
        change = create_node(session, project, level, folder.name, actor=actor, parent_id=parent_id,
                             memo=folder.description or None, reason="REFI-QDA import")
        created += 1
        for child in folder.children:
            store(child, change.node_id)
        for code_id in folder.code_ids:
            place_code(session, project, code_id, change.node_id, actor=actor, reason="REFI-QDA import")

    for folder in folders:
        store(folder, None)
    return created


class ThemeHierarchyBridge:
    """The theme hierarchy as ``coding.refi.cli`` asks for it."""

    def folders(self, session: Session, project: Project) -> list[Folder]:
        return hierarchy_folders(session, project)

    def store(self, session: Session, project: Project, folders: list[Folder], *, actor: str) -> int:
        return store_folders(session, project, folders, actor=actor)
