"""What a hierarchy change did, as a phrase for undo and redo messages:
되돌렸습니다: '자신감 회복'을 '참여주민의 변화' 아래로 옮긴 일.

The phrase is read from the event alone: its ``before``/``after`` and the snapshot of
the hierarchy before it (for the names of the nodes it refers to by id).
"""

from __future__ import annotations

from fgi.i18n import _
from fgi.models import Event
from themes.wording import name, names

LEVEL_WORDS = {"domain": "영역", "theme": "주제", "subtheme": "하위주제"}


def _names(event: Event) -> dict[int, str]:
    nodes = (event.payload or {}).get("snapshot", {}).get("nodes", [])
    return {n["id"]: n["name"] for n in nodes}


def _node(payload: dict | None) -> str:
    return (payload or {}).get("name") or (payload or {}).get("node") or "?"


def phrase(event: Event) -> str:
    """What ``event`` did, as a noun phrase (see the module)."""
    op = event.kind.removeprefix("hierarchy.")
    payload = event.payload or {}
    before, after = payload.get("before") or {}, payload.get("after") or {}
    known = _names(event)
    if op == "create":
        return _("creating {node}", node=name(_node(after), "을"))
    if op == "rename":
        return _("renaming {old} to {new}", old=name(_node(before), "을"), new=name(_node(after), "으로"))
    if op == "move":
        parent = after.get("parent_id")
        if parent is None:
            return _("moving {node} to the top level", node=name(_node(before), "을"))
        return _("moving {node} under {parent}", node=name(_node(before), "을"), parent=name(known.get(parent, "?")))
    if op == "place":
        if "codes" in after:  # many codes at once (themes.shaping)
            codes = [c["code"].rsplit("/", 1)[-1] for c in after["codes"]]
            if not codes:
                return _("creating {node}", node=name(after.get("node", "?"), "을"))
            return _("placing {codes} under {node}", codes=names(codes, "을"), node=name(after.get("node", "?")))
        code = (after.get("code") or "?").rsplit("/", 1)[-1]
        if after.get("node_id") is None:
            return _("taking {code} out of the hierarchy", code=name(code, "을"))
        return _("placing {codes} under {node}", codes=name(code, "을"), node=name(known.get(after["node_id"], "?")))
    if op == "delete":
        return _("deleting {node}", node=name(_node(before), "을"))
    if op == "memo":
        return _("editing the memo of {node}", node=name(_node(before)))
    if op == "merge":
        sources = [_node(s) for s in before.get("sources", [])]
        return _("merging {sources} into {target}", sources=names(sources, "을"),
                 target=name(_node(before.get("target"))))
    if op == "split":
        return _("splitting {new} off {node}", new=name(_node(after.get("new")), "을"), node=name(_node(before)))
    if op == "accept":
        return _("accepting candidate {candidate} as {node}", candidate=after.get("candidate", "?"),
                 node=name(_node(after), "으로"))
    if op == "lines":
        return _("moving {n} lines from {source} to {target}", n=len(after.get("lines", [])),
                 source=name(_node(before)), target=name(_node(after)))
    if op == "pin":
        return _("pinning {n} quotes to {node}", n=len(after.get("pinned", [])), node=name(_node(after)))
    if op == "unpin":
        return _("unpinning a quote from {node}", node=name(_node(after)))
    if op == "order":
        return _("reordering the quotes of {node}", node=name(_node(after)))
    return _("the change of event {event}", event=event.id)
