"""Representative quotes of hierarchy nodes: the ones a researcher pins, and the automatic
ones that fill up after them.

**Pinned quotes** are lines of the node (for a sub-theme its evidence lines and the lines
of its codes; for a theme or domain the lines of the sub-themes below it) that a lead
chose, in the order chosen. Pinning, unpinning and reordering are hierarchy changes: one
event each, undoable like every other.

**Automatic quotes** skip what a report would never quote: back-channels and apologies
(네, 맞아요, 아 맞다, 죄송해요), moderators' lines, lines shorter than ``MIN_LENGTH``
characters (spaces not counted) and self-introductions (저는 들어온 지 2년이..., 저는
OO에서 일하는...). They take the candidate's representatives first (nearest its centre),
then the longest remaining lines, one per participant before any participant twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.permissions import acting
from fgi.i18n import _
from fgi.models import Project
from themes.hierarchy import HierarchyError, evidence, get_node, placements, subtree_ids
from themes.history import Change, lock, record, take_snapshot
from themes.models import SUBTHEME, ThemeNode, ThemeQuote
from themes.units import Line, team_lines
from themes.wording import name as quoted

MIN_LENGTH = 15  # characters, spaces and punctuation not counted
_MODERATOR = re.compile(r"M\d+")
# Words that carry no content of their own: back-channels, fillers, apologies, agreement.
_FILLER = re.compile(
    r"네|예|응|음+|어+|아+|그+|저기|뭐|좀|막|그냥|진짜|정말|맞아요|맞아|맞다|맞습니다|맞죠|그렇죠|그렇지|그래요|그러니까"
    r"|그쵸|죄송해요|죄송합니다|미안해요|감사합니다|고맙습니다|알겠습니다|그렇습니다|네네|예예|하하|허허|ㅎ+|ㅋ+")
_SELF_INTRO = re.compile(
    r"^\W*(안녕하세요\W*)?(저는|제가|전)\s.{0,40}?"
    r"(들어온\s?지|입사한\s?지|일한\s?지|근무한\s?지|된\s?지|\d+\s?년\s?차|에서\s?(일하|근무하|근무를|일을)|"
    r"담당하고|맡고\s?있|소개|이름은)")


def _content(text: str) -> str:
    """The text without spaces, punctuation and filler words."""
    words = re.findall(r"\w+", text)
    return "".join(w for w in words if not _FILLER.fullmatch(w))


def is_quotable(line: Line) -> bool:
    """Whether an automatic quote may be this line (see the module)."""
    text = line.text.strip()
    if line.speaker and _MODERATOR.fullmatch(line.speaker):
        return False
    if len(re.sub(r"[\W_]", "", text)) < MIN_LENGTH:
        return False
    if len(_content(text)) < MIN_LENGTH // 2 + 3:  # mostly back-channel: 네 네 맞아요 맞아요 그렇죠 ...
        return False
    return not _SELF_INTRO.search(text)


def pick_quotes(lines: Sequence[Line], first: Iterable[str], n: int, pinned: Sequence[str] = ()) -> list[Line]:
    """Up to ``n`` quotes: the pinned lines in their order, then quotable lines, ``first``
    (a candidate's representatives) before the longest, a new participant before one
    already quoted."""
    by_id = {line.segment_id: line for line in lines}
    chosen = [by_id[s] for s in pinned if s in by_id]
    if len(chosen) >= n:
        return chosen  # every pin is shown, even past n
    pool = [line for line in lines if line not in chosen and is_quotable(line)]
    first_ids = [s for s in first if s in by_id]
    rank = {s: i for i, s in enumerate(first_ids)}
    pool.sort(key=lambda line: (rank.get(line.segment_id, len(rank)), -len(line.text), line.segment_id))
    for line in pool:  # a new voice first
        if len(chosen) < n and line.speaker not in {q.speaker for q in chosen}:
            chosen.append(line)
    for line in pool:
        if len(chosen) < n and line not in chosen:
            chosen.append(line)
    return chosen


def pinned(session: Session, node_ids: Iterable[int]) -> dict[int, list[str]]:
    """The pinned segment ids of each node, in order."""
    ids = list(node_ids)
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    for node_id, segment_id in session.execute(
            select(ThemeQuote.node_id, ThemeQuote.segment_id).where(ThemeQuote.node_id.in_(ids))
            .order_by(ThemeQuote.node_id, ThemeQuote.position, ThemeQuote.segment_id)):
        found.setdefault(node_id, []).append(segment_id)
    return found


def stored_lines(session: Session, project: Project, node: ThemeNode) -> set[str]:
    """The lines of a node as the stored hierarchy holds them (every coder's codes and the
    decisions, as ``themes.reshape`` decides by), for checking a pin. Never shown."""
    codes_of = team_lines(session, project)
    found: set[str] = set()
    for node_id in subtree_ids(session, project, node.id):
        sub = session.get(ThemeNode, node_id)
        if sub.level != SUBTHEME:
            continue
        found |= set(evidence(session, node_id))
        placed = {p.code_id for p in placements(session, node_id)}
        found |= {s for s, codes in codes_of.items() if codes & placed}
    return found


def _renumber(session: Session, node_id: int, order: list[str]) -> None:
    rows = {q.segment_id: q for q in session.scalars(select(ThemeQuote).where(ThemeQuote.node_id == node_id))}
    for position, segment_id in enumerate(order):
        rows[segment_id].position = position


def pin_quotes(session: Session, project: Project, node_id: int, segment_ids: Sequence[str], *, actor,
               reason: str | None = None) -> Change:
    """Pin lines of the node as its representative quotes, after those already pinned."""
    lock(session, project)
    acting(session, actor, "themes.edit", project)  # refuse before reading anything
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    wanted = list(dict.fromkeys(segment_ids))
    if not wanted:
        raise HierarchyError(_("choose at least one line to pin"))
    mine = stored_lines(session, project, node)
    strangers = [s for s in wanted if s not in mine]
    if strangers:
        raise HierarchyError(_("line {line} is not one of the lines of {node}", line=strangers[0], node=quoted(node.name)),
                             hint=_("pin a line that carries one of its codes or is one of its evidence lines"))
    before = pinned(session, [node.id]).get(node.id, [])
    new = [s for s in wanted if s not in before]
    if not new:
        raise HierarchyError(_("those lines are already pinned to {node}", node=quoted(node.name)))
    top = session.scalar(select(func.max(ThemeQuote.position)).where(ThemeQuote.node_id == node.id))
    start = 0 if top is None else top + 1
    session.add_all(ThemeQuote(node_id=node.id, segment_id=s, position=start + i) for i, s in enumerate(new))
    session.flush()
    event = record(session, project, actor=actor, op="pin", subject=node.id, before={"node": node.name, "quotes": before},
                   after={"node": node.name, "quotes": before + new, "pinned": new}, snapshot=snapshot, reason=reason)
    return Change("pin", event.id, node.id, _("pinned {n} quotes to {node}", n=len(new), node=quoted(node.name)))


def unpin_quote(session: Session, project: Project, node_id: int, segment_id: str, *, actor,
                reason: str | None = None) -> Change:
    lock(session, project)
    acting(session, actor, "themes.edit", project)  # refuse before reading anything
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    before = pinned(session, [node.id]).get(node.id, [])
    if segment_id not in before:
        raise HierarchyError(_("line {line} is not pinned to {node}", line=segment_id, node=quoted(node.name)))
    session.delete(session.get(ThemeQuote, (node.id, segment_id)))
    session.flush()
    after = [s for s in before if s != segment_id]
    _renumber(session, node.id, after)
    session.flush()
    event = record(session, project, actor=actor, op="unpin", subject=node.id, before={"node": node.name, "quotes": before},
                   after={"node": node.name, "quotes": after}, snapshot=snapshot, reason=reason)
    return Change("unpin", event.id, node.id, _("unpinned a quote from {node}", node=quoted(node.name)))


def order_quotes(session: Session, project: Project, node_id: int, segment_ids: Sequence[str], *, actor,
                 reason: str | None = None) -> Change:
    """Put the node's pinned quotes in the order given (every pinned line, once)."""
    lock(session, project)
    acting(session, actor, "themes.edit", project)  # refuse before reading anything
    snapshot = take_snapshot(session, project)
    node = get_node(session, project, node_id)
    before = pinned(session, [node.id]).get(node.id, [])
    order = list(segment_ids)
    if sorted(order) != sorted(before) or len(set(order)) != len(order):
        raise HierarchyError(_("give every pinned quote of {node} once, in the new order", node=quoted(node.name)))
    if order == before:
        raise HierarchyError(_("the quotes of {node} are already in that order", node=quoted(node.name)))
    _renumber(session, node.id, order)
    session.flush()
    event = record(session, project, actor=actor, op="order", subject=node.id, before={"node": node.name, "quotes": before},
                   after={"node": node.name, "quotes": order}, snapshot=snapshot, reason=reason)
    return Change("order", event.id, node.id, _("reordered the quotes of {node}", node=quoted(node.name)))


def move_quote(session: Session, project: Project, node_id: int, segment_id: str, step: int, *, actor) -> Change:
    """Move one pinned quote ``step`` places up (negative) or down."""
    order = pinned(session, [node_id]).get(node_id, [])
    if segment_id not in order:
        raise HierarchyError(_("line {line} is not pinned to {node}", line=segment_id,
                               node=quoted(get_node(session, project, node_id).name)))
    i = order.index(segment_id)
    j = max(0, min(len(order) - 1, i + step))
    order.insert(j, order.pop(i))
    return order_quotes(session, project, node_id, order, actor=actor)
