"""Search by lemma, surface and regular expression, KWIC rows, filters, the regex time
budget, and code all hits (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coding.applications import apply_code, codings_for
from coding.reveal import reveal
from fgi.errors import FgiError
from fgi.models import Event
from queries import search as search_module
from queries.code_all import LinesRefused, code_all
from queries.filters import Filters
from queries.search import LEMMA, REGEX, SURFACE, search
from tests.queries.conftest import A, B, CONFIDENCE, JOB, LEAD, OUTSIDER, project, user


def _search(study, viewer, query, mode=LEMMA, **kwargs):
    with study.db.reading() as session:
        return search(session, project(session), query, viewer=user(session, viewer), mode=mode, **kwargs)


def test_a_lemma_finds_every_inflection(study):
    result = _search(study, B, "까다롭다")
    assert result.lemmas == ("까다롭다",)
    assert [h.hit for h in result.hits] == ["까다로워서", "까다로운", "까다롭다고"]
    assert result.n_lines == 3 and result.n_hits == 3 and not result.truncated
    first = result.hits[0]
    assert first.left == "처음에는 서류가 " and first.right.startswith(" 포기할")
    assert first.line.speaker == "P01" and first.line.transcript == "first" and first.line.line == 2
    # An inflected query is its lemma too.
    assert [h.hit for h in _search(study, B, "까다로운").hits] == ["까다로워서", "까다로운", "까다롭다고"]


def test_a_lemma_phrase_must_follow_in_order(study):
    assert [h.line.line for h in _search(study, LEAD, "자신감이 돌아오다").hits] == [6]
    assert _search(study, LEAD, "돌아오다 자신감").hits == []


def test_surface_and_regex(study):
    surface = _search(study, LEAD, "자신감", SURFACE)
    assert [h.hit for h in surface.hits] == ["자신감"] * 3
    assert _search(study, LEAD, "까다롭다", SURFACE).n_hits == 1  # the surface text only
    pattern = _search(study, LEAD, r"자격증\S*", REGEX)
    assert [h.hit for h in pattern.hits] == ["자격증", "자격증을"]
    odd = _search(study, LEAD, "100%_ (웃음)", SURFACE)  # LIKE wildcards are literal
    assert odd.hits == []
    laugh = _search(study, LEAD, "(웃음)", SURFACE)
    assert [h.hit for h in laugh.hits] == ["(웃음)"]


def test_filters_apply_to_search(study):
    assert [h.line.line for h in _search(study, LEAD, "까다롭다", filters=Filters.of(groups=["실무자"])).hits] == [2]
    assert [h.line.line for h in _search(study, LEAD, "까다롭다", filters=Filters.of(participants=["P03"])).hits] == [4]
    assert _search(study, LEAD, "자활센터", SURFACE, filters=Filters.of(roles=["moderator"])).n_hits == 1


def test_a_coder_filter_in_search_is_blind(study):
    coded_by_a = _search(study, LEAD, "자신감", SURFACE, filters=Filters.of(coders=[A]))
    assert [h.line.line for h in coded_by_a.hits] == [3, 6, 4]
    assert _search(study, B, "자신감", SURFACE, filters=Filters.of(coders=[A])).hits == []
    with study.db.transaction() as session:
        apply_code(session, user(session, A), study.segment("first", 2), JOB)
    assert _search(study, B, "까다롭다", filters=Filters.of(coders=[A])).hits == []


def test_bad_queries_are_clear_errors(study, monkeypatch):
    for query, mode in [("", LEMMA), ("에서", LEMMA), ("(", REGEX), ("x" * 300, SURFACE)]:
        with pytest.raises(FgiError):
            _search(study, LEAD, query, mode)
    with pytest.raises(FgiError):
        _search(study, LEAD, "자신감", "fuzzy")
    with pytest.raises(FgiError):
        _search(study, OUTSIDER, "자신감", SURFACE)


def test_a_catastrophic_pattern_stops_within_its_budget(study, monkeypatch):
    import time

    monkeypatch.setattr(search_module, "REGEX_SECONDS", 0.2)
    t0 = time.monotonic()
    with pytest.raises(FgiError) as caught:
        _search(study, LEAD, r"((?:.|.)*)*((?:.|.)*)*요$", REGEX)
    # the regex module's timeout counts the scan's own work, so a busy machine stretches it
    assert time.monotonic() - t0 < 60
    assert "0 s" in caught.value.message or "stopped" in caught.value.message


def test_limit_counts_every_hit(study):
    result = _search(study, LEAD, "요", SURFACE, limit=2)
    assert len(result.hits) == 2 and result.truncated and result.n_hits > 2


def _events(session, kind="code.apply"):
    return session.scalar(select(func.count(Event.id)).where(Event.kind == kind))


def test_code_all_hits_one_event_per_new_coding(study):
    hits = _search(study, B, "까다롭다")
    with study.db.transaction() as session:
        before = _events(session)
        done = code_all(session, project(session), hits.segment_ids, JOB, actor=user(session, B))
        assert _events(session) == before + 3
    assert done.code == JOB and len(done.applied) == 3 and done.already == ()
    with study.db.transaction() as session:
        again = code_all(session, project(session), hits.segment_ids[:1], JOB, actor=user(session, B))
        assert again.applied == () and again.already == (hits.segment_ids[0],)
    with study.db.reading() as session:
        mine = codings_for(session, user(session, B), project=project(session))
        assert {c.segment_id for c in mine if c.code_path == JOB} >= set(hits.segment_ids)
        # A sees none of it
        assert not [c for c in codings_for(session, user(session, A), project=project(session)) if c.coder == B]


def test_code_all_refuses_every_line_when_some_may_not_be_coded(study):
    hits = _search(study, B, "까다롭다")
    with study.db.transaction() as session:
        reveal(session, user(session, LEAD), study.transcripts["second"])
    with study.db.reading() as session:
        before = _events(session)
    with pytest.raises(LinesRefused) as caught:
        with study.db.transaction() as session:
            code_all(session, project(session), hits.segment_ids, CONFIDENCE, actor=user(session, B))
    assert study.segment("second", 2) in caught.value.message
    with study.db.reading() as session:
        assert _events(session) == before  # nothing half-written
    with pytest.raises(FgiError):
        with study.db.transaction() as session:
            code_all(session, project(session), hits.segment_ids, CONFIDENCE, actor=user(session, OUTSIDER))
    with pytest.raises(FgiError):
        with study.db.transaction() as session:
            code_all(session, project(session), [], CONFIDENCE, actor=user(session, B))


def test_code_all_hits_is_undone_as_one_step(study):
    from coding.undo import undo

    hits = _search(study, B, "까다롭다")
    with study.db.transaction() as session:
        done = code_all(session, project(session), hits.segment_ids, JOB, actor=user(session, B))
    assert [a.segment_id for a in done.actions] == list(done.applied)
    with study.db.transaction() as session:
        undo(session, list(done.actions), actor=user(session, B))
    with study.db.reading() as session:
        mine = codings_for(session, user(session, B), project=project(session))
        assert not {c.segment_id for c in mine if c.code_path == JOB} & set(hits.segment_ids)
        assert _events(session, "code.remove") == 3 and _events(session, "coding.undo") == 1


def test_errors_are_korean_in_a_korean_context(study):
    from fgi.i18n import set_language

    set_language("ko")
    try:
        with pytest.raises(FgiError) as caught:
            _search(study, LEAD, "(", REGEX)
        assert caught.value.message.startswith("올바른 정규식이 아닙니다")
    finally:
        set_language(None)


def test_a_regex_is_narrowed_by_its_required_literal_only_when_that_is_safe():
    from queries.search import required_literal

    assert required_literal(r"자격증\S*") == "자격증"
    assert required_literal(r"자격증?") == "자격"
    assert required_literal(r"서류|절차") is None
    assert required_literal(r"\w+") is None
    assert required_literal(r"(") is None
    assert required_literal(r"어려(웠|운)\s*점") == "어려"


def test_regex_hits_across_lines_are_not_hits_and_anchors_work_per_line(study):
    assert _search(study, LEAD, r"요\.\s+처음", REGEX).hits == []  # would span two lines
    ends = _search(study, LEAD, r"요\.$", REGEX)
    assert ends.n_lines >= 5 and all(h.right == "" for h in ends.hits)
    starts = _search(study, LEAD, r"^자격증", REGEX)
    assert [h.line.line for h in starts.hits] == [4, 6]
