"""Applying and removing codes, and blind reads through ``codings_for``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.applications import apply_code, codings_for, is_revealed, remove_code, reveal
from coding.codebook import add_code
from coding.errors import PermissionDenied
from coding.models import CodeApplication
from coding.users import add_member, get_user
from fgi.errors import FgiError, NotFound
from fgi.models import Event, Project
from fgi.study import create_project, get_project

CONFIDENCE = "참여주민의 변화/자신감 회복"
RELATIONS = "참여주민의 변화/관계 회복"
STIGMA = "참여주민이 경험한 자활/참여 초기의 낙인감"


def _segment(study, line, transcript="주민_FGI_1차"):
    return f"{study.transcripts[transcript]}-{line:04d}"


@pytest.fixture
def coded(study):
    """Two coders code the residents' transcript (and one line of the practitioners')."""
    a, b = study.coders
    with study.db.transaction() as session:
        coder_a, coder_b = get_user(session, a), get_user(session, b)
        apply_code(session, coder_a, _segment(study, 10), STIGMA, memo="주민센터에서 창피함")
        apply_code(session, coder_a, _segment(study, 10), CONFIDENCE)
        apply_code(session, coder_b, _segment(study, 10), STIGMA)
        apply_code(session, coder_b, _segment(study, 20), RELATIONS)
        apply_code(session, coder_b, _segment(study, 5, "실무자_FGI_1차"), "실무의 어려움/행정 서류 부담")
    return study


def _seen(study, viewer, **scope):
    with study.db.reading() as session:
        project = get_project(session, study.project)
        rows = codings_for(session, get_user(session, viewer), project=project, **scope)
    return sorted((r.segment_id[-4:], r.code_path.split("/")[-1], r.coder) for r in rows)


def test_apply_records_who_what_and_memo(coded):
    with coded.db.reading() as session:
        events = session.scalars(select(Event).where(Event.kind == "code.apply").order_by(Event.id)).all()
        rows = codings_for(session, get_user(session, coded.lead), project=get_project(session, coded.project))
    assert len(events) == 5 and events[0].actor == coded.coders[0]
    assert events[0].subject == _segment(coded, 10)
    assert events[0].payload["after"] == {
        "segment": _segment(coded, 10), "code": STIGMA, "code_id": events[0].payload["after"]["code_id"],
        "coder": coded.coders[0], "memo": "주민센터에서 창피함", "source": "manual"}
    first = next(r for r in rows if r.memo)
    assert (first.line, first.source, first.memo) == (10, "manual", "주민센터에서 창피함")


def test_applying_again_changes_only_the_memo(coded):
    with coded.db.transaction() as session:
        coder = get_user(session, coded.coders[0])
        again = apply_code(session, coder, _segment(coded, 10), STIGMA)
        assert again.memo == "주민센터에서 창피함"
        apply_code(session, coder, _segment(coded, 10), STIGMA, memo="첫날의 망설임")
    with coded.db.reading() as session:
        assert len(session.scalars(select(CodeApplication)).all()) == 5
        memo = session.scalars(select(Event).where(Event.kind == "code.memo")).one()
        assert (memo.payload["before"]["memo"], memo.payload["after"]["memo"]) == ("주민센터에서 창피함", "첫날의 망설임")


def test_remove_deletes_the_row_and_records_it(coded):
    with coded.db.transaction() as session:
        remove_code(session, get_user(session, coded.coders[0]), _segment(coded, 10), "자신감 회복")
    with coded.db.reading() as session:
        event = session.scalars(select(Event).where(Event.kind == "code.remove")).one()
        assert event.payload["before"]["code"] == CONFIDENCE and event.payload["after"] is None
    assert _seen(coded, coded.coders[0]) == [("0010", "참여 초기의 낙인감", coded.coders[0])]
    with pytest.raises(NotFound, match="has not coded segment"):
        with coded.db.transaction() as session:
            remove_code(session, get_user(session, coded.coders[0]), _segment(coded, 10), CONFIDENCE)


@pytest.mark.parametrize(("segment", "code", "error", "message"), [
    ("nope-0001", CONFIDENCE, NotFound, "no segment 'nope-0001'"),
    (None, "없는 코드", NotFound, "no code '없는 코드'"),
    (None, 99999, NotFound, "no code with id 99999"),
])
def test_apply_refuses_unknown_things(study, segment, code, error, message):
    with pytest.raises(error, match=message):
        with study.db.transaction() as session:
            apply_code(session, get_user(session, study.coder), segment or _segment(study, 3), code)


def test_only_members_and_admins_code(study):
    with pytest.raises(PermissionDenied, match="외부인 is not a member of project '자활 FGI'"):
        with study.db.transaction() as session:
            apply_code(session, get_user(session, study.outsider), _segment(study, 10), CONFIDENCE)
    with study.db.transaction() as session:
        apply_code(session, get_user(session, study.admin), _segment(study, 10), CONFIDENCE)


def test_a_code_of_another_project_cannot_be_applied(study):
    with study.db.transaction() as session:
        other = create_project(session, "다른 연구", actor="setup")
        add_code(session, other, "다른 코드", actor="setup")
        add_member(session, other, get_user(session, study.coder), actor="setup")
    with pytest.raises(NotFound, match="no code '다른 코드' in project '자활 FGI'"):
        with study.db.transaction() as session:
            apply_code(session, get_user(session, study.coder), _segment(study, 10), "다른 코드")


def test_blind_coders_see_only_their_own(coded):
    a, b = coded.coders
    assert _seen(coded, a) == [("0010", "자신감 회복", a), ("0010", "참여 초기의 낙인감", a)]
    assert {coder for *_, coder in _seen(coded, b)} == {b}
    assert len(_seen(coded, coded.lead)) == len(_seen(coded, coded.admin)) == 5


def test_every_scope_goes_through_the_same_rule(coded):
    a = coded.coders[0]
    transcript = coded.transcripts["주민_FGI_1차"]
    with coded.db.reading() as session:
        viewer = get_user(session, a)
        by_transcript = codings_for(session, viewer, transcript_id=transcript)
        by_segments = codings_for(session, viewer, segment_ids=[_segment(coded, 10), _segment(coded, 20)])
        only_b = codings_for(session, viewer, transcript_id=transcript, coder=get_user(session, coded.coders[1]))
        assert codings_for(session, viewer, segment_ids=[]) == []
    assert {r.coder for r in by_transcript + by_segments} == {a} and len(by_segments) == 2
    assert only_b == []


def test_reveal_opens_one_transcript_to_coders(coded):
    a, b = coded.coders
    residents = coded.transcripts["주민_FGI_1차"]
    with coded.db.transaction() as session:
        assert reveal(session, get_user(session, coded.lead), residents, reason="1차 코딩 완료") is True
        assert reveal(session, get_user(session, coded.lead), residents) is False
        assert is_revealed(session, residents)
    seen = _seen(coded, a)
    assert ("0010", "참여 초기의 낙인감", b) in seen and ("0020", "관계 회복", b) in seen
    assert not any(segment == "0005" for segment, *_ in seen)  # the practitioners' is still blind
    with coded.db.reading() as session:
        event = session.scalars(select(Event).where(Event.kind == "transcript.reveal")).one()
        assert (event.actor, event.subject, event.reason) == (coded.lead, residents, "1차 코딩 완료")


def test_only_leads_reveal(coded):
    with pytest.raises(PermissionDenied, match="only a lead or admin may reveal"):
        with coded.db.transaction() as session:
            reveal(session, get_user(session, coded.coders[0]), coded.transcripts["주민_FGI_1차"])
    with pytest.raises(NotFound, match="no transcript"):
        with coded.db.transaction() as session:
            reveal(session, get_user(session, coded.lead), "nope")


def test_an_open_project_shows_everything(coded):
    with coded.db.transaction() as session:
        get_project(session, coded.project).blind_coding = False
    assert len(_seen(coded, coded.coders[0])) == 5


def test_outsiders_read_nothing(coded):
    with pytest.raises(PermissionDenied):
        _seen(coded, coded.outsider)
    with coded.db.reading() as session, pytest.raises(FgiError, match="say which codings"):
        codings_for(session, get_user(session, coded.lead))


def test_codings_go_with_their_segments(coded):
    with coded.db.transaction() as session:
        session.delete(session.scalars(select(Project)).one())
    with coded.db.reading() as session:
        assert session.scalars(select(CodeApplication)).all() == []
