"""Retrieval and text search on a 100,000-line project with 10 coders' codings, against a
naive scan measured in the same run.

    python bench/workspace_search.py [--shared PATH] [--lines 100000] [--repeat 7]

Set-up (not timed): the synthetic lines of ``bench/themes_scale.py`` (fixed seed) imported
through ``fgi.ingest.import_files`` as speaker-prefixed transcripts of 1,000 lines, in 4
groups (Kiwi analyses every line; the segments store their lemmas); a codebook of 4 parents
x 5 codes; 10 coders, each coding a random fifth of the lines with one code (written in bulk:
set-up, not the product path); half the transcripts revealed; a lead.

Timed, each ``--repeat`` times in one process on a warm database (median and p90, ms):
- retrieval ``queries.retrieval.retrieve``: one code AND NOT another, as a coder (blind) and
  as the lead; one parent with its descendants and a group filter, as a coder;
- search ``queries.search.search``: by lemma (a frequent and a rare one), by surface text,
  by regular expression, as a coder, KWIC rows up to the default limit;
- naive baselines: retrieval through ``codings_for`` (every visible coding loaded, then
  combined in Python); search by reading every line's stored lemmas / text and matching in
  Python (lemma, surface); the regular expression is a scan in both (only the budget differs).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LINES_PER_TRANSCRIPT = 1000
PROJECT = "bench"
GROUPS = ("주민", "실무자", "관리자", "청년")
PARENTS = ("변화", "지원", "어려움", "제언")
CODERS = 10


def build(shared: Path, n: int, db_path: Path) -> None:
    """Child: the project, its codebook, coders and codings."""
    from sqlalchemy import insert, select

    from bench.themes_scale import synthetic_lines
    from coding.codebook import add_code
    from coding.models import CodeApplication, Membership, Reveal, User
    from fgi.ingest import ImportOptions, import_files
    from fgi.models import Segment, Transcript
    from fgi.storage import open_database
    from fgi.study import create_project, get_project

    lines = synthetic_lines(shared, n)
    folder = db_path.parent / "transcripts"
    folder.mkdir(exist_ok=True)
    paths: dict[str, list[Path]] = {g: [] for g in GROUPS}
    for t, start in enumerate(range(0, n, LINES_PER_TRANSCRIPT)):
        chunk = lines[start:start + LINES_PER_TRANSCRIPT]
        body = [f"참여자{i % 6 + 1}: {line}" for i, line in enumerate(chunk)]
        path = folder / f"집단{t + 1:03d}.txt"
        path.write_text("진행자: 오늘 이야기를 시작하겠습니다.\n" + "\n".join(body) + "\n", encoding="utf-8")
        paths[GROUPS[t % len(GROUPS)]].append(path)
    database = open_database(f"sqlite:///{db_path}")
    t0 = time.perf_counter()
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
        for group, files in paths.items():
            if files:
                import_files(session, project, files, ImportOptions(group=group), actor="bench")
    seconds = time.perf_counter() - t0
    rng = random.Random(1)
    with database.transaction() as session:
        project = get_project(session, PROJECT)
        for parent in PARENTS:
            add_code(session, project, parent, actor="bench")
        codes = [add_code(session, project, f"{p}/{p} {i}", actor="bench").id for p in PARENTS for i in range(1, 6)]
        people = [User(name=f"코더{i}", role="coder", password_hash="!") for i in range(1, CODERS + 1)]
        people.append(User(name="팀장", role="lead", password_hash="!"))
        session.add_all(people)
        session.flush()
        session.add_all([Membership(project_id=project.id, user_id=u.id) for u in people])
        segment_ids = list(session.scalars(select(Segment.id).order_by(Segment.id)))
        rows = []
        for coder in people[:CODERS]:
            for segment_id in rng.sample(segment_ids, len(segment_ids) // 5):
                rows.append({"segment_id": segment_id, "code_id": rng.choice(codes), "coder_id": coder.id,
                             "source": "manual"})
        session.execute(insert(CodeApplication), rows)
        transcripts = list(session.scalars(select(Transcript.id).order_by(Transcript.id)))
        session.add_all([Reveal(transcript_id=tid, revealed_by=people[-1].id) for tid in transcripts[::2]])
    database.dispose()
    print(json.dumps(dict(n=n, codings=len(rows), transcripts=len(transcripts), seconds=seconds)))


def _times(fn, repeat: int) -> tuple[list[float], object]:
    fn()  # warm: caches, Kiwi's model, SQLite pages
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"median": statistics.median(ordered), "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]}


def measure(db_path: Path, repeat: int) -> None:
    """Child: every timing, ours and naive."""
    import re

    from sqlalchemy import select

    from coding.applications import codings_for
    from coding.users import get_user
    from fgi.models import Segment, Transcript
    from fgi.morphology import content_lemmas, get_analyzer, split_tagged
    from fgi.storage import open_database
    from fgi.study import get_project
    from queries.filters import Filters
    from queries.retrieval import CodeQuery, retrieve
    from queries.search import LEMMA, REGEX, SURFACE, search

    database = open_database(f"sqlite:///{db_path}")
    out = {}
    a, b = f"{PARENTS[0]}/{PARENTS[0]} 1", f"{PARENTS[0]}/{PARENTS[0]} 2"

    def session_run(fn):
        def run():
            with database.reading() as session:
                return fn(session, get_project(session, PROJECT))
        return run

    def ours_retrieve(viewer, query, filters=None):
        return session_run(lambda s, p: retrieve(s, p, query, viewer=get_user(s, viewer), filters=filters))

    def naive_retrieve(viewer, query):
        def fn(s, p):
            on: dict[str, set[str]] = {}
            for c in codings_for(s, get_user(s, viewer), project=p):
                on.setdefault(c.segment_id, set()).add(c.code_path)
            return [sid for sid, paths in on.items() if set(query.any_of) & paths and not set(query.none_of) & paths]
        return session_run(fn)

    def ours_search(query, mode):
        return session_run(lambda s, p: search(s, p, query, viewer=get_user(s, "코더1"), mode=mode))

    def naive_lemma(query):
        wanted = content_lemmas(get_analyzer("kiwi").analyze(query))

        def fn(s, p):
            rows = s.execute(select(Segment.id, Segment.lemmas).join(Transcript).where(Transcript.project_id == p.id))
            hits = []
            for sid, stored in rows:
                lemmas = split_tagged(stored)
                if any(lemmas[i:i + len(wanted)] == wanted for i in range(len(lemmas))):
                    hits.append(sid)
            return hits
        return session_run(fn)

    def naive_text(pattern):
        compiled = re.compile(pattern, re.IGNORECASE)

        def fn(s, p):
            rows = s.execute(select(Segment.id, Segment.text).join(Transcript).where(Transcript.project_id == p.id))
            return [sid for sid, text in rows if compiled.search(text)]
        return session_run(fn)

    not_b = CodeQuery((a,), none_of=(b,))
    parent = CodeQuery((PARENTS[1],), descendants=True)
    cases = [
        ("retrieve: A AND NOT B, coder (blind)", ours_retrieve("코더1", not_b), naive_retrieve("코더1", not_b)),
        ("retrieve: A AND NOT B, lead (every coder)", ours_retrieve("팀장", not_b), naive_retrieve("팀장", not_b)),
        ("retrieve: parent + descendants, one group, coder", ours_retrieve("코더1", parent, Filters.of(groups=["주민"])),
         None),
        ("search lemma 생각 (frequent), coder", ours_search("생각", LEMMA), naive_lemma("생각")),
        ("search lemma 까다롭다 (rare), coder", ours_search("까다롭다", LEMMA), naive_lemma("까다롭다")),
        ("search surface 어려웠, coder", ours_search("어려웠", SURFACE), naive_text(re.escape("어려웠"))),
        ("search regex 자격증\\S*, coder", ours_search(r"자격증\S*", REGEX), naive_text(r"자격증\S*")),
    ]
    for name, ours, naive in cases:
        times, result = _times(ours, repeat)
        size = len(result.lines) if hasattr(result, "lines") and not hasattr(result, "hits") else \
            f"{result.n_hits} hits / {result.n_lines} lines"
        row = {"ours": _summary(times), "result": size}
        if naive is not None:
            naive_times, _ = _times(naive, max(3, repeat // 2))
            row["naive"] = _summary(naive_times)
        out[name] = row
    database.dispose()
    print(json.dumps(out, ensure_ascii=False))


def _child(*args: str) -> dict:
    run = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if run.returncode:
        sys.exit(run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="build the project into this file once and reuse it after")
    ap.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build:
        build(args.shared, args.lines, args.db)
        return
    if args.measure:
        measure(args.db, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="workspace_search_") as tmp:
        db = args.keep or Path(tmp) / "bench.db"
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            built = _child("--shared", str(args.shared), "--lines", str(args.lines), "--build", "--db", str(db))
            print(f"{built['n']:,} lines, {built['transcripts']} transcripts, {built['codings']:,} codings by "
                  f"{CODERS} coders; import {built['seconds']:.0f} s (set-up)\n")
        rows = _child("--measure", "--db", str(db), "--repeat", str(args.repeat))
    print("| query | result | ours median ms | ours p90 ms | naive median ms | naive p90 ms | naive / ours |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        ours, naive = row["ours"], row.get("naive")
        ratio = f"{naive['median'] / ours['median']:.1f}×" if naive else "-"
        naive_cells = f"{naive['median']:.0f} | {naive['p90']:.0f}" if naive else "- | -"
        print(f"| {name} | {row['result']} | {ours['median']:.0f} | {ours['p90']:.0f} | {naive_cells} | {ratio} |")


if __name__ == "__main__":
    main()
