"""Reveal as a recorded step (the agreement snapshot, the post-reveal setting) and coding
rounds (close, reopen on the same or new transcripts, agreement per round and its trend)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.agreement import agreement_report, as_json
from coding.applications import apply_code, codings_for, is_revealed, remove_code, reveal
from coding.codebook import update_code
from coding.models import CodeApplication, Memo, RevealSnapshot
from coding.reveal import (
    ChangeAfterReveal, latest_snapshots, post_reveal_changes, post_reveal_policy, set_post_reveal_policy,
)
from coding.errors import PermissionDenied
from coding.rounds import (
    RoundClosed, agreement_trend, close_round, list_rounds, open_round, round_agreement, round_codings,
)
from coding.users import get_user
from fgi.errors import FgiError
from fgi.models import Event
from fgi.study import get_project

CONFIDENCE = "참여주민의 변화/자신감 회복"
RELATIONS = "참여주민의 변화/관계 회복"
STIGMA = "참여주민이 경험한 자활/참여 초기의 낙인감"
RESIDENTS, PRACTITIONERS = "주민_FGI_1차", "실무자_FGI_1차"


def _segment(study, line, transcript=RESIDENTS):
    return f"{study.transcripts[transcript]}-{line:04d}"


@pytest.fixture
def coded(study):
    """Both coders code lines 10-14 of the residents' transcript, agreeing on some."""
    a, b = study.coders
    with study.db.transaction() as session:
        coder_a, coder_b = get_user(session, a), get_user(session, b)
        for line in (10, 11, 12, 13):
            apply_code(session, coder_a, _segment(study, line), STIGMA)
        for line in (10, 11, 14):
            apply_code(session, coder_b, _segment(study, line), STIGMA)
        apply_code(session, coder_a, _segment(study, 20), RELATIONS)
        apply_code(session, coder_b, _segment(study, 20), RELATIONS)
        apply_code(session, coder_b, _segment(study, 21), CONFIDENCE)
    return study


def _lead(session, study):
    return get_user(session, study.lead)


def _reveal(study, transcript=RESIDENTS):
    with study.db.transaction() as session:
        return reveal(session, _lead(session, study), study.transcripts[transcript], reason="1차 끝")


def _live(study, transcript=RESIDENTS):
    with study.db.reading() as session:
        return as_json(agreement_report(session, get_project(session, study.project), viewer=_lead(session, study),
                                        transcript_id=study.transcripts[transcript], n_boot=1000))


def test_reveal_stores_the_agreement_of_that_moment(coded):
    before = _live(coded)
    assert _reveal(coded) is True and _reveal(coded) is False  # the second stores nothing
    with coded.db.reading() as session:
        stored = session.scalars(select(RevealSnapshot)).one()
        ids = sorted(session.scalars(select(CodeApplication.id).where(
            CodeApplication.segment_id.like(coded.transcripts[RESIDENTS] + "-%"))))
        event = session.scalars(select(Event).where(Event.kind == "transcript.reveal")).one()
        shown = latest_snapshots(session, get_project(session, coded.project), viewer=get_user(session, coded.coder))
    assert [(s.round_number, s.transcript) for s in shown] == [(1, RESIDENTS)]  # round 1, written down now
    assert stored.report == before  # what agreement.py reported, computed from these codings
    assert stored.coding_ids == ids and stored.codings == 10
    assert 0 < before["overall"]["alpha"] < 1 and before["overall"]["alpha_ci"][0] < before["overall"]["alpha"]
    assert event.payload["after"]["alpha"] == before["overall"]["alpha"] and event.reason == "1차 끝"
    assert event.payload["after"]["snapshot"] == stored.id


def test_after_reveal_changes_are_blocked_by_default(coded):
    _reveal(coded)
    a = coded.coders[0]
    with coded.db.reading() as session:
        assert post_reveal_policy(session, get_project(session, coded.project)) == "blocked"
    for change in (lambda s: apply_code(s, get_user(s, a), _segment(coded, 14), STIGMA),
                   lambda s: remove_code(s, get_user(s, a), _segment(coded, 10), STIGMA),
                   lambda s: apply_code(s, get_user(s, a), _segment(coded, 10), STIGMA, memo="나중 메모"),
                   lambda s: apply_code(s, _lead(s, coded), _segment(coded, 14), STIGMA)):
        with pytest.raises(ChangeAfterReveal, match="blocks coding changes after reveal") as raised:
            with coded.db.transaction() as session:
                change(session)
        assert "post-reveal allowed" in raised.value.hint
    with coded.db.reading() as session:
        assert session.scalar(select(Memo).where(Memo.text == "나중 메모")) is None
        assert len(session.scalars(select(CodeApplication)).all()) == 10
    with coded.db.transaction() as session:  # an unrevealed transcript is coded as before
        apply_code(session, get_user(session, a), _segment(coded, 5, PRACTITIONERS), STIGMA)


