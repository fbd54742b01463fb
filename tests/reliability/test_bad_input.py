"""Bad input of every kind, through the CLI as a user meets it: one specific message (which
file, which line or row, what to do) and a database left row for row as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fgi.storage import open_database
from fgi.storage.fingerprint import fingerprint

PROJECT = "검증"
OK_TRANSCRIPT = "진행자: 시작할게요\n참여자1: 네 좋습니다\n"


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _xlsx(folder: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = folder / "codebook.xlsx"
    book.save(path)
    return path


def _zip(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _big(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    return path


# (id, build(folder) -> fgi arguments, expected message fragments)
CASES = [
    ("empty", lambda d: ["import", str(_write(d, "empty.txt", b"")), "-p", PROJECT], ["empty.txt", "empty"]),
    ("binary", lambda d: ["import", str(_write(d, "scan.txt", b"%PDF-1.4 \x00\x01")), "-p", PROJECT], ["scan.txt", "PDF"]),
    ("50MB", lambda d: ["import", str(_big(d)), "-p", PROJECT], ["huge.txt", "50.0 MB", "FGI_MAX_IMPORT_MB"]),
    ("undecodable", lambda d: ["import", str(_write(d, "bad.txt", "진행자: 네\n".encode() + b"\xff\xfe\xfa\n")), "-p", PROJECT],
     ["bad.txt, line 2", "UTF-8"]),
    ("no-speakers", lambda d: ["import", str(_write(d, "plain.txt", "그냥 글입니다.\n화자가 없어요.\n")), "-p", PROJECT],
     ["plain.txt", "no speaker labels", "--format plain"]),
    ("clova-no-text", lambda d: ["import", str(_write(d, "clova.txt", "참석자 1 00:00\n\n참석자 2 00:05\n")), "-p", PROJECT],
     ["clova.txt", "no utterances"]),
    ("clova-long-header", lambda d: ["import", str(_write(d, "clova.txt", "\n".join(f"머리말 {i}" for i in range(8)) + "\n\n참석자 1 00:00\n안녕하세요\n참석자 2 00:05\n네\n")), "-p", PROJECT],
     ["clova.txt, line 1", "before the first speaker line"]),
    ("unknown-project", lambda d: ["import", str(_write(d, "ok.txt", OK_TRANSCRIPT)), "-p", "없는 프로젝트"], ["no project named '없는 프로젝트'"]),
    ("long-group", lambda d: ["import", str(_write(d, "ok.txt", OK_TRANSCRIPT)), "-p", PROJECT, "--group", "집" * 101], ["group name", "100"]),
    ("long-project-name", lambda d: ["project", "create", "가" * 201], ["at most 200"]),
    ("yaml-syntax", lambda d: ["codebook", "import", str(_write(d, "book.yaml", "codes:\n  - name: [닫히지 않음\n")), "-p", PROJECT], ["book.yaml, line 3", "not valid YAML"]),
    ("yaml-bad-colour", lambda d: ["codebook", "import", str(_write(d, "book.yaml", "codes:\n  - name: 성과\n    color: 빨강\n")), "-p", PROJECT], ["book.yaml", "line 2", "colour '빨강'"]),
    ("csv-rows", lambda d: ["codebook", "import", str(_write(d, "book.csv", "path,color\n성과,#123456\n,#000000\n성과/정서,파랑\n")), "-p", PROJECT],
     ["book.csv", "row 3", "row 4"]),
    ("xlsx-unknown-column", lambda d: ["codebook", "import", str(_xlsx(d, [["path", "설명"], ["성과", "x"]])), "-p", PROJECT], ["codebook.xlsx", "설명"]),
    ("codings-unknown-segment", lambda d: ["code", "import", str(_write(d, "codings.csv", "segment_id,code\nnope-0001,성과\n")), "--as", "팀장", "-p", PROJECT],
     ["codings.csv", "row 2", "nope-0001"]),
    ("qdpx-not-zip", lambda d: ["import", str(_write(d, "x.qdpx", "이건 zip이 아닙니다")), "-p", "새 프로젝트"], ["x.qdpx", "not a zip archive"]),
    ("qdpx-traversal", lambda d: ["import", str(_zip(d, "evil.qdpx", {"project.qde": b"<Project/>", "../../etc/passwd": b"x"})), "-p", "새 프로젝트"], ["evil.qdpx", "escapes the archive"]),
    ("qdpx-bomb", lambda d: ["import", str(_zip(d, "bomb.qdpx", {"project.qde": b"<Project/>", "sources/a.txt": b"0" * (300 * 1024 * 1024)})), "-p", "새 프로젝트"], ["bomb.qdpx", "zip bomb"]),
    ("hierarchy-unknown-node", lambda d: ["hierarchy", "rename", "999", "새 이름", "-p", PROJECT], ["no theme node #999"]),
    ("hierarchy-domain-under-a-domain", lambda d: ["hierarchy", "move", "1", "--to", "1", "-p", PROJECT], ["cannot sit under", "top level"]),
    ("unknown-segment", lambda d: ["code", "apply", "--as", "팀장", "--segment", "zzz-0001", "--code", "성과"], ["no segment 'zzz-0001'"]),
]


@pytest.fixture
def prepared(cli, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FGI_PASSWORD", "password-123")  # the fixture's admin 연구자 and 팀장 have it
    cli("init")
    cli("project", "create", PROJECT)
    cli("user", "add", "팀장", "--role", "lead", "--project", PROJECT)
    cli("codebook", "import", str(Path(__file__).resolve().parents[2] / "codebooks" / "자활사례관리_코드북.yaml"), "-p", PROJECT)
    cli("hierarchy", "create", "domain", "실무자가 본 성과", "-p", PROJECT)
    return cli


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_specific_message_and_changes_nothing(prepared, database_url, tmp_path, build, expected):
    folder = tmp_path / "input"
    folder.mkdir()
    args = build(folder)
    database = open_database(database_url)
    before = fingerprint(database.engine)
    database.dispose()

    code, _, err = prepared(*args, ok=False)

    assert code == 1, err
    assert err.startswith("error: ") and "Traceback" not in err
    for fragment in expected:
        assert fragment in err
    database = open_database(database_url)
    assert fingerprint(database.engine) == before
    database.dispose()


def test_mixed_line_endings_are_accepted_and_normalised(prepared, tmp_path):
    path = _write(tmp_path, "mixed.txt", "진행자: 하나\r\n참여자1: 둘\r참여자2: 셋\n".encode("utf-8"))
    prepared("import", str(path), "-p", PROJECT)
    _, out, _ = prepared("transcripts", "-p", PROJECT, "--format", "json")
    assert '"segments": 3' in out


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_explained_in_korean_in_korean_mode(prepared, monkeypatch, tmp_path, build):
    """The same bad input with FGI_LANG=ko: the message and what to do are Korean, one
    problem per line; only file names, user data, commands and settings stay as they are."""
    from tests.korean import english_sentences

    folder = tmp_path / "input"
    folder.mkdir()
    args = build(folder)
    monkeypatch.setenv("FGI_LANG", "ko")
    code, _, err = prepared(*args, ok=False)
    assert code == 1, err
    assert err.startswith("오류: ") and "Traceback" not in err
    assert not english_sentences(err), err
