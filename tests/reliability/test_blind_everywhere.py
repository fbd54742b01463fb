"""Blind coding in every number: while a transcript is not revealed, nothing coder A can read
or export changes when coder B codes it.

The team: a lead and coders A and B. Transcript T1 is revealed (both coded it); T2 and T3
are not (A coded them). Codes: some both coders use, one only A uses, two only B uses (the
second one B applies for the first time in the change). A has a proposal run of their own; the lead has runs from everyone's
codings, accepted a candidate and built a hierarchy holding shared, A-only and B-only codes.

The snapshot of what A sees is every CLI command a coder may run (walked from the Typer app,
so a new command cannot be forgotten: the test fails until it is listed here) with its output
and the content of every file it writes, and every app page a coder may open (AppTest: the
rendered elements' values), with every file of the 내보내기 page a coder may download. It is
taken before and after B codes T2 (and the lead proposes again from everyone's codings), and
must be identical. Commands a coder may not run are asserted refused. After the lead reveals
T2 the snapshot must change, and show B's codes, so the test can fail.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from coding import users
from coding.applications import apply_code, reveal
from coding.bulk import export_codings
from coding.codebook_io import import_codebook_file
from coding.keywords import reject_suggestion
from coding.reconcile import decide
from coding.reveal import set_post_reveal_policy
from fgi.demo import group_of, read_names, sample_transcripts
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project, list_segments
from tests.conftest import REPO
from themes.accept import accept_candidate
from themes.hierarchy import create_node, place_code
from themes.proposals import ProposalSettings, propose
from themes.runs import get_run

PROJECT = "블라인드 점검"
PASSWORD = "비밀번호1234"
LEAD, A, B = "팀장", "코더A", "코더B"
SHARED = ["실무의 어려움/행정 서류 부담", "실무의 어려움/실적 압박", "참여주민의 변화/자신감 회복"]
A_ONLY = "자활사례관리의 목적/근로 준비"
B_ONLY = ["실무의 어려움/인력 부족", "개선 제언/행정 간소화"]  # the first also on T1 (revealed)
T1, T2, T3 = "주민_FGI_1차", "실무자_FGI_1차", "실무자_FGI_2차"


@dataclass
class Team:
    db: object
    url: str
    transcripts: dict[str, str] = field(default_factory=dict)  # name -> id
    lines: dict[str, list[str]] = field(default_factory=dict)  # name -> participant line ids
    a_file: Path | None = None  # A's codings as a CSV A may import again
    lead_run: int = 0
    sub: int = 0  # the sub-theme holding B-only codes


def _participant_lines(session, transcript_id: str) -> list[str]:
    return [s.id for s in list_segments(session, transcript_id) if not s.backchannel and not s.is_moderator]


def build_team(db, url: str, analyzer, tmp_path: Path) -> Team:
    team = Team(db, url)
    files = sample_transcripts(REPO / "transcripts")
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="setup")
        people = {}
        for name, role in [(LEAD, "lead"), (A, "coder"), (B, "coder")]:
            people[name] = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            users.add_member(session, project, people[name], actor="setup")
        for group in sorted({group_of(p) for p in files}):
            results = import_files(session, project, [p for p in files if group_of(p) == group],
                                   ImportOptions(group=group, names=read_names(REPO / "transcripts")),
                                   actor="setup", analyzer=analyzer)
            team.transcripts.update({r.name: r.transcript_id for r in results})
        team.lines = {name: _participant_lines(session, tid) for name, tid in team.transcripts.items()}
        a_codes = [*SHARED, A_ONLY]
        for name, n in [(T1, 10), (T2, 10), (T3, 8)]:
            for i, segment in enumerate(team.lines[name][:n]):
                apply_code(session, people[A], segment, a_codes[i % len(a_codes)], memo="A의 메모" if i == 1 else None)
        for i, segment in enumerate(team.lines[T1][:10]):  # B on the revealed transcript
            apply_code(session, people[B], segment, SHARED[i % len(SHARED)] if i % 3 else B_ONLY[0])
        reveal(session, people[LEAD], team.transcripts[T1])
        decide(session, people[LEAD], team.lines[T2][0], SHARED[0], "reject", reason="해당 없음")
        reject_suggestion(session, people[A], team.lines[T2][11], SHARED[0])
    with db.transaction() as session:
        project = get_project(session, PROJECT)
        lead, coder_a = users.get_user(session, LEAD), users.get_user(session, A)
        propose(session, project, ProposalSettings(k=3), viewer=coder_a)
        team.lead_run = propose(session, project, ProposalSettings(k=3), viewer=lead)
        run = get_run(session, project, team.lead_run, viewer=lead)
        accepted = accept_candidate(session, project, run.candidates[0].id, actor=LEAD).node_id
        domain = create_node(session, project, "domain", "실무자가 본 성과", actor=LEAD).node_id
        theme = create_node(session, project, "theme", "실무의 무게", actor=LEAD, parent_id=domain).node_id
        create_node(session, project, "subtheme", "인력과 서류", actor=LEAD, parent_id=theme)
        sub = create_node(session, project, "subtheme", "부족한 손", actor=LEAD, parent_id=theme).node_id
        for code in [*B_ONLY, SHARED[1]]:
            place_code(session, project, code, sub, actor=LEAD)
        place_code(session, project, A_ONLY, accepted, actor=LEAD)
        team.sub = sub
        team.a_file = tmp_path / "a_codings.csv"
        export_codings(session, coder_a, project, team.a_file, coder=coder_a)
    return team


def b_codes_the_unrevealed_transcript(team: Team) -> None:
    """B codes T2 (lines A coded, with A's code and others; lines A did not code); then the
    lead proposes from everyone's codings."""
    with team.db.transaction() as session:
        coder_b = users.get_user(session, B)
        lines = team.lines[T2]
        for i, segment in enumerate(lines[:6]):  # lines A coded too
            apply_code(session, coder_b, segment, [*SHARED, A_ONLY][i % 4], memo="B의 메모" if i == 0 else None)
            apply_code(session, coder_b, segment, B_ONLY[i % 2])
        for i, segment in enumerate(lines[12:20]):  # lines A left alone
            apply_code(session, coder_b, segment, B_ONLY[i % 2] if i % 2 else SHARED[i % 3])
    with team.db.transaction() as session:
        propose(session, get_project(session, PROJECT), ProposalSettings(k=2),
                viewer=users.get_user(session, LEAD))


# ---- what A reads and exports through the command line ---------------------------------

# The commands a coder may run that read (or repeat an idempotent change to A's own
# codings): each invocation's exit code, output and written files are in the snapshot.
# ``{P}`` is the project, ``{T2}`` T2's id, ``{S}`` a T2 line only A coded, ``{SB}`` a T2
# line B codes in the change, ``{OUT}`` the output folder, ``{AFILE}`` A's codings CSV.
READS: dict[str, list[list[str]]] = {
    "agreement": [["-p", "{P}", "--as", A, "--transcript", "{T1}", "--boot", "50", "--format", "json"]],
    "code accept": [["-s", "{S}", "-c", SHARED[0], "--as", A]],
    "code apply": [["-s", "{S}", "-c", SHARED[0], "--as", A]],
    "code export": [["-p", "{P}", "-o", "{OUT}/codings.csv", "--as", A],
                    ["-p", "{P}", "-o", "{OUT}/codings.xlsx", "--as", A]],
    "code import": [["{AFILE}", "--as", A, "-p", "{P}"]],
    "code list": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"],
                  ["-p", "{P}", "--as", A, "--transcript", "{T2}"]],
    "code reject": [["-s", "{R}", "-c", SHARED[0], "--as", A]],
    "code remove": [["-s", "{SB}", "-c", B_ONLY[0], "--as", A]],
    "code suggest-keywords": [["-p", "{P}", "--as", A, "--transcript", "{T2}", "--format", "json"]],
    "codebook export": [["-p", "{P}", "-o", f"{{OUT}}/codebook.{fmt}"] for fmt in ("yaml", "csv", "xlsx", "qdc")],
    "codebook history": [["-p", "{P}", "--format", "json"]],
    "codebook keywords": [["-p", "{P}"]],
    "codebook show": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"]],
    "export themes": [["-p", "{P}", "-o", f"{{OUT}}/themes.{fmt}", "--as", A] for fmt in ("docx", "csv", "md")],
    "hierarchy history": [["-p", "{P}", "--format", "json"]],
    "hierarchy show": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--quotes"],
                       ["-p", "{P}", "--as", A, "--format", "json"]],
    "project list": [[]],
    "segments": [["{T2}", "-p", "{P}", "--format", "json"]],
    "suggest": [["-p", "{P}", "-s", "{S}", "-s", "{SB}", "--as", A, "--format", "json"]],
    "themes runs": [["-p", "{P}", "--as", A, "--format", "json"]],
    "themes show": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"]],
    "transcripts": [["-p", "{P}", "--format", "json"]],
    "rounds list": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"]],
    # Snapshots and post-reveal changes exist only for revealed transcripts.
    "rounds snapshots": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"]],
    "rounds changes": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"]],
    "memo list": [["-p", "{P}", "--as", A], ["-p", "{P}", "--as", A, "--format", "json"],
                  ["-p", "{P}", "--as", A, "--transcript", "{T2}"], ["-p", "{P}", "--as", A, "--search", "메모"]],
    "matrix": [["-p", "{P}", "--as", A, "--cols", "transcript", "--format", "json"],
               ["-p", "{P}", "--as", A, "--cols", "participant", "--measure", "participants", "--format", "json"],
               ["-p", "{P}", "--as", A, "--cols", "code", "--window", "2", "--rollup", "--format", "json"],
               ["-p", "{P}", "--as", A, "--cols", "group", "--format", "xlsx", "-o", "{OUT}/matrix.xlsx"]],
    # retrieval and search: B's codes of T2 and lines B coded stay out of every result and count
    "retrieve": [["-p", "{P}", "--as", A, "-c", SHARED[0], "--or", B_ONLY[0], "--or", A_ONLY, "--context", "1",
                  "--format", "json"],
                 ["-p", "{P}", "--as", A, "-c", SHARED[0], "--or", B_ONLY[0], "--format", "docx",
                  "--out", "{OUT}/retrieve.docx"],
                 ["-p", "{P}", "--as", A, "-c", "실무의 어려움", "--descendants", "--format", "xlsx",
                  "--out", "{OUT}/retrieve.xlsx"],
                 ["-p", "{P}", "--as", A, "-c", B_ONLY[1], "--coder", B, "--format", "json"],
                 ["-p", "{P}", "--as", A, "-c", SHARED[1], "--not", B_ONLY[0]]],
    "search": [["-p", "{P}", "--as", A, "서류", "--format", "json"],
               ["-p", "{P}", "--as", A, "다", "--surface", "--coder", B, "--format", "json"],
               ["-p", "{P}", "--as", A, "있", "--surface", "--coder", A, "--coder", B, "--format", "xlsx",
                "--out", "{OUT}/search.xlsx"]],
    # a node's lines, for choosing quotes: only the lines A may see carry its codes
    "hierarchy lines-of": [["{SUB}", "-p", "{P}", "--as", A, "--format", "json"], ["{SUB}", "-p", "{P}", "--as", A]],
}

