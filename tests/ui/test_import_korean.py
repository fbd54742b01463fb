"""The import form in Korean: any file type is accepted and a bad one gets a Korean message
with what to do, nothing written; the real size limit is in the label; a format can be
chosen; the guessed moderator is a control, not a command-line flag."""

from __future__ import annotations

import re

from fgi.models import MODERATOR
from fgi.study import get_project, list_participants, list_transcripts
from tests.conftest import REPO
from tests.ui.conftest import database, run_as
from ui.safe import literal

DEMO = "데모: 자활사례관리 FGI"
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}")  # three English words in a row


def _import(app, files, fmt=None):
    app.file_uploader(key="import.0.files").set_value(files)
    if fmt is not None:
        app.selectbox(key="import.0.format").set_value(fmt)
    next(b for b in app.button if b.label == "가져오기").click()
    app.run()
    assert not app.exception, app.exception


def _count(url):
    db = database(url)
    with db.reading() as session:
        n = len(list_transcripts(session, get_project(session, DEMO)))
    db.dispose()
    return n


def _shown_text(app) -> str:
    return "\n".join([e.value for e in app.error] + [e.value for e in app.text] + [e.value for e in app.markdown])


def test_the_label_states_the_real_limit_and_any_file_type_is_accepted(demo_url):
    app = run_as("팀장", "projects")
    uploader = app.file_uploader(key="import.0.files")
    assert "최대 20MB" in uploader.label
    assert uploader.proto.type == []  # no type filter, whose refusal Streamlit words in English


def test_bad_files_get_korean_messages_and_nothing_is_written(demo_url, tmp_path):
    app = run_as("팀장", "projects")
    before = _count(demo_url)
    cases = [
        ("빈파일.txt", b"", "파일이 비어 있습니다"),
        ("바이너리.txt", b"\xec\xa7\x84\xed\x96\x89\xec\x9e\x90: \x00\x01\x02", "이진 데이터"),
        ("보고서.pdf", b"%PDF-1.4\n...", "PDF 문서입니다"),
        ("암호.hwp", (REPO / "tests/fixtures/hwp/password-12345.hwp").read_bytes(), "암호"),
    ]
    for name, data, expected in cases:
        _import(app, [(name, data, "application/octet-stream")])
        shown = _shown_text(app)
        assert expected in shown, (name, shown)
        assert literal(name) in shown  # (the page shows Markdown source: user text escaped)
        assert not ENGLISH_SENTENCE.search(shown.replace(literal(name), "")), (name, shown)
    assert _count(demo_url) == before


def test_a_hwpx_transcript_imports_from_the_app(demo_url, tmp_path):
    from tests.fgi.test_hwp import hancom_document

    path = hancom_document(tmp_path / "실무자_3차.hwpx")
    app = run_as("팀장", "projects")
    _import(app, [(path.name, path.read_bytes(), "application/octet-stream")])
    assert any(literal("실무자_3차") in s.value for s in app.success), [s.value for s in app.success]


def test_the_moderator_guess_is_a_control_that_saves_roles(demo_url, tmp_path):
    text = ("참석자 1 00:00\n오늘 어떠셨어요?\n참석자 2 00:05\n좋았어요.\n참석자 1 00:09\n힘든 점은 없었나요?\n"
            "참석자 3 00:15\n서류가 많았어요.\n참석자 1 00:20\n다른 분은 어떠세요?\n참석자 2 00:25\n저도 그래요.\n")
    app = run_as("팀장", "projects")
    _import(app, [("주민_FGI_3차.txt", text.encode(), "text/plain")])
    notes = "\n".join(e.value for e in app.text)
    assert "진행자로 추정했습니다" in notes and "--moderator" not in notes
    chooser = next(m for m in app.multiselect if m.label.endswith("의 진행자"))
    db = database(demo_url)
    with db.reading() as session:
        transcript = next(t for t in list_transcripts(session, get_project(session, DEMO)) if t.name == "주민_FGI_3차")
        ids = {p.label: p.id for p in list_participants(session, get_project(session, DEMO))
               if p.transcript_id == transcript.id}
    db.dispose()
    assert chooser.value == [ids["참석자 1"]]  # the guess: the one who asks the questions
    chooser.set_value([ids["참석자 2"]])  # the researcher knows better
    next(b for b in app.button if b.label == "진행자 저장").click()
    app.run()
    assert not app.exception
    assert any("진행자를 저장했습니다" in s.value for s in app.success)
    db = database(demo_url)
    with db.reading() as session:
        transcript = next(t for t in list_transcripts(session, get_project(session, DEMO)) if t.name == "주민_FGI_3차")
        roles = {p.label: p.role for p in list_participants(session, get_project(session, DEMO))
                 if p.transcript_id == transcript.id}
    db.dispose()
    assert [label for label, role in roles.items() if role == MODERATOR] == ["참석자 2"]


def test_streamlits_upload_limit_is_the_import_limit(monkeypatch):
    import tomllib

    from fgi.settings import load_settings

    monkeypatch.delenv("FGI_MAX_IMPORT_MB", raising=False)

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    default = load_settings().max_import_bytes // (1024 * 1024)
    assert config["server"]["maxUploadSize"] == default
    assert "--server.maxUploadSize $${FGI_MAX_IMPORT_MB:-20}" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_codebook_problems_are_listed_one_per_line_in_korean(demo_url):
    """Several bad rows: the head says how many and that nothing was imported, then one
    Korean line per problem, then what to do."""
    from tests.korean import english_sentences

    app = run_as("팀장", "codebook")
    bad = "path,color\n새 코드,#123456\n,#000000\n새 코드/하위,파랑\n새 코드,#654321\n".encode()
    app.file_uploader(key="codebook.import.0.file").set_value(
        [("코드북.csv", bad, "text/csv")])
    next(b for b in app.button if b.label == "가져오기").click()
    app.run()
    assert not app.exception
    head = app.error[0].value
    assert "문제 3개" in head and "아무것도 가져오지 않았습니다" in head
    listing = next(m.value for m in app.markdown if m.value.startswith("- "))
    lines = listing.split("\n")
    assert len(lines) == 3 and lines[0].startswith("- 3행") and lines[1].startswith("- 4행")
    shown = "\n".join([head, listing, *(e.value for e in app.text)])
    assert not english_sentences(shown, allowed=("코드북.csv",)), shown
