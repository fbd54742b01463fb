"""Bounded work: hostile inputs are refused quickly with a message naming the file, the
limit and the setting that raises it, and nothing is written."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest

from coding.codebook import list_codes
from coding.codebook_io import import_codebook_file, read_codebook
from coding.errors import RowErrors
from coding.keywords import keyword_patterns
from fgi.errors import FgiError, InputError
from fgi.ingest.reader import read_source
from fgi.limits import LIMITS, limit
from fgi.storage.fingerprint import fingerprint
from fgi.study import create_project, get_project
from fgi.terminal import clean, json_safe
from tests.conftest import REPO

MB = 1024 * 1024
SAMPLE_CODEBOOK = REPO / "codebooks" / "자활사례관리_코드북.yaml"
PARAGRAPH = "<w:p><w:r><w:t>참여자1: 가나다 라마바 사아자</w:t></w:r></w:p>".encode()


def _docx(path: Path, body: bytes | None = None, *, xml_mb: int = 0, level: int = 6,
          document: bytes | None = None) -> Path:
    """A real Word file whose document.xml is replaced: ``body`` inside <w:body>, or
    ``xml_mb`` MB of paragraphs streamed in, or a whole ``document``."""
    base = io.BytesIO()
    made = docx.Document()
    made.add_paragraph("진행자: 안녕하세요")
    made.save(base)
    source = zipfile.ZipFile(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, source.read(info.filename))
                continue
            original = source.read(info.filename)
            head, _ = original.split(b"<w:body>")
            with out.open("word/document.xml", "w") as handle:
                if document is not None:
                    handle.write(document)
                    continue
                handle.write(head + b"<w:body>")
                if body:
                    handle.write(body)
                chunk = PARAGRAPH * 20_000
                for _ in range(xml_mb * MB // len(chunk)):
                    handle.write(chunk)
                handle.write(b"<w:sectPr/></w:body></w:document>")
    return path


def _refused(path: Path, *needles: str) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(InputError) as error:
        read_source(path, max_bytes=20 * MB)
    seconds = time.perf_counter() - start
    message = str(error.value)
    assert message.startswith(path.name), message
    for needle in needles:
        assert needle in message, message
    return message, seconds


@pytest.mark.slow
def test_the_docx_bomb_of_the_issue_is_refused_at_once(tmp_path):
    """~1.3 MB of .docx holding 400 MB of XML: refused from the zip's directory."""
    path = _docx(tmp_path / "폭탄.docx", xml_mb=400, level=9)
    assert path.stat().st_size < 2 * MB
    tracemalloc.start()
    _, seconds = _refused(path, "more than 100 times", "FGI_MAX_ZIP_RATIO (now 100)")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 0.5
    assert peak < 20 * MB


def test_a_docx_over_the_xml_limit_is_refused_with_its_setting(tmp_path, monkeypatch):
    path = _docx(tmp_path / "큰.docx", xml_mb=3, level=1)
    monkeypatch.setenv("FGI_MAX_ZIP_RATIO", "100000")  # this test is about the size, not the ratio
    monkeypatch.setenv("FGI_MAX_OFFICE_XML_MB", "2")
    message, seconds = _refused(path, "over the limit of 2.0 MB", "FGI_MAX_OFFICE_XML_MB")
    assert seconds < 0.5
    monkeypatch.setenv("FGI_MAX_OFFICE_XML_MB", "4")  # raised: the same file is read
    assert read_source(path, max_bytes=20 * MB).text.startswith("참여자1: 가나다")


def test_a_docx_whose_header_lies_about_its_size_is_refused_while_streaming(tmp_path):
    path = _docx(tmp_path / "거짓.docx", xml_mb=2, level=1)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    # Declare 5,000 bytes in the local header and the central directory (zip64 off: sizes in place).
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                if data[at + size_at:at + size_at + 4] == b"\xff\xff\xff\xff":
                    pytest.skip("zip64 sizes")  # pragma: no cover - 2 MB is written without zip64
                data[at + size_at:at + size_at + 4] = (5000).to_bytes(4, "little")
            at += 4
    path.write_bytes(bytes(data))
    _, seconds = _refused(path, "document.xml")
    assert seconds < 0.5


