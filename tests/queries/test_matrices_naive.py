"""Every matrix of ``queries.matrices`` against a naive count, on randomly coded transcripts.

Three coders code random lines of three transcripts whose speakers change at random (turns
of one to four lines); one transcript is revealed. The naive count loads what the viewer may
see through ``codings_for`` (the blind rule's reference) and counts in Python, line by line,
with the definitions of the module's docstring; every column kind, measure, roll-up and
window must agree cell for cell, with the totals, for the lead and for a coder, with and
without filters (a participant filter must not join turns across the lines it leaves out)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from sqlalchemy import select

from coding import users
from coding.applications import apply_code, codings_for
from coding.codebook import add_code, code_index, list_codes
from coding.reveal import reveal
from fgi.ingest import ImportOptions, import_files
from fgi.models import Participant, Segment, Transcript
from fgi.study import create_project, get_project
from queries.filters import Filters
from queries.matrices import CODE, cell_lines, code_matrix

PROJECT = "무작위 행렬"
PASSWORD = "비밀번호1234"
CODERS, LEAD = ("코더A", "코더B", "코더C"), "팀장"
CODES = ["변화", "변화/자신감", "변화/자신감/일", "지원", "지원/정서적 지지", "어려움"]
SPEAKERS = ["진행자", "참여자1", "참여자2", "참여자3", "참여자4"]
SENTENCES = ["자신감이 생겼어요.", "돈이 부족했어요.", "센터에서 도와줬어요.", "혼자서는 어려웠어요.",
             "선생님 덕분에 힘이 났어요.", "이제 일할 수 있어요.", "그래서 다시 시작했어요."]


@pytest.fixture
def coded(db, tmp_path, kiwi):
    rng = random.Random(20261130)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        for path in CODES:
            add_code(session, project, path, actor="setup")
        for name in CODERS:
            users.add_member(session, project, users.create_user(session, name, PASSWORD, role="coder", actor="setup"),
                             actor="setup")
        users.add_member(session, project, users.create_user(session, LEAD, PASSWORD, role="lead", actor="setup"),
                         actor="setup")
        transcripts = []
        for t, group in enumerate(["실무자", "주민", "주민"]):
            body, speaker = [], None
            while len(body) < 36:
                speaker = rng.choice([s for s in SPEAKERS if s != speaker])
                body += [f"{speaker}: {rng.choice(SENTENCES)}"] * rng.randint(1, 4)
            path = tmp_path / f"집단{t + 1}.txt"
            path.write_text("\n".join(body) + "\n", encoding="utf-8")
            [result] = import_files(session, project, [path], ImportOptions(group=group), actor="setup",
                                    analyzer=kiwi)
            transcripts.append(result.transcript_id)
        code_ids = [code.id for code in code_index(session, project).values()]
        segments = session.scalars(select(Segment.id).join(Transcript).where(Transcript.project_id == project.id)
                                   .order_by(Segment.id)).all()
        # 참여자2 of the first transcript is filed under 주민 (a speaker's group comes first)
        participant = session.scalars(select(Participant).where(Participant.transcript_id == transcripts[0],
                                                                Participant.label == "참여자2")).one()
        participant.attributes = {**participant.attributes, "group": "주민"}
    with db.transaction() as session:
        for name in CODERS:
            coder = users.get_user(session, name)
            for segment in segments:
                if rng.random() < 0.4:
                    for code in rng.sample(code_ids, rng.randint(1, 2)):
                        apply_code(session, coder, segment, code)
        reveal(session, users.get_user(session, LEAD), transcripts[1])
    return db


def naive(session, project, viewer, columns, measure, window, rollup, filters: Filters):
    """(cells by (row key, column key), row totals, column totals, total), counted line by line."""
    lines = {}
    groups = {p.id: (p.attributes or {}).get("group") for p in session.scalars(select(Participant))}
    pseudonyms = {p.id: p.pseudonym for p in session.scalars(select(Participant))}
    for sid, tid, line, pid, label, tgroup in session.execute(
            select(Segment.id, Segment.transcript_id, Segment.line, Segment.participant_id, Segment.speaker,
                   Transcript.group).join(Transcript).where(Transcript.project_id == project.id)):
        lines[sid] = (tid, line, pid, groups.get(pid) or tgroup, (pid, label if pid is None else None))
    in_scope = {sid for sid, (_, _, pid, _, _) in lines.items()
                if not filters.participants or pseudonyms.get(pid) in filters.participants}
    parent = {c.id: c.parent_id for c in list_codes(session, project)}

    def rows_of(code):
        found = [code]
        while rollup and parent[found[-1]] is not None:
            found.append(parent[found[-1]])
        return found

    codes: dict[str, set[int]] = defaultdict(set)
    for c in codings_for(session, viewer, project=project):
        if c.segment_id in in_scope and (not filters.coders or c.coder in filters.coders):
            codes[c.segment_id] |= set(rows_of(c.code_id))
    cells: dict = defaultdict(set)
    row_sets: dict = defaultdict(set)
    column_sets: dict = defaultdict(set)
    everyone = set()

    def count(sid, pid):
        return sid if measure == "lines" else pid

    if columns == CODE:
        turn, place, last = {}, {}, None
        for sid, (tid, line, _, _, speaker) in sorted(lines.items(), key=lambda kv: kv[1][:2]):
            if (tid, speaker) != last:
                last, number = (tid, speaker), len(set(turn.values())) + 1
            turn[sid], place[(tid, line)] = number, sid
        for sid, mine in codes.items():
            tid, line, pid, _, _ = lines[sid]
            if measure != "lines" and pid is None:
                continue
            near = set()
            for other in range(line - window, line + window + 1):
                there = place.get((tid, other))
                if there is not None and turn[there] == turn[sid]:
                    near |= codes.get(there, set())
            for a in mine:
                for b in near:
                    cells[(a, b)].add(count(sid, pid))
            everyone.add(count(sid, pid))
        diagonal = {a: len(cells.get((a, a), ())) for a in parent}
        return {k: len(v) for k, v in cells.items()}, diagonal, diagonal, len(everyone)
    for sid, mine in codes.items():
        tid, _, pid, group, _ = lines[sid]
        key = {"group": group or "", "transcript": tid, "participant": pid}[columns]
        if key is None or (measure != "lines" and pid is None):
            continue
        for row in mine:
            cells[(row, key)].add(count(sid, pid))
            row_sets[row].add(count(sid, pid))
        column_sets[key].add(count(sid, pid))
        everyone.add(count(sid, pid))
    return ({k: len(v) for k, v in cells.items()}, {r: len(v) for r, v in row_sets.items()},
            {k: len(v) for k, v in column_sets.items()}, len(everyone))


def product(matrix):
    """The same four from ``code_matrix``'s result, keyed like ``naive``."""
    def key(header):
        return int(header.key) if matrix.column_kind in (CODE, "participant") else header.key
    cells = {(int(r.key), key(c)): matrix.cells[i][j] for i, r in enumerate(matrix.rows)
             for j, c in enumerate(matrix.columns) if matrix.cells[i][j]}
    rows = {int(r.key): n for r, n in zip(matrix.rows, matrix.row_totals) if n}
    columns = {key(c): n for c, n in zip(matrix.columns, matrix.column_totals) if n}
    return cells, rows, columns, matrix.total


