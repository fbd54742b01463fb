"""The coding workspace at scale: every matrix of ``queries.matrices`` (and the memo list,
retrieval and search where their modules are present) on a 100,000-line project with 10
coders' codings, each against a naive baseline measured in the same run.

    python bench/workspace.py [--shared PATH] [--lines 100000] [--repeat 7] [--db PATH] [--pg | --pg-only]

Set-up (not timed): the synthetic lines of ``bench/themes_scale.py`` (fixed seed) imported
through ``fgi.ingest.import_files`` (Kiwi) as speaker-prefixed transcripts of 1,000 lines
(a moderator and six participants each), alternately in groups 주민 and 실무자; the sample
codebook (29 codes in a tree); 10 coders, each coding a random fifth of the lines with one or
two codes (written in bulk: set-up, not the product path); a fifth of the transcripts
revealed; a lead. ``--db PATH`` keeps the SQLite file and reuses it on the next run.
``--pg`` also copies the database into a throw-away PostgreSQL cluster (tests/pg.py) and
times the same cases there.

Timed, each ``--repeat`` times on a warm database (median and p90, ms), as a coder (blind:
own codings and the revealed transcripts) and as the lead (every coding):
- ``code_matrix`` with columns group, participant and transcript (lines, participants, with
  roll-up), and code (same line; window 2 of the same speaker turn);
- ``cell_lines`` of the largest cell of code x group;
- naive baselines: every visible coding loaded through ``codings_for`` and every line's
  transcript and speaker read, then counted in Python (the same numbers: the bench checks
  they are equal);
- memos (``coding.memos.memos_for``) and retrieval / search (``bench/workspace_search.py``'s
  ``cases``) when those modules are present.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LINES_PER_TRANSCRIPT = 1000
PROJECT = "bench"
GROUPS = ("주민", "실무자")
CODERS = 10
LEAD, CODER = "팀장", "코더0"


def build(shared: Path, n: int, url: str, folder: Path) -> dict:
    """The project, its codebook, coders and codings; returns what was built."""
    from sqlalchemy import insert, select

    from bench.themes_scale import synthetic_lines
    from coding.codebook import list_codes
    from coding.codebook_io import import_codebook_file
    from coding.models import CodeApplication, Membership, Reveal, User
    from fgi.ingest import ImportOptions, import_files
    from fgi.models import Segment, Transcript
    from fgi.storage import open_database
    from fgi.study import create_project

    lines = synthetic_lines(shared, n)
    paths: dict[str, list[Path]] = {g: [] for g in GROUPS}
    for t, start in enumerate(range(0, n, LINES_PER_TRANSCRIPT)):
        chunk = lines[start:start + LINES_PER_TRANSCRIPT]
        body = [f"참여자{i % 6 + 1}: {line}" for i, line in enumerate(chunk)]
        path = folder / f"집단{t + 1:03d}.txt"
        path.write_text("진행자: 오늘 이야기를 시작하겠습니다.\n" + "\n".join(body) + "\n", encoding="utf-8")
        paths[GROUPS[t % len(GROUPS)]].append(path)
    database = open_database(url, upgrade=True)
    rng = random.Random(0)
    t0 = time.perf_counter()
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
        import_codebook_file(session, project, ROOT / "codebooks" / "자활사례관리_코드북.yaml", actor="bench")
        for group, files in paths.items():
            import_files(session, project, files, ImportOptions(group=group), actor="bench")
    imported = time.perf_counter() - t0
    with database.transaction() as session:
        people = [User(name=f"코더{i}", role="coder", password_hash="!") for i in range(CODERS)]
        people.append(User(name=LEAD, role="lead", password_hash="!"))
        session.add_all(people)
        session.flush()
        session.add_all(Membership(project_id=project.id, user_id=u.id) for u in people)
        codes = [c.id for c in list_codes(session, project)]
        segments = list(session.scalars(select(Segment.id).join(Transcript).where(Transcript.project_id == project.id)
                                        .order_by(Segment.id)))
        rows = []
        for coder in people[:CODERS]:
            for segment in rng.sample(segments, len(segments) // 5):
                for code in rng.sample(codes, rng.choice((1, 1, 2))):
                    rows.append(dict(segment_id=segment, code_id=code, coder_id=coder.id, source="manual"))
        session.execute(insert(CodeApplication), rows)
        transcripts = sorted({s.rsplit("-", 1)[0] for s in segments})
        session.add_all(Reveal(transcript_id=t, revealed_by=people[-1].id) for t in transcripts[::5])
    database.dispose()
    return dict(lines=len(segments), codings=len(rows), transcripts=len(transcripts), import_seconds=imported)


def copy_database(source_url: str, target_url: str) -> None:
    """Every table's rows from one database into a freshly migrated other one."""
    from sqlalchemy import insert, select, text

    import coding.models  # noqa: F401  (every table on Base.metadata)
    import fgi.models  # noqa: F401
    import themes.models  # noqa: F401
    from fgi.storage import open_database
    from fgi.storage.base import Base

    source, target = open_database(source_url), open_database(target_url, upgrade=True)
    with source.reading() as read, target.transaction() as write:
        for table in Base.metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in read.execute(select(table))]
            for start in range(0, len(rows), 20_000):
                write.execute(insert(table), rows[start:start + 20_000])
    if target.engine.dialect.name == "postgresql":  # as autovacuum leaves a table: visibility map, statistics
        with target.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with target.transaction() as write:
            write.execute(text("ANALYZE"))
    source.dispose()
    target.dispose()


