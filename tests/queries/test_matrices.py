"""Code matrices on SQLite and PostgreSQL: every number of tests/queries/matrix_scenario.py
worked out by hand (see its table), blind coding in every count, roll-up, the co-occurrence
window, the lines behind a cell, and the CSV/XLSX exports."""

from __future__ import annotations

import math

import pytest

from coding import users
from coding.applications import apply_code, reveal
from fgi.errors import FgiError
from queries.matrices import CellLine, code_matrix, cell_lines, matrix_table, write_matrix
from tests.queries import matrix_scenario as sc
from tests.queries.matrix_scenario import A, B, C, CONFIDENCE, EMOTIONAL, HARDSHIP, LEAD, SUPPORT


@pytest.fixture
def study(db, tmp_path, kiwi, snapshots):
    return snapshots(db, "matrix-scenario", lambda: sc.build(db, tmp_path, kiwi))


def matrix(study, viewer, columns, **options):
    with study.db.reading() as session:
        return code_matrix(session, sc.project(session), viewer=users.get_user(session, viewer), columns=columns,
                           **options)


def by_label(m) -> dict[str, dict[str, int]]:
    """Non-zero cells as {row label: {column label: n}}."""
    out = {}
    for i, row in enumerate(m.rows):
        cells = {m.columns[j].label: n for j, n in enumerate(m.cells[i]) if n}
        if cells:
            out[row.label] = cells
    return out


def test_code_by_transcript_lines_and_participants_for_the_lead(study):
    lines = matrix(study, LEAD, "transcript")
    assert [h.label for h in lines.columns] == ["실무자", "주민"]
    assert [h.label for h in lines.rows] == ["변화", CONFIDENCE, "지원", EMOTIONAL, HARDSHIP]
    assert by_label(lines) == {CONFIDENCE: {"실무자": 3, "주민": 1}, SUPPORT: {"주민": 1},
                               EMOTIONAL: {"실무자": 1, "주민": 1}, HARDSHIP: {"실무자": 1, "주민": 1}}
    assert lines.row_totals == (0, 4, 1, 2, 2)
    assert lines.column_totals == (4, 3) and lines.total == 7  # coded lines of each transcript
    assert lines.row_percent(1, 0) == 75.0 and lines.column_percent(1, 1) == pytest.approx(100 / 3)
    assert math.isnan(lines.row_percent(0, 0))  # 변화: no line, no percentage
    people = matrix(study, LEAD, "transcript", measure="participants")
    # 자신감 in 실무자: 참여자1 (lines 2, 3) and 참여자2 (line 5); in 주민: 참여자4
    assert by_label(people) == {CONFIDENCE: {"실무자": 2, "주민": 1}, SUPPORT: {"주민": 1},
                                EMOTIONAL: {"실무자": 1, "주민": 1}, HARDSHIP: {"실무자": 1, "주민": 1}}
    assert people.row_totals == (0, 3, 1, 2, 2) and people.column_totals == (2, 2) and people.total == 4


def test_groups_follow_the_speaker_first(study):
    # 참여자4 of 주민 is filed under 실무자
    lines = matrix(study, LEAD, "group")
    assert [h.label for h in lines.columns] == ["실무자", "주민"]
    assert by_label(lines) == {CONFIDENCE: {"실무자": 4}, SUPPORT: {"주민": 1},
                               EMOTIONAL: {"실무자": 1, "주민": 1}, HARDSHIP: {"실무자": 1, "주민": 1}}
    assert lines.column_totals == (5, 2)
    people = matrix(study, LEAD, "group", measure="participants")
    assert by_label(people)[CONFIDENCE] == {"실무자": 3}
    assert people.column_totals == (3, 1)


def test_code_by_participant(study):
    p = study.speakers
    lines = matrix(study, LEAD, "participant")
    assert by_label(lines) == {CONFIDENCE: {p["참여자1"]: 2, p["참여자2"]: 1, p["참여자4"]: 1},
                               SUPPORT: {p["참여자3"]: 1}, EMOTIONAL: {p["참여자1"]: 1, p["참여자3"]: 1},
                               HARDSHIP: {p["참여자2"]: 1, p["참여자3"]: 1}}


