"""The theme table of a report as plain data: one row per sub-theme, under its theme and
domain, with its codes, counts and representative quotes.

The file writers (``export_docx``, ``export_xlsx``, ``export_text``) take a ``ThemeTable``
and never touch the database.

**Speaker tags.** A quote ends with its speaker as Korean reports write it: the
participant's group and the number of their pseudonym, ``P03`` in group 실무자 ->
``(실무자3)``; without a group, the pseudonym itself, ``(P03)``; a moderator's line
(only when it is evidence) ``(진행자)``. Tags come from pseudonyms and groups only, never
from speaker labels as imported and never from ``pseudonym_keys``; the number stays the
participant's pseudonym number, so a quote can be traced back in the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from coding.models import User
from fgi.errors import NotFound
from fgi.models import Project
from themes.models import DOMAIN, SUBTHEME, THEME
from themes.tree import TreeNode, hierarchy_tree
from themes.units import Line

COLUMNS = ("영역", "주제", "하위주제", "내용", "대표 인용")
COUNT_COLUMNS = ("줄 수", "참여자 수", "집단 수")
MEMO_COLUMN = "메모"  # the memos of the row's domain, theme and sub-theme (CSV and Excel)
UNPLACED = "(미분류)"  # the domain (or theme) cell of nodes not yet placed under one
_PSEUDONYM = re.compile(r"([PM])0*(\d+)")


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str  # the tag without parentheses, e.g. 실무자3
    segment_id: str
    transcript: str
    line: int

    @property
    def cited(self) -> str:
        """``“text” (실무자3)``."""
        return f"“{self.text}” ({self.speaker})"


@dataclass(frozen=True)
class Counts:
    lines: int
    participants: int
    groups: int

    def __str__(self) -> str:
        return f"{self.lines}줄 · 참여자 {self.participants}명 · {self.groups}개 집단"


@dataclass(frozen=True)
class ThemeRow:
    domain: str
    theme: str
    subtheme: str
    codes: list[str]
    quotes: list[Quote]
    counts: Counts  # of the sub-theme
    theme_counts: Counts  # of the theme (distinct lines, not a sum)
    memo: str | None = None  # the memos of the row's own node (the sub-theme, or a theme without any)
    theme_memo: str | None = None  # the memos of its theme


@dataclass
class ThemeTable:
    project: str
    rows: list[ThemeRow] = field(default_factory=list)
    domain_counts: dict[str, Counts] = field(default_factory=dict)
    domain_memos: dict[str, str] = field(default_factory=dict)

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(r.domain for r in self.rows))

    def rows_of(self, domain: str) -> list[ThemeRow]:
        return [r for r in self.rows if r.domain == domain]


def speaker_tag(speaker: str | None, group: str | None) -> str:
    """``실무자3`` for P03 of group 실무자, ``P03`` without a group, ``진행자`` for moderators."""
    match = _PSEUDONYM.fullmatch(speaker or "")
    if match and match.group(1) == "M":
        return f"{group} 진행자" if group else "진행자"
    if match:
        return f"{group}{int(match.group(2))}" if group else speaker
    return f"{group} {speaker}" if group and speaker else (speaker or group or "화자 미상")


def _quote(line: Line) -> Quote:
    return Quote(line.text, speaker_tag(line.speaker, line.group), line.segment_id, line.transcript, line.line)


def _counts(node: TreeNode) -> Counts:
    return Counts(node.lines, node.participants, node.groups)


def _subtheme_row(domain: str, theme: str, theme_counts: Counts, node: TreeNode,
                  theme_memo: str | None = None) -> ThemeRow:
    return ThemeRow(domain, theme, node.name, [c.name for c in node.codes], [_quote(q) for q in node.quotes],
                    _counts(node), theme_counts, node.memo, theme_memo)


def _theme_rows(domain: str, theme: TreeNode) -> list[ThemeRow]:
    counts = _counts(theme)
    subthemes = [c for c in theme.children if c.level == SUBTHEME]
    if not subthemes:
        return [ThemeRow(domain, theme.name, "", [], [_quote(q) for q in theme.quotes], counts, counts, theme.memo,
                         theme.memo)]
    return [_subtheme_row(domain, theme.name, counts, s, theme.memo) for s in subthemes]


def theme_table(session: Session, project: Project, *, viewer: User, quotes: int = 2,
                domain: str | None = None) -> ThemeTable:
    """The project's hierarchy as report rows (``quotes`` per sub-theme; one ``domain`` only
    if given), domains in their order, unplaced themes and sub-themes last; counts and
    quotes from what ``viewer`` may see (``themes.tree``)."""
    tree = hierarchy_tree(session, project, viewer=viewer, n_quotes=max(0, quotes))
    table = ThemeTable(project.name)
    for node in tree:
        if node.level == DOMAIN:
            table.domain_counts[node.name] = _counts(node)
            if node.memo:
                table.domain_memos[node.name] = node.memo
            for theme in node.children:
                table.rows += _theme_rows(node.name, theme)
            if not node.children:
                table.rows.append(ThemeRow(node.name, "", "", [], [], _counts(node), _counts(node), node.memo))
        elif node.level == THEME:
            table.rows += _theme_rows(UNPLACED, node)
        else:
            table.rows.append(_subtheme_row(UNPLACED, UNPLACED, _counts(node), node))
    if domain is not None:
        if domain not in table.domains:
            raise NotFound(f"no domain {domain!r} in the hierarchy of {project.name!r}",
                           hint=f"domains: {', '.join(table.domains)}" if table.domains else
                           f"build the hierarchy first: fgi hierarchy show --project {project.name!r}")
        table.rows = table.rows_of(domain)
        table.domain_counts = {domain: table.domain_counts[domain]} if domain in table.domain_counts else {}
    return table