# ---- naive baselines: load every visible coding, count in Python ------------------------

def _lines(session, project):
    """segment id -> (transcript id, line, participant id, group, speaker key)."""
    from sqlalchemy import select

    from fgi.models import Participant, Segment, Transcript

    groups = {p.id: (p.attributes or {}).get("group") for p in session.scalars(
        select(Participant).where(Participant.project_id == project.id))}
    out = {}
    for sid, tid, line, pid, speaker, tgroup in session.execute(
            select(Segment.id, Segment.transcript_id, Segment.line, Segment.participant_id, Segment.speaker,
                   Transcript.group).join(Transcript).where(Transcript.project_id == project.id)):
        out[sid] = (tid, line, pid, groups.get(pid) or tgroup, (pid, speaker))
    return out


def naive_dimension(session, project, viewer, columns: str, measure: str) -> dict:
    from coding.applications import codings_for

    lines = _lines(session, project)
    cells: dict = defaultdict(set)
    for c in codings_for(session, viewer, project=project):
        tid, _, pid, group, _ = lines[c.segment_id]
        key = {"group": group or "", "transcript": tid, "participant": None if pid is None else str(pid)}[columns]
        if key is None:
            continue
        if measure == "lines":
            cells[(str(c.code_id), key)].add(c.segment_id)
        elif pid is not None:
            cells[(str(c.code_id), key)].add(pid)
    return {k: len(v) for k, v in cells.items() if v}


def naive_cooccurrence(session, project, viewer, window: int) -> dict:
    from coding.applications import codings_for

    lines = _lines(session, project)
    codes: dict[str, set[int]] = defaultdict(set)
    for c in codings_for(session, viewer, project=project):
        codes[c.segment_id].add(c.code_id)
    turn: dict[str, tuple[str, int]] = {}  # segment -> (transcript, turn number)
    by_transcript: dict[str, list] = defaultdict(list)
    for sid, (tid, line, _, _, speaker) in lines.items():
        by_transcript[tid].append((line, speaker, sid))
    position: dict[tuple[str, int], str] = {}
    for tid, rows in by_transcript.items():
        number, last = 0, object()
        for line, speaker, sid in sorted(rows):
            if speaker != last:
                number, last = number + 1, speaker
            turn[sid] = (tid, number)
            position[(tid, line)] = sid
    cells: dict = defaultdict(set)
    for sid, mine in codes.items():
        tid, line, *_ = lines[sid]
        near = set()
        for other_line in range(line - window, line + window + 1):
            other = position.get((tid, other_line))
            if other is not None and turn[other] == turn[sid]:
                near |= codes.get(other, set())
        for a in mine:
            for b in near:
                cells[(str(a), str(b))].add(sid)
    return {k: len(v) for k, v in cells.items()}