def test_allowed_changes_are_post_reveal_and_leave_the_snapshot_alone(coded):
    _reveal(coded)
    a = coded.coders[0]
    at_reveal = _live(coded)
    with coded.db.reading() as session:
        round_before = round_agreement(session, get_project(session, coded.project), 1,
                                       viewer=_lead(session, coded))
    with pytest.raises(PermissionDenied):
        with coded.db.transaction() as session:
            set_post_reveal_policy(session, get_user(session, a), get_project(session, coded.project), "allowed")
    with pytest.raises(FgiError, match="unknown post-reveal setting"):
        with coded.db.transaction() as session:
            set_post_reveal_policy(session, _lead(session, coded), get_project(session, coded.project), "maybe")
    with coded.db.transaction() as session:
        project = get_project(session, coded.project)
        assert set_post_reveal_policy(session, _lead(session, coded), project, "allowed", reason="합의 토론")
        apply_code(session, get_user(session, a), _segment(coded, 14), STIGMA)  # now agrees with B
        apply_code(session, get_user(session, a), _segment(coded, 10), STIGMA, memo="토론 후 메모")
    with coded.db.reading() as session:
        project, lead = get_project(session, coded.project), _lead(session, coded)
        snapshot = latest_snapshots(session, project, viewer=lead)[0]
        changes = post_reveal_changes(session, project, viewer=get_user(session, coded.coders[1]))
        round_after = round_agreement(session, project, 1, viewer=lead)
    live = _live(coded)
    assert live["overall"]["alpha"] > snapshot.overall["alpha"]  # the live figure moved ...
    assert snapshot.report == at_reveal and snapshot.transcript == RESIDENTS  # ... the snapshot did not
    assert [(c.line, c.kind, c.code, c.coder) for c in changes] == [
        (14, "code.apply", STIGMA, a), (10, "code.memo", STIGMA, a)]
    # the round's independent figure leaves the post-reveal coding out
    assert round_after == round_before


def test_a_removal_after_reveal_is_listed(coded):
    _reveal(coded)
    with coded.db.transaction() as session:
        set_post_reveal_policy(session, _lead(session, coded), get_project(session, coded.project), "allowed")
        remove_code(session, get_user(session, coded.coder), _segment(coded, 13), STIGMA)
    with coded.db.reading() as session:
        changes = post_reveal_changes(session, get_project(session, coded.project), viewer=_lead(session, coded),
                                      transcript_id=coded.transcripts[RESIDENTS])
    assert [(c.line, c.kind, c.coder) for c in changes] == [(13, "code.remove", coded.coder)]


def test_a_closed_round_is_frozen_and_refuses_changes(coded):
    with coded.db.transaction() as session:
        lead, project = _lead(session, coded), get_project(session, coded.project)
        view = close_round(session, lead, project, note="1차: 코드북 초안")
    assert not view.open and {n for _, n in view.transcripts} == set(coded.transcripts)
    with pytest.raises(RoundClosed, match="round 1 .* is closed"):
        with coded.db.transaction() as session:
            apply_code(session, get_user(session, coded.coders[0]), _segment(coded, 30), STIGMA)
    with pytest.raises(FgiError, match="already closed"):
        with coded.db.transaction() as session:
            close_round(session, _lead(session, coded), get_project(session, coded.project))
    with coded.db.reading() as session:
        frozen = round_agreement(session, get_project(session, coded.project), 1, viewer=_lead(session, coded))
        with pytest.raises(PermissionDenied):  # blind: a coder reads no numbers of unrevealed codings
            round_agreement(session, get_project(session, coded.project), 1, viewer=get_user(session, coded.coder))
    assert frozen["frozen"] and frozen["overall"]["n_units"] > 0


