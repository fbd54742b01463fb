"""``fgi themes``, ``fgi hierarchy`` and ``fgi suggest`` as a user runs them."""

from __future__ import annotations

import json

import pytest

from fgi.storage import open_database
from tests.themes.study import A, LEAD, PROJECT, build_study


@pytest.fixture
def fgi(cli, database_url, kiwi, monkeypatch):
    monkeypatch.setenv("FGI_USER", LEAD)  # the lead proposes and reads from every coder's codings
    database = open_database(database_url, upgrade=True)
    cli.study = build_study(database, kiwi)
    database.dispose()
    return cli


def test_propose_accept_show_undo(fgi):
    _, out, err = fgi("themes", "propose", "--project", PROJECT, "--k", "5", "--seed", "1", "--format", "json")
    run = json.loads(out)
    assert set(run) >= {"id", "level", "units", "embedder", "k", "seed", "candidates"}
    assert (run["level"], run["units"], run["k"], run["seed"]) == ("subtheme", "coded", "5", 1)
    assert len(run["candidates"]) == 5
    candidate = run["candidates"][0]
    assert set(candidate) >= {"id", "label", "keywords", "members", "representatives", "codes", "size",
                              "participants", "groups"}
    assert all(isinstance(s, str) and s.count("-") == 1 for s in candidate["members"])
    assert set(candidate["representatives"][0]) >= {"segment_id", "text", "speaker", "group"}
    assert set(candidate["codes"][0]) >= {"id", "path", "lines", "share", "dominant"}
    _, again, _ = fgi("themes", "propose", "--project", PROJECT, "--k", "5", "--seed", "1", "--format", "json")
    assert [c["members"] for c in json.loads(again)["candidates"]] == [c["members"] for c in run["candidates"]]

    _, out, _ = fgi("themes", "propose", "--project", PROJECT, "--level", "theme", "--k", "3")
    assert "candidate themes from" in out
    _, out, _ = fgi("themes", "runs", "--project", PROJECT, "--format", "json")
    assert [r["level"] for r in json.loads(out)] == ["subtheme", "subtheme", "theme"]
    _, out, _ = fgi("themes", "show", str(run["id"]), "--project", PROJECT)
    assert candidate["label"] in out

    _, _, err = fgi("hierarchy", "create", "domain", "실무자가 본 성과", "--project", PROJECT)
    assert 'created domain #' in err
    domain = int(err.split("#")[1].split()[0])
    _, _, err = fgi("hierarchy", "create", "theme", "성과", "--project", PROJECT, "--under", str(domain))
    theme = int(err.split("#")[1].split()[0])
    _, _, err = fgi("hierarchy", "accept", str(candidate["id"]), "--project", PROJECT, "--under", str(theme),
                    "--name", "관계의 회복")
    assert f"accepted candidate {candidate['id']}" in err
    _, out, _ = fgi("hierarchy", "show", "--project", PROJECT, "--format", "json")
    shown = json.loads(out)
    [top] = shown["nodes"]
    sub = top["children"][0]["children"][0]
    assert (top["level"], top["name"], sub["name"], sub["level"]) == ("domain", "실무자가 본 성과", "관계의 회복", "subtheme")
    assert set(sub) >= {"id", "codes", "lines", "participants", "groups", "quotes", "memo", "children"}
    assert sub["lines"] >= candidate["size"] and top["lines"] == sub["lines"]
    assert {c["path"] for c in sub["codes"]} == {c["path"] for c in candidate["codes"] if c["dominant"]}
    assert all(c["path"] not in {x["path"] for x in sub["codes"]} for c in shown["unplaced_codes"])
    _, out, _ = fgi("hierarchy", "show", "--project", PROJECT, "--quotes")
    assert "관계의 회복" in out and "lines" in out and "“" in out

    fgi("hierarchy", "memo", str(sub["id"]), "대표 인용 다시 고르기", "--project", PROJECT)
    fgi("hierarchy", "rename", str(sub["id"]), "동료 관계", "--project", PROJECT)
    _, _, err = fgi("hierarchy", "undo", "--project", PROJECT)
    assert "Undone: renaming" in err
    _, _, err = fgi("hierarchy", "redo", "--project", PROJECT)
    assert "Redone: renaming" in err
    _, out, _ = fgi("hierarchy", "history", "--project", PROJECT, "--format", "json")
    assert [e["kind"] for e in json.loads(out)][-3:] == ["hierarchy.rename", "hierarchy.undo", "hierarchy.redo"]

    code, _, err = fgi("hierarchy", "move", str(domain), "--to", str(theme), "--project", PROJECT, ok=False)
    assert code == 1 and "cannot sit under theme" in err and "→" in err and "Traceback" not in err
    code, _, err = fgi("hierarchy", "rename", "4242", "x", "--project", PROJECT, ok=False)
    assert code == 1 and "no theme node #4242" in err
    code, _, err = fgi("themes", "propose", "--project", PROJECT, "--embedder", "nope", ok=False)
    assert code == 1 and "unknown embedder" in err


def test_suggest(fgi):
    segment = sorted(s for s, _ in fgi.study.a_codings)[0]
    _, out, _ = fgi("suggest", "--project", PROJECT, "--segment", segment, "--k", "3", "--as", A, "--format", "json")
    [line] = json.loads(out)
    assert line["segment_id"] == segment and line["examples"] > 0
    assert len(line["suggestions"]) == 3
    assert set(line["suggestions"][0]) >= {"code_id", "path", "score", "applied", "nearest", "nearest_text"}
    _, out, _ = fgi("suggest", "--project", PROJECT, "--segment", segment, "--as", A)
    assert "rank" in out and segment in out
    code, _, err = fgi("suggest", "--project", PROJECT, "--segment", segment, "--as", "외부인", ok=False)
    assert code == 1 and "not a member" in err
