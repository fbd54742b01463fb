"""Reconciliation: the queue, decisions as a separate audited layer, consensus, log, CLI."""

from __future__ import annotations

import csv

import numpy as np
import openpyxl
import pytest
from sqlalchemy import func, select

import threading

from coding import reconcile
from coding.reconcile_decide import CodeChoice, StaleLine, decide_line
from coding.reconcile_queue import line_queue
from coding.agreement import agreement_report
from coding.consensus import AGREED, DECIDED, REPLACEMENT, consensus_codings
from coding.errors import PermissionDenied
from coding.codebook import code_index
from coding.models import CodeApplication, ConsensusDecision, User
from coding.reconcile_log import LOG_COLUMNS, export_log, reconciliation_log
from coding.stats import cohen_kappa, krippendorff_alpha
from coding.applications import apply_code
from coding.users import get_user
from fgi.cli import main
from fgi.errors import FgiError
from fgi.models import Event
from tests.coding import scenario as s


@pytest.fixture
def study(db, tmp_path, kiwi, snapshots):
    return snapshots(db, "coding-scenario", lambda: s.build(db, tmp_path, kiwi))


def queue(study, viewer=s.LEAD, **options):
    with study.db.reading() as session:
        return reconcile.disagreements(session, s.project(session), viewer=get_user(session, viewer), **options)


def decide(study, who, segment, code, decision, **options):
    with study.db.transaction() as session:
        return reconcile.decide(session, get_user(session, who), segment, code, decision, **options)


def applications(study) -> list[tuple]:
    with study.db.reading() as session:
        return sorted(session.execute(select(CodeApplication.segment_id, CodeApplication.code_id,
                                             CodeApplication.coder_id, CodeApplication.source)).all())


def test_the_queue_lists_each_disagreement_in_line_order(study):
    items = queue(study)
    got = [(d.segment_id, d.code) for d in items]
    assert got == [
        (study.segment("first", 1), s.CONFIDENCE),  # the moderator's line counts here too
        (study.segment("first", 4), s.SUPPORT),
        (study.segment("first", 6), s.CONFIDENCE),
        (study.segment("first", 6), s.SUPPORT),
        (study.segment("second", 3), s.CARE),  # C did not code the second transcript: not a disagreement
    ]
    line4 = items[1]
    assert (line4.line, line4.transcript, line4.speaker) == (4, "first", "참여자2")
    assert "전화" in line4.text
    assert [(c.coder, c.applied, c.memo) for c in line4.coders] == [
        (s.A, True, s.MEMO), (s.B, True, None), (s.C, False, None)]
    assert all(d.decision is None for d in items)
    assert [d.code for d in queue(study, transcript_id=study.transcripts["second"])] == [s.CARE]


def test_only_leads_and_admins_decide(study):
    segment = study.segment("first", 4)
    for who in (s.A, s.OUTSIDER):
        with pytest.raises(PermissionDenied):
            decide(study, who, segment, s.SUPPORT, "apply", reason="제가 맞아요")
    with pytest.raises(PermissionDenied, match="only a lead or admin"):
        decide(study, s.C, segment, s.SUPPORT, "reject")
    decide(study, s.ADMIN, segment, s.SUPPORT, "apply", reason="관리자 결정")
    with study.db.reading() as session:
        assert session.scalar(select(func.count(ConsensusDecision.id))) == 1
    with pytest.raises(PermissionDenied):
        queue(study, viewer=s.A)  # blind and not revealed


def test_a_decision_is_a_separate_layer_and_an_event(study):
    before = applications(study)
    segment = study.segment("first", 4)
    result = decide(study, s.LEAD, segment, s.SUPPORT, "apply", reason="전화 지지는 정서적 지지")
    assert (result.decision, result.decided_by, result.reason) == ("apply", s.LEAD, "전화 지지는 정서적 지지")
    assert applications(study) == before  # coders' codings untouched
    with study.db.reading() as session:
        event = session.scalars(select(Event).where(Event.kind == "consensus.decide")).one()
    assert (event.actor, event.subject, event.reason) == (s.LEAD, segment, "전화 지지는 정서적 지지")
    assert event.payload["before"] is None
    assert event.payload["after"]["decision"] == "apply" and event.payload["after"]["code"] == s.SUPPORT
    # Decided ones leave the queue, or come flagged.
    assert (segment, s.SUPPORT) not in [(d.segment_id, d.code) for d in queue(study)]
    flagged = {(d.segment_id, d.code): d for d in queue(study, include_decided=True)}
    assert flagged[(segment, s.SUPPORT)].decision.decision == "apply"


