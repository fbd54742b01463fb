"""``fgi codebook``, ``fgi user``, ``fgi code`` and ``fgi project add-member`` as a user runs them."""

from __future__ import annotations

import csv
import json

import pytest

from tests.coding.conftest import PASSWORD, SAMPLE_CODEBOOK, SAMPLE_TRANSCRIPTS

PROJECT = "자활 FGI"
CONFIDENCE = "참여주민의 변화/자신감 회복"


@pytest.fixture
def fgi(cli, database_url, monkeypatch):
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)  # every user of these tests has it
    if "postgresql" in database_url:
        cli("migrate")
    return cli


@pytest.fixture
def ready(fgi, monkeypatch):
    """A project with the sample codebook, one transcript, a lead and two coders; set up by the
    fixture's admin 연구자, then FGI_USER is the lead."""
    fgi("init")
    fgi("project", "create", PROJECT)
    fgi("import", str(SAMPLE_TRANSCRIPTS / "주민_FGI_1차.txt"), "--project", PROJECT, "--group", "주민")
    fgi("codebook", "import", str(SAMPLE_CODEBOOK), "--project", PROJECT)
    fgi("user", "add", "팀장", "--role", "lead", "--project", PROJECT)
    fgi("user", "add", "코더A", "--project", PROJECT)
    fgi("user", "add", "코더B")
    fgi("project", "add-member", PROJECT, "코더B")
    monkeypatch.setenv("FGI_USER", "팀장")
    _, out, _ = fgi("transcripts", "--project", PROJECT, "--format", "json")
    return fgi, json.loads(out)[0]["id"]


def test_codebook_commands(fgi, tmp_path):
    fgi("init")
    fgi("project", "create", PROJECT)
    _, _, err = fgi("codebook", "import", str(SAMPLE_CODEBOOK), "--project", PROJECT)
    assert "29 codes added, 0 updated, 0 unchanged" in err
    _, out, _ = fgi("codebook", "show", "--project", PROJECT)
    assert "참여주민의 변화" in out and "자신감 회복  [0]" in out
    fgi("codebook", "add", "참여주민의 변화/희망", "--project", PROJECT, "--color", "#abcdef",
        "--keyword", "희망", "--keyword", "꿈")
    fgi("codebook", "edit", "희망", "--project", PROJECT, "--name", "미래에 대한 희망")
    fgi("codebook", "move", "참여주민의 변화/미래에 대한 희망", "--project", PROJECT, "--to", "개선 제언")
    fgi("codebook", "delete", "개선 제언/미래에 대한 희망", "--project", PROJECT, "--reason", "시험")
    _, out, _ = fgi("codebook", "history", "--project", PROJECT, "--format", "json")
    kinds = [e["kind"] for e in json.loads(out)]
    assert kinds[-5:] == ["codebook.import", "codebook.add", "codebook.update", "codebook.move", "codebook.delete"]
    for fmt in ("yaml", "csv", "xlsx", "qdc"):
        fgi("codebook", "export", "--project", PROJECT, "-o", str(tmp_path / f"cb.{fmt}"))
        assert (tmp_path / f"cb.{fmt}").stat().st_size > 1000
    fgi("codebook", "export", "--project", PROJECT, "--format", "qdc", "-o", str(tmp_path / "codebook.xml"))
    assert (tmp_path / "codebook.xml").read_bytes().startswith(b"<?xml")
    _, out, _ = fgi("codebook", "keywords", "--project", PROJECT)
    assert "슈퍼 + 비전" in out


def test_user_commands(ready):
    fgi, _ = ready
    _, out, _ = fgi("user", "list", "--format", "json")
    users = {u["name"]: u for u in json.loads(out)}
    assert users["팀장"]["role"] == "lead" and users["코더B"]["projects"] == [PROJECT]
    code, _, err = fgi("user", "role", "코더B", "lead", ok=False)  # FGI_USER, a lead
    assert code == 1 and "only an admin may change a user's role" in err
    fgi("user", "role", "코더B", "lead", "--as", "연구자")
    code, _, err = fgi("user", "add", "코더A", "--as", "연구자", ok=False)
    assert code == 1 and "already exists" in err
    code, _, err = fgi("user", "role", "코더B", "boss", "--as", "연구자", ok=False)
    assert code == 1 and "unknown role 'boss'" in err


