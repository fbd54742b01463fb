from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from coding.applications import apply_code, codings_for
from coding.bulk import EXPORT_COLUMNS, export_codings, import_codings
from coding.errors import PermissionDenied, RowErrors
from coding.models import CodeApplication
from coding.users import get_user
from fgi.errors import InputError
from fgi.ingest import import_files
from fgi.models import Event
from fgi.study import create_project, get_project
from tests.coding.conftest import SAMPLE_TRANSCRIPTS

CONFIDENCE = "참여주민의 변화/자신감 회복"


def _segment(study, line, transcript="주민_FGI_1차"):
    return f"{study.transcripts[transcript]}-{line:04d}"


def _write_csv(path, rows, header=("segment_id", "code", "memo")):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(study, path, user=None, **kwargs):
    with study.db.transaction() as session:
        return import_codings(session, get_user(session, user or study.coder), path, **kwargs)


def _count(study):
    with study.db.reading() as session:
        return (session.scalar(select(func.count(CodeApplication.id))),
                session.scalar(select(func.count(Event.id))))


def test_import_a_csv(study, tmp_path):
    source = _write_csv(tmp_path / "codings.csv", [
        (_segment(study, 10), CONFIDENCE, "칭찬 뒤에 나섬"),
        (_segment(study, 10), "관계 회복", ""),  # a name only one code has
        (_segment(study, 12), "참여주민이 경험한 자활/참여 초기의 낙인감", ""),
    ])
    summary = _import(study, source)
    assert (summary.project, summary.applied, summary.unchanged) == ("자활 FGI", 3, 0)
    with study.db.reading() as session:
        rows = codings_for(session, get_user(session, study.coder), project=get_project(session, study.project))
        event = session.scalars(select(Event).where(Event.kind == "code.import")).one()
    assert [(r.line, r.code_path, r.memo, r.source) for r in rows] == [
        (10, "참여주민의 변화/자신감 회복", "칭찬 뒤에 나섬", "import"),
        (10, "참여주민의 변화/관계 회복", "칭찬 뒤에 나섬", "import"),  # the coder's memo on the line
        (12, "참여주민이 경험한 자활/참여 초기의 낙인감", None, "import"),
    ]
    assert event.subject == "codings.csv" and event.payload["applied"] == 3
    again = _import(study, source)  # importing the same file twice is harmless
    assert (again.applied, again.unchanged, again.memos_updated) == (0, 3, 0)


def test_import_an_xlsx_without_memo_column(study, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Segment_ID", "Code"])
    workbook.active.append([_segment(study, 10), CONFIDENCE])
    workbook.save(tmp_path / "codings.xlsx")
    assert _import(study, tmp_path / "codings.xlsx").applied == 1


def test_every_bad_row_is_reported_and_nothing_changes(study, tmp_path):
    with study.db.transaction() as session:
        other = create_project(session, "다른 연구", actor="setup")
        foreign = import_files(session, other, [SAMPLE_TRANSCRIPTS / "주민_FGI_1차.txt"], actor="setup")[0]
    source = _write_csv(tmp_path / "bad.csv", [
        (_segment(study, 10), CONFIDENCE, ""),      # row 2: fine
        ("nope-0001", CONFIDENCE, ""),              # row 3: unknown segment
        (_segment(study, 11), "없는 코드/하위", ""),  # row 4: unknown code path
        (f"{foreign.transcript_id}-0010", CONFIDENCE, ""),  # row 5: another project's segment
        (_segment(study, 10), "자신감 회복", ""),     # row 6: same as row 2
        ("", "", ""),                               # skipped: empty row
        ("", CONFIDENCE, ""),                       # row 8: empty segment id
    ])
    before = _count(study)
    with pytest.raises(RowErrors) as error:
        _import(study, source)
    assert [(p.row, p.message.split(" ")[0]) for p in error.value.problems] == [
        (3, "unknown"), (4, "unknown"), (5, "segment"), (6, "duplicate"), (8, "empty")]
    message = str(error.value)
    assert "row 4: unknown code path '없는 코드/하위'" in message
    assert "row 5: segment" in message and "belongs to another project, not '자활 FGI'" in message
    assert "fgi codebook show" in error.value.hint
    assert _count(study) == before


def test_an_ambiguous_code_name(study, tmp_path):
    from coding.codebook import add_code

    with study.db.transaction() as session:
        add_code(session, get_project(session, study.project), "개선 제언/관계 회복", actor="setup")
    source = _write_csv(tmp_path / "codings.csv", [(_segment(study, 10), "관계 회복", "")])
    with pytest.raises(RowErrors, match="ambiguous; give the path"):
        _import(study, source)


def test_outsiders_cannot_import(study, tmp_path):
    source = _write_csv(tmp_path / "codings.csv", [(_segment(study, 10), CONFIDENCE, "")])
    with pytest.raises(PermissionDenied):
        _import(study, source, study.outsider)


def test_a_file_of_unknown_segments(study, tmp_path):
    source = _write_csv(tmp_path / "codings.csv", [("nope-0001", CONFIDENCE, "")])
    with pytest.raises(InputError, match="none of the segment ids is in the database"):
        _import(study, source)


def test_export_respects_blind_coding_and_imports_again(study, tmp_path):
    a, b = study.coders
    with study.db.transaction() as session:
        apply_code(session, get_user(session, a), _segment(study, 10), CONFIDENCE, memo="메모")
        apply_code(session, get_user(session, b), _segment(study, 12), "관계 회복")
    exported = {}
    for viewer in (a, study.lead):
        target = tmp_path / f"{viewer}.csv"
        with study.db.reading() as session:
            exported[viewer] = export_codings(session, get_user(session, viewer),
                                              get_project(session, study.project), target)
    assert exported == {a: 1, study.lead: 2}
    rows = list(csv.DictReader((tmp_path / f"{a}.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert (rows[0]["code"], rows[0]["coder"], rows[0]["memo"], rows[0]["line"]) == (CONFIDENCE, a, "메모", "10")
    assert rows[0]["transcript"] == "주민_FGI_1차" and rows[0]["text"]
    # A coder's export imports again (as the same coder) without change.
    assert _import(study, tmp_path / f"{a}.csv", a).unchanged == 1
    # The lead's export holds another coder's rows: importing it as a coder is refused.
    with pytest.raises(RowErrors, match=f"the row is {b}'s coding, but the import is as {a}"):
        _import(study, tmp_path / f"{study.lead}.csv", a)


def test_export_to_xlsx(study, tmp_path):
    with study.db.transaction() as session:
        apply_code(session, get_user(session, study.coder), _segment(study, 10), CONFIDENCE)
    with study.db.reading() as session:
        export_codings(session, get_user(session, study.coder), get_project(session, study.project),
                       tmp_path / "codings.xlsx")
    sheet = load_workbook(tmp_path / "codings.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["segment_id", "code", "memo"]
    assert sheet["B2"].value == CONFIDENCE
