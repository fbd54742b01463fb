"""Frequency labels of hierarchy nodes, as consensual qualitative research (CQR) reports
them: how many of the study's participants (or groups) a node's lines come from.

* 일반적 (general): all of them, or all but ``general_missing`` (default one);
* 전형적 (typical): at least ``typical_share`` of them (default half);
* 변동적 (variant): fewer, but at least one.

The basis is chosen: ``participants`` (each participant of every transcript, moderators
not counted) or ``groups`` (the participants' groups, e.g. 실무자, 참여주민). "All but one"
is allowed only when there are at least ``MIN_FOR_ALL_BUT`` of them; with fewer, general
means all (with two groups, one group is not "general"). The total never depends on
codings; the node's count is the one the viewer sees (``themes.tree``), so the label is
as blind as the counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import MODERATOR, Participant, Project, Transcript

PARTICIPANTS, GROUPS = "participants", "groups"
BASES = (PARTICIPANTS, GROUPS)
GENERAL, TYPICAL, VARIANT = "general", "typical", "variant"
LABELS = (GENERAL, TYPICAL, VARIANT)
KOREAN = {GENERAL: "일반적", TYPICAL: "전형적", VARIANT: "변동적"}  # as Korean reports write them
MIN_FOR_ALL_BUT = 4


@dataclass(frozen=True)
class FrequencyRule:
    basis: str = PARTICIPANTS
    general_missing: int = 1
    typical_share: float = 0.5

    def check(self) -> FrequencyRule:
        if self.basis not in BASES:
            raise FgiError(_("unknown basis {basis!r} for frequency labels", basis=self.basis),
                           hint=_("use participants or groups"))
        if self.general_missing < 0:
            raise FgiError(_("'general' allows missing at least 0 of them, not {n}", n=self.general_missing))
        if not 0 < self.typical_share <= 1:
            raise FgiError(_("'typical' needs a share above 0 and at most 1, not {share}", share=self.typical_share))
        return self


DEFAULT_RULE = FrequencyRule()


def label(count: int, total: int, rule: FrequencyRule = DEFAULT_RULE) -> str | None:
    """general, typical or variant for ``count`` of ``total``; None when count is 0."""
    if count <= 0 or total <= 0:
        return None
    missing = rule.general_missing if total >= MIN_FOR_ALL_BUT else 0
    if count >= total - missing:
        return GENERAL
    if count >= math.ceil(rule.typical_share * total):
        return TYPICAL
    return VARIANT


def totals(session: Session, project: Project) -> dict[str, int]:
    """How many participants and groups the project has (moderators not counted)."""
    rows = session.execute(
        select(Participant.pseudonym, Participant.attributes, Transcript.group)
        .join(Transcript, Transcript.id == Participant.transcript_id)
        .where(Participant.project_id == project.id, Participant.role != MODERATOR)).all()
    groups = {(attributes or {}).get("group") or group for _, attributes, group in rows}
    return {PARTICIPANTS: len({p for p, _, _ in rows}), GROUPS: len(groups - {None, ""})}


def describe_rule(rule: FrequencyRule, total: int) -> str:
    """The rule in words, with the numbers it gives for this total."""
    missing = rule.general_missing if total >= MIN_FOR_ALL_BUT else 0
    return _("of {total} {basis}: general {general} or more, typical {typical} or more, variant fewer",
             total=total, basis=_("participants") if rule.basis == PARTICIPANTS else _("groups"),
             general=max(total - missing, 1), typical=max(math.ceil(rule.typical_share * total), 1))
