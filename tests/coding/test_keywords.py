"""Keyword suggestions: Kiwi lemmas matched by spaCy rules, never applied silently."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.applications import apply_code, codings_for
from coding.codebook import CodeView, list_codes
from coding.errors import PermissionDenied
from coding.keywords import (
    KeywordPattern, accept_suggestion, analyse_keyword, keyword_patterns, match_keywords, reject_suggestion,
    suggest_keywords,
)
from coding.models import KeywordRejection
from coding.users import get_user
from fgi.models import Event
from fgi.study import get_project


@pytest.mark.parametrize(("keyword", "lemmas"), [
    ("까다롭다", ("까다롭다",)),
    ("우울하다", ("우울",)),        # the 하 of a 하다-adjective is not required
    ("우울감", ("우울감",)),
    ("탈수급", ("탈", "수급")),     # the prefix stays: 탈수급 is not 수급
    ("슈퍼비전", ("슈퍼", "비전")),  # Kiwi splits it; both parts are needed, in order
    ("할 수 있다", ("하다", "수", "있다")),
    ("물어보다", ("묻다", "보다")),
    ("연락하다", ("연락",)),
    ("에서", ()),                   # a particle alone: nothing to match
])
def test_keywords_are_analysed_by_the_same_tokenizer(keyword, lemmas):
    assert analyse_keyword(keyword)[0] == lemmas


def _patterns(*keywords):
    return keyword_patterns([CodeView(i, 1, None, k, k, 0, 0, None, None, None, [], [], None, [k])
                             for i, k in enumerate(keywords)])


@pytest.mark.parametrize(("keyword", "text", "matched"), [
    ("까다롭다", "척도 문항이 너무 까다로워서 주민분들이 힘들어하세요.", "까다로워서"),
    ("우울하다", "너무 우울해서 아침에 씻는 것조차 힘들었다고", "우울해서"),
    ("우울하다", "우울한 마음이 좀 나아졌어요", "우울한"),
    ("우울감", "우울감을 가지고 계신 분들이 정말 많거든요.", "우울감을"),
    ("탈수급", "탈수급하고 취업하는 게 정책에서 말하는 목적이니까요.", "탈수급하고"),
    ("슈퍼비전", "외부 슈퍼비전을 분기마다 받아요.", "슈퍼비전을"),
    ("사례회의", "사례 회의를 매주 해요.", "사례 회의를"),
    ("할 수 있다", "나도 할 수도 있겠다 싶었어요.", "할 수도 있겠다"),
    ("물어보다", "선생님이 매주 괜찮으냐고 물어봐 주시니까", "물어봐"),
    ("챙기다", "언니들이 반찬을 챙겨 주고", "챙겨"),
    ("자조모임", "자조모임에서 다른 분을 위로하세요.", "자조모임에서"),
    ("연락하다", "전날 미리 연락해 주세요.", "연락해"),
    ("탈수급", "취업률이나 탈수급률은 딱 떨어지는데", "탈수급률은"),
])
def test_inflected_forms_match_their_keyword(keyword, text, matched):
    [hits] = match_keywords([text], _patterns(keyword))
    assert [m.text for _, m in hits] == [matched]
    match = hits[0][1]
    assert text[match.start:match.end] == matched


@pytest.mark.parametrize(("keyword", "text"), [
    ("탈수급", "수급이 끊길까 봐 망설여져요."),   # 수급 alone is not 탈수급
    ("우울감", "너무 우울해서 힘들었어요."),       # the feeling word is its own keyword
    ("우울하다", "우울감이 줄었어요."),
    ("사례회의", "사례를 두고 회의를 했어요."),     # parts of a compound must be adjacent
    ("할 수 있다", "할 일이 있다고 하셨어요."),
    ("떨다", "첫날에 너무 떨려서 못 들어갔어요."),  # 떨리다 is another verb: an honest miss
    ("자동", "자동차를 타고 왔어요."),             # too short to be found inside a longer word
])
def test_what_does_not_match(keyword, text):
    assert match_keywords([text], _patterns(keyword)) == [[]]


def test_kiwi_misreads_a_compound_and_the_surface_rule_catches_it():
    # In context Kiwi reads 탈수급하고 as 탈수 (dehydration) + 급하다 (urgent).
    [pattern] = _patterns("탈수급")
    assert pattern.surface
    [hits] = match_keywords(["탈수급하고 취업하는 게 목적이니까요."], [pattern])
    assert [(m.start, m.end, m.text) for _, m in hits] == [(0, 5, "탈수급하고")]
    assert not _patterns("자동")[0].surface and not _patterns("까다롭다")[0].surface


def test_an_unusable_keyword_is_reported_not_matched():
    [pattern] = _patterns("에서")
    assert pattern.problem and pattern.patterns == ()
    assert match_keywords(["집에서 했어요"], [pattern]) == [[]]


def _suggestions(study, user=None, **kwargs):
    with study.db.reading() as session:
        return suggest_keywords(session, get_user(session, user or study.coder),
                                get_project(session, study.project), **kwargs)


def test_the_sample_study_gets_suggestions_on_most_lines(study):
    suggestions = _suggestions(study)
    segments = {s.segment_id for s in suggestions}
    with study.db.reading() as session:
        patterns = keyword_patterns(list_codes(session, get_project(session, study.project)))
    matched = {k for s in suggestions for k in s.keywords}
    # 207 segments, 148 of them neither moderator lines nor back-channels.
    assert len(segments) == 106 and len(suggestions) == 161
    assert matched == {p.keyword for p in patterns}  # every sample keyword occurs somewhere
    with_moderators = _suggestions(study, include_moderators=True)
    assert len({s.segment_id for s in with_moderators}) == 118
    one = next(s for s in suggestions if s.code_path == "실무의 어려움/평가 지표의 한계"
               and "까다롭다" in s.keywords)
    match = next(m for m in one.matches if m.keyword == "까다롭다")
    assert one.segment_text[match.start:match.end] == match.text and match.text.startswith("까다로")


def test_suggestions_are_scoped_to_a_transcript(study):
    residents = study.transcripts["주민_FGI_1차"]
    suggestions = _suggestions(study, transcript_id=residents)
    assert suggestions and {s.transcript_id for s in suggestions} == {residents}


def test_accept_and_reject(study):
    first, second = _suggestions(study)[:2]
    with study.db.transaction() as session:
        coder = get_user(session, study.coder)
        coding = accept_suggestion(session, coder, first.segment_id, first.code_id)
        assert coding.source == "keyword"
        assert reject_suggestion(session, coder, second.segment_id, second.code_path) is True
        assert reject_suggestion(session, coder, second.segment_id, second.code_path) is False
    pairs = {(s.segment_id, s.code_id) for s in _suggestions(study)}
    assert (first.segment_id, first.code_id) not in pairs  # applied: no longer suggested
    assert (second.segment_id, second.code_id) not in pairs  # rejected: not suggested again
    other = {(s.segment_id, s.code_id) for s in _suggestions(study, study.coders[1])}
    assert (second.segment_id, second.code_id) in other  # another coder's suggestions are theirs
    with study.db.reading() as session:
        assert len(session.scalars(select(KeywordRejection)).all()) == 1
        kinds = session.scalars(select(Event.kind).where(Event.actor == study.coder)).all()
        assert kinds == ["code.apply", "keyword.reject"]
        rows = codings_for(session, get_user(session, study.coder), project=get_project(session, study.project))
        assert [(r.segment_id, r.source) for r in rows] == [(first.segment_id, "keyword")]


def test_nothing_is_applied_silently(study):
    _suggestions(study)
    with study.db.reading() as session:
        assert codings_for(session, get_user(session, study.lead), project=get_project(session, study.project)) == []


def test_codes_already_applied_by_the_coder_are_not_suggested(study):
    first = _suggestions(study)[0]
    with study.db.transaction() as session:
        apply_code(session, get_user(session, study.coder), first.segment_id, first.code_id)
    assert (first.segment_id, first.code_id) not in {(s.segment_id, s.code_id) for s in _suggestions(study)}


def test_outsiders_get_no_suggestions(study):
    with pytest.raises(PermissionDenied):
        _suggestions(study, study.outsider)


def test_a_codebook_without_keywords_suggests_nothing():
    assert match_keywords(["아무 말"], [KeywordPattern(1, "x", "", (), ())]) == [[]]
