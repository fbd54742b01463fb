"""``fgi retrieve`` and ``fgi search`` end to end: formats, exports, code all hits, blind
coding (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from docx import Document
from openpyxl import load_workbook

from tests.queries.conftest import A, B, CONFIDENCE, JOB, LEAD, PROJECT


def test_retrieve_json_table_and_exports(study, cli, tmp_path):
    _, out, _ = cli("retrieve", "--project", PROJECT, "--code", "자신감 회복", "--not", JOB, "--as", LEAD,
                    "--format", "json", "--context", "1")
    data = json.loads(out)
    assert data["query"] == "자신감 회복 AND NOT " + JOB and data["counts"] == {"자신감 회복": 2}
    assert [x["line"]["line"] for x in data["lines"]] == [3, 4]
    assert data["lines"][0]["before"][0]["line"] == 2
    _, out, err = cli("retrieve", "--project", PROJECT, "-c", CONFIDENCE, "--and", JOB, "--as", LEAD)
    assert "자격증을 따고" in out and "1" in err
    docx = tmp_path / "인용.docx"
    cli("retrieve", "--project", PROJECT, "-c", CONFIDENCE, "--or", JOB, "--as", LEAD, "--format", "docx",
        "--out", str(docx))
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert CONFIDENCE in text and JOB in text and "자신감이 생겼어요" in text
    assert "(주민2;" in text  # the report label (fgi.participant_labels), not the pseudonym
    cli("participants", "scheme", "transcript", "-p", PROJECT, "--as", LEAD)
    cli("retrieve", "--project", PROJECT, "-c", CONFIDENCE, "--or", JOB, "--as", LEAD, "--format", "docx",
        "--out", str(docx))
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "(주민 B;" in text or "(주민 A;" in text
    xlsx = tmp_path / "인용.xlsx"
    cli("retrieve", "--project", PROJECT, "-c", CONFIDENCE, "--as", LEAD, "--format", "xlsx", "--out", str(xlsx))
    rows = list(load_workbook(xlsx).active.values)
    assert len(rows) == 4 and rows[1][0] == CONFIDENCE
    code, _, err = cli("retrieve", "--project", PROJECT, "-c", CONFIDENCE, "--as", LEAD, "--format", "docx",
                       ok=False)
    assert code == 1 and "--out" in err


def test_search_and_code_all_hits_then_retrieve_them(study, cli, tmp_path):
    _, out, _ = cli("search", "--project", PROJECT, "까다롭다", "--as", B, "--format", "json")
    data = json.loads(out)
    assert [k["hit"] for k in data["kwic"]] == ["까다로워서", "까다로운", "까다롭다고"] and data["lines"] == 3
    _, out, err = cli("search", "--project", PROJECT, "자신감", "--surface", "--group", "실무자", "--as", B)
    assert "자신감을" in out or "자신감" in out
    _, out, _ = cli("search", "--project", PROJECT, r"자격증\S*", "--regex", "--as", B, "--format", "json")
    assert [k["hit"] for k in json.loads(out)["kwic"]] == ["자격증", "자격증을"]
    xlsx = tmp_path / "검색.xlsx"
    cli("search", "--project", PROJECT, "까다롭다", "--as", B, "--format", "xlsx", "--out", str(xlsx))
    assert len(list(load_workbook(xlsx).active.values)) == 4
    _, _, err = cli("search", "--project", PROJECT, "까다롭다", "--code-all", JOB, "--as", B)
    assert "3" in err
    _, out, _ = cli("retrieve", "--project", PROJECT, "-c", JOB, "--as", B, "--format", "json")
    assert len(json.loads(out)["lines"]) == 4  # B's own first 6 and the three hits
    _, out, _ = cli("retrieve", "--project", PROJECT, "-c", JOB, "--as", A, "--format", "json")
    seen = json.loads(out)
    assert all(c["coders"] == [A] for line in seen["lines"] for c in line["codes"])  # blind: none of B's
    code, _, err = cli("search", "--project", PROJECT, "x", "--surface", "--regex", "--as", B, ok=False)
    assert code == 1