def test_changing_a_decision_is_audited(study):
    segment = study.segment("first", 6)
    decide(study, s.LEAD, segment, s.SUPPORT, "reject", reason="정서적 지지 아님")
    decide(study, s.LEAD, segment, s.SUPPORT, "replace", replacement=s.CONFIDENCE, reason="다시 보니 자신감")
    with study.db.reading() as session:
        rows = session.scalars(select(ConsensusDecision)).all()
        events = session.scalars(select(Event).where(Event.kind == "consensus.decide").order_by(Event.id)).all()
    assert len(rows) == 1 and rows[0].decision == "replace"
    assert [e.reason for e in events] == ["정서적 지지 아님", "다시 보니 자신감"]
    assert events[1].payload["before"]["decision"] == "reject"
    assert events[1].payload["after"]["replacement"] == s.CONFIDENCE
    with study.db.transaction() as session:
        assert reconcile.withdraw(session, get_user(session, s.LEAD), segment, s.SUPPORT, reason="보류")
    assert (segment, s.SUPPORT) in [(d.segment_id, d.code) for d in queue(study)]


@pytest.mark.parametrize("decision, options, message", [
    ("replace", {}, "needs the code to put in its place"),
    ("replace", {"replacement": s.SUPPORT}, "cannot replace itself"),
    ("apply", {"replacement": s.CARE}, "only goes with a replace"),
    ("maybe", {}, "unknown decision"),
    ("apply", {"replacement": None, "reason": None}, None),
])
def test_decision_rules(study, decision, options, message):
    segment = study.segment("first", 4)
    if message is None:
        assert decide(study, s.LEAD, segment, s.SUPPORT, decision, **options).reason is None
        return
    with pytest.raises(FgiError, match=message):
        decide(study, s.LEAD, segment, s.SUPPORT, decision, **options)


def consensus(study) -> set[tuple[str, str, str]]:
    with study.db.reading() as session:
        rows = consensus_codings(session, s.project(session), viewer=get_user(session, s.LEAD))
    return {(r.segment_id, r.code, r.basis) for r in rows}


def test_consensus_is_agreed_plus_decisions(study):
    first = lambda line: study.segment("first", line)  # noqa: E731
    agreed = {(first(2), s.CONFIDENCE, AGREED), (first(5), s.MONEY, AGREED), (first(7), s.CARE, AGREED),
              (study.segment("second", 2), s.CONFIDENCE, AGREED), (study.segment("second", 3), s.MONEY, AGREED)}
    assert consensus(study) == agreed  # open disagreements are not in it yet
    decide(study, s.LEAD, first(4), s.SUPPORT, "apply", reason="r")
    decide(study, s.LEAD, first(6), s.SUPPORT, "replace", replacement=s.CONFIDENCE, reason="r")
    decide(study, s.LEAD, first(5), s.MONEY, "reject", reason="an agreed code can be rejected too")
    decide(study, s.LEAD, first(7), s.CARE, "replace", replacement="기타", reason="r")
    assert consensus(study) == (agreed - {(first(5), s.MONEY, AGREED), (first(7), s.CARE, AGREED)}) | {
        (first(4), s.SUPPORT, DECIDED), (first(6), s.CONFIDENCE, REPLACEMENT), (first(7), "기타", REPLACEMENT)}
    # An explicit decision on the replacement code wins over the replacement.
    decide(study, s.LEAD, first(7), "기타", "reject", reason="r")
    assert (first(7), "기타", REPLACEMENT) not in consensus(study)


