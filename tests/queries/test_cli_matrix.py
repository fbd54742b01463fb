"""``fgi matrix`` on SQLite and PostgreSQL: the numbers of tests/queries/matrix_scenario.py
as the lead and as a coder (blind), every format, and clear refusals."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tests.queries import matrix_scenario as sc


@pytest.fixture
def study(db, tmp_path, kiwi, snapshots):
    return snapshots(db, "matrix-scenario", lambda: sc.build(db, tmp_path, kiwi))


def run_json(cli, *args):
    _, out, _ = cli("matrix", "-p", sc.PROJECT, *args, "--format", "json")
    return json.loads(out)


def test_the_lead_and_a_coder_get_their_own_numbers(cli, study):
    lead = run_json(cli, "--cols", "transcript", "--as", sc.LEAD)
    assert [c["label"] for c in lead["columns"]] == ["실무자", "주민"]
    assert lead["cells"][1] == [3, 1] and lead["column_totals"] == [4, 3] and lead["total"] == 7
    coder = run_json(cli, "--cols", "transcript", "--as", sc.A)
    assert coder["cells"][1] == [2, 1] and coder["column_totals"] == [3, 3]
    people = run_json(cli, "--cols", "group", "--measure", "participants", "--as", sc.LEAD)
    assert people["cells"][1] == [3, 0]
    near = run_json(cli, "--rows", "code", "--cols", "code", "--window", "1", "--as", sc.LEAD)
    assert near["cells"][1] == [0, 4, 0, 2, 1] and near["window"] == 1
    up = run_json(cli, "--cols", "transcript", "--rollup", "--as", sc.LEAD)
    assert up["cells"][0] == [3, 1]


def test_table_csv_and_xlsx(cli, study, tmp_path, monkeypatch):
    _, out, _ = cli("matrix", "-p", sc.PROJECT, "--cols", "transcript", "--as", sc.LEAD)
    assert "실무자" in out and sc.CONFIDENCE in out
    _, out, _ = cli("matrix", "-p", sc.PROJECT, "--cols", "transcript", "--format", "csv", "--percent", "row",
                    "--as", sc.LEAD)
    assert out.splitlines()[2].split(",")[1:3] == ["75.0", "25.0"]
    monkeypatch.setenv("FGI_LANG", "ko")  # a Korean export: Korean headers
    cli("matrix", "-p", sc.PROJECT, "--cols", "participant", "--format", "xlsx", "--out", str(tmp_path / "m.xlsx"),
        "--as", sc.LEAD)
    sheet = load_workbook(tmp_path / "m.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[0] == "코드" and study.speakers["참여자1"] in header and header[-1] == "합계"


def test_bad_requests_say_what_to_do(cli, study):
    code, _, err = cli("matrix", "-p", sc.PROJECT, "--cols", "group", "--window", "2", "--as", sc.LEAD, ok=False)
    assert code == 1 and "window" in err
    code, _, err = cli("matrix", "-p", sc.PROJECT, "--cols", "group", "--format", "xlsx", "--as", sc.LEAD, ok=False)
    assert code == 1 and "--out" in err


def test_filters_on_the_command_line(cli, study):
    residents = run_json(cli, "--cols", "transcript", "--group", "주민", "--as", sc.LEAD)
    assert [c["label"] for c in residents["columns"]] == ["주민"] and residents["cells"][1] == [0]
    only_b = run_json(cli, "--cols", "transcript", "--coder", sc.B, "--as", sc.LEAD)
    assert only_b["cells"][1] == [2, 0]