# Reads that need every coder's codings: a coder is refused while any transcript in scope
# is not revealed.
REFUSED: dict[str, list[list[str]]] = {
    "agreement": [["-p", "{P}", "--as", A]],
    "export qdpx": [["-p", "{P}", "-o", "{OUT}/project.qdpx", "--as", A]],
    "export themes": [["-p", "{P}", "-o", "{OUT}/themes.xlsx", "--as", A]],
    "project identities": [["-p", "{P}", "--as", A]],
    "reconcile consensus": [["-p", "{P}", "--as", A]],
    "reconcile decide": [["-s", "{S}", "--keep", SHARED[0], "--reason", "시험", "--as", A]],
    "reconcile list": [["-p", "{P}", "--as", A]],
    "reconcile log": [["-p", "{P}", "-o", "{OUT}/log.csv", "--as", A]],
    "reconcile withdraw": [["-s", "{S}", "-c", SHARED[0], "--reason", "시험", "--as", A]],
    "reveal": [["-t", "{T2}", "--as", A]],
    "themes show": [["{LEADRUN}", "-p", "{P}", "--as", A]],
    "rounds agreement": [["-p", "{P}", "--as", A, "--boot", "10"]],
    # proposing is a lead's (the permission table), so a coder has no run of their own
    "themes propose": [["-p", "{P}", "--as", A, "--k", "3", "--format", "json"]],
    # every coder's codings: a lead's check
    "themes consistency": [["-p", "{P}", "--as", A, "--format", "json"]],
}

