"""The theme table of a report as plain data: one row per sub-theme, under its theme and
domain, with its codes, counts and representative quotes.

The file writers (``export_docx``, ``export_xlsx``, ``export_text``) take a ``ThemeTable``
and never touch the database.

**Speaker tags.** A quote ends with its speaker as Korean reports write it, by the project's
report labels (``fgi.participant_labels``): by default the participant's group and the
number of their pseudonym, ``P03`` in group 실무자 -> ``(실무자3)``; numbered per group or
lettered per transcript (``(실무자 A)``) if the project chose so, or a label a researcher
gave; a moderator's line (only when it is evidence) ``(진행자)``. Tags never come from
``pseudonym_keys``, so no real name can reach a report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.models import User
from fgi import participant_labels
from fgi.errors import NotFound
from fgi.models import Participant, Project, Segment
from fgi.i18n import _
from themes.frequency import DEFAULT_RULE, KOREAN, PARTICIPANTS, FrequencyRule, MIN_FOR_ALL_BUT, totals
from themes.models import DOMAIN, SUBTHEME, THEME
from themes.tree import TreeNode, hierarchy_tree
from themes.units import Line

COLUMNS = ("영역", "주제", "하위주제", "내용", "대표 인용")
COUNT_COLUMNS = ("줄 수", "참여자 수", "집단 수")
NOTE_COLUMNS = ("빈도", "메모")  # the CQR frequency label (themes.frequency) and the node's memos
UNPLACED = "(미분류)"  # the domain (or theme) cell of nodes not yet placed under one


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
    memo: str | None = None
    frequency: str = ""  # 일반적, 전형적, 변동적 of the sub-theme (of the theme on a theme's own row)
    theme_frequency: str = ""
    memos: tuple[str, ...] = ()  # the node's memos as the exports show them (the memo first)
    theme_memos: tuple[str, ...] = ()  # the memos of the row's theme, on a sub-theme's row


@dataclass
class ThemeTable:
    project: str
    rows: list[ThemeRow] = field(default_factory=list)
    domain_counts: dict[str, Counts] = field(default_factory=dict)
    domain_frequency: dict[str, str] = field(default_factory=dict)
    frequency_rule: str = ""  # the rule in Korean, for a note under the table
    domain_memos: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a domain's memos (coding.memos)

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(r.domain for r in self.rows))

    def rows_of(self, domain: str) -> list[ThemeRow]:
        return [r for r in self.rows if r.domain == domain]


def speaker_tag(speaker: str | None, group: str | None, labels: dict[str, str] | None = None) -> str:
    """``실무자3`` for P03 of group 실무자, ``P03`` without a group, ``진행자`` for moderators;
    the project's report label instead when ``labels`` (``fgi.participant_labels``) has one."""
    return participant_labels.speaker_tag(speaker, group, labels)


def _quote(line: Line) -> Quote:
    return Quote(line.text, speaker_tag(line.speaker, line.group), line.segment_id, line.transcript, line.line)


def _counts(node: TreeNode) -> Counts:
    return Counts(node.lines, node.participants, node.groups)


def _frequency(node: TreeNode) -> str:
    return KOREAN.get(node.frequency or "", "")


def _memos(node: TreeNode) -> tuple[str, ...]:
    return tuple(node.memos) or ((node.memo,) if node.memo else ())


def _subtheme_row(domain: str, theme: TreeNode | None, theme_counts: Counts, node: TreeNode) -> ThemeRow:
    return ThemeRow(domain, theme.name if theme else UNPLACED, node.name, [c.name for c in node.codes],
                    [_quote(q) for q in node.quotes], _counts(node), theme_counts, node.memo, _frequency(node),
                    _frequency(theme) if theme else "", _memos(node))


def _theme_rows(domain: str, theme: TreeNode) -> list[ThemeRow]:
    counts = _counts(theme)
    subthemes = [c for c in theme.children if c.level == SUBTHEME]
    if not subthemes:
        return [ThemeRow(domain, theme.name, "", [], [_quote(q) for q in theme.quotes], counts, counts, theme.memo,
                         _frequency(theme), _frequency(theme), _memos(theme))]
    return [replace(_subtheme_row(domain, theme, counts, s), theme_memos=_memos(theme)) for s in subthemes]


def rule_note(rule: FrequencyRule, total: int) -> str:
    """The frequency rule in Korean, with the numbers it gives for this study."""
    missing = rule.general_missing if total >= MIN_FOR_ALL_BUT else 0
    unit = ("참여자", "명") if rule.basis == PARTICIPANTS else ("집단", "개")
    typical = max(math.ceil(rule.typical_share * total), 1)
    return (f"빈도: {unit[0]} {total}{unit[1]} 중 일반적 {max(total - missing, 1)}{unit[1]} 이상, "
            f"전형적 {typical}{unit[1]} 이상, 변동적 그 미만")


def theme_table(session: Session, project: Project, *, viewer: User, quotes: int = 2,
                domain: str | None = None, rule: FrequencyRule = DEFAULT_RULE) -> ThemeTable:
    """The project's hierarchy as report rows (``quotes`` per sub-theme, pinned ones first;
    one ``domain`` only if given), domains in their order, unplaced themes and sub-themes
    last; counts, quotes and frequency labels (by ``rule``) from what ``viewer`` may see
    (``themes.tree``)."""
    tree = hierarchy_tree(session, project, viewer=viewer, n_quotes=max(0, quotes), rule=rule)
    table = ThemeTable(project.name, frequency_rule=rule_note(rule, totals(session, project)[rule.basis]))
    for node in tree:
        if node.level == DOMAIN:
            table.domain_counts[node.name] = _counts(node)
            table.domain_frequency[node.name] = _frequency(node)
            if _memos(node):
                table.domain_memos[node.name] = _memos(node)
            for theme in node.children:
                table.rows += _theme_rows(node.name, theme)
            if not node.children:
                table.rows.append(ThemeRow(node.name, "", "", [], [], _counts(node), _counts(node), node.memo,
                                           _frequency(node), "", _memos(node)))
        elif node.level == THEME:
            table.rows += _theme_rows(UNPLACED, node)
        else:
            table.rows.append(_subtheme_row(UNPLACED, None, _counts(node), node))
    if domain is not None:
        if domain not in table.domains:
            raise NotFound(_('no domain {domain} in the hierarchy of {name}', domain=repr(domain), name=repr(project.name)),
                           hint=_('domains: {join}', join=', '.join(table.domains)) if table.domains else
                           _('build the hierarchy first: fgi hierarchy show --project {name}', name=repr(project.name)))
        table.rows = table.rows_of(domain)
        table.domain_counts = {domain: table.domain_counts[domain]} if domain in table.domain_counts else {}
    return _relabelled(session, project, table)


def _relabelled(session: Session, project: Project, table: ThemeTable) -> ThemeTable:
    """Quotes tagged with the project's report labels (``fgi.participant_labels``)."""
    speakers = dict(session.execute(
        select(Segment.id, Participant.pseudonym).join(Participant, Participant.id == Segment.participant_id)
        .where(Segment.id.in_([q.segment_id for r in table.rows for q in r.quotes]))).all())
    labels = participant_labels.report_labels(session, project)
    for row in table.rows:
        row.quotes[:] = [replace(q, speaker=labels[speakers[q.segment_id]])
                         if speakers.get(q.segment_id) in labels else q for q in row.quotes]
    return table
