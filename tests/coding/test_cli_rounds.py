"""``fgi reveal`` (confirmation on a terminal), ``fgi rounds ...`` and ``fgi code export --round``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from coding import cli_rounds
from tests.coding.test_cli import PROJECT, fgi, ready  # noqa: F401 - fixtures

STIGMA = "참여주민이 경험한 자활/참여 초기의 낙인감"


@pytest.fixture
def coded(ready):
    fgi, transcript = ready
    for coder, lines in (("코더A", (10, 11, 12)), ("코더B", (10, 11, 14))):
        for line in lines:
            fgi("code", "apply", "-s", f"{transcript}-{line:04d}", "-c", STIGMA, "--as", coder)
    return fgi, transcript


def _terminal(monkeypatch, answer: str) -> None:
    monkeypatch.setattr(cli_rounds, "on_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))


def test_reveal_asks_on_a_terminal(coded, monkeypatch):
    fgi, transcript = coded
    _terminal(monkeypatch, "n\n")
    code, out, err = fgi("reveal", "-t", transcript, ok=False)
    assert code == 1 and "nothing was changed" in err and "Every coder will see every coding" in out
    _, out, _ = fgi("rounds", "snapshots", "-p", PROJECT, "--format", "json")
    assert json.loads(out) == []
    _terminal(monkeypatch, "y\n")
    _, _, err = fgi("reveal", "-t", transcript)
    assert "revealed" in err and "independent coding at reveal" in err and "alpha" in err
    _, out, _ = fgi("rounds", "snapshots", "-p", PROJECT, "--format", "json")
    stored = json.loads(out)
    assert len(stored) == 1 and stored[0]["codings"] == 6 and stored[0]["report"]["overall"]["alpha"] is not None


def test_after_reveal_blocked_then_allowed_and_listed(coded):
    fgi, transcript = coded
    fgi("reveal", "-t", transcript, "--yes")
    segment = f"{transcript}-0014"
    code, _, err = fgi("code", "apply", "-s", segment, "-c", STIGMA, "--as", "코더A", ok=False)
    assert code == 1 and "blocks coding changes after reveal" in err
    _, out, _ = fgi("rounds", "post-reveal", "-p", PROJECT)
    assert "blocked" in out + _
    code, _, err = fgi("rounds", "post-reveal", "-p", PROJECT, "allowed", "--as", "코더A", ok=False)
    assert code == 1 and "only a lead" in err
    fgi("rounds", "post-reveal", "-p", PROJECT, "allowed", "--reason", "토론 후 보완")
    fgi("code", "apply", "-s", segment, "-c", STIGMA, "--as", "코더A")
    _, out, _ = fgi("rounds", "changes", "-p", PROJECT, "--format", "json")
    assert [(c["line"], c["kind"], c["coder"]) for c in json.loads(out)] == [(14, "code.apply", "코더A")]
    _, out, _ = fgi("rounds", "snapshots", "-p", PROJECT, "--format", "json")
    assert json.loads(out)[0]["codings"] == 6  # the snapshot is what it was
    _, _, err = fgi("agreement", "-p", PROJECT, "-t", transcript, "--boot", "50")
    assert "the figures above are live" in err and "independent coding at reveal" in err


def test_rounds_close_open_agreement_and_export(coded, tmp_path):
    fgi, transcript = coded
    _, out, _ = fgi("rounds", "list", "-p", PROJECT, "--format", "json")
    assert [(r["number"], r["open"]) for r in json.loads(out)] == [(1, True)]
    code, _, err = fgi("rounds", "open", "-p", PROJECT, "-t", transcript, ok=False)
    assert code == 1 and "still open" in err
    fgi("rounds", "close", "-p", PROJECT, "--note", "초안", "--boot", "100")
    code, _, err = fgi("code", "apply", "-s", f"{transcript}-0015", "-c", STIGMA, "--as", "코더A", ok=False)
    assert code == 1 and "is closed" in err
    fgi("codebook", "edit", STIGMA, "--project", PROJECT, "--definition", "처음 참여할 때의 부끄러움")
    fgi("rounds", "open", "-p", PROJECT, "-t", transcript, "--note", "정의 수정")
    fgi("code", "apply", "-s", f"{transcript}-0014", "-c", STIGMA, "--as", "코더A")
    fgi("code", "remove", "-s", f"{transcript}-0012", "-c", STIGMA, "--as", "코더A")
    _, out, _ = fgi("rounds", "agreement", "-p", PROJECT, "--boot", "100")
    assert "round 1" in out and "round 2" in out and STIGMA in out and "overall" in out
    _, out, _ = fgi("rounds", "agreement", "-p", PROJECT, "--format", "json", "--boot", "100")
    overall = {p["round"]: p for p in json.loads(out) if p["code"] == "overall"}
    assert overall[1]["frozen"] and not overall[2]["frozen"] and overall[2]["alpha"] == 1.0
    _, out, _ = fgi("rounds", "agreement", "-p", PROJECT, "--round", "1", "--format", "json")
    assert json.loads(out)["overall"]["alpha"] == overall[1]["alpha"]

    _, _, err = fgi("code", "export", "-p", PROJECT, "--round", "2", "-o", str(tmp_path / "r2.xlsx"))
    assert "1 codings" in err
    book = load_workbook(tmp_path / "r2.xlsx")
    assert book.sheetnames == ["codings", "agreement", "changes"]
    rows = list(book["codings"].values)
    assert rows[1][1] == STIGMA and rows[1][5] == 14 and rows[1][-2:] == (2, "no")
    fgi("code", "export", "-p", PROJECT, "--round", "1", "-o", str(tmp_path / "r1.csv"))
    with open(tmp_path / "r1.csv", encoding="utf-8-sig") as handle:
        assert len(list(csv.DictReader(handle))) == 5  # line 12 was removed in round 2 (the event keeps it)
    with open(tmp_path / "r1.agreement.csv", encoding="utf-8-sig") as handle:
        agreement = list(csv.DictReader(handle))
    assert agreement[0]["basis"] == "round_frozen" and agreement[0]["code"] == "overall"
    code, _, err = fgi("code", "export", "-p", PROJECT, "--round", "9", "-o", str(tmp_path / "r9.xlsx"), ok=False)
    assert code == 1 and "no round 9" in err


def test_reconciliation_log_carries_the_agreement_at_reveal(coded, tmp_path):
    fgi, transcript = coded
    fgi("reveal", "-t", transcript, "--yes")
    _, _, err = fgi("reconcile", "log", "-p", PROJECT, "-o", str(tmp_path / "log.xlsx"))
    assert "rows of agreement at reveal" in err
    book = load_workbook(tmp_path / "log.xlsx")
    assert book.sheetnames[1] == "독립 코딩 일치도 (공개 시점)"
    rows = list(book["독립 코딩 일치도 (공개 시점)"].values)
    assert rows[0][:6] == ("transcript", "round", "revealed_at", "revealed_by", "codings", "code")
    assert rows[1][4:6] == (6, "overall") and rows[2][5] == STIGMA
    fgi("reconcile", "log", "-p", PROJECT, "-o", str(tmp_path / "log.csv"))
    text = (tmp_path / "log.csv").read_text(encoding="utf-8-sig")
    assert '\n\n"독립 코딩 일치도 (공개 시점)"\n"transcript","round",' in text.replace("\r\n", "\n")
