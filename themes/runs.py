"""Stored proposal runs and their candidates, as plain data for the CLI and the app.

Who may see a run (blind coding): a run holds what was computed from one viewer's codings
(``details["view"]``, see ``themes.proposals``). A viewer sees a run when they see every
coding of the project (a lead or admin, or a project without blind coding), when it was
computed from their own view, or when every line of every candidate lies in a transcript
whose codings they all see (revealed). Anything else, a coder does not see at all: not
listed, not shown, not counted. Runs stored before views were recorded count as computed
from every coder's codings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.applications import sees_every_coding
from coding.codebook import code_index
from coding.errors import PermissionDenied
from coding.models import User
from fgi.errors import NotFound
from fgi.models import Project
from fgi.i18n import _
from themes.models import ThemeCandidate, ThemeNodeCandidate, ThemeRun
from themes.proposals import dominant_codes
from themes.units import Line, lines_by_id, ordered, team_codes, transcript_of


@dataclass(frozen=True)
class CodeShare:
    id: int
    path: str
    lines: int  # the candidate's lines that carry the code
    share: float  # of the candidate's coded lines
    dominant: bool  # taken by a sub-theme accepted from this candidate


@dataclass(frozen=True)
class CandidateView:
    id: int
    run_id: int
    level: str
    position: int
    label: str
    keywords: list[str]
    size: int  # lines
    participants: int
    groups: int
    members: list[str]  # segment ids
    member_codes: list[int]  # theme level: the codes grouped
    representatives: list[Line]
    codes: list[CodeShare]
    accepted_as: int | None  # the hierarchy node that holds it (accepted as it, or merged into it)
    stability: float | None = None  # share of resamples it reappeared in (themes.stability)
    resamples: int = 0


@dataclass(frozen=True)
class RunView:
    id: int
    project: str
    level: str
    units: str
    embedder: str
    clusterer: str
    k: str
    seed: int
    n_units: int
    created_by: str
    created_at: datetime
    details: dict
    candidates: list[CandidateView]


@dataclass(frozen=True)
class RunSummary:
    id: int
    level: str
    units: str
    embedder: str
    k: str
    seed: int
    n_units: int
    candidates: int
    created_by: str
    created_at: datetime


def get_candidate(session: Session, project: Project, candidate_id: int) -> tuple[ThemeCandidate, ThemeRun]:
    candidate = session.get(ThemeCandidate, candidate_id)
    run = session.get(ThemeRun, candidate.run_id) if candidate is not None else None
    if candidate is None or run.project_id != project.id:
        raise NotFound(_('no candidate {candidate_id} in project {name}', candidate_id=candidate_id, name=repr(project.name)),
                       hint=_('propose some: fgi themes propose --project {name}; list runs: fgi themes runs --project {name}', name=repr(project.name)))
    return candidate, run


def _members(session: Session, run_ids: list[int]) -> dict[int, set[str]]:
    """The transcripts each run's candidates take their lines from."""
    found: dict[int, set[str]] = {i: set() for i in run_ids}
    for run_id, members in session.execute(
            select(ThemeCandidate.run_id, ThemeCandidate.members).where(ThemeCandidate.run_id.in_(run_ids))):
        found[run_id] |= {transcript_of(s) for s in members}
    return found


def visible_runs(session: Session, project: Project, runs: list[ThemeRun], *, viewer: User) -> list[ThemeRun]:
    """The runs ``viewer`` may see (see the module), in the order given."""
    full = sees_every_coding(session, viewer, project)
    if full is None:
        return list(runs)
    own = [r for r in runs if (r.details or {}).get("view", {}).get("viewer_id") == viewer.id]
    others = _members(session, [r.id for r in runs if r not in own])
    return [r for r in runs if r in own or others[r.id] <= full]


