"""Theme work reads the noun lemmas Kiwi stored at import instead of analysing the lines
again; lines of transcripts without that record (older imports) or analysed by another
backend are analysed through the feature cache, with the same results."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from coding.codebook import list_codes
from coding.refi import collect_project, import_qdpx, write_qdpx
from coding.users import get_user
from fgi.models import Segment, Transcript
from fgi.study import get_project
from tests.themes.study import A, LEAD, recorded_as, study  # noqa: F401 (fixture)
from themes.embedders import kiwi_lemmas
from themes.models import FeatureCache
from themes.proposals import ProposalSettings, make_embedder, propose
from themes.runs import get_run
from themes.scatter import run_points
from themes.suggestions import suggest_codes
from themes.units import lines_by_id, proposal_units

ALL = ProposalSettings(units="all", seed=5)
THEMES = ProposalSettings(level="theme", seed=5)


def _lead(session):
    return get_user(session, LEAD)

def _proposed(session, project, settings, **options):
    """A run proposed and read back as the lead."""
    lead = _lead(session)
    return get_run(session, project, propose(session, project, settings, viewer=lead, **options), viewer=lead)


def watch_kiwi(monkeypatch, kiwi) -> list[str]:
    """Every text the Kiwi analyser is asked to analyse from now on."""
    seen: list[str] = []
    analyze, analyze_many = kiwi.analyze, kiwi.analyze_many
    monkeypatch.setattr(kiwi, "analyze", lambda text: seen.append(text) or analyze(text))
    monkeypatch.setattr(kiwi, "analyze_many", lambda texts: seen.extend(texts) or analyze_many(texts))
    return seen


@pytest.fixture
def analysed(study, kiwi, monkeypatch) -> list[str]:
    return watch_kiwi(monkeypatch, kiwi)


def _candidates(run):
    return [(c.label, c.keywords, c.members, [q.segment_id for q in c.representatives],
             [(s.path, s.lines, s.dominant) for s in c.codes]) for c in run.candidates]


def _runs(db, *settings):
    with db.transaction() as session:
        project = get_project(session, "자활 FGI 주제")
        return [_proposed(session, project, s) for s in settings]


def _every_line(session, project):
    ids = session.scalars(select(Segment.id).join(Transcript).where(Transcript.project_id == project.id))
    return list(lines_by_id(session, project, ids).values())


def test_stored_noun_lemmas_are_those_of_a_fresh_analysis(study):
    with study.db.reading() as session:
        lines = _every_line(session, study.project(session))
    assert len(lines) > 150 and all(line.nouns is not None for line in lines)
    assert [list(line.nouns) for line in lines] == kiwi_lemmas([line.text for line in lines])
    assert sum(bool(line.nouns) for line in lines) > 100


def test_candidates_from_stored_lemmas_are_those_of_analysing_afresh(study, analysed):
    stored = _runs(study.db, ALL, THEMES)
    assert analysed == []
    recorded_as(study.db, study.transcripts, None)  # as if imported before the record: Kiwi runs again
    fresh = _runs(study.db, ALL, THEMES)
    assert analysed and [r.details["cache"]["computed"] for r in fresh] == [len(set(analysed)), 0]
    for a, b in zip(stored, fresh):
        assert _candidates(a) == _candidates(b) and a.details["k_scores"] == b.details["k_scores"]
        assert a.details["cache"]["stored"] > 0 and b.details["cache"]["stored"] == 0


def test_proposals_labels_and_the_scatter_analyse_no_kiwi_imported_line(study, analysed):
    with study.db.transaction() as session:
        project = study.project(session)
        every = proposal_units(session, project, "all", viewer=_lead(session))
        coded = proposal_units(session, project, "coded", viewer=_lead(session))
        sub, theme = (_proposed(session, project, s) for s in (ALL, THEMES))
        points = run_points(session, project, sub.id, make_embedder("kiwi-lsa", 0), viewer=_lead(session))
    assert analysed == []
    assert sub.details["cache"] == {"hits": 0, "computed": 0, "stored": len(every)}
    assert theme.details["cache"] == {"hits": 0, "computed": 0, "stored": len(coded)}
    assert all(c.keywords for c in sub.candidates + theme.candidates)
    assert len(points) == len(every)
    with study.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(FeatureCache)) == 0
    assert _candidates(_runs(study.db, ALL)[0]) == _candidates(sub)  # same input and seed, same candidates


def test_code_suggestions_analyse_only_the_code_definitions(study, analysed):
    targets = sorted({s for s, _ in study.a_codings})[:5]
    with study.db.transaction() as session:
        project = study.project(session)
        found = suggest_codes(session, get_user(session, A), project, targets, k=3)
        definitions = {" ".join(p for p in [c.definition, c.inclusion, *c.examples, *(c.keywords or [])] if p)
                       for c in list_codes(session, project)}
        texts = {line.text for line in _every_line(session, project)}
    assert len(found) == 5 and all(line.suggestions for line in found)
    assert analysed and set(analysed) <= definitions and not set(analysed) & texts


def test_lines_without_a_kiwi_record_are_analysed_and_give_the_same_candidates(study, analysed):
    reference = _runs(study.db, ALL)[0]
    recorded_as(study.db, ["실무자_FGI_1차"], None)  # imported before the backend was recorded
    recorded_as(study.db, ["주민_FGI_1차"], "okt", lemmas="가짜/NNG")  # Okt's lemmas are not Kiwi's nouns
    older = {study.transcripts["실무자_FGI_1차"], study.transcripts["주민_FGI_1차"]}
    with study.db.reading() as session:
        lines = proposal_units(session, study.project(session), "all", viewer=_lead(session))
    assert all((line.nouns is None) == (line.transcript_id in older) for line in lines)
    fallback = {line.text for line in lines if line.transcript_id in older}
    first, second = _runs(study.db, ALL, ALL)
    # each such line analysed twice (its noun lemmas, its label terms), in the first run only
    assert Counter(analysed) == Counter({text: 2 for text in fallback})
    stored = len(lines) - sum(line.transcript_id in older for line in lines)
    assert first.details["cache"] == {"hits": 0, "computed": len(fallback), "stored": stored}  # noun lemmas
    assert second.details["cache"] == {"hits": len(fallback), "computed": 0, "stored": stored}
    assert _candidates(first) == _candidates(second) == _candidates(reference)
    assert not any("가짜" in c.keywords for c in first.candidates)


def test_qdpx_imported_lines_read_their_stored_lemmas(study, kiwi, monkeypatch, tmp_path):
    with study.db.transaction() as session:
        project = study.project(session)
        data = collect_project(session, project, viewer=get_user(session, LEAD))
        original = {line.text: line.nouns for line in proposal_units(session, project, "all", viewer=_lead(session))}
        path = write_qdpx(data, tmp_path / "study.qdpx")
        import_qdpx(session, path, "복사본", actor="연구자", analyzer=kiwi)
    analysed = watch_kiwi(monkeypatch, kiwi)
    with study.db.transaction() as session:
        copy = get_project(session, "복사본")
        backends = set(session.scalars(select(Transcript.meta["morphology"].as_string())
                                       .where(Transcript.project_id == copy.id)))
        lines = proposal_units(session, copy, "all", viewer=_lead(session))
        run = _proposed(session, copy, ALL)
    assert backends == {"kiwi"} and len(lines) == len(original)
    assert {line.text: line.nouns for line in lines} == original
    assert analysed == [] and run.details["cache"] == {"hits": 0, "computed": 0, "stored": len(lines)}
