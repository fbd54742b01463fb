"""The shared query filters: names checked against the project, lines and codings in scope,
the blind rule applied to coder filters (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.applications import apply_code
from coding.models import CodeApplication
from fgi.errors import NotFound
from fgi.models import Segment, Transcript
from queries.filters import Filters, resolve, visible_codings
from tests.queries.conftest import A, B, CONFIDENCE, LEAD, project, user


def _lines(session, scope) -> set[tuple[str, int]]:
    rows = session.execute(select(Segment.transcript_id, Segment.line)
                           .join(Transcript, Transcript.id == Segment.transcript_id)
                           .where(scope.line_condition())).all()
    return {(t, n) for t, n in rows}


def test_filters_by_transcript_group_participant_and_role(study):
    first, second = study.transcripts["first"], study.transcripts["second"]
    with study.db.reading() as session:
        p = project(session)
        assert {t for t, _ in _lines(session, resolve(session, p, Filters()))} == {first, second}
        assert {t for t, _ in _lines(session, resolve(session, p, Filters.of(transcripts=["second"])))} == {second}
        assert {t for t, _ in _lines(session, resolve(session, p, Filters.of(groups=["실무자"])))} == {second}
        moderators = _lines(session, resolve(session, p, Filters.of(roles=["moderator"])))
        assert moderators == {(first, 1), (second, 1)}
        p1 = _lines(session, resolve(session, p, Filters.of(participants=["P01"])))
        assert p1 and all(t == first for t, _ in p1)
        both = _lines(session, resolve(session, p, Filters.of(groups=["주민"], roles=["participant"])))
        assert (first, 1) not in both and (first, 2) in both


@pytest.mark.parametrize("field,value", [("transcripts", "없는 전사본"), ("groups", "없는 집단"),
                                         ("participants", "P99"), ("roles", "observer"), ("coders", "아무개")])
def test_unknown_names_are_errors_that_name_them(study, field, value):
    with study.db.reading() as session:
        with pytest.raises(NotFound) as caught:
            resolve(session, project(session), Filters.of(**{field: [value]}))
    assert value in str(caught.value) or value in caught.value.message


def test_a_coder_filter_follows_the_blind_rule(study):
    with study.db.reading() as session:
        p = project(session)
        scope = resolve(session, p, Filters.of(coders=[B]))
        as_a = session.execute(visible_codings(session, user(session, A), p, scope, CodeApplication.id)).all()
        as_lead = session.execute(visible_codings(session, user(session, LEAD), p, scope, CodeApplication.id)).all()
    assert as_a == []  # A may not see B's codings of unrevealed transcripts
    assert len(as_lead) == 3
    with study.db.transaction() as session:
        apply_code(session, user(session, B), study.segment("first", 5), CONFIDENCE)
    with study.db.reading() as session:
        p = project(session)
        scope = resolve(session, p, Filters.of(coders=[B]))
        assert session.execute(visible_codings(session, user(session, A), p, scope, CodeApplication.id)).all() == []