# Commands that change the team's shared state (codebook, hierarchy, users, projects,
# imports) or administer the database. They read no coding back to the user; who may run
# them is the permission rules' business (the CLI authentication work), not this test's.
NOT_READS = {
    "backup", "demo", "import", "init", "migrate", "restore",
    "codebook add", "codebook delete", "codebook edit", "codebook import", "codebook move",
    "hierarchy accept", "hierarchy create", "hierarchy delete", "hierarchy memo", "hierarchy merge",
    "hierarchy move", "hierarchy place", "hierarchy redo", "hierarchy rename", "hierarchy split", "hierarchy undo",
    "project add-member", "project create", "project remove-member",
    "user add", "user password", "user role",
    # signing in and out, and the users' table (leads only): no coding is read
    "db app-role", "login", "logout", "user list", "user revoke",
    "rounds close", "rounds open", "rounds post-reveal",
    # participants and their report labels: no coding is read
    "participants list", "participants scheme", "participants label",
    # writing and changing memos reads nothing back but the memo's id
    "memo add", "memo delete", "memo edit",
    "hierarchy place-many", "hierarchy lines", "hierarchy pin", "hierarchy unpin", "hierarchy order",
}


def cli_commands() -> set[str]:
    """Every command of ``fgi``, as space-joined paths."""
    from fgi.cli import command

    def walk(command: click.Command, path: tuple[str, ...]):
        if isinstance(command, click.Group) or hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path)

    return set(walk(command(), ()))


