"""The filters every query shares: which transcripts, groups, participants, roles and coders.

``Filters`` holds what a user typed (names, not ids); ``resolve`` checks every name against
the project (an unknown one is an error naming it) and returns ``Resolved``, whose SQL
conditions the queries add to their selects:

- ``line_condition``: the lines (``Segment``, joined with ``Transcript``) in scope:
  transcripts, groups (a line's group is its speaker's group, else its transcript's),
  participants (pseudonyms) and roles (``moderator`` / ``participant``);
- ``visible_codings``: the codings in scope that a viewer may see. Blind coding is applied
  here, by the rule of ``coding.applications.codings_for`` (its SQL helper
  ``visible_scope``), so a coder filter never shows a coder more than the viewer may see:
  a coder naming another coder sees that coder's codings only in revealed transcripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.orm import Session

from coding.applications import visible_scope  # the blind rule as SQL, beside codings_for
from coding.models import CodeApplication, User
from fgi.errors import NotFound
from fgi.i18n import _
from fgi.models import ROLES, Participant, Project, Segment, Transcript
from fgi.study import get_transcript


@dataclass(frozen=True)
class Filters:
    """What to look in, by name; an empty field does not filter."""

    transcripts: tuple[str, ...] = ()  # transcript ids or names
    groups: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()  # pseudonyms, e.g. P03
    roles: tuple[str, ...] = ()  # moderator, participant
    coders: tuple[str, ...] = ()  # user names

    @classmethod
    def of(cls, *, transcripts=(), groups=(), participants=(), roles=(), coders=()) -> Filters:
        clean = lambda values: tuple(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))  # noqa: E731
        return cls(clean(transcripts), clean(groups), clean(participants), clean(roles), clean(coders))

    @property
    def empty(self) -> bool:
        return not (self.transcripts or self.groups or self.participants or self.roles or self.coders)


@dataclass(frozen=True)
class Resolved:
    """``Filters`` checked against a project: ids, None where a field does not filter."""

    project_id: int
    transcript_ids: frozenset[str] | None = None
    participant_ids: frozenset[int] | None = None  # from groups, participants and roles together
    group_transcript_ids: frozenset[str] | None = None  # lines without a speaker: their transcript's group
    coder_ids: frozenset[int] | None = None
    coder_names: tuple[str, ...] = field(default_factory=tuple)

    def line_condition(self):
        """SQL condition on ``Segment`` (with ``Transcript`` joined) for the lines in scope."""
        conditions = [Transcript.project_id == self.project_id]
        if self.transcript_ids is not None:
            conditions.append(Segment.transcript_id.in_(sorted(self.transcript_ids)) if self.transcript_ids
                              else false())
        if self.participant_ids is not None:
            by_speaker = (Segment.participant_id.in_(sorted(self.participant_ids)) if self.participant_ids
                          else false())
            if self.group_transcript_ids:
                by_speaker = or_(by_speaker, and_(Segment.participant_id.is_(None),
                                                  Segment.transcript_id.in_(sorted(self.group_transcript_ids))))
            conditions.append(by_speaker)
        return and_(*conditions)

    def coder_condition(self):
        """SQL condition on ``CodeApplication`` for the coders in scope."""
        if self.coder_ids is None:
            return true()
        return CodeApplication.coder_id.in_(sorted(self.coder_ids)) if self.coder_ids else false()


def resolve(session: Session, project: Project, filters: Filters | None) -> Resolved:
    """``filters`` checked against ``project``; an unknown name raises ``NotFound``."""
    filters = filters or Filters()
    transcript_ids = None
    if filters.transcripts:
        transcript_ids = frozenset(get_transcript(session, key, project).id for key in filters.transcripts)
    participant_ids = group_transcripts = None
    if filters.groups or filters.participants or filters.roles:
        participant_ids, group_transcripts = _speakers(session, project, filters)
    coder_ids = None
    if filters.coders:
        found = {u.name: u.id for u in session.scalars(select(User).where(User.name.in_(filters.coders)))}
        missing = [name for name in filters.coders if name not in found]
        if missing:
            raise NotFound(_("no user {names}", names=", ".join(missing)),
                           hint=_("the project's members are listed by: fgi user list"))
        coder_ids = frozenset(found.values())
    return Resolved(project.id, transcript_ids, participant_ids, group_transcripts, coder_ids, filters.coders)


def _speakers(session: Session, project: Project, filters: Filters) -> tuple[frozenset[int], frozenset[str] | None]:
    """Participants matching groups, pseudonyms and roles; and, when groups filter, the
    transcripts whose speakerless lines belong to one of the groups."""
    unknown_roles = [r for r in filters.roles if r not in ROLES]
    if unknown_roles:
        raise NotFound(_("no role {roles}", roles=", ".join(unknown_roles)),
                       hint=_("roles are: {roles}", roles=", ".join(ROLES)))
    transcripts = dict(session.execute(select(Transcript.id, Transcript.group)
                                       .where(Transcript.project_id == project.id)).all())
    people = list(session.scalars(select(Participant).where(Participant.project_id == project.id)))
    groups = {p.group or transcripts.get(p.transcript_id) for p in people} | {g for g in transcripts.values()}
    unknown = [g for g in filters.groups if g not in groups]
    if unknown:
        raise NotFound(_("no group {groups} in project {project}", groups=", ".join(unknown), project=project.name),
                       hint=_("groups are: {groups}", groups=", ".join(sorted(g for g in groups if g)) or "-"))
    pseudonyms = {p.pseudonym for p in people}
    unknown = [p for p in filters.participants if p not in pseudonyms]
    if unknown:
        raise NotFound(_("no participant {names} in project {project}", names=", ".join(unknown),
                         project=project.name),
                       hint=_("participants are: {names}", names=", ".join(sorted(pseudonyms)) or "-"))
    chosen = frozenset(
        p.id for p in people
        if (not filters.groups or (p.group or transcripts.get(p.transcript_id)) in filters.groups)
        and (not filters.participants or p.pseudonym in filters.participants)
        and (not filters.roles or p.role in filters.roles))
    speakerless = None
    if filters.groups and not filters.participants and not filters.roles:
        speakerless = frozenset(t for t, g in transcripts.items() if g in filters.groups)
    return chosen, speakerless


def visible_codings(session: Session, viewer: User, project: Project, scope: Resolved, *columns):
    """A select of ``columns`` over the codings in ``scope`` that ``viewer`` may see
    (``codings_for``'s rule), joined with ``Segment`` and ``Transcript``."""
    return visible_scope(session, viewer, project, *columns).where(scope.line_condition(),
                                                                   scope.coder_condition())


@dataclass(frozen=True)
class FilterOptions:
    """What a filter form may offer for a project: names only, no coding."""

    transcripts: list[tuple[str, str]]  # (id, name), in import order
    groups: list[str]
    participants: list[str]  # pseudonyms
    roles: tuple[str, ...]
    coders: list[str]  # the project's members


def filter_options(session: Session, project: Project) -> FilterOptions:
    from coding.users import project_members

    transcripts = session.execute(select(Transcript.id, Transcript.name, Transcript.group)
                                  .where(Transcript.project_id == project.id)
                                  .order_by(Transcript.imported_at, Transcript.id)).all()
    people = list(session.scalars(select(Participant).where(Participant.project_id == project.id)
                                  .order_by(Participant.pseudonym)))
    groups = {p.group for p in people} | {g for _, _, g in transcripts}
    return FilterOptions([(tid, name) for tid, name, _ in transcripts], sorted(g for g in groups if g),
                         [p.pseudonym for p in people], ROLES,
                         sorted(u.name for u in project_members(session, project)))
