"""Retrieval by codes with AND / OR / NOT, filters, context, and blind coding in every
result and count (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from coding.applications import apply_code
from coding.reveal import reveal
from fgi.errors import FgiError, NotFound
from queries.filters import Filters
from queries.retrieval import CodeQuery, retrieve
from tests.queries.conftest import A, B, CHANGE, CONFIDENCE, JOB, LEAD, MONEY, OUTSIDER, project, user


def _lines(result) -> list[tuple[str, int]]:
    return [(r.line.transcript_id, r.line.line) for r in result.lines]


def _run(study, viewer, query, **kwargs):
    with study.db.reading() as session:
        return retrieve(session, project(session), query, viewer=user(session, viewer), **kwargs)


def test_and_not_or_combine_codes_as_a_lead_sees_them(study):
    s = study.segment
    t = study.transcripts
    confident = _run(study, LEAD, CodeQuery(("자신감 회복",)))
    assert _lines(confident) == [(t["first"], 3), (t["first"], 6), (t["second"], 4)]
    assert confident.counts == {"자신감 회복": 3}
    line3 = confident.lines[0]
    assert line3.codes[0].path == CONFIDENCE and line3.codes[0].coders == (A, B)
    assert line3.line.speaker == "P02" and line3.line.group == "주민" and "자신감" in line3.line.text
    not_job = _run(study, LEAD, CodeQuery((CONFIDENCE,), none_of=(JOB,)))
    assert _lines(not_job) == [(t["first"], 3), (t["second"], 4)]
    both = _run(study, LEAD, CodeQuery((CONFIDENCE,), all_of=(JOB,)))
    assert [r.line.segment_id for r in both.lines] == [s("first", 6)]
    either = _run(study, LEAD, CodeQuery((CONFIDENCE, MONEY)))
    assert len(either.lines) == 4 and either.counts == {CONFIDENCE: 3, MONEY: 1}
    assert set(either.by_code()) == {CONFIDENCE, MONEY}


def test_a_code_may_include_its_descendants(study):
    assert _run(study, LEAD, CodeQuery((CHANGE,))).lines == []
    below = _run(study, LEAD, CodeQuery((CHANGE,), descendants=True))
    assert len(below.lines) == 4  # first 3, 4, 6; second 4
    assert {c.path for r in below.lines for c in r.codes} == {CONFIDENCE, JOB}
    assert below.counts == {CHANGE: 4}


def test_filters_and_context(study):
    t = study.transcripts
    only_second = _run(study, LEAD, CodeQuery((CONFIDENCE,)), filters=Filters.of(groups=["실무자"]))
    assert _lines(only_second) == [(t["second"], 4)]
    by_b = _run(study, LEAD, CodeQuery((CONFIDENCE,)), filters=Filters.of(coders=[B]))
    assert _lines(by_b) == [(t["first"], 3)]
    assert by_b.lines[0].codes[0].coders == (B,)
    p3 = _run(study, LEAD, CodeQuery((JOB,)), filters=Filters.of(participants=["P03"]))
    assert _lines(p3) == [(t["first"], 4)]
    framed = _run(study, LEAD, CodeQuery((CONFIDENCE,)), context=2)
    first = framed.lines[0]
    assert [x.line for x in first.before] == [1, 2] and [x.line for x in first.after] == [4, 5]
    last = framed.lines[-1]
    assert [x.line for x in last.after] == []  # the transcript ends at line 4
    with pytest.raises(FgiError):
        _run(study, LEAD, CodeQuery((CONFIDENCE,)), context=99)


def test_unknown_codes_and_outsiders_are_refused(study):
    with pytest.raises(NotFound):
        _run(study, LEAD, CodeQuery(("없는 코드",)))
    with pytest.raises(FgiError):
        _run(study, LEAD, CodeQuery(()))
    with pytest.raises(FgiError):
        _run(study, OUTSIDER, CodeQuery((CONFIDENCE,)))


def test_a_coder_sees_only_their_own_until_reveal_and_nothing_changes_when_another_codes(study):
    t = study.transcripts
    mine = _run(study, B, CodeQuery((CONFIDENCE, JOB)))
    assert _lines(mine) == [(t["first"], 3), (t["first"], 6)]
    assert all(c.coders == (B,) for r in mine.lines for c in r.codes)
    assert mine.counts == {CONFIDENCE: 1, JOB: 1}
    # Another coder codes an unrevealed transcript: B's results and counts stay the same.
    with study.db.transaction() as session:
        apply_code(session, user(session, A), study.segment("second", 2), JOB)
        apply_code(session, user(session, A), study.segment("first", 7), CONFIDENCE)
    again = _run(study, B, CodeQuery((CONFIDENCE, JOB)))
    assert _lines(again) == _lines(mine) and again.counts == mine.counts
    assert _run(study, B, CodeQuery((CONFIDENCE,)), filters=Filters.of(coders=[A])).lines == []
    # After reveal B sees A's codings of that transcript.
    with study.db.transaction() as session:
        reveal(session, user(session, LEAD), study.transcripts["second"])
    revealed = _run(study, B, CodeQuery((CONFIDENCE, JOB)))
    assert (t["second"], 4) in _lines(revealed) and (t["second"], 2) in _lines(revealed)
    assert (t["first"], 7) not in _lines(revealed)
