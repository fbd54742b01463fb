"""Proposals from the database: units, stored runs and candidates, determinism, the cache,
and code suggestions that respect blind coding."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from coding.applications import reveal
from coding.codebook import get_code
from coding.errors import PermissionDenied
from coding.models import REJECT
from coding.reconcile import decide
from coding.users import add_member, get_user
from fgi.errors import FgiError, NotFound
from fgi.models import MODERATOR, Event, Participant, Segment
from fgi.study import create_project
from tests.themes.study import A, B, B_CODE, LEAD, OUTSIDER, recorded_as, study  # noqa: F401 (fixture)
from themes import embedders
from themes.models import ThemeCandidate, ThemeRun
from themes.proposals import ProposalSettings, propose
from themes.runs import get_run, list_runs
from themes.suggestions import suggest_codes
from themes.units import proposal_units, team_codes


def _lead(session):
    return get_user(session, LEAD)

def _proposed(session, project, settings, **options):
    """A run proposed and read back as the lead."""
    lead = _lead(session)
    return get_run(session, project, propose(session, project, settings, viewer=lead, **options), viewer=lead)


def _candidates(run):
    return [(c.label, c.keywords, c.members, [q.segment_id for q in c.representatives],
             [(s.path, s.lines) for s in c.codes]) for c in run.candidates]


def test_units_leave_out_moderators_and_backchannels(study):
    with study.db.reading() as session:
        project = study.project(session)
        coded = proposal_units(session, project, "coded", viewer=_lead(session))
        every = proposal_units(session, project, "all", viewer=_lead(session))
        roles = dict(session.execute(select(Segment.id, Participant.role)
                                     .outerjoin(Participant, Participant.id == Segment.participant_id)).all())
        backchannels = set(session.scalars(select(Segment.id).where(Segment.backchannel)))
    ids = {line.segment_id for line in every}
    assert not ids & backchannels and all(roles[i] != MODERATOR for i in ids)
    assert {line.segment_id for line in coded} == {s for s, _ in study.a_codings | study.b_codings}
    assert {line.segment_id for line in coded} < ids
    assert all(line.speaker and line.speaker.startswith("P") and line.group in ("실무자", "주민") for line in every)


def test_team_codes_follow_the_leads_decisions(study):
    segment, path = sorted(study.b_codings)[0]
    with study.db.transaction() as session:
        project = study.project(session)
        before = team_codes(session, project, viewer=_lead(session))
        decide(session, _lead(session), segment, path, REJECT, reason="행정 간소화 아님")
        after = team_codes(session, project, viewer=_lead(session))
    assert len(after.get(segment, set())) == len(before[segment]) - 1


def test_propose_stores_a_run_whose_candidates_cover_the_coded_lines(study):
    with study.db.transaction() as session:
        project = study.project(session)
        run_id = propose(session, project, ProposalSettings(seed=7), viewer=_lead(session))
        run = get_run(session, project, run_id, viewer=_lead(session))
        events = session.scalars(select(Event).where(Event.kind == "themes.propose")).all()
    assert run.level == "subtheme" and run.units == "coded" and run.embedder == "kiwi-lsa.v1[seed=7]" and run.seed == 7
    assert len(run.candidates) >= 2
    members = [s for c in run.candidates for s in c.members]
    assert sorted(members) == sorted({s for s, _ in study.a_codings | study.b_codings})  # a partition
    for c in run.candidates:
        assert c.label and c.keywords and c.label.split(" · ")[0] == c.keywords[0]
        assert 1 <= len(c.representatives) <= 3 and all(q.segment_id in c.members for q in c.representatives)
        assert all(q.speaker.startswith("P") and q.group for q in c.representatives)
        assert c.size == len(c.members) and 1 <= c.participants and 1 <= c.groups <= 2
        assert c.codes and c.codes[0].dominant and c.codes == sorted(c.codes, key=lambda s: (-s.lines, s.id))
        assert c.accepted_as is None
    assert [e.subject for e in events] == [str(run_id)]
    assert events[0].payload["after"]["candidates"] == len(run.candidates)


def test_same_input_and_seed_give_the_same_candidates_and_compute_nothing_new(study, monkeypatch):
    recorded_as(study.db, study.transcripts, None)  # imported before the record: lines go through the cache
    analysed: list[str] = []
    real = embedders.kiwi_lemmas
    monkeypatch.setattr(embedders, "kiwi_lemmas", lambda texts, *a, **k: analysed.extend(texts) or real(texts, *a, **k))
    runs = []
    for _ in range(2):
        with study.db.transaction() as session:
            project = study.project(session)
            run_id = propose(session, project, ProposalSettings(seed=3), viewer=_lead(session))
            runs.append(get_run(session, project, run_id, viewer=_lead(session)))
    first_count = len(analysed)
    assert first_count > 0 and runs[0].details["cache"]["computed"] == first_count
    assert runs[1].details["cache"] == {"hits": first_count, "computed": 0, "stored": 0}
    assert _candidates(runs[0]) == _candidates(runs[1])
    assert [c.id for c in runs[0].candidates] != [c.id for c in runs[1].candidates]  # stored twice

    with study.db.transaction() as session:
        project = study.project(session)
        fixed = _proposed(session, project, ProposalSettings(k=4, seed=3))
    assert len(fixed.candidates) == 4 and len(analysed) == first_count


def test_theme_level_groups_codes_by_their_lines(study):
    with study.db.transaction() as session:
        project = study.project(session)
        run = _proposed(session, project, ProposalSettings(level="theme"))
    used = {p for _, p in study.a_codings | study.b_codings}
    grouped = [s.path for c in run.candidates for s in c.codes]
    assert sorted(grouped) == sorted(used)  # every code used once
    for c in run.candidates:
        assert all(s.dominant for s in c.codes) and len(c.member_codes) == len(c.codes)
        lines = {s for s, p in study.a_codings | study.b_codings if p in {x.path for x in c.codes}}
        assert set(c.members) == lines
        assert all(q.segment_id in lines for q in c.representatives)


def test_all_units_and_the_latest_run(study):
    with study.db.transaction() as session:
        project = study.project(session)
        propose(session, project, ProposalSettings(units="all", k=5), viewer=_lead(session))
        latest = get_run(session, project, viewer=_lead(session))
        summaries = list_runs(session, project, viewer=_lead(session))
        every = proposal_units(session, project, "all", viewer=_lead(session))
    assert latest.units == "all" and latest.n_units == len(every) and len(latest.candidates) == 5
    assert [(s.id, s.candidates) for s in summaries] == [(latest.id, 5)]


def test_blind_coding_holds_in_proposals_and_runs(study):
    """A coder's proposal and theme units come from their own codings; the lead's run from
    everyone's is hidden from the coder until every transcript in it is revealed."""
    with study.db.transaction() as session:
        project = study.project(session)
        lead, coder_a, coder_b = _lead(session), get_user(session, A), get_user(session, B)
        b_code = get_code(session, project, B_CODE).id
        a_view, lead_view = team_codes(session, project, viewer=coder_a), team_codes(session, project, viewer=lead)
        assert set(a_view) == {s for s, _ in study.a_codings} and not any(b_code in c for c in a_view.values())
        assert sum(b_code in c for c in lead_view.values()) == len(study.b_codings)
        mine = propose(session, project, ProposalSettings(k=3), viewer=coder_a)
        everyone = propose(session, project, ProposalSettings(k=3), viewer=lead)
        own = get_run(session, project, viewer=coder_a)
        assert own.id == mine and [r.id for r in list_runs(session, project, viewer=coder_a)] == [mine]
        assert {s for c in own.candidates for s in c.members} == {s for s, _ in study.a_codings}
        assert [r.id for r in list_runs(session, project, viewer=lead)] == [mine, everyone]
        assert list_runs(session, project, viewer=coder_b) == []  # A's run holds A's unrevealed lines
        with pytest.raises(PermissionDenied, match="not yet revealed"):
            get_run(session, project, everyone, viewer=coder_a)
        with pytest.raises(NotFound, match="that you may see"):
            get_run(session, project, viewer=coder_b)
        for transcript in study.transcripts.values():
            reveal(session, lead, transcript)
        assert [r.id for r in list_runs(session, project, viewer=coder_b)] == [mine, everyone]
        assert get_run(session, project, everyone, viewer=coder_a).id == everyone


