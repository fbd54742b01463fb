"""한글 transcripts: .hwpx and .hwp read like .docx (paragraphs, speaker/utterance tables),
real Hancom files read, protected and damaged files refused in Korean with nothing written."""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fgi.errors import InputError
from fgi.i18n import set_language
from fgi.ingest import ImportOptions, import_files
from fgi.ingest.reader import read_source
from fgi.models import Event, Participant, Segment, Transcript
from fgi.study import create_project, list_segments

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hwp"
MB = 1024 * 1024
LINES = ["2차 FGI 녹취록", "진행자: 자활 사업에 참여하시면서 어떤 변화가 있었나요?",
         "참여자1: 처음에는 자격증 공부가 까다로워서 힘들었어요.", "참여자2: 저는 사람들을 만나는 게 좋아졌어요."]
TABLE = [("참여자3", "표 안의 발언입니다. 이 칸은 길게 써도 한 줄로 읽힙니다."), ("진행자", "감사합니다.")]


def hancom_document(path: Path, lines=LINES, table=TABLE) -> Path:
    """A 한글 document made with python-hwpx: paragraphs, then a two-column table;
    saved as .hwpx or, by the file name, as HWP 5 .hwp."""
    from hwpx import HwpxDocument

    document = HwpxDocument.new()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(len(table), 2)
        for row, (speaker, text) in enumerate(table):
            grid.set_cell_text(row, 0, speaker)
            grid.set_cell_text(row, 1, text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document.save_to_path(path)
    return path


def slices(source):
    return [(u.speaker, source.text[u.start:u.end]) for u in source.layout.utterances]


EXPECTED = [("진행자", "자활 사업에 참여하시면서 어떤 변화가 있었나요?"),
            ("참여자1", "처음에는 자격증 공부가 까다로워서 힘들었어요."),
            ("참여자2", "저는 사람들을 만나는 게 좋아졌어요."),
            ("참여자3", "표 안의 발언입니다. 이 칸은 길게 써도 한 줄로 읽힙니다."),
            ("진행자", "감사합니다.")]


@pytest.mark.parametrize("suffix", [".hwpx", ".hwp"])
def test_hancom_files_read_like_word_files(tmp_path, suffix):
    source = read_source(hancom_document(tmp_path / f"녹취{suffix}"), max_bytes=20 * MB)
    assert source.layout.format == suffix[1:]
    assert slices(source) == EXPECTED


def test_a_hwpx_file_under_another_name_is_still_read_as_hwpx(tmp_path):
    path = hancom_document(tmp_path / "t.hwpx")
    renamed = path.rename(tmp_path / "renamed.txt")
    assert read_source(renamed, max_bytes=20 * MB).layout.format == "hwpx"


def test_a_real_hwp_file_written_by_hancom_office_is_read():
    """sample-5017.hwp was written by 한글 2005 (source in tests/fixtures/hwp/README.md)."""
    source = read_source(FIXTURES / "sample-5017.hwp", fmt="plain", max_bytes=20 * MB)
    lines = source.text.split("\n")
    assert lines[0] == "한글 2005 예제 파일입니다."
    assert "A0: B0" in lines and "A1: B10 B11" in lines  # its table, row by row
    assert any(line.startswith("본 문서는 먼저") for line in lines)


def test_import_of_hwpx_and_hwp_stores_speakers_and_lines(db, kiwi, tmp_path):
    files = [hancom_document(tmp_path / "실무자_2차.hwpx"),
             hancom_document(tmp_path / "주민_2차.hwp", lines=[*LINES, "참여자4: 한 줄 더 있습니다."])]
    with db.transaction() as session:
        project = create_project(session, "한글 FGI", actor="tester")
        results = import_files(session, project, files, ImportOptions(group="실무자"), actor="tester", analyzer=kiwi)
    assert [r.segments for r in results] == [5, 6]
    with db.reading() as session:
        transcript = session.scalar(select(Transcript).where(Transcript.name == "실무자_2차"))
        assert transcript.format == "hwpx"
        rows = list_segments(session, transcript.id)
        assert [r.text for r in rows] == [text for _, text in EXPECTED]
        assert session.scalar(select(func.count()).select_from(Participant)
                              .where(Participant.transcript_id == transcript.id)) == 4


@pytest.fixture
def korean():
    set_language("ko")
    yield
    set_language(None)


def _nothing_written(db):
    with db.reading() as session:
        return all(session.scalar(select(func.count()).select_from(t)) == 0 for t in (Transcript, Segment, Participant)) \
            and session.scalar(select(func.count()).select_from(Event).where(Event.kind.like("transcript%"))) == 0


def _refused(db, kiwi, path) -> InputError:
    with pytest.raises(InputError) as caught:
        with db.transaction() as session:
            project = create_project(session, "거절", actor="tester")
            import_files(session, project, [path], ImportOptions(), actor="tester", analyzer=kiwi)
    assert _nothing_written(db)
    return caught.value


def test_a_password_protected_hwp_file_is_refused_in_korean_with_what_to_do(db, kiwi, tmp_path, korean):
    """password-12345.hwp: a real file protected by 한글 with the password 12345."""
    path = shutil.copy(FIXTURES / "password-12345.hwp", tmp_path / "암호.hwp")
    error = _refused(db, kiwi, Path(path))
    assert "암호" in error.message and "암호.hwp" in error.message
    assert "문서 보안" in error.hint


@pytest.mark.parametrize("suffix", [".hwpx", ".hwp"])
def test_a_damaged_hancom_file_is_refused_in_korean(db, kiwi, tmp_path, korean, suffix):
    whole = hancom_document(tmp_path / f"원본{suffix}").read_bytes()
    damaged = tmp_path / f"손상{suffix}"
    damaged.write_bytes(whole[: len(whole) // 2])
    error = _refused(db, kiwi, damaged)
    assert "손상" in error.message
    assert "다른 이름으로 저장" in error.hint


def test_a_hwpx_section_with_a_dtd_is_refused(db, kiwi, tmp_path, korean):
    path = hancom_document(tmp_path / "원본.hwpx")
    hostile = tmp_path / "dtd.hwpx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "Contents/section0.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "boom">]>', 1)
            target.writestr(info, data)
    error = _refused(db, kiwi, hostile)
    assert "DTD" in error.message


def test_an_empty_hwpx_document_says_it_has_no_text(db, kiwi, tmp_path, korean):
    error = _refused(db, kiwi, hancom_document(tmp_path / "빈.hwpx", lines=[], table=[]))
    assert "텍스트" in error.message or "비어" in error.message
