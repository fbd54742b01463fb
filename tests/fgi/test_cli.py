"""The ``fgi`` command as a user runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

SAMPLES = REPO / "transcripts"


@pytest.fixture
def fgi(cli, database_url):
    if "postgresql" in database_url:
        cli("migrate")
    return cli


def test_tour_of_the_cli(fgi):
    fgi("init")
    fgi("project", "create", "자활 FGI")
    _, out, _ = fgi("project", "list")
    assert out.splitlines() == ["자활 FGI\t0 transcripts\t0 segments"]

    _, _, err = fgi("import", str(SAMPLES / "실무자_FGI_1차.txt"), str(SAMPLES / "실무자_FGI_2차.docx"),
                    "--project", "자활 FGI", "--group", "실무자")
    assert "imported 실무자_FGI_1차" in err and "87 segments" in err
    assert "guessed '참석자 1' as the moderator" in err

    _, out, _ = fgi("transcripts", "--project", "자활 FGI", "--format", "json")
    transcripts = json.loads(out)
    assert [(t["name"], t["segments"]) for t in transcripts] == [("실무자_FGI_1차", 87), ("실무자_FGI_2차", 56)]
    assert all(set(t) >= {"id", "name", "segments"} for t in transcripts)

    _, out, _ = fgi("segments", transcripts[0]["id"], "--format", "json")
    segments = json.loads(out)
    assert len(segments) == 87
    first = segments[0]
    assert set(first) >= {"id", "line", "speaker", "text", "start", "end", "timestamp", "backchannel"}
    assert (first["line"], first["timestamp"], first["role"]) == (1, "00:00", "moderator")
    assert any(s["backchannel"] for s in segments)
    assert any(s["timestamp"] == "1:00:09" for s in segments)

    _, out, _ = fgi("segments", "실무자_FGI_2차", "--project", "자활 FGI")
    assert "사회자" in out

    code, _, err = fgi("import", str(SAMPLES / "실무자_FGI_1차.txt"), "--project", "자활 FGI", ok=False)
    assert code == 1 and "already in project" in err and "--replace" in err
    fgi("import", str(SAMPLES / "실무자_FGI_1차.txt"), "--project", "자활 FGI", "--replace")


def test_errors_are_one_clear_message(fgi, tmp_path):
    fgi("project", "create", "있는 프로젝트")
    code, _, err = fgi("import", "missing.txt", "--project", "있는 프로젝트", ok=False)
    assert code == 1 and "missing.txt: file not found" in err
    (tmp_path / "ok.txt").write_text("진행자: 네\n참여자1: 네\n", encoding="utf-8")
    code, _, err = fgi("import", "ok.txt", "--project", "없는 프로젝트", ok=False)
    assert code == 1 and "no project named '없는 프로젝트'" in err
    assert "Traceback" not in err
    code, _, err = fgi("import", "ok.txt", "--project", "x", "--unit", "paragraph", ok=False)
    assert code == 1 and "unknown unit 'paragraph'" in err


def test_demo(fgi):
    _, _, err = fgi("demo")
    assert "3 transcripts, 207 segments" in err
    _, out, _ = fgi("project", "list")
    assert out.startswith("데모: 자활사례관리 FGI\t3 transcripts\t207 segments")


def test_console_script_is_installed(tmp_path):
    fgi = shutil.which("fgi", path=os.path.dirname(sys.executable))
    if fgi is None:
        pytest.skip("the fgi console script is not installed in this environment (pip install -e .)")
    env = {**os.environ, "FGI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([fgi, "init"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([fgi, "project", "list"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 1 and "no users yet" in result.stderr and "--role admin" in result.stderr
    result = subprocess.run([fgi, "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "import" in result.stdout and "segments" in result.stdout