def test_agreement_before_and_after_reconciliation(study):
    with study.db.reading() as session:
        lead = get_user(session, s.LEAD)
        before = agreement_report(session, s.project(session), viewer=lead, consensus=True, n_boot=100)
    # Nothing decided: units with an open disagreement (first 4 and 6, second 3) are unsettled.
    assert before.settled_units == 5
    for line, code in ((4, s.SUPPORT), (6, s.CONFIDENCE)):
        decide(study, s.LEAD, study.segment("first", line), code, "apply", reason="r")
    decide(study, s.LEAD, study.segment("first", 6), s.SUPPORT, "reject", reason="r")
    decide(study, s.LEAD, study.segment("second", 3), s.CARE, "reject", reason="r")
    with study.db.reading() as session:
        after = agreement_report(session, s.project(session), viewer=get_user(session, s.LEAD),
                                 consensus=True, n_boot=100)
    assert after.settled_units == 8
    assert after.overall.alpha.value == pytest.approx(before.overall.alpha.value)  # reliability is unchanged
    # C against the consensus, all (unit, code) items of the first transcript's 6 units:
    consensus_codes = {2: {s.CONFIDENCE}, 4: {s.SUPPORT}, 5: {s.MONEY}, 6: {s.CONFIDENCE}, 7: {s.CARE}, 8: set()}
    c_codes = {line: set(s.CODINGS["first"].get(line, {}).get(s.C, [])) for line in consensus_codes}
    codes = s.USED
    reference = [float(k in consensus_codes[line]) for line in consensus_codes for k in codes]
    coder = [float(k in c_codes[line]) for line in consensus_codes for k in codes]
    by_coder = {c.coder: c for c in after.consensus}
    assert by_coder[s.C].kappa.value == pytest.approx(cohen_kappa(coder, reference).value)
    assert by_coder[s.C].alpha.value == pytest.approx(krippendorff_alpha(np.column_stack([coder, reference])).value)
    assert by_coder[s.C].n_units == 6
    assert by_coder[s.A].alpha.value > by_coder[s.C].alpha.value