def test_a_coder_counts_only_their_own_until_reveal(study):
    lines = matrix(study, A, "transcript")
    assert by_label(lines) == {CONFIDENCE: {"실무자": 2, "주민": 1}, EMOTIONAL: {"실무자": 1, "주민": 1},
                               HARDSHIP: {"실무자": 1, "주민": 1}}
    assert lines.column_totals == (3, 3)
    with study.db.transaction() as session:
        reveal(session, users.get_user(session, LEAD), study.transcripts["staff"])
    after = matrix(study, A, "transcript")
    assert by_label(after)[CONFIDENCE] == {"실무자": 3, "주민": 1}  # B's line 5 now counts


def test_nothing_a_coder_counts_changes_while_another_codes_an_unrevealed_transcript(study):
    kinds = [("transcript", {}), ("group", {}), ("participant", {}), ("code", {}), ("code", {"window": 2}),
             ("group", {"rollup": True})]
    measures = ("lines", "participants")

    def snapshot():
        return [matrix(study, A, k, measure=m, **o) for k, o in kinds for m in measures]

    before = snapshot()
    with study.db.transaction() as session:
        coder = users.get_user(session, C)
        for line in (1, 2, 3, 4, 5):
            apply_code(session, coder, study.segment("staff", line), SUPPORT)
            apply_code(session, coder, study.segment("staff", line), CONFIDENCE)
    assert snapshot() == before
    lead = matrix(study, LEAD, "transcript")
    assert by_label(lead)[SUPPORT] == {"실무자": 5, "주민": 1}  # the lead does see C's coding


def test_roll_up_counts_a_line_once_under_each_ancestor(study):
    lines = matrix(study, LEAD, "transcript", rollup=True)
    # 지원 + 정서적 지지: 실무자 line 3; 주민 line 3 (A: 정서적 지지, B: 지원: once)
    assert by_label(lines) == {"변화": {"실무자": 3, "주민": 1}, CONFIDENCE: {"실무자": 3, "주민": 1},
                               "지원": {"실무자": 1, "주민": 1}, EMOTIONAL: {"실무자": 1, "주민": 1},
                               HARDSHIP: {"실무자": 1, "주민": 1}}


def test_co_occurrence_on_the_same_line_is_symmetric(study):
    m = matrix(study, LEAD, "code")
    assert by_label(m) == {CONFIDENCE: {CONFIDENCE: 4, EMOTIONAL: 1}, SUPPORT: {SUPPORT: 1, EMOTIONAL: 1},
                           EMOTIONAL: {CONFIDENCE: 1, SUPPORT: 1, EMOTIONAL: 2}, HARDSHIP: {HARDSHIP: 2}}
    assert m.row_totals == (0, 4, 1, 2, 2)
    assert m.row_percent(1, 3) == 25.0  # of the 4 자신감 lines, one has 정서적 지지


def test_co_occurrence_within_a_window_stays_in_the_speaker_turn(study):
    m = matrix(study, LEAD, "code", window=1)
    # 자신감 lines 2, 3 of 실무자 (참여자1's turn) have 정서적 지지 at most a line away; line 5 has
    # 어려움 on line 4 (참여자2's turn). 정서적 지지 on 실무자 line 3 is next to 어려움 on line 4
    # but in another speaker's turn: it does not count.
    assert by_label(m) == {
        CONFIDENCE: {CONFIDENCE: 4, EMOTIONAL: 2, HARDSHIP: 1},
        SUPPORT: {SUPPORT: 1, EMOTIONAL: 1, HARDSHIP: 1},
        EMOTIONAL: {CONFIDENCE: 1, SUPPORT: 1, EMOTIONAL: 2, HARDSHIP: 1},
        HARDSHIP: {CONFIDENCE: 1, SUPPORT: 1, EMOTIONAL: 1, HARDSHIP: 2},
    }
    people = matrix(study, LEAD, "code", window=1, measure="participants")
    assert by_label(people)[CONFIDENCE] == {CONFIDENCE: 3, EMOTIONAL: 1, HARDSHIP: 1}