def test_every_command_is_classified():
    commands = cli_commands()
    classified = set(READS) | set(REFUSED) | NOT_READS
    assert commands - classified == set(), "classify the new command in READS, REFUSED or NOT_READS"
    assert classified - commands == set(), "a classified command does not exist any more"


def _fill(args: list[str], team: Team, out: Path) -> list[str]:
    t2 = team.lines[T2]
    values = {"{P}": PROJECT, "{T1}": team.transcripts[T1], "{T2}": team.transcripts[T2], "{S}": t2[7],
              "{SB}": t2[12], "{R}": t2[11], "{OUT}": str(out), "{AFILE}": str(team.a_file),
              "{LEADRUN}": str(team.lead_run), "{SUB}": str(team.sub)}
    return [re.sub(r"\{[A-Z0-9]+\}", lambda m: values[m.group(0)], a) for a in args]


def file_content(path: Path):
    """A written file as comparable data (its content, not its timestamps)."""
    if not path.exists():
        return None
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return {sheet.title: [[c for c in row] for row in sheet.iter_rows(values_only=True)] for sheet in book}
    if suffix == ".docx":
        from docx import Document

        document = Document(str(path))
        return {"paragraphs": [p.text for p in document.paragraphs],
                "tables": [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]}
    return path.read_text(encoding="utf-8")


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    from fgi.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def cli_snapshot(team: Team, out: Path, capsys) -> dict:
    """Everything A reads and exports through the command line."""
    out.mkdir(exist_ok=True)
    snapshot = {}
    for command, invocations in READS.items():
        for i, args in enumerate(invocations):
            filled = [*command.split(), *_fill(args, team, out)]
            before = {p: p.stat().st_mtime_ns for p in out.iterdir()}
            code, stdout, stderr = run_cli(filled, capsys)
            written = {p.name: file_content(p) for p in out.iterdir()
                       if p.name not in {q.name for q in before} or before[p] != p.stat().st_mtime_ns}
            snapshot[f"{command} #{i}"] = {"exit": code, "stdout": stdout, "stderr": stderr, "files": written}
            # themes show: a coder sees no run (the lead's are computed from codings not revealed
            # to them), which is an error message, the same before and after B codes
            assert code == 0 or command in ("code remove", "themes show"), (filled, stderr)
    return snapshot


def assert_refused(team: Team, out: Path, capsys) -> None:
    for command, invocations in REFUSED.items():
        for args in invocations:
            filled = [*command.split(), *_fill(args, team, out)]
            code, stdout, stderr = run_cli(filled, capsys)
            assert code != 0 and "error:" in stderr, (filled, stdout, stderr)


# ---- what A sees in the app ------------------------------------------------------------

CODER_PAGES = ["projects", "transcripts", "codebook", "coding", "agreement", "export", "search", "retrieve",
               "memos", "matrices"]


def _page_state(page: str) -> dict:
    """Session state a page is opened with: a search and a retrieval already asked for."""
    from queries.filters import Filters
    from queries.retrieval import CodeQuery

    return {"search": {"search.request": ("다", "surface", Filters.of(coders=[B]))},
            "retrieve": {"retrieve.request": (CodeQuery((SHARED[0], *B_ONLY)), Filters(), 1)}}.get(page, {})


def _value(element):
    """A rendered element's value as plain data (a table's cells, a text's text)."""
    import pandas as pd

    if getattr(element, "type", None) == "bidi_component":  # a custom component: the data it drew
        return {"component": element.proto.component_name, "data": element.proto.json or element.proto.mixed.json}
    for attribute in ("value", "options", "label", "body"):
        try:
            value = getattr(element, attribute)
        except (AttributeError, NotImplementedError, TypeError, ValueError):
            continue
        if isinstance(value, pd.DataFrame):
            return value.astype(str).to_dict(orient="split")
        if hasattr(value, "data") and hasattr(value, "to_html"):  # a Styler
            if value.data is None:  # not a Styler: a custom component (the coding document); its proto below
                break
            return value.data.astype(str).to_dict(orient="split")
        return repr(value)
    from google.protobuf.json_format import MessageToDict

    proto = MessageToDict(element.proto) if getattr(element, "proto", None) is not None else {}
    return {k: v for k, v in proto.items() if k not in ("id", "formId")}