def test_reconciliation_log_exports_csv_and_xlsx(study, tmp_path):
    segment = study.segment("first", 6)
    decide(study, s.LEAD, study.segment("first", 4), s.SUPPORT, "apply", reason="전화 = 지지")
    decide(study, s.LEAD, segment, s.SUPPORT, "reject", reason="처음 판단")
    decide(study, s.ADMIN, segment, s.SUPPORT, "replace", replacement=s.CONFIDENCE, reason="자신감의 표현")
    with study.db.reading() as session:
        rows = reconciliation_log(session, s.project(session), viewer=get_user(session, s.LEAD))
    assert [(r.line, r.code, r.decision, r.replacement, r.lead, r.reason, r.revisions) for r in rows] == [
        (4, s.SUPPORT, "apply", None, s.LEAD, "전화 = 지지", 0),
        (6, s.SUPPORT, "replace", s.CONFIDENCE, s.ADMIN, "자신감의 표현", 1),
    ]
    assert rows[0].transcript == "first" and rows[0].speaker == "참여자2" and "전화" in rows[0].text
    export_log(rows, tmp_path / "log.csv")
    with open(tmp_path / "log.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == LOG_COLUMNS and table[2][LOG_COLUMNS.index("reason")] == "자신감의 표현"
    export_log(rows, tmp_path / "log.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    values = list(sheet.values)
    assert tuple(values[0]) == LOG_COLUMNS and values[1][LOG_COLUMNS.index("lead")] == s.LEAD
    with pytest.raises(PermissionDenied):
        with study.db.reading() as session:
            reconciliation_log(session, s.project(session), viewer=get_user(session, s.B))


# ---- review by line ------------------------------------------------------------------------

def lines(study, viewer=s.LEAD, **options):
    with study.db.reading() as session:
        return line_queue(session, s.project(session), viewer=get_user(session, viewer), **options)


def item(study, transcript, line):
    return next(i for i in lines(study).items if (i.transcript, i.line) == (transcript, line))


def decide_at(study, who, segment, choices, **options):
    with study.db.transaction() as session:
        return decide_line(session, get_user(session, who), segment, choices, **options)


def stored(study) -> dict[tuple[str, str], tuple]:
    """(segment, code) -> (decision, replacement, lead, reason), straight from the table."""
    with study.db.reading() as session:
        paths = {c.id: p for p, c in code_index(session, s.project(session)).items()}
        rows = session.scalars(select(ConsensusDecision)).all()
        leads = {u.id: u.name for u in session.scalars(select(User))}
        return {(r.segment_id, paths[r.code_id]): (r.decision, paths.get(r.replacement_code_id), leads[r.decided_by],
                                                   r.reason) for r in rows}


def decide_events(study) -> list[Event]:
    with study.db.reading() as session:
        return session.scalars(select(Event).where(Event.kind == "consensus.decide").order_by(Event.id)).all()


def test_the_queue_has_one_item_per_line_with_every_coder_side_by_side(study):
    queue = lines(study)
    assert [(i.transcript, i.line) for i in queue.items] == [("first", 1), ("first", 4), ("first", 6), ("second", 3)]
    line6 = queue.items[2]
    # On line 6 the coders chose differently: one item, both codes, each coder's codes together.
    assert [(c.coder, c.codes) for c in line6.coders] == [(s.A, [s.CONFIDENCE]), (s.B, [s.CONFIDENCE]),
                                                           (s.C, [s.SUPPORT])]
    assert [(c.code, c.applied_by, c.not_applied_by, c.disputed) for c in line6.codes] == [
        (s.CONFIDENCE, [s.A, s.B], [s.C], True), (s.SUPPORT, [s.C], [s.A, s.B], True)]
    line4 = queue.items[1]
    assert line4.coders[0].memos == [f"{s.SUPPORT.split('/')[-1]}: {s.MEMO}"] and line4.speaker == "참여자2" and "전화" in line4.text
    assert [(c.line, c.current) for c in line4.context] == [(2, False), (3, False), (4, True), (5, False), (6, False)]
    assert [c.line for c in queue.items[0].context] == [1, 2, 3]  # the first line has no lines before it
    second = queue.items[3]
    assert [c.coder for c in second.coders] == [s.A, s.B]  # C did not code the second transcript
    assert [(c.code, c.disputed) for c in second.codes] == [(s.CARE, True), (s.MONEY, False)]
    assert all(i.is_open for i in queue.items) and len(queue.open_items) == 4
    # The progress counts lines of the queue; the lines coded alike are counted apart.
    assert (queue.progress.disputed_lines, queue.progress.settled_lines, queue.progress.coded_lines) == (4, 0, 8)
    assert [i.line for i in lines(study, transcript_id=study.transcripts["second"]).items] == [3]
    with pytest.raises(PermissionDenied):
        lines(study, viewer=s.A)  # blind, not revealed


def test_a_line_is_decided_at_once_with_one_reason(study):
    line6 = item(study, "first", 6)
    result = decide_at(study, s.LEAD, line6.segment_id,
                       [CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "replace", replacement=s.CARE),
                        CodeChoice("기타", "add")],
                       reason="자신감의 표현이고 돌봄 부담도 말함", expected_version=line6.version)
    assert [(d.code, d.decision, d.replacement) for d in result.written] == [
        (s.CONFIDENCE, "apply", None), (s.SUPPORT, "replace", s.CARE), ("기타", "apply", None)]
    why = "자신감의 표현이고 돌봄 부담도 말함"
    assert stored(study) == {(line6.segment_id, s.CONFIDENCE): ("apply", None, s.LEAD, why),
                             (line6.segment_id, s.SUPPORT): ("replace", s.CARE, s.LEAD, why),
                             (line6.segment_id, "기타"): ("apply", None, s.LEAD, why)}
    events = decide_events(study)
    assert [(e.subject, e.payload["after"]["code"], e.reason) for e in events] == [
        (line6.segment_id, s.CONFIDENCE, why), (line6.segment_id, s.SUPPORT, why), (line6.segment_id, "기타", why)]
    assert all(e.payload["line_version"] == line6.version and e.payload["before"] is None for e in events)
    assert {(sid, code) for sid, code, _ in consensus(study) if sid == line6.segment_id} == {
        (line6.segment_id, s.CONFIDENCE), (line6.segment_id, s.CARE), (line6.segment_id, "기타")}
    after = lines(study)
    decided = next(i for i in after.items if i.segment_id == line6.segment_id)
    assert not decided.is_open and decided.version == result.version != line6.version
    assert "기타" in [c.code for c in decided.codes]  # the added code shows on the card
    assert (after.progress.disputed_lines, after.progress.settled_lines) == (4, 1)
    assert line6.segment_id not in [i.segment_id for i in after.open_items]


def test_one_reason_per_code_and_agreed_codes_kept_as_they_are(study):
    line = item(study, "second", 3)
    result = decide_at(study, s.ADMIN, line.segment_id,
                       [CodeChoice(s.CARE, "drop", reason="돌봄 이야기가 아님"), CodeChoice(s.MONEY, "keep")],
                       expected_version=line.version)
    assert [d.code for d in result.written] == [s.CARE] and result.unchanged == [s.MONEY]
    assert stored(study) == {(line.segment_id, s.CARE): ("reject", None, s.ADMIN, "돌봄 이야기가 아님")}
    # An agreed code may be dropped too, with its own reason.
    line = item(study, "second", 3)
    decide_at(study, s.LEAD, line.segment_id, [CodeChoice(s.MONEY, "drop", reason="월세는 주거 문제")],
              expected_version=line.version)
    assert stored(study)[(line.segment_id, s.MONEY)] == ("reject", None, s.LEAD, "월세는 주거 문제")


@pytest.mark.parametrize("choices, reason, message", [
    ([CodeChoice(s.CONFIDENCE, "keep")], "r", "the coders differ on 지원/정서적 지지"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "drop")], None, "no reason for"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "replace")], "r", "needs the code to put"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "replace", replacement=s.SUPPORT)], "r",
     "cannot replace itself"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "drop"), CodeChoice(s.CONFIDENCE, "drop")], "r",
     "decided twice"),
    ([CodeChoice(s.CONFIDENCE, "add"), CodeChoice(s.SUPPORT, "drop")], "r", "cannot be added"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "drop"), CodeChoice(s.MONEY, "drop")], "r",
     "nobody applied"),
    ([CodeChoice(s.CONFIDENCE, "keep", replacement=s.CARE), CodeChoice(s.SUPPORT, "drop")], "r", "only goes with"),
    ([CodeChoice(s.CONFIDENCE, "maybe"), CodeChoice(s.SUPPORT, "drop")], "r", "unknown action"),
    ([CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "replace", replacement="없는 코드")], "r", "없는 코드"),
    ([], "r", "no decision given"),
])
def test_line_decision_rules_write_nothing_when_broken(study, choices, reason, message):
    line6 = item(study, "first", 6)
    with pytest.raises(FgiError, match=message):
        decide_at(study, s.LEAD, line6.segment_id, choices, reason=reason, expected_version=line6.version)
    assert stored(study) == {} and decide_events(study) == []


