"""The theme hierarchy in a REFI-QDA project: read it as folders for the export, and store
the folders of an imported archive as domains, themes and sub-themes.

``coding.refi`` may not import ``themes``; it takes and returns ``coding.refi.Folder``s,
and this module converts. ``ThemeHierarchyBridge`` is what ``coding.refi.cli`` is given
(``use_hierarchy``) so that ``fgi export qdpx`` and ``fgi import FILE.qdpx`` carry it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.memos import memo_texts
from coding.models import MEMO_NODE
from coding.refi.data import Folder
from fgi.models import Project
from themes.hierarchy import create_node, place_code
from themes.models import LEVELS, ThemeNode, ThemeNodeCode


def hierarchy_folders(session: Session, project: Project) -> list[Folder]:
    """The project's hierarchy, top-level nodes first (domains, then unplaced themes and
    sub-themes), as folders with their codes. Only the hierarchy's own rows are read, no
    coding, so it is the same for every viewer."""
    nodes = list(session.scalars(select(ThemeNode).where(ThemeNode.project_id == project.id)
                                 .order_by(ThemeNode.position, ThemeNode.id)))
    memos = memo_texts(session, project, MEMO_NODE)
    children: dict[int | None, list[ThemeNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    codes: dict[int, list[int]] = {}
    for code_id, node_id in session.execute(
            select(ThemeNodeCode.code_id, ThemeNodeCode.node_id).where(ThemeNodeCode.node_id.in_([n.id for n in nodes]))
            .order_by(ThemeNodeCode.position, ThemeNodeCode.code_id)):
        codes.setdefault(node_id, []).append(code_id)

    def folder(node: ThemeNode) -> Folder:
        return Folder(f"node-{node.id}", node.name, node.level, memos.get(str(node.id), ""),
                      [folder(child) for child in children.get(node.id, [])], codes.get(node.id, []))

    top = sorted(children.get(None, []), key=lambda n: LEVELS.index(n.level))
    return [folder(node) for node in top]


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
