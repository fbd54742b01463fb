"""The hierarchy as a tree of plain data, with counts and quotes, for the CLI, the app and
the theme-table exports.

A sub-theme's *lines* are its evidence lines plus the participant lines that carry one of
its codes in the team's view (``themes.units``); a theme's or domain's are the union of
those below it. Counts are of distinct lines, participants (pseudonymous ids) and
groups. Quotes (``themes.quotes``): the quotes a lead pinned to the node, in their order;
then, for a sub-theme, quotable lines (no back-channels, moderators, short lines or
self-introductions): the representatives of the candidate it was accepted from, then its
longest lines, one per participant first; for a theme or domain, the first quotes of its
children in turn. Each node carries its CQR frequency label (``themes.frequency``) and its
memos (``coding.memos``, kind ``node``, as the viewer may see them).

Blind coding: the tree is read for a viewer. Its nodes, names, memos and placed codes are
the team's hand-made hierarchy and the same for everyone; every count, line and quote
under them comes from the viewer's view (``themes.units.team_codes``), and evidence lines
(stored when a lead accepted a candidate) only from transcripts whose every coding the
viewer sees. A coder's tree therefore changes with nobody else's unrevealed coding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.applications import sees_every_coding
from coding.codebook import list_codes
from coding.memos import memos_for
from coding.models import MEMO_NODE, User
from fgi.models import Project
from themes.frequency import DEFAULT_RULE, PARTICIPANTS, FrequencyRule, label, totals
from themes.models import CODED, LEVELS, SUBTHEME, ThemeCandidate, ThemeNode, ThemeNodeCode, ThemeNodeSegment
from themes.quotes import pick_quotes, pinned
from themes.units import Line, lines_by_id, proposal_units, transcript_of

N_QUOTES = 3


@dataclass(frozen=True)
class CodeLeaf:
    id: int
    path: str
    name: str
    lines: int
    participants: int
    groups: int


@dataclass
class TreeNode:
    id: int
    level: str  # domain, theme, subtheme
    name: str
    memo: str | None
    parent_id: int | None
    candidate_id: int | None  # the proposal candidate it was accepted from
    lines: int = 0
    participants: int = 0
    groups: int = 0
    group_names: list[str] = field(default_factory=list)
    codes: list[CodeLeaf] = field(default_factory=list)  # sub-themes: the codes under it
    quotes: list[Line] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)  # segment ids of the pinned quotes shown, in order
    frequency: str | None = None  # general, typical, variant (themes.frequency); None: no lines
    memos: list[str] = field(default_factory=list)  # the node's memos (coding.memos, kind node), oldest first


def _spread(lines: list[Line]) -> tuple[int, int, int, list[str]]:
    groups = sorted({line.group for line in lines if line.group})
    return len(lines), len({line.speaker for line in lines if line.speaker}), len(groups), groups


def _round_robin(children: list[TreeNode], n: int, first: list[Line]) -> list[Line]:
    out: list[Line] = list(first)
    for i in range(n):
        for child in children:
            if len(out) < n and i < len(child.quotes) and child.quotes[i] not in out:
                out.append(child.quotes[i])
    return out


class _Builder:
    def __init__(self, session: Session, project: Project, n_quotes: int, viewer: User,
                 rule: FrequencyRule = DEFAULT_RULE) -> None:
        self.n = n_quotes
        self.rule = rule.check()
        self.total = totals(session, project)[rule.basis]
        coded = proposal_units(session, project, CODED, viewer=viewer)
        full = sees_every_coding(session, viewer, project)
        self.by_code: dict[int, list[Line]] = {}
        for line in coded:
            for c in line.code_ids:
                self.by_code.setdefault(c, []).append(line)
        self.codes = {c.id: c for c in list_codes(session, project)}
        nodes = list(session.scalars(select(ThemeNode).where(ThemeNode.project_id == project.id)
                                     .order_by(ThemeNode.position, ThemeNode.id)))
        ids = [n.id for n in nodes]
        self.children: dict[int | None, list[ThemeNode]] = {}
        for node in nodes:
            self.children.setdefault(node.parent_id, []).append(node)
        self.placed: dict[int, list[int]] = {}
        for code_id, node_id in session.execute(
                select(ThemeNodeCode.code_id, ThemeNodeCode.node_id).where(ThemeNodeCode.node_id.in_(ids))
                .order_by(ThemeNodeCode.position, ThemeNodeCode.code_id)):
            self.placed.setdefault(node_id, []).append(code_id)
        self.evidence: dict[int, list[str]] = {}
        for node_id, segment_id in session.execute(
                select(ThemeNodeSegment.node_id, ThemeNodeSegment.segment_id)
                .where(ThemeNodeSegment.node_id.in_(ids)).order_by(ThemeNodeSegment.segment_id)):
            if full is None or transcript_of(segment_id) in full:
                self.evidence.setdefault(node_id, []).append(segment_id)
        self.memos: dict[str, list[str]] = {}
        for memo in memos_for(session, project, viewer=viewer, kind=MEMO_NODE):
            self.memos.setdefault(memo.target, []).append(f"{memo.title}: {memo.text}" if memo.title else memo.text)
        self.pins = {node_id: [s for s in ids_ if full is None or transcript_of(s) in full]
                     for node_id, ids_ in pinned(session, ids).items()}
        known = {line.segment_id: line for line in coded}
        wanted = {s for ss in [*self.evidence.values(), *self.pins.values()] for s in ss} - set(known)
        self.lines = known | lines_by_id(session, project, wanted)
        candidate_ids = [n.candidate_id for n in nodes if n.candidate_id]
        self.representatives = dict(session.execute(
            select(ThemeCandidate.id, ThemeCandidate.representatives)
            .where(ThemeCandidate.id.in_(candidate_ids))).all()) if candidate_ids else {}

    def leaf(self, code_id: int) -> CodeLeaf:
        code = self.codes[code_id]
        n, p, g, _ = _spread(self.by_code.get(code_id, []))
        return CodeLeaf(code.id, code.path, code.name, n, p, g)

    def node(self, node: ThemeNode) -> tuple[TreeNode, dict[str, Line]]:
        memos = self.memos.get(str(node.id), [])
        tree = TreeNode(node.id, node.level, node.name, "\n\n".join(memos) or None, node.parent_id,
                        node.candidate_id)
        tree.memos = list(memos)
        lines: dict[str, Line] = {}
        if node.level == SUBTHEME:
            code_ids = [c for c in self.placed.get(node.id, []) if c in self.codes]
            tree.codes = [self.leaf(c) for c in code_ids]
            lines = {s: self.lines[s] for s in self.evidence.get(node.id, []) if s in self.lines}
            for c in code_ids:
                lines.update((line.segment_id, line) for line in self.by_code.get(c, []))
            ordered = sorted(lines.values(), key=lambda line: line.segment_id)
            pins = [s for s in self.pins.get(node.id, []) if s in lines]
            tree.quotes = pick_quotes(ordered, self.representatives.get(node.candidate_id) or [], self.n, pins)
            tree.pinned = pins
        for child in self.children.get(node.id, []):
            sub, sub_lines = self.node(child)
            tree.children.append(sub)
            lines.update(sub_lines)
        if node.level != SUBTHEME:
            tree.pinned = [s for s in self.pins.get(node.id, []) if s in lines]
            tree.quotes = _round_robin(tree.children, self.n, [lines[s] for s in tree.pinned])
        tree.lines, tree.participants, tree.groups, tree.group_names = _spread(list(lines.values()))
        tree.frequency = label(tree.participants if self.rule.basis == PARTICIPANTS else tree.groups,
                               self.total, self.rule)
        return tree, lines


def hierarchy_tree(session: Session, project: Project, *, viewer: User, n_quotes: int = N_QUOTES,
                   rule: FrequencyRule = DEFAULT_RULE) -> list[TreeNode]:
    """The project's top-level nodes with everything under them: domains first, then
    themes and sub-themes not yet placed, each in their order; counts, quotes and
    frequency labels (by ``rule``) as ``viewer`` may see them."""
    builder = _Builder(session, project, n_quotes, viewer, rule)
    top = sorted(builder.children.get(None, []), key=lambda n: LEVELS.index(n.level))
    return [builder.node(node)[0] for node in top]


def unplaced_codes(session: Session, project: Project, *, viewer: User) -> list[CodeLeaf]:
    """Codes of the codebook that sit under no sub-theme, in codebook order, with the
    counts ``viewer`` may see."""
    builder = _Builder(session, project, 0, viewer)
    placed = {c for codes in builder.placed.values() for c in codes}
    return [builder.leaf(c) for c in builder.codes if c not in placed]


def walk(nodes: list[TreeNode]):
    """Every node of a tree, parents before children."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def node_lines(session: Session, project: Project, node_id: int, *, viewer: User,
               search: str | None = None) -> list[Line]:
    """The lines of one node as ``viewer`` may see them (for choosing quotes), in
    transcript order; ``search`` keeps lines whose text or speaker contains it."""
    builder = _Builder(session, project, 0, viewer)
    node = next((n for nodes in builder.children.values() for n in nodes if n.id == node_id), None)
    if node is None:
        return []
    _, lines = builder.node(node)
    found = sorted(lines.values(), key=lambda line: line.segment_id)
    needle = (search or "").strip().casefold()
    if needle:
        found = [line for line in found if needle in line.text.casefold() or needle in (line.speaker or "").casefold()
                 or needle in (line.group or "").casefold()]
    return found


def state_version(session: Session) -> int:
    """A number that changes whenever anything is recorded (an event): a key for caching
    reads of the tree, so a cached tree is never older than the last change."""
    from sqlalchemy import func

    from fgi.models import Event

    return session.scalar(select(func.max(Event.id))) or 0


def code_list(session: Session, project: Project, *, viewer: User) -> list[tuple[CodeLeaf, int | None]]:
    """Every code of the codebook in codebook order, with the counts ``viewer`` may see and
    the sub-theme it sits under (None: not placed)."""
    builder = _Builder(session, project, 0, viewer)
    where = {c: node for node, codes in builder.placed.items() for c in codes}
    return [(builder.leaf(c), where.get(c)) for c in builder.codes]


def evidence_lines(session: Session, project: Project, node_id: int, *, viewer: User) -> list[Line]:
    """The evidence lines of a sub-theme (from the candidate it was accepted from) that
    ``viewer`` may see, in transcript order."""
    builder = _Builder(session, project, 0, viewer)
    return [builder.lines[s] for s in builder.evidence.get(node_id, []) if s in builder.lines]