def test_only_leads_decide_lines(study):
    line4 = item(study, "first", 4)
    for who in (s.A, s.OUTSIDER):
        with pytest.raises(PermissionDenied):
            decide_at(study, who, line4.segment_id, [CodeChoice(s.SUPPORT, "keep")], reason="r",
                      expected_version=line4.version)
    assert stored(study) == {}


def test_a_save_on_a_card_shown_before_another_save_is_refused(study):
    shown = item(study, "first", 4)  # both leads see the same card
    decide_at(study, s.LEAD, shown.segment_id, [CodeChoice(s.SUPPORT, "keep")], reason="전화 = 지지",
              expected_version=shown.version)
    with pytest.raises(StaleLine, match="changed after it was shown") as refused:
        decide_at(study, s.ADMIN, shown.segment_id, [CodeChoice(s.SUPPORT, "drop")], reason="지지 아님",
                  expected_version=shown.version)
    assert stored(study) == {(shown.segment_id, s.SUPPORT): ("apply", None, s.LEAD, "전화 = 지지")}
    assert len(decide_events(study)) == 1
    # Deciding again on what the card shows now is a deliberate change, and audited.
    fresh = item(study, "first", 4)
    assert fresh.version == refused.value.current_version
    decide_at(study, s.ADMIN, shown.segment_id, [CodeChoice(s.SUPPORT, "drop")], reason="지지 아님",
              expected_version=fresh.version)
    assert stored(study)[(shown.segment_id, s.SUPPORT)] == ("reject", None, s.ADMIN, "지지 아님")
    assert decide_events(study)[-1].payload["before"]["decision"] == "apply"


def test_a_coding_changed_after_the_card_was_shown_refuses_the_save(study):
    shown = item(study, "first", 6)
    with study.db.transaction() as session:
        apply_code(session, get_user(session, s.C), shown.segment_id, s.CONFIDENCE)
    with pytest.raises(StaleLine):
        decide_at(study, s.LEAD, shown.segment_id, [CodeChoice(s.SUPPORT, "drop")], reason="r",
                  expected_version=shown.version)
    assert stored(study) == {}