def test_next_round_recodes_blind_and_the_trend_shows_each_round(coded):
    _reveal(coded)
    a, b = coded.coders
    with coded.db.transaction() as session:
        lead, project = _lead(session, coded), get_project(session, coded.project)
        close_round(session, lead, project)
        with pytest.raises(FgiError, match="say which transcripts"):
            open_round(session, lead, project, [])
    with coded.db.reading() as session:
        first = round_agreement(session, get_project(session, coded.project), 1, viewer=_lead(session, coded))
    with coded.db.transaction() as session:
        lead, project = _lead(session, coded), get_project(session, coded.project)
        update_code(session, project, STIGMA, {"definition": "처음 참여할 때 느낀 부끄러움"}, actor=lead.name)
        view = open_round(session, lead, project, [RESIDENTS, coded.transcripts[PRACTITIONERS]],
                          note="낙인감 정의를 좁힘")
        with pytest.raises(FgiError, match="still open"):
            open_round(session, lead, project, [RESIDENTS])
    assert view.number == 2 and view.codes_at_open == 29
    with coded.db.reading() as session:
        assert not is_revealed(session, coded.transcripts[RESIDENTS])  # blind again; the snapshot stays
        assert len(latest_snapshots(session, get_project(session, coded.project), viewer=_lead(session, coded))) == 0
        assert session.scalar(select(RevealSnapshot.id)) is not None
    with coded.db.transaction() as session:  # round 2: A drops line 13 and adds 14; both code the new transcript
        coder_a, coder_b = get_user(session, a), get_user(session, b)
        remove_code(session, coder_a, _segment(coded, 13), STIGMA)
        apply_code(session, coder_a, _segment(coded, 14), STIGMA)
        for line in (5, 6):
            apply_code(session, coder_a, _segment(coded, line, PRACTITIONERS), STIGMA)
            apply_code(session, coder_b, _segment(coded, line, PRACTITIONERS), STIGMA)
    with coded.db.reading() as session:
        project, lead = get_project(session, coded.project), _lead(session, coded)
        seen_by_a = codings_for(session, get_user(session, a), project=project)
        in_round_two = round_codings(session, project, 2, viewer=lead)
        trend = agreement_trend(session, project, viewer=lead, n_boot=200)
        again = round_agreement(session, project, 1, viewer=lead)
        rounds = list_rounds(session, project, viewer=get_user(session, a))
    assert {c.coder for c in seen_by_a} == {a}
    assert sorted((c.line, c.coder) for c in in_round_two) == [(5, a), (5, b), (6, a), (6, b), (14, a)]
    assert again == first  # frozen: round 2's coding does not touch it
    overall = {p.round: p for p in trend if p.code == "overall"}
    assert set(overall) == {1, 2} and overall[1].frozen and not overall[2].frozen
    assert overall[1].alpha == pytest.approx(first["overall"]["alpha"])
    assert overall[2].alpha > overall[1].alpha  # A now agrees with B on the residents' lines
    assert {p.round for p in trend if p.code == STIGMA} == {1, 2}
    assert [r.number for r in rounds] == [1, 2] and [r.open for r in rounds] == [False, True]


def test_existing_projects_migrate_into_round_one(database_url, kiwi, tmp_path):
    """A database with codings and a reveal made before rounds existed upgrades with every
    coding in round 1 and the reveal kept (it has no snapshot: none was taken then)."""
    from coding import users
    from coding.codebook_io import import_codebook_file
    from coding.models import Code, Reveal
    from fgi.ingest import import_files
    from fgi.storage import migrate, open_database
    from fgi.study import create_project
    from tests.coding.conftest import SAMPLE_CODEBOOK, SAMPLE_TRANSCRIPTS
    from tests.old_schema import database_at

    def build(session) -> list[str]:
        project = create_project(session, "옛 연구", actor="setup")
        import_codebook_file(session, project, SAMPLE_CODEBOOK, actor="setup")
        results = import_files(session, project, [SAMPLE_TRANSCRIPTS / f"{RESIDENTS}.txt",
                                                  SAMPLE_TRANSCRIPTS / f"{PRACTITIONERS}.txt"],
                               actor="setup", analyzer=kiwi)
        lead = users.create_user(session, "팀장", "비밀번호1234", role="lead", actor="setup")
        coders = [users.create_user(session, n, "비밀번호1234", role="coder", actor="setup") for n in ("가", "나")]
        for user in (lead, *coders):
            users.add_member(session, project, user, actor="setup")
        code = session.scalars(select(Code).where(Code.name == "참여 초기의 낙인감")).one()
        for result in results:
            for line in (10, 11, 12):
                for coder in coders[: 1 + line % 2]:
                    session.add(CodeApplication(segment_id=f"{result.transcript_id}-{line:04d}",
                                                code_id=code.id, coder_id=coder.id))
        session.add(Reveal(transcript_id=results[0].transcript_id, revealed_by=lead.id))
        return sorted(r.transcript_id for r in results)

    # made with today's code, copied into revision 0003's tables (rounds came in 0006)
    ids = database_at(database_url, "0003_themes", tmp_path, build)

    db = open_database(database_url, upgrade=True)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.reading() as session:
        project, lead = get_project(session, "옛 연구"), get_user(session, "팀장")
        views = list_rounds(session, project, viewer=lead)
        in_round = round_codings(session, project, 1, viewer=lead)
        assert len(session.scalars(select(CodeApplication)).all()) == 8
        assert is_revealed(session, ids[0]) or is_revealed(session, ids[1])
        assert latest_snapshots(session, project, viewer=lead) == []
    assert [(v.number, v.open) for v in views] == [(1, True)]
    assert sorted(t for t, _ in views[0].transcripts) == ids
    assert len(in_round) == 8  # every coding belongs to round 1
    with db.transaction() as session:  # and coding goes on in round 1
        project = get_project(session, "옛 연구")
        unrevealed = next(t for t in ids if not is_revealed(session, t))
        apply_code(session, get_user(session, "가"), f"{unrevealed}-0020", STIGMA)
        view = close_round(session, get_user(session, "팀장"), project, n_boot=50)
    assert view.number == 1 and not view.open
    db.dispose()


def test_revealing_an_uncoded_transcript_stores_an_empty_report(coded):
    assert _reveal(coded, PRACTITIONERS)
    with coded.db.reading() as session:
        stored = latest_snapshots(session, get_project(session, coded.project), viewer=_lead(session, coded),
                                  transcript_id=coded.transcripts[PRACTITIONERS])
    assert stored[0].codings == 0 and stored[0].overall["alpha"] is None and stored[0].overall["reason"]