CASES = [(columns, measure, window, rollup)
         for columns in ("group", "participant", "transcript") for measure in ("lines", "participants")
         for window in (0,) for rollup in (False, True)] + \
        [(CODE, measure, window, rollup) for measure in ("lines", "participants") for window in (0, 1, 3)
         for rollup in (False, True)]


@pytest.mark.parametrize("viewer", [LEAD, CODERS[0]])
def test_every_matrix_equals_the_naive_count(coded, viewer):
    with coded.reading() as session:
        project = get_project(session, PROJECT)
        who = users.get_user(session, viewer)
        checked = 0
        two = session.scalars(select(Participant.pseudonym).where(Participant.label.in_(["참여자1", "참여자2"]))).all()
        for filters in (Filters(), Filters.of(participants=two), Filters.of(coders=[CODERS[1]])):
            for columns, measure, window, rollup in CASES:
                expected = naive(session, project, who, columns, measure, window, rollup, filters)
                got = product(code_matrix(session, project, viewer=who, columns=columns, measure=measure,
                                          window=window, rollup=rollup, filters=filters))
                expected = (expected[0], *({k: v for k, v in e.items() if v} for e in expected[1:3]), expected[3])
                assert got == expected, (viewer, filters, columns, measure, window, rollup)
                checked += got[3] > 0
        assert checked > 40  # the cases counted something


@pytest.mark.parametrize("rollup", [False, True])
def test_the_lines_behind_each_cell_are_the_cells_count(coded, rollup):
    with coded.reading() as session:
        project = get_project(session, PROJECT)
        lead = users.get_user(session, LEAD)
        for columns in ("group", "participant"):
            matrix = code_matrix(session, project, viewer=lead, columns=columns, rollup=rollup)
            for i in range(len(matrix.rows)):
                for j in range(len(matrix.columns)):
                    found = cell_lines(session, project, viewer=lead, matrix=matrix, row=i, col=j)
                    assert len({line.segment_id for line in found}) == matrix.cells[i][j], (columns, i, j)
        same_line = code_matrix(session, project, viewer=lead, columns=CODE, rollup=rollup)
        for i in range(len(same_line.rows)):
            for j in range(len(same_line.rows)):
                found = cell_lines(session, project, viewer=lead, matrix=same_line, row=i, col=j)
                assert len(found) == same_line.cells[i][j]  # on the same line: the lines carrying both


def test_nothing_coded_or_no_codes_gives_empty_matrices(db, tmp_path, kiwi):
    with db.transaction() as session:
        project = create_project(session, "빈 행렬", actor="setup")
        lead = users.create_user(session, LEAD, PASSWORD, role="lead", actor="setup")
        users.add_member(session, project, lead, actor="setup")
        path = tmp_path / "집단.txt"
        path.write_text("참여자1: 자신감이 생겼어요.\n참여자2: 돈이 부족했어요.\n", encoding="utf-8")
        import_files(session, project, [path], ImportOptions(group="주민"), actor="setup", analyzer=kiwi)
        for codebook in ([], ["변화"]):
            for path_ in codebook:
                add_code(session, project, path_, actor="setup")
            for columns, measure, window in [(c, m, w) for c in ("group", "participant", "transcript", CODE)
                                             for m in ("lines", "participants") for w in ((0, 2) if c == CODE else (0,))]:
                matrix = code_matrix(session, project, viewer=lead, columns=columns, measure=measure, window=window)
                assert matrix.total == 0 and not any(map(any, matrix.cells)) and len(matrix.rows) == len(codebook)