def _get_run(session: Session, project: Project, run_id: int | None, viewer: User) -> ThemeRun:
    if run_id is None:
        runs = list(session.scalars(select(ThemeRun).where(ThemeRun.project_id == project.id)
                                    .order_by(ThemeRun.id.desc())))
        run = next(iter(visible_runs(session, project, runs, viewer=viewer)), None)
    else:
        run = session.get(ThemeRun, run_id)
    if run is None or run.project_id != project.id:
        message = (_("no proposal runs in project {name} that you may see", name=repr(project.name)) if run_id is None
                   else _("no proposal run {id} in project {name}", id=run_id, name=repr(project.name)))
        raise NotFound(message,
                       hint=_('fgi themes propose --project {name}', name=repr(project.name)))
    if not visible_runs(session, project, [run], viewer=viewer):
        raise PermissionDenied(
            _('proposal run {id} was computed from codings of transcripts not yet revealed to {name}', id=run.id, name=viewer.name),
            hint=_('propose from your own codings: fgi themes propose --project {name} --as {name2}', name=repr(project.name), name2=viewer.name))
    return run


def candidate_views(session: Session, project: Project, run: ThemeRun,
                    candidates: list[ThemeCandidate], *, viewer: User) -> list[CandidateView]:
    paths = {code.id: path for path, code in code_index(session, project).items()}
    quotes = lines_by_id(session, project, [s for c in candidates for s in c.representatives],
                         team_codes(session, project, viewer=viewer))
    accepted = dict(session.execute(
        select(ThemeNodeCandidate.candidate_id, ThemeNodeCandidate.node_id)
        .where(ThemeNodeCandidate.candidate_id.in_([c.id for c in candidates]))).all())
    views = []
    stability = list((run.details or {}).get("stability") or [])
    resamples = int((run.details or {}).get("resamples") or 0)
    for c in candidates:
        codes = [s for s in c.codes if s["id"] in paths]  # codes deleted since are left out
        dominant = set(dominant_codes(codes)) if run.level == "subtheme" else {s["id"] for s in codes}
        views.append(CandidateView(
            c.id, run.id, run.level, c.position, c.label, list(c.keywords), len(c.members), c.participants,
            c.groups, list(c.members), [i for i in c.member_codes if i in paths],
            ordered(quotes, c.representatives),
            [CodeShare(s["id"], paths[s["id"]], s["lines"], s["share"], s["id"] in dominant) for s in codes],
            accepted.get(c.id),
            stability[c.position] if c.position < len(stability) else None, resamples))
    return views


def get_run(session: Session, project: Project, run_id: int | None = None, *, viewer: User) -> RunView:
    """A stored run with its candidates (the latest run ``viewer`` may see when ``run_id``
    is None); a run the viewer may not see is refused (see the module)."""
    run = _get_run(session, project, run_id, viewer)
    candidates = list(session.scalars(
        select(ThemeCandidate).where(ThemeCandidate.run_id == run.id).order_by(ThemeCandidate.position)))
    return RunView(run.id, project.name, run.level, run.units, run.embedder, run.clusterer, run.k, run.seed,
                   run.n_units, run.created_by, run.created_at, dict(run.details),
                   candidate_views(session, project, run, candidates, viewer=viewer))


def list_runs(session: Session, project: Project, *, viewer: User) -> list[RunSummary]:
    """The runs ``viewer`` may see, oldest first."""
    counts = (select(ThemeCandidate.run_id, func.count(ThemeCandidate.id).label("n"))
              .group_by(ThemeCandidate.run_id).subquery())
    rows = session.execute(
        select(ThemeRun, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.run_id == ThemeRun.id)
        .where(ThemeRun.project_id == project.id).order_by(ThemeRun.id)).all()
    shown = {r.id for r in visible_runs(session, project, [r for r, _ in rows], viewer=viewer)}
    return [RunSummary(r.id, r.level, r.units, r.embedder, r.k, r.seed, r.n_units, n, r.created_by, r.created_at)
            for r, n in rows if r.id in shown]
