from __future__ import annotations

import csv

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from coding.codebook import list_codes
from coding.codebook_io import export_codebook, import_codebook_file, read_codebook, split_items
from coding.errors import RowErrors
from coding.models import Code
from fgi.errors import InputError
from fgi.models import Event
from fgi.study import create_project, get_project
from tests.coding.conftest import SAMPLE_CODEBOOK

HEADER = "path,definition,inclusion,exclusion,examples,color,keywords\n"


@pytest.fixture
def empty(db):
    with db.transaction() as session:
        create_project(session, "빈 프로젝트", actor="setup")
    return "빈 프로젝트"


def _import(db, project, path, **kwargs):
    with db.transaction() as session:
        return import_codebook_file(session, get_project(session, project), path, actor="팀장", **kwargs)


def _codes(db, project):
    with db.reading() as session:
        return {c.path: c for c in list_codes(session, get_project(session, project))}


def _snapshot(db):
    with db.reading() as session:
        return (session.scalar(select(func.count(Code.id))), session.scalar(select(func.count(Event.id))),
                sorted((c.name, c.definition, c.color) for c in session.scalars(select(Code))))


def test_the_sample_yaml(empty, db):
    book = read_codebook(SAMPLE_CODEBOOK)
    assert book.name == "자활사례관리 성과 연구 코드북" and len(book.specs) == 29
    summary = _import(db, empty, SAMPLE_CODEBOOK)
    assert len(summary.added) == 29 and summary.updated == summary.unchanged == []
    codes = _codes(db, empty)
    assert codes["실무의 어려움/평가 지표의 한계"].keywords == ["지표", "까다롭다", "취업률", "척도"]
    with db.reading() as session:
        kinds = session.scalars(select(Event.kind).where(Event.kind.like("codebook.%"))).all()
    assert kinds.count("codebook.add") == 29 and kinds[-1] == "codebook.import"


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx", "qdc"])
def test_every_format_round_trips(team, db, tmp_path, fmt):
    target = tmp_path / f"codebook.{fmt}"
    with db.reading() as session:
        export_codebook(session, get_project(session, team.project), target)
    with db.transaction() as session:
        create_project(session, "사본", actor="setup")
    summary = _import(db, "사본", target)
    assert len(summary.added) == 29
    original, copy = _codes(db, team.project), _codes(db, "사본")
    assert list(original) == list(copy)
    fields = ("definition", "inclusion", "exclusion", "examples", "color", "keywords", "depth", "position")
    for path, code in original.items():
        assert [getattr(code, f) for f in fields] == [getattr(copy[path], f) for f in fields], path
    again = _import(db, team.project, target)  # merging an unchanged codebook changes nothing
    assert again.added == again.updated == [] and len(again.unchanged) == 29


def test_yaml_export_is_the_sample_layout(team, db, tmp_path):
    with db.reading() as session:
        export_codebook(session, get_project(session, team.project), tmp_path / "cb.yaml")
    exported = yaml.safe_load((tmp_path / "cb.yaml").read_text(encoding="utf-8"))
    sample = yaml.safe_load(SAMPLE_CODEBOOK.read_text(encoding="utf-8"))
    assert exported["codes"] == sample["codes"]


def test_csv_parents_are_created_and_list_cells_split(empty, db, tmp_path):
    source = tmp_path / "codes.csv"
    source.write_text(
        HEADER
        + "성과/정서적 성과,마음의 변화,,,\"웃으면서 인사해요 | 농담도 해요\",#c76a1b,우울하다;웃다\n"
        + "성과,결과로 나타난 변화,,,,,\n"
        + "과정/관계,,,,,,\"동료\n챙기다\"\n",
        encoding="utf-8")
    summary = _import(db, empty, source)
    assert summary.added == ["성과", "성과/정서적 성과", "과정", "과정/관계"]
    codes = _codes(db, empty)
    assert list(codes) == ["성과", "성과/정서적 성과", "과정", "과정/관계"]
    assert codes["성과"].definition == "결과로 나타난 변화"  # the later row fills the implicit parent
    assert codes["성과/정서적 성과"].examples == ["웃으면서 인사해요", "농담도 해요"]
    assert codes["성과/정서적 성과"].keywords == ["우울하다", "웃다"]
    assert codes["성과/정서적 성과"].color == "#C76A1B"
    assert codes["과정/관계"].keywords == ["동료", "챙기다"]