def test_two_leads_saving_the_same_line_at_once_one_wins_one_is_refused(study):
    shown = item(study, "first", 6)
    other = item(study, "first", 4)
    barrier = threading.Barrier(3)
    outcome: dict[str, object] = {}

    def save(who, segment, choices, version):
        barrier.wait()
        try:
            decide_at(study, who, segment, choices, reason=f"{who}의 판단", expected_version=version)
            outcome[(who, segment)] = "saved"
        except StaleLine:
            outcome[(who, segment)] = "refused"

    jobs = [(s.LEAD, shown.segment_id, [CodeChoice(s.CONFIDENCE, "keep"), CodeChoice(s.SUPPORT, "drop")],
             shown.version),
            (s.ADMIN, shown.segment_id, [CodeChoice(s.CONFIDENCE, "drop"), CodeChoice(s.SUPPORT, "keep")],
             shown.version),
            (s.ADMIN, other.segment_id, [CodeChoice(s.SUPPORT, "keep")], other.version)]
    threads = [threading.Thread(target=save, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcome[(s.ADMIN, other.segment_id)] == "saved"  # a different line: never in the way
    same = sorted(outcome[(who, shown.segment_id)] for who in (s.LEAD, s.ADMIN))
    assert same == ["refused", "saved"]
    winner = next(who for who in (s.LEAD, s.ADMIN) if outcome[(who, shown.segment_id)] == "saved")
    rows = stored(study)
    assert {rows[(shown.segment_id, c)][2] for c in (s.CONFIDENCE, s.SUPPORT)} == {winner}
    assert rows[(other.segment_id, s.SUPPORT)] == ("apply", None, s.ADMIN, f"{s.ADMIN}의 판단")
    assert len(decide_events(study)) == 3


def test_cli(study, database_url, monkeypatch, capsys, tmp_path):
    import json

    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_USER", s.A)
    monkeypatch.setenv("FGI_PASSWORD", s.PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    segment = study.segment("first", 6)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("reconcile", "decide", "--segment", segment, "--keep", s.CONFIDENCE, "--drop", s.SUPPORT,
                       "--reason", "r")
    assert code == 1 and "only a lead or admin" in err  # FGI_USER is a coder
    code, _, err = run("reconcile", "decide", "--as", s.LEAD, "-s", segment, "--keep", s.CONFIDENCE, "--reason", "r")
    assert code == 1 and "the coders differ on" in err
    code, _, err = run("reconcile", "decide", "--as", s.LEAD, "-s", segment, "--keep", s.CONFIDENCE,
                       "--replace", s.SUPPORT, "--reason", "r")
    assert code == 1 and "OLD=NEW" in err
    code, out, _ = run("reconcile", "list", "-p", s.PROJECT, "--as", s.LEAD, "--format", "json")
    listed = json.loads(out)
    assert code == 0 and [i["line"] for i in listed] == [1, 4, 6, 3]
    version = next(i["version"] for i in listed if i["segment_id"] == segment)
    code, _, err = run("reconcile", "decide", "--as", s.LEAD, "-s", segment, "--keep", s.CONFIDENCE,
                       "--replace", f"{s.SUPPORT}={s.CARE}", "--add", "기타", "--reason", "자신감으로",
                       "--code-reason", "기타=그 밖의 이야기", "--version", version)
    assert code == 0, err
    assert stored(study)[(segment, "기타")] == ("apply", None, s.LEAD, "그 밖의 이야기")
    assert stored(study)[(segment, s.SUPPORT)] == ("replace", s.CARE, s.LEAD, "자신감으로")
    code, _, err = run("reconcile", "decide", "--as", s.ADMIN, "-s", segment, "--drop", s.CONFIDENCE,
                       "--reason", "늦은 결정", "--version", version)
    assert code == 1 and "changed after it was shown" in err  # the version the lead listed is gone
    code, out, _ = run("reconcile", "list", "-p", s.PROJECT, "--as", s.LEAD, "--format", "json")
    assert segment not in out
    code, out, _ = run("reconcile", "list", "-p", s.PROJECT, "--as", s.LEAD, "--all", "-t", "first")
    assert code == 0 and "replace" in out and "3 / 4" not in out and "1 / 3" in out  # first: 3 lines, 1 settled
    assert run("reconcile", "log", "-p", s.PROJECT, "--as", s.LEAD, "-o", str(tmp_path / "log.xlsx"))[0] == 0
    assert openpyxl.load_workbook(tmp_path / "log.xlsx").active.max_row == 4
    assert run("agreement", "-p", s.PROJECT, "--as", s.LEAD, "--consensus", "--boot", "20")[0] == 0
    # Reveal: coders may then compare codings of that transcript.
    code, _, err = run("reveal", "--transcript", study.transcripts["first"])
    assert code == 1 and "only a lead or admin" in err
    code, _, err = run("reveal", "--as", s.LEAD, "--transcript", "first", "--project", s.PROJECT)
    assert code == 0 and "revealed" in err
    assert run("reconcile", "list", "-p", s.PROJECT, "-t", "first")[0] == 0  # as coder A, now allowed
    code, out, _ = run("reconcile", "consensus", "-p", s.PROJECT, "--as", s.LEAD, "--format", "json")
    assert code == 0 and s.CONFIDENCE in out
