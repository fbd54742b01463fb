"""Reconciliation: the queue, decisions as a separate audited layer, consensus, log, CLI."""

from __future__ import annotations

import csv

import numpy as np
import openpyxl
import pytest
from sqlalchemy import func, select

from coding import reconcile
from coding.agreement import agreement_report
from coding.consensus import AGREED, DECIDED, REPLACEMENT, consensus_codings
from coding.errors import PermissionDenied
from coding.models import CodeApplication, ConsensusDecision
from coding.reconcile_log import LOG_COLUMNS, export_log, reconciliation_log
from coding.stats import cohen_kappa, krippendorff_alpha
from coding.users import get_user
from fgi.cli import main
from fgi.errors import FgiError
from fgi.models import Event
from tests.coding import scenario as s


@pytest.fixture
def study(db, tmp_path, kiwi):
    return s.build(db, tmp_path, kiwi)


def queue(study, viewer=s.LEAD, **options):
    with study.db.reading() as session:
        return reconcile.disagreements(session, s.project(session), viewer=get_user(session, viewer), **options)


def decide(study, who, segment, code, decision, **options):
    with study.db.transaction() as session:
        return reconcile.decide(session, get_user(session, who), segment, code, decision, **options)


def applications(study) -> list[tuple]:
    with study.db.reading() as session:
        return sorted(session.execute(select(CodeApplication.segment_id, CodeApplication.code_id,
                                             CodeApplication.coder_id, CodeApplication.memo)).all())


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


def test_cli(study, database_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_USER", s.A)
    monkeypatch.setenv("FGI_PASSWORD", s.PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    segment = study.segment("first", 4)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("reconcile", "decide", "--segment", segment, "--code", s.SUPPORT, "--apply")
    assert code == 1 and "only a lead or admin" in err  # FGI_USER is a coder
    code, _, err = run("reconcile", "decide", "--as", s.LEAD, "-s", segment, "-c", s.SUPPORT, "--apply", "--reject")
    assert code == 1 and "exactly one" in err
    assert run("reconcile", "decide", "--as", s.LEAD, "-s", segment, "-c", s.SUPPORT, "--replace", s.CONFIDENCE,
               "--reason", "자신감으로")[0] == 0
    code, out, _ = run("reconcile", "list", "-p", s.PROJECT, "--as", s.LEAD, "--format", "json")
    assert code == 0 and '"segment_id"' in out and segment not in out
    code, out, _ = run("reconcile", "list", "-p", s.PROJECT, "--as", s.LEAD, "--all", "-t", "first")
    assert code == 0 and "replace" in out
    assert run("reconcile", "log", "-p", s.PROJECT, "--as", s.LEAD, "-o", str(tmp_path / "log.xlsx"))[0] == 0
    assert openpyxl.load_workbook(tmp_path / "log.xlsx").active.max_row == 2
    assert run("agreement", "-p", s.PROJECT, "--as", s.LEAD, "--consensus", "--boot", "20")[0] == 0
    # Reveal: coders may then compare codings of that transcript.
    code, _, err = run("reveal", "--transcript", study.transcripts["first"])
    assert code == 1 and "only a lead or admin" in err
    code, _, err = run("reveal", "--as", s.LEAD, "--transcript", "first", "--project", s.PROJECT)
    assert code == 0 and "revealed" in err
    assert run("reconcile", "list", "-p", s.PROJECT, "-t", "first")[0] == 0  # as coder A, now allowed
    code, out, _ = run("reconcile", "consensus", "-p", s.PROJECT, "--as", s.LEAD, "--format", "json")
    assert code == 0 and s.CONFIDENCE in out