@pytest.mark.parametrize(("cell", "items"), [
    ("자립; 탈수급", ["자립", "탈수급"]),
    ("자립 | 탈수급;경제적", ["자립", "탈수급;경제적"]),
    ("첫째 줄\n둘째 줄 | 그대로", ["첫째 줄", "둘째 줄 | 그대로"]),
    ("  ", []),
])
def test_list_cells(cell, items):
    assert split_items(cell) == items


def test_merge_by_path(team, db, tmp_path):
    source = tmp_path / "merge.csv"
    source.write_text(
        "path,definition,color\n"
        "참여주민의 변화/자신감 회복,새 정의,\n"  # definition replaced, colour cleared
        "참여주민의 변화/새 코드,,#123456\n",
        encoding="utf-8")
    summary = _import(db, team.project, source)
    assert summary.added == ["참여주민의 변화/새 코드"]
    assert summary.updated == ["참여주민의 변화/자신감 회복"]
    code = _codes(db, team.project)["참여주민의 변화/자신감 회복"]
    assert code.definition == "새 정의" and code.color is None
    assert code.keywords == ["자신감", "뿌듯하다", "칭찬", "할 수 있다"]  # no keywords column: kept
    assert len(_codes(db, team.project)) == 30  # codes the file does not mention stay


def test_a_cp949_csv_from_excel(empty, db, tmp_path):
    source = tmp_path / "cp949.csv"
    source.write_bytes((HEADER + "성과/정서적 성과,마음의 변화,,,,,\n").encode("cp949"))
    _import(db, empty, source)
    assert _codes(db, empty)["성과/정서적 성과"].definition == "마음의 변화"


def test_xlsx_import(empty, db, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Path", "Keywords", "Color"])
    sheet.append(["성과/근로", "출근 | 습관", "#F5B041"])
    sheet.append([None, None, None])
    sheet.append(["성과/취업", "취업", None])
    workbook.save(tmp_path / "codes.xlsx")
    _import(db, empty, tmp_path / "codes.xlsx")
    codes = _codes(db, empty)
    assert list(codes) == ["성과", "성과/근로", "성과/취업"]
    assert codes["성과/근로"].keywords == ["출근", "습관"] and codes["성과/취업"].color is None


def test_every_bad_row_is_reported_and_nothing_changes(team, db, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(
        HEADER
        + "성과/좋은 코드,,,,,,\n"         # row 2: fine
        + ",정의만 있음,,,,,\n"             # row 3: empty path
        + "성과/색,,,,,빨강,\n"             # row 4: bad colour
        + "성과/좋은 코드,,,,,,\n"         # row 5: duplicate of row 2
        + "성과//빈 이름,,,,,,\n"          # row 6: empty name inside the path
        + "성과/a/b,,,,,#12345,\n",       # row 7: bad colour
        encoding="utf-8")
    before = _snapshot(db)
    with pytest.raises(RowErrors) as error:
        _import(db, team.project, source)
    assert [(p.row, p.message.split(" ")[0]) for p in error.value.problems] == [
        (3, "empty"), (4, "colour"), (5, "duplicate"), (6, "a"), (7, "colour")]
    message = str(error.value)
    assert message.startswith("bad.csv: 5 problems, nothing was imported")
    assert "row 5: duplicate path '성과/좋은 코드' (first at row 2)" in message
    assert _snapshot(db) == before


@pytest.mark.parametrize(("content", "message"), [
    ("definition,color\n정의,#FFFFFF\n", r"row 1 \(header\): missing column path"),
    ("path,colour\n성과,#FFFFFF\n", "unknown column colour"),
    ("", "the file is empty"),
])
def test_bad_headers(empty, db, tmp_path, content, message):
    source = tmp_path / "codes.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        _import(db, empty, source)


def test_yaml_problems_name_the_line(empty, db, tmp_path):
    source = tmp_path / "bad.yaml"
    source.write_text(
        "name: 틀린 코드북\n"
        "codes:\n"
        "  - name: 성과\n"
        "    colour: '#FFFFFF'\n"
        "    children:\n"
        "      - definition: 이름이 없는 코드\n"
        "      - name: 정서\n"
        "        color: blue\n",
        encoding="utf-8")
    before = _snapshot(db)
    with pytest.raises(RowErrors) as error:
        _import(db, empty, source)
    assert [str(p) for p in error.value.problems] == [
        "line 3: unknown key 'colour' (known: name, definition, inclusion, exclusion, examples, color, "
        "keywords, children)",
        "line 6: a code needs a name (empty path part)",
        "line 7: colour 'blue' is not #RRGGBB (e.g. #4E79A7)",
    ]
    assert _snapshot(db) == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("broken.yaml", "codes: [\n", "not valid YAML"),
    ("flat.yaml", "name: 코드북\n", "needs a list under 'codes:'"),
    ("codes.json", "{}", "unknown codebook format '.json'"),
    ("codes.xlsx", "not a zip", "not a readable Excel workbook"),
])
def test_unreadable_files(empty, db, tmp_path, name, content, message):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        _import(db, empty, source)