def test_proposal_errors_say_what_to_do(db, study):
    bad = [
        (ProposalSettings(level="domain"), "unknown level"),
        (ProposalSettings(level="theme", units="all"), "always use coded lines"),
        (ProposalSettings(k="many"), "k must be"),
        (ProposalSettings(k=1), "k must be"),
        (ProposalSettings(embedder="word2vec"), "unknown embedder"),
    ]
    with db.transaction() as session:
        project = study.project(session)
        for settings, message in bad:
            with pytest.raises(FgiError, match=message):
                propose(session, project, settings, viewer=_lead(session))
        empty = create_project(session, "빈 프로젝트", actor="연구자")
        add_member(session, empty, _lead(session), actor="setup")
        with pytest.raises(FgiError, match="only 0 coded participant lines") as info:
            propose(session, empty, viewer=_lead(session))
        assert "--units all" in info.value.hint
        with pytest.raises(NotFound, match="no proposal runs"):
            get_run(session, empty, viewer=_lead(session))
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ThemeRun)) == 0
        assert session.scalar(select(func.count()).select_from(ThemeCandidate)) == 0


# ---- code suggestions ------------------------------------------------------------------


def test_suggestions_rank_the_code_of_a_line_high(study):
    by_segment: dict[str, set[str]] = {}
    for segment, path in study.a_codings:
        by_segment.setdefault(segment, set()).add(path)
    singles = sorted(s for s, paths in by_segment.items() if len(paths) == 1)[:12]
    with study.db.transaction() as session:
        project = study.project(session)
        found = suggest_codes(session, get_user(session, A), project, singles, k=3)
    hits = sum(next(iter(by_segment[line.segment_id])) in [s.path for s in line.suggestions] for line in found)
    assert hits >= 9, [dataclasses.asdict(x) for x in found]
    for line in found:
        assert len(line.suggestions) == 3
        assert [s.score for s in line.suggestions] == sorted((s.score for s in line.suggestions), reverse=True)
        assert all(s.nearest != line.segment_id for s in line.suggestions)  # the line itself is not evidence
        assert any(s.applied for s in line.suggestions) == (next(iter(by_segment[line.segment_id]))
                                                            in [s.path for s in line.suggestions])