def test_the_lines_behind_a_cell(study):
    with study.db.reading() as session:
        project, lead = sc.project(session), users.get_user(session, LEAD)
        m = code_matrix(session, project, viewer=lead, columns="transcript")
        found = cell_lines(session, project, viewer=lead, matrix=m, row=1, col=0)
        assert [(c.line, c.speaker, c.transcript) for c in found] == [
            (2, study.speakers["참여자1"], "실무자"), (3, study.speakers["참여자1"], "실무자"),
            (5, study.speakers["참여자2"], "실무자")]
        assert found[0] == CellLine(study.segment("staff", 2), study.transcripts["staff"], "실무자", 2,
                                    study.speakers["참여자1"], "실무자", "자신감이 생겼어요.", (CONFIDENCE,))
        near = code_matrix(session, project, viewer=lead, columns="code", window=1)
        pair = cell_lines(session, project, viewer=lead, matrix=near, row=1, col=3)
        assert [(c.line, c.codes) for c in pair] == [(2, (CONFIDENCE,)), (3, (CONFIDENCE, EMOTIONAL))]
        up = code_matrix(session, project, viewer=lead, columns="group", rollup=True)
        [residents] = [j for j, h in enumerate(up.columns) if h.label == "주민"]
        support = cell_lines(session, project, viewer=lead, matrix=up, row=2, col=residents)
        assert [(c.line, c.codes) for c in support] == [(3, (SUPPORT, EMOTIONAL))]
        coder = users.get_user(session, A)
        mine = cell_lines(session, project, viewer=coder, matrix=code_matrix(
            session, project, viewer=coder, columns="transcript"), row=1, col=0)
        assert [c.line for c in mine] == [2, 3]  # B's line 5 is not A's to see


def test_bad_options_are_refused(study):
    with pytest.raises(FgiError, match="window"):
        matrix(study, LEAD, "code", window=-1)
    with pytest.raises(FgiError, match="window"):
        matrix(study, LEAD, "group", window=2)
    with pytest.raises(FgiError):
        matrix(study, LEAD, "speaker")
    with pytest.raises(FgiError):
        matrix(study, LEAD, "group", measure="words")


def test_exports_write_counts_and_percentages(study, tmp_path):
    from openpyxl import load_workbook

    from coding.tables import read_table

    m = matrix(study, LEAD, "transcript")
    columns, rows = matrix_table(m)
    assert columns[1:3] == ["실무자", "주민"] and rows[1] == [CONFIDENCE, 3, 1, 4]
    assert rows[-1][1:] == [4, 3, 7]
    write_matrix(m, tmp_path / "m.csv")
    table = read_table(tmp_path / "m.csv", required=[c.lower() for c in columns])
    assert table.rows[1].values[columns[1].lower()] == "3"
    write_matrix(m, tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    assert len(book.sheetnames) == 3
    percent = list(book.worksheets[1].iter_rows(values_only=True))
    assert percent[2][1:3] == (75.0, 25.0)


def test_filters_narrow_lines_and_coders(study):
    from queries.filters import Filters

    residents = matrix(study, LEAD, "transcript", filters=Filters.of(groups=["주민"]))
    assert [h.label for h in residents.columns] == ["주민"]
    # 참여자4 (filed under 실무자) and their 자신감 line are out
    assert by_label(residents) == {SUPPORT: {"주민": 1}, EMOTIONAL: {"주민": 1}, HARDSHIP: {"주민": 1}}
    only_b = matrix(study, LEAD, "transcript", filters=Filters.of(coders=[B]))
    assert by_label(only_b) == {CONFIDENCE: {"실무자": 2}, SUPPORT: {"주민": 1}, EMOTIONAL: {"실무자": 1}}
    # a coder naming another coder sees nothing of theirs before reveal
    assert by_label(matrix(study, A, "transcript", filters=Filters.of(coders=[B]))) == {}
    with study.db.reading() as session:
        project, lead = sc.project(session), users.get_user(session, LEAD)
        filtered = Filters.of(coders=[B])
        m = code_matrix(session, project, viewer=lead, columns="transcript", filters=filtered)
        assert [c.line for c in cell_lines(session, project, viewer=lead, matrix=m, row=1, col=0,
                                           filters=filtered)] == [2, 5]