def test_csv_export_opens_in_excel(team, db, tmp_path):
    with db.reading() as session:
        export_codebook(session, get_project(session, team.project), tmp_path / "cb.csv")
        export_codebook(session, get_project(session, team.project), tmp_path / "cb.xlsx")
    raw = (tmp_path / "cb.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads Korean right
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["path", "description", "inclusion", "exclusion", "examples", "color", "keywords"]
    assert rows[2][0] == "자활사례관리의 목적/경제적 자립" and rows[2][6] == "자립 | 탈수급 | 경제적"
    sheet = load_workbook(tmp_path / "cb.xlsx").active
    assert sheet.max_row == 30 and sheet["A3"].value == "자활사례관리의 목적/경제적 자립"


def _taguette_tags(raw: bytes) -> list[dict[str, str]]:
    """What Taguette 1.5's codebook import (``taguette/import_codebook.py``) takes from a CSV: a
    header matched in lower case with exactly one of ``tag``, ``name``, ``path`` and an optional
    ``description``. Taguette itself cannot be installed here (it pins SQLAlchemy < 1.5)."""
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header = [cell.lower() for cell in rows[0]]
    assert sum(name in header for name in ("tag", "name", "path")) == 1
    path, description = header.index("path"), header.index("description")
    return [{"path": row[path].strip(), "description": row[description].strip()} for row in rows[1:] if any(row)]


def test_taguette_reads_the_definitions(team, db, tmp_path):
    with db.reading() as session:
        export_codebook(session, get_project(session, team.project), tmp_path / "cb.csv")
    tags = _taguette_tags((tmp_path / "cb.csv").read_bytes())
    codes = _codes(db, team.project)
    assert len(tags) == len(codes) == 29
    assert all(tag["description"] == (codes[tag["path"]].definition or "") for tag in tags)
    assert sum(bool(tag["description"]) for tag in tags) > 20


def test_taguettes_codebook_export_and_older_files_import(empty, db, tmp_path):
    taguette = tmp_path / "codebook.csv"  # as Taguette's "Export codebook (CSV)" writes it
    taguette.write_text("tag,description,number of highlights,number of documents\r\n"
                        "관계 회복,주변 사람과의 관계가 나아짐,12,3\r\n자신감,,0,0\r\n", encoding="utf-8")
    older = tmp_path / "older.csv"
    older.write_text(HEADER + "정서,마음의 변화,,,,,\n", encoding="utf-8")
    _import(db, empty, taguette)
    _import(db, empty, older)
    codes = _codes(db, empty)
    assert codes["관계 회복"].definition == "주변 사람과의 관계가 나아짐" and codes["자신감"].definition is None
    assert codes["정서"].definition == "마음의 변화"


def test_description_and_definition_together_are_refused(empty, db, tmp_path):
    both = tmp_path / "both.csv"
    both.write_text("path,description,definition\n코드,하나,둘\n", encoding="utf-8")
    before = _snapshot(db)
    with pytest.raises(InputError, match="description and definition"):
        _import(db, empty, both)
    assert _snapshot(db) == before
