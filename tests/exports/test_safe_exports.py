"""No exported spreadsheet or CSV cell can become a formula, whatever users wrote.

A project whose transcript lines, code names and definitions, memos, reasons and theme
names start with ``=``, ``+``, ``-``, ``@`` (and the full-width ``＝``) is exported as
codings, codebook, reconciliation log and theme tables. openpyxl reads every workbook
back (no formula cell, the text as written, counts still numbers); LibreOffice Calc opens
the workbooks and the CSV files and shows the text literally.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coding import users
from coding.applications import apply_code, reveal
from coding.bulk import export_codings
from coding.codebook import add_code
from coding.codebook_io import export_codebook, read_codebook
from coding.reconcile import decide
from coding.reconcile_log import export_log, reconciliation_log
from coding.tables import read_table
from fgi.ingest import ImportOptions, import_files
from fgi.safe_cells import csv_cell, csv_unescape, starts_formula
from fgi.study import create_project, list_segments
from tests.conftest import need_or_skip
from themes.export_data import workbook_data
from themes.export_table import theme_table
from themes.export_text import write_csv
from themes.export_xlsx import write_xlsx
from themes.hierarchy import create_node, place_code

LINES = ["=1+1", "=cmd|' /C calc'!A0", "+2+3 이라고 했어요", "-4+1 정도였죠", "@SUM(1,1) 같은 것", "＝HYPERLINK(\"x\")"]
MEMO = '=HYPERLINK("http://127.0.0.1:9/m","memo1")'
REASON = "@SUM(1+1) 판단"
CODE_A, CODE_B = "=1+1 코드", "+2 코드"
DEFINITION = "-3+3 정의"
HOSTILE = {*LINES, MEMO, REASON, CODE_A, CODE_B, DEFINITION, "=주제", "-하위주제"}


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def exports(db, kiwi, tmp_path) -> dict[str, Path]:
    transcript = tmp_path / "적대적.txt"
    transcript.write_text("".join(f"참여자{i % 2 + 1}: {line}\n" for i, line in enumerate(LINES)), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    files: dict[str, Path] = {}
    with db.transaction() as session:
        project = create_project(session, "수식 시험", actor="setup")
        lead = users.create_user(session, "팀장", "비밀번호1234", role="lead", actor="setup")
        a = users.create_user(session, "코더A", "비밀번호1234", role="coder", actor="setup")
        b = users.create_user(session, "코더B", "비밀번호1234", role="coder", actor="setup")
        for user in (lead, a, b):
            users.add_member(session, project, user, actor="setup")
        [result] = import_files(session, project, [transcript], ImportOptions(), actor="setup", analyzer=kiwi)
        add_code(session, project, CODE_A, actor="setup", definition=DEFINITION)
        add_code(session, project, CODE_B, actor="setup")
        segments = list_segments(session, result.transcript_id)
        for segment in segments:
            apply_code(session, a, segment.id, CODE_A, memo=MEMO)
            apply_code(session, b, segment.id, CODE_B)
        reveal(session, lead, result.transcript_id)
        decide(session, lead, segments[0].id, CODE_A, "apply", reason=REASON)
        domain = create_node(session, project, "domain", "+영역", actor="setup").node_id
        theme = create_node(session, project, "theme", "=주제", actor="setup", parent_id=domain).node_id
        sub = create_node(session, project, "subtheme", "-하위주제", actor="setup", parent_id=theme).node_id
        place_code(session, project, CODE_A, sub, actor="setup")
        for suffix in ("csv", "xlsx"):
            export_codings(session, lead, project, out / f"codings.{suffix}")
            export_codebook(session, project, out / f"codebook.{suffix}")
            export_log(reconciliation_log(session, project, viewer=lead), out / f"log.{suffix}")
        write_xlsx(workbook_data(session, project, viewer=lead, quotes=10), out / "themes.xlsx")
        write_csv(theme_table(session, project, viewer=lead, quotes=10), out / "themes.csv")
    for path in out.iterdir():
        files[path.name] = path
    return files


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠a", "'=1", "''+1"])
def test_csv_escape_and_unescape_are_inverse(value):
    escaped = csv_cell(value)
    assert escaped.startswith("'") and not starts_formula(escaped)
    assert csv_unescape(escaped) == value


@pytest.mark.parametrize("value", ["보통 문장", "'인용", "1+1", "", "''"])
def test_ordinary_text_is_not_escaped(value):
    assert csv_cell(value) == value and csv_unescape(value) == value


def test_workbooks_have_no_formula_cells(exports):
    workbooks = [p for p in exports.values() if p.suffix == ".xlsx"]
    assert len(workbooks) == 4
    for path in workbooks:
        values, numbers = set(), 0
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{cell.coordinate} is a formula: {cell.value!r}"
                    if isinstance(cell.value, str):
                        values.update(cell.value.split("\n"))
                        if starts_formula(cell.value):
                            assert cell.quotePrefix, f"{path.name}!{cell.coordinate}"
                    elif isinstance(cell.value, int):
                        numbers += 1
        assert values & HOSTILE, path.name  # the hostile text is there, as written
        if path.name in ("codings.xlsx", "log.xlsx", "themes.xlsx"):
            assert numbers, f"{path.name}: line numbers and counts stay numbers"
    themes = {v for s in load_workbook(exports["themes.xlsx"]).worksheets for r in s.iter_rows(values_only=True)
              for v in r if isinstance(v, str)}
    assert {MEMO, "=주제", "-하위주제"} <= themes or {"=주제", "-하위주제"} <= themes


def test_csv_cells_are_escaped_and_read_back_unchanged(exports):
    for name in ("codings.csv", "codebook.csv", "log.csv", "themes.csv"):
        with exports[name].open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        cells = [c for row in rows for c in row]
        assert cells, name
        for cell in cells:
            assert not starts_formula(cell), f"{name}: {cell!r}"
        assert any(c.startswith("'") and csv_unescape(c) in HOSTILE | {MEMO} for c in cells), name
    codings = read_table(exports["codings.csv"], required=["segment_id"], optional=[
        "code", "memo", "coder", "transcript", "line", "speaker", "text", "source", "created_at"])
    assert {r.values["memo"] for r in codings.rows if r.values["memo"]} == {MEMO}
    assert {r.values["text"] for r in codings.rows} == set(LINES)
    book = read_codebook(exports["codebook.csv"])
    assert {CODE_A, CODE_B} <= {"/".join(spec.path) for spec in book.specs}


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        need_or_skip("LibreOffice (soffice) is not installed")
    return soffice


def _convert(paths: list[Path], to: str, folder: Path, filter_options: str = "") -> None:
    folder.mkdir(exist_ok=True)
    done = subprocess.run(
        [_soffice(), "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
         "--convert-to", to + filter_options, "--outdir", str(folder), *map(str, paths)],
        capture_output=True, text=True, timeout=300)
    missing = [p.name for p in paths if not (folder / f"{p.stem}.{to}").exists()]
    if missing:
        need_or_skip(f"LibreOffice Calc could not open {missing}: {done.stderr.strip()[-200:]}")


@pytest.mark.libreoffice
def test_libreoffice_shows_the_text_literally(exports, tmp_path):
    control = tmp_path / "control.csv"
    control.write_text('"=1+1","+2+3"\n', encoding="utf-8")  # what an unescaped export would be
    csvs = [exports[n] for n in ("codings.csv", "codebook.csv", "log.csv", "themes.csv")]
    _convert([*csvs, control], "xlsx", tmp_path / "from_csv")
    assert load_workbook(tmp_path / "from_csv" / "control.xlsx").active["A1"].data_type == "f"  # the test can fail
    for path in csvs:
        for row in load_workbook(tmp_path / "from_csv" / f"{path.stem}.xlsx").active.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"LibreOffice made a formula of {path.name}: {cell.value!r}"
    workbooks = [exports[n] for n in ("codings.xlsx", "codebook.xlsx", "log.xlsx", "themes.xlsx")]
    _convert(workbooks, "csv", tmp_path / "from_xlsx", ":Text - txt - csv (StarCalc):44,34,76,1")
    shown = {p.stem: {c for row in csv.reader((tmp_path / "from_xlsx" / f"{p.stem}.csv").open(encoding="utf-8-sig"))
                      for c in row} for p in workbooks}  # the first sheet of each, as LibreOffice computes it
    assert set(LINES) | {MEMO, CODE_A, CODE_B} <= shown["codings"]
    assert {CODE_A, DEFINITION} <= shown["codebook"]
    assert {REASON, "=1+1", CODE_A} <= shown["log"]
    assert {"+영역", "=주제", "-하위주제"} <= shown["themes"]
    for cells in shown.values():
        assert "#NAME?" not in cells and not any(c.startswith("Err:") for c in cells)


def test_round_workbooks_and_snapshot_blocks_keep_formulas_as_text(tmp_path):
    """The round exports and the reveal snapshots appended to a reconciliation log go through
    the same safe writers as every other table."""
    from openpyxl import load_workbook

    from coding.round_export import SNAPSHOT_COLUMNS, append_snapshots
    from coding.tables import write_sheets, write_table
    from fgi.safe_cells import csv_unescape

    hostile = ['=HYPERLINK("http://127.0.0.1:9/m","memo1")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1+2"]
    rows = [[text, 1, "2026-11-29T10:00:00", "팀장", 3, text, 0.5, 0.1, 0.9, 0.8, 0.4, 7] for text in hostile]
    workbook_path = write_sheets(tmp_path / "rounds.xlsx", {"codings": (["code", "n"], [[t, 2] for t in hostile])})
    append_snapshots(workbook_path, rows)
    workbook = load_workbook(workbook_path)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {c.value for c in cells} >= set(hostile) and 2 in {c.value for c in cells}  # numbers stay numbers

    csv_path = write_table(tmp_path / "log.csv", ["code"], [[t] for t in hostile])
    append_snapshots(csv_path, rows)
    import csv

    read = [[csv_unescape(c) for c in row] for row in csv.reader(csv_path.open(encoding="utf-8-sig"))]
    raw = csv_path.read_text(encoding="utf-8-sig")
    assert not any(line.startswith(("=", "+", "-", "@", '"=', '"+', '"-', '"@')) for line in raw.splitlines())
    assert [row[0] for row in read if row and row[0] in hostile][:len(hostile)] == hostile
    assert list(SNAPSHOT_COLUMNS) in read