def test_deep_xml_and_dtds_in_a_docx_are_refused(tmp_path):
    deep = _docx(tmp_path / "깊은.docx", b"<w:p>" * 150 + b"</w:p>" * 150)
    _refused(deep, "more than 100 deep", "FGI_MAX_XML_DEPTH")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>")
    _refused(_docx(tmp_path / "웃음.docx", document=laughs), "DTD")


def test_a_small_docx_still_reads(tmp_path):
    path = _docx(tmp_path / "보통.docx", PARAGRAPH * 3)
    assert read_source(path, max_bytes=20 * MB).text.count("가나다") == 3


# ---- YAML codebooks -------------------------------------------------------------------


ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
codes: [*i]
"""


def _timed_refusal(path: Path, *needles: str, error=InputError) -> str:
    start = time.perf_counter()
    with pytest.raises(error) as caught:
        read_codebook(path)
    assert time.perf_counter() - start < 2
    message = str(caught.value)
    assert message.startswith(path.name), message
    for needle in needles:
        assert needle in message, message
    assert len(message) < 5000
    return message


def test_a_yaml_alias_bomb_is_refused(tmp_path):
    path = tmp_path / "별칭.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    _timed_refusal(path, "more than 10 aliases", "line 3", "FGI_MAX_YAML_ALIASES")


def test_aliases_within_a_raised_limit_cannot_multiply_codes(tmp_path, monkeypatch):
    """Forty-one aliases of mappings with children would expand to a million codes; the walk
    stops at the codes limit."""
    monkeypatch.setenv("FGI_MAX_YAML_ALIASES", "41")
    lines = ["base: &c0 {name: 잎}"]
    for i in range(1, 21):
        lines.append(f"l{i}: &c{i} {{name: 가지{i}, children: [*c{i - 1}, *c{i - 1}]}}")
    lines.append("codes: [*c20]")
    path = tmp_path / "가지.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    _timed_refusal(path, "more than 2000 codes", "FGI_MAX_CODES")


def test_deep_yaml_is_a_clear_error_not_a_recursion_error(tmp_path):
    path = tmp_path / "깊은.yaml"
    path.write_text("codes: " + "[" * 500 + "]" * 500, encoding="utf-8")
    _timed_refusal(path, "nest more than 40 deep", "line 1", "FGI_MAX_YAML_DEPTH")
    path.write_text("codes: " + "[" * 50_000 + "]" * 50_000, encoding="utf-8")  # libyaml's own limit
    _timed_refusal(path, "line 1", "nesting depth")
    path.write_text("codes:\n" + "".join("  " * i + "- children:\n" for i in range(200)), encoding="utf-8")
    _timed_refusal(path, "nest more than 40 deep", "FGI_MAX_YAML_DEPTH")


def test_a_yaml_of_too_many_values_is_refused_before_it_is_built(tmp_path):
    path = tmp_path / "많은.yaml"
    path.write_text("codes:\n  - name: 코드\n    keywords: [" + ", ".join(f"낱말{i}" for i in range(300_000)) + "]\n",
                    encoding="utf-8")
    _timed_refusal(path, "more than 50000 values", "line 3", "FGI_MAX_YAML_VALUES")


def test_a_large_codebook_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("FGI_MAX_CODEBOOK_MB", "1")
    path = tmp_path / "큰.yaml"
    path.write_text("codes:\n" + "  - name: 코드\n" * 100_000, encoding="utf-8")
    _timed_refusal(path, "over the 1 MB limit", "FGI_MAX_CODEBOOK_MB")


def test_a_nul_in_yaml_is_refused_naming_the_line_and_nothing_is_written(db, tmp_path):
    path = tmp_path / "널.yaml"
    path.write_text('codes:\n  - name: 정상\n  - name: 이름\n    definition: "앞\\0뒤"\n', encoding="utf-8")
    with db.transaction() as session:
        create_project(session, "자활 FGI", actor="연구자")
    before = fingerprint(db.engine)
    with pytest.raises(RowErrors) as error:
        with db.transaction() as session:
            import_codebook_file(session, get_project(session, "자활 FGI"), path, actor="연구자")
    assert "line 3: definition contains a NUL character" in str(error.value)
    assert fingerprint(db.engine) == before
    path.write_text('codes:\n  - name: "이\\0름"\n', encoding="utf-8")
    with pytest.raises(RowErrors, match="line 2: a code name contains a NUL"):
        read_codebook(path)


# ---- codebook size --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_a_keyword_bomb_is_refused_at_import_and_nothing_is_written(db, tmp_path, fmt):
    count = {"yaml": 20_000, "csv": 10_000, "xlsx": 3_000}[fmt]  # a CSV cell: 131,072 chars, Excel 32,767
    keywords = [f"낱말{i}" for i in range(count)]
    path = tmp_path / f"키워드.{fmt}"
    if fmt == "yaml":
        path.write_text("codes:\n  - name: 코드\n    keywords: [" + ", ".join(keywords) + "]\n", encoding="utf-8")
    elif fmt == "csv":
        path.write_text("path,keywords\n코드," + "|".join(keywords) + "\n", encoding="utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["path", "keywords"])
        book.active.append(["코드", "|".join(keywords)])
        book.save(path)
    with db.transaction() as session:
        create_project(session, "자활 FGI", actor="연구자")
    before = fingerprint(db.engine)
    start = time.perf_counter()
    with pytest.raises(RowErrors) as error:
        with db.transaction() as session:
            import_codebook_file(session, get_project(session, "자활 FGI"), path, actor="연구자")
    assert time.perf_counter() - start < 10
    message = str(error.value)
    where = "line 2" if fmt == "yaml" else "row 2"
    assert f"{where}: {count} keywords, over the limit of 100 per code (FGI_MAX_KEYWORDS)" in message
    assert len(message) < 2000
    assert fingerprint(db.engine) == before


def test_an_xlsx_bomb_is_refused(tmp_path, monkeypatch):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["path", "definition"])
    for i in range(3000):
        book.active.append([f"코드{i}", "가" * 1000])
    path = tmp_path / "폭탄.xlsx"
    book.save(path)
    _timed_refusal(path, "more than 100 times", "FGI_MAX_ZIP_RATIO")
    monkeypatch.setenv("FGI_MAX_ZIP_RATIO", "100000")
    monkeypatch.setenv("FGI_MAX_OFFICE_XML_MB", "1")
    _timed_refusal(path, "over the limit of 1.0 MB", "FGI_MAX_OFFICE_XML_MB")


def test_a_csv_cell_over_the_csv_limit_is_a_clear_error(tmp_path):
    path = tmp_path / "긴칸.csv"
    path.write_text("path,definition\n코드,\"" + "가" * 200_000 + "\"\n", encoding="utf-8")
    _timed_refusal(path, "not readable as CSV", "line 2")


def test_keyword_and_field_lengths_and_the_number_of_codes_are_limited(db, tmp_path, monkeypatch):
    path = tmp_path / "긴.csv"
    path.write_text("path,keywords,definition\n"
                    f"가,{'나' * 51},짧은 정의\n"
                    f"다,라,{'마' * 5001}\n", encoding="utf-8")
    with pytest.raises(RowErrors) as error:
        read_codebook(path)
    message = str(error.value)
    assert "row 2: keyword '나나나" in message and "over the limit of 50 (FGI_MAX_KEYWORD_CHARS)" in message
    assert "row 3: definition is 5001 characters long, over the limit of 5000 (FGI_MAX_FIELD_CHARS)" in message

    monkeypatch.setenv("FGI_MAX_CODES", "5")
    with pytest.raises(InputError, match="describes more than 5 codes; nothing was imported") as error:
        read_codebook(SAMPLE_CODEBOOK)
    assert "FGI_MAX_CODES" in str(error.value)
    monkeypatch.setenv("FGI_MAX_CODES", "3")
    small = tmp_path / "작은.csv"
    small.write_text("path\n가/나\n", encoding="utf-8")
    with db.transaction() as session:
        project = create_project(session, "자활 FGI", actor="연구자")
        import_codebook_file(session, project, small, actor="연구자")
    other = tmp_path / "더.csv"
    other.write_text("path\n다/라\n", encoding="utf-8")
    with pytest.raises(InputError, match="the project has 2 codes and the file adds 2, over the limit of 3"):
        with db.transaction() as session:
            import_codebook_file(session, get_project(session, "자활 FGI"), other, actor="연구자")
    with db.reading() as session:
        assert len(list_codes(session, get_project(session, "자활 FGI"))) == 2


def test_keyword_suggestions_refuse_a_stored_keyword_bomb_at_once():
    codes = [SimpleNamespace(id=1, path="코드", keywords=[f"낱말{i}" for i in range(50_000)])]
    start = time.perf_counter()
    with pytest.raises(FgiError, match="50000 keywords; keyword suggestions match at most 10000") as error:
        keyword_patterns(codes)
    assert time.perf_counter() - start < 1
    assert "FGI_MAX_SUGGESTION_KEYWORDS" in error.value.hint


def test_a_long_stored_keyword_is_not_analysed():
    codes = [SimpleNamespace(id=1, path="코드", keywords=["가" * 10_000])]
    (pattern,) = keyword_patterns(codes, nlp=object())  # the analyser is never reached
    assert pattern.patterns == () and "longer than 50 characters" in pattern.problem


def test_a_limit_setting_must_be_a_number(monkeypatch):
    monkeypatch.setenv("FGI_MAX_CODES", "많이")
    with pytest.raises(FgiError, match="FGI_MAX_CODES='많이' is not a number"):
        limit("codes")
    assert all(spec.setting.startswith("FGI_MAX_") for spec in LIMITS.values())


# ---- terminal output ------------------------------------------------------------------


def test_control_characters_are_shown_as_escapes():
    assert clean("a\x1b[2Jb\tc\nd\x07\x9b\u202e") == "a\\x1b[2Jb\tc\nd\\x07\\x9b\\u202e"
    assert clean("안녕하세요") == "안녕하세요"
    assert json_safe('"\\u001b\x9b\u2066"') == '"\\u001b\\u009b\\u2066"'


def test_fgi_segments_never_prints_an_escape_sequence(cli, database_url, tmp_path):
    if "postgresql" in database_url:
        cli("migrate")
    transcript = tmp_path / "제어.txt"
    transcript.write_text("진행자: 시작합니다\x1b]0;hacked\x07\n참여자1: 화면을\x1b[2J 지웁니다\x9b31m\n",
                          encoding="utf-8")
    cli("project", "create", "자활 FGI")
    _, _, err = cli("import", str(transcript), "--project", "자활 FGI")
    for fmt in ("table", "json"):
        _, out, _ = cli("segments", "제어", "--project", "자활 FGI", "--format", fmt)
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
        assert "화면을" in out
    assert "\x1b" not in err
    code, _, err = cli("segments", "없는\x1b[31m이름", "--project", "자활 FGI", ok=False)
    assert code == 1 and "\x1b" not in err and "\\x1b[31m" in err


def test_the_readme_lists_every_limit_with_its_default():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    limits = readme[readme.index("### Limits"):]
    for spec in LIMITS.values():
        assert f"| `{spec.setting}` | {spec.meaning.replace('(*name)', '(`*name`)')} | {spec.default:,} |" in limits


def test_a_nul_in_a_memo_is_a_user_error_on_every_database(database_url):
    from bench.concurrency import prepare
    from coding.applications import apply_code
    from coding.users import get_user
    from fgi.models import Segment
    from fgi.storage import open_database
    from sqlalchemy import select

    prepare(database_url, 1)
    db = open_database(database_url)
    try:
        with db.reading() as session:
            segment = session.scalars(select(Segment.id).order_by(Segment.id)).first()
            code = next(c.path for c in list_codes(session, get_project(session, "동시 코딩")) if c.parent_id)
        before = fingerprint(db.engine)
        with pytest.raises(FgiError, match="a memo cannot contain a NUL character"):
            with db.transaction() as session:
                apply_code(session, get_user(session, "coder00"), segment, code, memo="메모\x00끝")
        assert fingerprint(db.engine) == before
    finally:
        db.dispose()
