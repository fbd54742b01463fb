"""Which lines theme work looks at, and which codes each line carries.

*Proposal units* are participants' lines: back-channels (네, 음) and moderators' lines are
left out always. With ``units="coded"`` (the default) only lines that carry a code count;
with ``units="all"`` every participant line does.

*The team's coding* of a line (``team_codes``) is what theme work reads: every coder's
codes on it that the viewer may see, corrected by the leads' consensus decisions (a
decided ``apply`` adds the code, ``reject`` removes it, ``replace`` swaps it for the
replacement). Before reconciliation that is any coder's code; after it, the consensus.
Blind coding holds here as everywhere: codings are read by ``codings_for``'s rule
(``coding.applications.visible_line_codes``), so a lead's view is the whole team's and a
coder's is their own codings plus revealed transcripts; decisions count only on
transcripts whose every coding the viewer sees (``sees_every_coding``).

*A line's noun lemmas* (``Line.nouns``, tags ``themes.embedders.NOUN_TAGS``) come from the
lemmas stored at import (``Segment.lemmas``) when the transcript records that Kiwi analysed
it (``Transcript.meta["morphology"]``): the very lemmas analysing the text again would give.
Otherwise (an older import, or Okt) they are None and ``themes.cache`` analyses the text.
*Its label terms* (``Line.terms``, ``themes.labels``) come the same way from the noun runs
stored at import (``Segment.noun_runs``), None where the import kept none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from coding.applications import sees_every_coding, visible_line_codes
from coding.consensus import decision_rows
from coding.models import APPLY, REJECT, REPLACE, CodeApplication, User
from fgi.errors import FgiError
from fgi.models import MODERATOR, Participant, Project, Segment, Transcript
from fgi.morphology import load_runs, split_tagged
from fgi.i18n import _
from themes.embedders import ANALYZER, NOUN_TAGS
from themes.labels import terms_of_runs
from themes.models import CODED, UNIT_CHOICES

_CHUNK = 500


@dataclass(frozen=True)
class Line:
    """A transcript line as theme work shows it: where it is, who said it, its codes (and
    its noun lemmas, when the import's are Kiwi's)."""

    segment_id: str
    transcript_id: str
    transcript: str  # the transcript's name
    line: int
    text: str
    speaker: str | None  # the participant's pseudonymous id (P03), else the stored label
    group: str | None
    code_ids: tuple[int, ...] = ()
    nouns: tuple[str, ...] | None = None  # Kiwi noun lemmas stored at import; None: not known
    terms: tuple[str, ...] | None = None  # label terms from the noun runs stored at import; None: not known


def _line_query(project: Project):
    # The stored lemmas only where Kiwi analysed the transcript at import, else NULL.
    kiwi = Transcript.meta["morphology"].as_string() == ANALYZER
    stored = case((kiwi, Segment.lemmas), else_=None)
    runs = case((kiwi, Segment.noun_runs), else_=None)
    return (
        select(Segment.id, Segment.transcript_id, Transcript.name, Transcript.group, Segment.line, Segment.text,
               Segment.speaker, Segment.backchannel, Participant.pseudonym, Participant.role,
               Participant.attributes, stored, runs)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .where(Transcript.project_id == project.id)
        .order_by(Transcript.imported_at, Transcript.id, Segment.line)
    )


def _line(row, codes: dict[str, set[int]]) -> Line:
    sid, tid, tname, tgroup, line, text, speaker, _, pseudonym, _, attributes, lemmas, runs = row
    group = (attributes or {}).get("group") or tgroup
    nouns = None if lemmas is None else tuple(split_tagged(lemmas, NOUN_TAGS))
    terms = None if runs is None else tuple(terms_of_runs(load_runs(runs)))
    return Line(sid, tid, tname, line, text, pseudonym or speaker, group, tuple(sorted(codes.get(sid, ()))),
                nouns, terms)


def team_codes(session: Session, project: Project, *, viewer: User) -> dict[str, set[int]]:
    """The codes of every coded line of the project in the team's view as ``viewer`` may
    see it (see the module)."""
    codes = visible_line_codes(session, viewer, project=project)
    full = sees_every_coding(session, viewer, project)
    decisions = [d for d in decision_rows(session, project) if full is None or transcript_of(d.segment_id) in full]
    return _with_decisions(codes, decisions)


def team_lines(session: Session, project: Project) -> dict[str, set[int]]:
    """Every coder's codes of every coded line with the decisions applied, for hierarchy
    *writes* only (``themes.reshape`` decides by it which stored evidence lines move), so
    the stored hierarchy does not depend on who changed it. Never shown: reads go through
    ``team_codes`` with a viewer."""
    rows = session.execute(
        select(CodeApplication.segment_id, CodeApplication.code_id)
        .join(Segment, Segment.id == CodeApplication.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(Transcript.project_id == project.id)
    ).all()
    codes: dict[str, set[int]] = {}
    for segment_id, code_id in rows:
        codes.setdefault(segment_id, set()).add(code_id)
    return _with_decisions(codes, decision_rows(session, project))


def _with_decisions(codes: dict[str, set[int]], decisions: Iterable) -> dict[str, set[int]]:
    decisions = sorted(decisions, key=lambda d: d.id)
    for d in decisions:  # removals first, so an explicit apply of a replacement still wins
        if d.decision in (REJECT, REPLACE):
            codes.get(d.segment_id, set()).discard(d.code_id)
    decided = {(d.segment_id, d.code_id) for d in decisions}
    for d in decisions:
        if d.decision == APPLY:
            codes.setdefault(d.segment_id, set()).add(d.code_id)
        elif d.decision == REPLACE and d.replacement_code_id is not None \
                and (d.segment_id, d.replacement_code_id) not in decided:
            codes.setdefault(d.segment_id, set()).add(d.replacement_code_id)
    return {s: c for s, c in codes.items() if c}


def transcript_of(segment_id: str) -> str:
    """The transcript id of a segment id (``<transcript id>-<line:04d>``)."""
    return segment_id.rsplit("-", 1)[0]


def proposal_units(session: Session, project: Project, units: str = CODED, *, viewer: User) -> list[Line]:
    """Participants' lines in transcript and line order (no back-channels, no moderators);
    ``coded``: only those that carry a code in the team's view as ``viewer`` may see it."""
    if units not in UNIT_CHOICES:
        raise FgiError(_('unknown units {units}', units=repr(units)), hint=_('use one of: {join}', join=', '.join(UNIT_CHOICES)))
    codes = team_codes(session, project, viewer=viewer)
    lines = []
    for row in session.execute(_line_query(project)):
        backchannel, role = row[7], row[9]
        if backchannel or role == MODERATOR:
            continue
        if units == CODED and row[0] not in codes:
            continue
        lines.append(_line(row, codes))
    return lines


def lines_by_id(session: Session, project: Project, segment_ids: Iterable[str],
                codes: dict[str, set[int]] | None = None) -> dict[str, Line]:
    """The lines of the given ids (any role) that exist in the project."""
    wanted = list(dict.fromkeys(segment_ids))
    found: dict[str, Line] = {}
    for i in range(0, len(wanted), _CHUNK):
        query = _line_query(project).where(Segment.id.in_(wanted[i : i + _CHUNK]))
        for row in session.execute(query):
            found[row[0]] = _line(row, codes or {})
    return found


def ordered(lines: dict[str, Line], ids: Sequence[str]) -> list[Line]:
    return [lines[i] for i in ids if i in lines]