def as_cells(matrix) -> dict:
    return {(r.key, c.key): matrix.cells[i][j] for i, r in enumerate(matrix.rows) for j, c in enumerate(matrix.columns)
            if matrix.cells[i][j]}


# ---- timing ------------------------------------------------------------------------------

def timed(database, fn, repeat: int) -> tuple[list[float], object]:
    runs, result = [], None
    for _ in range(repeat):
        with database.reading() as session:
            t0 = time.perf_counter()
            result = fn(session)
            runs.append(time.perf_counter() - t0)
    return runs, result


def summary(runs: list[float]) -> dict:
    ordered = sorted(runs)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"median_ms": round(1000 * statistics.median(runs), 1), "p90_ms": round(1000 * p90, 1)}


def cases(viewer_name: str):
    """(name, product call, naive call or None, how to compare) for one viewer."""
    from coding.users import get_user
    from fgi.study import get_project
    from queries.matrices import cell_lines, code_matrix

    def m(columns, **options):
        return lambda s: code_matrix(s, get_project(s, PROJECT), viewer=get_user(s, viewer_name), columns=columns,
                                     **options)

    def naive_dim(columns, measure):
        return lambda s: naive_dimension(s, get_project(s, PROJECT), get_user(s, viewer_name), columns, measure)

    def naive_co(window):
        return lambda s: naive_cooccurrence(s, get_project(s, PROJECT), get_user(s, viewer_name), window)

    def busiest_cell(s):
        project, viewer = get_project(s, PROJECT), get_user(s, viewer_name)
        matrix = code_matrix(s, project, viewer=viewer, columns="group")
        i, j = max(((i, j) for i in range(len(matrix.rows)) for j in range(len(matrix.columns))),
                   key=lambda ij: matrix.cells[ij[0]][ij[1]])
        t0 = time.perf_counter()
        found = cell_lines(s, project, viewer=viewer, matrix=matrix, row=i, col=j)
        return time.perf_counter() - t0, len(found), matrix.cells[i][j]

    return [
        ("code x group, lines", m("group"), naive_dim("group", "lines")),
        ("code x group, participants", m("group", measure="participants"), naive_dim("group", "participants")),
        ("code x group, lines, roll-up", m("group", rollup=True), None),
        ("code x participant, lines", m("participant"), naive_dim("participant", "lines")),
        ("code x participant, participants", m("participant", measure="participants"), None),
        ("code x transcript, lines", m("transcript"), naive_dim("transcript", "lines")),
        ("code x code, same line", m("code"), naive_co(0)),
        ("code x code, window 2", m("code", window=2), naive_co(2)),
        ("lines of the largest cell", busiest_cell, None),
    ]


def memo_cases(viewer_name: str):
    """The memo list, when coding.memos is present: (name, call, naive)."""
    try:
        from coding import memos
    except ImportError:
        return []
    from coding.users import get_user
    from fgi.study import get_project

    def listing(**options):
        return lambda s: memos.memos_for(s, get_project(s, PROJECT), viewer=get_user(s, viewer_name), **options)

    return [("memo list, all", listing(), None), ("memo list, search", listing(search="자활"), None)]


def search_cases(viewer_name: str):
    """Retrieval and search, when bench/workspace_search.py offers ``cases(viewer_name,
    project_name)`` -> [(name, call(session), naive call(session) or None)]."""
    try:
        from bench import workspace_search
    except ImportError:
        return []
    offer = getattr(workspace_search, "cases", None)
    return [] if offer is None else offer(viewer_name, PROJECT)