def test_suggestions_respect_blind_coding(study):
    b_segments = {s for s, _ in study.b_codings}
    target = sorted(s for s, _ in study.a_codings if s not in b_segments)[0]
    with study.db.transaction() as session:
        project = study.project(session)
        [as_a] = suggest_codes(session, get_user(session, A), project, [target], k=30)
        [as_b] = suggest_codes(session, get_user(session, B), project, [target], k=30)
        [as_lead] = suggest_codes(session, _lead(session), project, [target], k=30)
        with pytest.raises(PermissionDenied):
            suggest_codes(session, get_user(session, OUTSIDER), project, [target])
        with pytest.raises(NotFound, match="no segment"):
            suggest_codes(session, get_user(session, A), project, ["nope-0001"])
    a_pairs = {(s, p) for s, p in study.a_codings if s != target}
    assert as_a.examples == len(a_pairs) and as_b.examples == len(study.b_codings)
    assert as_lead.examples == len(a_pairs | study.b_codings)
    nearest_of_a = {s.nearest for s in as_a.suggestions if s.nearest}
    assert not nearest_of_a & b_segments  # A never sees B's lines as evidence
    b_code = {s.path: s for s in as_b.suggestions}[B_CODE]
    assert b_code.nearest in b_segments


def test_an_inductive_embedder_embeds_each_line_once_across_runs(study):
    from tests.themes.test_cache import CountingEmbedder

    first, second = CountingEmbedder(), CountingEmbedder()
    with study.db.transaction() as session:
        project = study.project(session)
        a = _proposed(session, project, ProposalSettings(k=3), embedder=first)
    with study.db.transaction() as session:
        project = study.project(session)
        b = _proposed(session, project, ProposalSettings(k=3), embedder=second)
    assert first.embedded and len(first.embedded) == len(set(first.embedded)) <= a.n_units  # each text once
    assert second.embedded == []  # the second run computes nothing new
    assert a.embedder == b.embedder == "counting.v1" and _candidates(a) == _candidates(b)