def test_coding_commands_and_blind_export(ready, tmp_path):
    fgi, transcript = ready
    segment = f"{transcript}-0010"
    _, _, err = fgi("code", "apply", "--as", "코더A", "--segment", segment, "--code", CONFIDENCE, "--memo", "메모")
    assert f"코더A: {segment} ← {CONFIDENCE}" in err
    fgi("code", "apply", "--as", "코더B", "--segment", segment, "--code", "관계 회복")
    _, out, _ = fgi("code", "list", "--project", PROJECT, "--as", "코더A", "--format", "json")
    assert [(c["coder"], c["code_path"]) for c in json.loads(out)] == [("코더A", CONFIDENCE)]
    _, out, _ = fgi("code", "list", "--project", PROJECT, "--format", "json")  # FGI_USER, the lead
    assert len(json.loads(out)) == 2
    fgi("code", "export", "--project", PROJECT, "--as", "코더A", "-o", str(tmp_path / "a.csv"))
    rows = list(csv.DictReader((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["segment_id"], r["code"], r["memo"]) for r in rows] == [(segment, CONFIDENCE, "메모")]
    fgi("code", "remove", "--as", "코더A", "--segment", segment, "--code", CONFIDENCE)
    fgi("code", "import", str(tmp_path / "a.csv"), "--as", "코더A")
    _, out, _ = fgi("code", "list", "--project", PROJECT, "--as", "코더A", "--format", "json")
    assert [c["source"] for c in json.loads(out)] == ["import"]


def test_keyword_suggestions(ready):
    fgi, transcript = ready
    _, out, _ = fgi("code", "suggest-keywords", "--project", PROJECT, "--as", "코더A", "--format", "json")
    suggestions = json.loads(out)
    assert suggestions and {s["transcript_id"] for s in suggestions} == {transcript}
    first, second = suggestions[0], suggestions[1]
    fgi("code", "accept", "--as", "코더A", "--segment", first["segment_id"], "--code", first["code_path"])
    fgi("code", "reject", "--as", "코더A", "--segment", second["segment_id"], "--code", second["code_path"])
    _, out, _ = fgi("code", "suggest-keywords", "--project", PROJECT, "--as", "코더A", "--format", "json")
    assert len(json.loads(out)) == len(suggestions) - 2
    _, out, err = fgi("code", "suggest-keywords", "--project", PROJECT, "--as", "코더A")
    assert "suggestions in" in err


@pytest.mark.parametrize(("args", "message"), [
    (("code", "apply", "--as", "없는사람", "--segment", "x-0001", "--code", "x"), "unknown user or wrong password"),
    (("code", "apply", "--as", "코더A", "--segment", "x-0001", "--code", CONFIDENCE), "no segment 'x-0001'"),
    (("codebook", "delete", "없는 코드", "--project", PROJECT), "no code '없는 코드'"),
])
def test_errors_are_one_clear_message(ready, args, message):
    fgi, _ = ready
    code, out, err = fgi(*args, ok=False)
    assert code == 1 and message in err and "Traceback" not in err


def test_outsiders_are_told_who_can_add_them(ready):
    fgi, transcript = ready
    fgi("user", "add", "외부인", "--as", "연구자")
    code, _, err = fgi("code", "apply", "--as", "외부인", "--segment", f"{transcript}-0010", "--code", CONFIDENCE,
                       ok=False)
    assert code == 1 and "외부인 is not a member" in err and "fgi project add-member" in err


def test_a_bad_codebook_file_lists_every_row(ready, tmp_path):
    fgi, _ = ready
    (tmp_path / "bad.csv").write_text("path,color\n,#FFFFFF\n성과/색,파랑\n", encoding="utf-8")
    code, _, err = fgi("codebook", "import", str(tmp_path / "bad.csv"), "--project", PROJECT, ok=False)
    assert code == 1
    assert "bad.csv: 2 problems, nothing was imported" in err
    assert "row 2: empty path" in err and "row 3: colour '파랑'" in err
