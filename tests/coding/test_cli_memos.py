"""``fgi memo add|list|edit|delete`` as users run them: targets by name, filters, the blind
rule of line memos, who may change what (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from tests.coding.test_cli import CONFIDENCE, PROJECT, fgi, ready  # noqa: F401 (fixtures)


def _list(fgi, *args: str) -> list[dict]:
    _, out, _ = fgi("memo", "list", "--project", PROJECT, "--format", "json", *args)
    return json.loads(out)


def test_memo_commands(ready):
    fgi, transcript = ready
    segment = f"{transcript}-0010"
    fgi("memo", "add", "연구 질문을 다시 보기", "--project", PROJECT, "--title", "질문")  # as the lead
    fgi("memo", "add", "녹음이 끊긴 곳", "-p", PROJECT, "--kind", "transcript", "--target", "주민_FGI_1차")
    fgi("memo", "add", "정의가 넓다", "-p", PROJECT, "--kind", "code", "--target", CONFIDENCE, "--as", "코더B")
    _, _, err = fgi("memo", "add", "창피했다는 말", "-p", PROJECT, "--kind", "segment", "--target", segment,
                    "--as", "코더A")
    assert "memo 4 written" in err
    fgi("memo", "add", "B가 본 것", "-p", PROJECT, "--kind", "segment", "--target", segment, "--as", "코더B")
    fgi("code", "apply", "--as", "코더A", "--segment", segment, "--code", CONFIDENCE)

    every = _list(fgi)
    assert [(m["kind"], m["author"], m["text"]) for m in every] == [
        ("project", "팀장", "연구 질문을 다시 보기"), ("transcript", "팀장", "녹음이 끊긴 곳"),
        ("code", "코더B", "정의가 넓다"), ("segment", "코더A", "창피했다는 말"), ("segment", "코더B", "B가 본 것")]
    assert every[1]["about"] == "주민_FGI_1차" and every[2]["about"] == CONFIDENCE
    assert every[3]["about"].startswith("주민_FGI_1차 line 10: ") or every[3]["about"].startswith("주민_FGI_1차 10행")
    # a coder does not see the other coder's line memo, by any filter
    assert [m["text"] for m in _list(fgi, "--as", "코더A", "--kind", "segment")] == ["창피했다는 말"]
    assert [m["text"] for m in _list(fgi, "--as", "코더A", "--code", CONFIDENCE)] == ["정의가 넓다", "창피했다는 말"]
    assert _list(fgi, "--as", "코더A", "--search", "B가") == []
    assert [m["text"] for m in _list(fgi, "--transcript", "주민_FGI_1차")] == [
        "녹음이 끊긴 곳", "창피했다는 말", "B가 본 것"]
    assert [m["text"] for m in _list(fgi, "--author", "코더B")] == ["정의가 넓다", "B가 본 것"]
    _, out, _ = fgi("memo", "list", "--project", PROJECT, "--as", "코더A")
    assert "창피했다는 말" in out and "B가 본 것" not in out

    # removing the code leaves the memo
    fgi("code", "remove", "--as", "코더A", "--segment", segment, "--code", CONFIDENCE)
    assert [m["text"] for m in _list(fgi, "--as", "코더A", "--kind", "segment")] == ["창피했다는 말"]

    fgi("memo", "edit", "4", "--text", "고친 메모", "--title", "낙인", "--as", "코더A")
    code, _, err = fgi("memo", "edit", "1", "--text", "바꿈", "--as", "코더A", ok=False)
    assert code == 1 and "only a lead or admin may change or delete another user's memos" in err
    code, _, err = fgi("memo", "delete", "5", "--as", "코더A", ok=False)  # hidden from A: not found
    assert code == 1 and "no memo 5" in err
    code, _, err = fgi("memo", "edit", "4", "--as", "코더A", ok=False)
    assert code == 1 and "say what to change" in err
    code, _, err = fgi("memo", "add", "x", "-p", PROJECT, "--kind", "code", "--target", "없는 코드", ok=False)
    assert code == 1 and "Traceback" not in err
    fgi("memo", "delete", "5")  # the lead may
    assert [(m["title"], m["text"]) for m in _list(fgi, "--kind", "segment")] == [("낙인", "고친 메모")]