def rendered(app) -> list:
    """Every element the page rendered, in order, with its value."""
    found = []

    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for key in sorted(children):
                walk(children[key])
            return
        found.append((getattr(node, "type", type(node).__name__), _value(node)))

    walk(app._tree)
    return found


def page_snapshot(team: Team) -> dict:
    """Every page a coder may open, as A sees it (the coding page once per transcript), and
    every file A may download from the 내보내기 page."""
    from streamlit import cache_data, cache_resource
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import sign_in
    from ui.components.exports import ROWS
    from ui.components.files import written_bytes

    cache_data.clear()  # a cached table from before would hide a change
    cache_resource.clear()
    snapshot = {}
    views = [(page, None) for page in CODER_PAGES if page != "coding"]
    views += [("coding", tid) for tid in team.transcripts.values()]
    for page, transcript in views:
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        sign_in(app, A)  # a real session of A's, as the login page makes it
        if transcript:
            app.session_state["coding.transcript"] = transcript
        for key, value in _page_state(page).items():
            app.session_state[key] = value
        app.run()
        app.switch_page(f"ui/pages/{page}.py")
        app.run()
        assert not app.exception, app.exception
        snapshot[f"{page} {transcript or ''}"] = rendered(app)
    with team.db.reading() as session:
        project, coder = get_project(session, PROJECT), users.get_user(session, A)
        for row in ROWS:
            if row.lead:
                continue
            for name, write in row.files.items():
                data = written_bytes(lambda path, write=write: write(session, project, coder, path), name)
                snapshot[f"download {name}"] = _download_content(name, data)
    return snapshot


def _download_content(name: str, data: bytes):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return file_content(path)


# ---- the test --------------------------------------------------------------------------


@pytest.fixture
def team(db, database_url, kiwi, tmp_path, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_USER", A)
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    monkeypatch.chdir(tmp_path)
    return build_team(db, database_url, kiwi, tmp_path)


def _diff(before: dict, after: dict) -> list[str]:
    return [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


def test_nothing_coder_a_reads_or_exports_changes_when_b_codes_blind(team, tmp_path, capsys):
    out = tmp_path / "out"
    cli_before, pages_before = cli_snapshot(team, out, capsys), page_snapshot(team)
    assert_refused(team, out, capsys)

    b_codes_the_unrevealed_transcript(team)
    cli_after, pages_after = cli_snapshot(team, out, capsys), page_snapshot(team)
    assert _diff(cli_before, cli_after) == []
    assert _diff(pages_before, pages_after) == []
    assert_refused(team, out, capsys)
    _, shown, _ = run_cli(["codebook", "show", "-p", PROJECT, "--as", LEAD, "--format", "json"], capsys)
    lead_counts = {c["path"]: c["codings"] for c in json.loads(shown)}
    assert all(lead_counts[path] > 0 for path in B_ONLY)  # B did code: the lead counts it

    # The lead reveals T2: now A sees B's codings there, so the snapshots differ and name them.
    # The snapshot repeats A's own idempotent codings, so changes after reveal are allowed here.
    with team.db.transaction() as session:
        lead = users.get_user(session, LEAD)
        reveal(session, lead, team.transcripts[T2])
        set_post_reveal_policy(session, lead, get_project(session, PROJECT), "allowed")
    cli_revealed, pages_revealed = cli_snapshot(team, out, capsys), page_snapshot(team)
    changed = _diff(cli_before, cli_revealed)
    assert {"codebook show #1", "code list #1", "code export #0", "hierarchy show #2", "suggest #0"} <= set(changed)
    counts = {c["path"]: c["codings"] for c in json.loads(cli_revealed["codebook show #1"]["stdout"])}
    assert all(counts[path] > 0 for path in B_ONLY)
    assert B in cli_revealed["code list #1"]["stdout"] and B_ONLY[0] in cli_revealed["code list #1"]["stdout"]
    changed_pages = _diff(pages_before, pages_revealed)
    assert "codebook " in changed_pages and f"coding {team.transcripts[T2]}" in changed_pages
    assert "download codings.csv" in changed_pages
    assert {"matrix #0", "matrix #2"} <= set(changed) and "matrices " in changed_pages
    assert {"retrieve #0", "retrieve #3", "search #1"} <= set(changed)  # retrieval and search see B's now
    assert {"search ", "retrieve "} <= set(changed_pages)