def add_memos(url: str) -> int:
    """2,000 memos of every kind (set-up), when coding.memos is present."""
    try:
        from coding import memos
    except ImportError:
        return 0
    from sqlalchemy import select

    from coding.users import get_user
    from fgi.models import Segment, Transcript
    from fgi.storage import open_database
    from fgi.study import get_project

    database = open_database(url)
    rng = random.Random(1)
    with database.transaction() as session:
        project = get_project(session, PROJECT)
        segments = list(session.scalars(select(Segment.id).join(Transcript).where(
            Transcript.project_id == project.id).order_by(Segment.id).limit(20_000)))
        authors = [get_user(session, f"코더{i}") for i in range(CODERS)]
        for i in range(2_000):
            memos.write_memo(session, project, actor=rng.choice(authors), kind="segment",
                             target=rng.choice(segments), text=f"메모 {i}: 자활 참여 뒤의 변화" if i % 3 else f"메모 {i}")
    database.dispose()
    return 2_000


def has_memos(url: str) -> bool:
    """Whether the database has memos (or no memo table: nothing to add then)."""
    from sqlalchemy import inspect, text

    from fgi.storage import open_database

    database = open_database(url)
    try:
        with database.reading() as session:
            if "memos" not in inspect(session.bind).get_table_names():
                return True
            return bool(session.execute(text("SELECT count(*) FROM memos")).scalar())
    finally:
        database.dispose()


def run_all(database, repeat: int, naive_repeat: int = 3, viewers=(CODER, LEAD)) -> list[dict]:
    results = []
    for viewer in viewers:
        for name, call, naive in cases(viewer) + memo_cases(viewer) + search_cases(viewer):
            runs, result = timed(database, call, repeat)
            row = {"viewer": viewer, "case": name, **summary(runs)}
            if name == "lines of the largest cell":  # time only the cell read, not the matrix before it
                inner = []
                for _ in range(repeat):
                    with database.reading() as session:
                        seconds, n, expected = call(session)
                    assert n == expected, (n, expected)
                    inner.append(seconds)
                row.update(summary(inner), lines=n)
            if naive is not None:
                naive_runs, naive_result = timed(database, naive, naive_repeat)
                row["naive_median_ms"] = summary(naive_runs)["median_ms"]
                if hasattr(result, "cells"):
                    assert as_cells(result) == naive_result, f"{name}: the matrix and the naive count differ"
                    row["checked"] = True
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return results


def table(backend: str, results: list[dict]) -> str:
    out = ["| backend | viewer | case | median ms | p90 ms | naive median ms | naive / product |",
           "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        naive = r.get("naive_median_ms")
        ratio = f"{naive / r['median_ms']:.1f}x" if naive else "-"
        out.append(f"| {backend} | {r['viewer']} | {r['case']} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} "
                   f"| {naive if naive else '-'} | {ratio} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the SQLite database here and reuse it")
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL (a throw-away cluster)")
    parser.add_argument("--pg-only", action="store_true", help="on PostgreSQL only (the SQLite file is the source)")
    parser.add_argument("--naive-repeat", type=int, default=3, help="runs of each naive baseline")
    parser.add_argument("--viewers", nargs="+", default=[CODER, LEAD], help="who reads (coder: blind; lead: all)")
    args = parser.parse_args()
    from fgi.storage import open_database

    with tempfile.TemporaryDirectory(prefix="workspace_") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            folder = Path(tmp) / "transcripts"
            folder.mkdir()
            built = build(args.shared, args.lines, url, folder)
            print(json.dumps(built, ensure_ascii=False), file=sys.stderr, flush=True)
        if not has_memos(url):
            print(json.dumps({"memos": add_memos(url)}), file=sys.stderr, flush=True)
        if not args.pg_only:
            database = open_database(url)
            print(table("SQLite", run_all(database, args.repeat, args.naive_repeat, args.viewers)), flush=True)
            database.dispose()
        if args.pg or args.pg_only:
            from tests.pg import PostgresCluster, find_pg_bin

            cluster = PostgresCluster(find_pg_bin())
            cluster.start()
            try:
                from sqlalchemy import create_engine, text

                admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text("CREATE DATABASE workspace"))
                admin.dispose()
                copy_database(url, cluster.url("workspace"))
                database = open_database(cluster.url("workspace"))
                with database.reading() as session:
                    version = session.execute(text("SHOW server_version")).scalar().split()[0]
                print(table(f"PostgreSQL {version}", run_all(database, args.repeat, args.naive_repeat, args.viewers)),
                      flush=True)
                database.dispose()
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
