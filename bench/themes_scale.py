"""Theme proposals at scale, on the product path: ``themes.proposals.propose`` over every
participant line (``units="all"``, k automatic) of a project of 10k and 100k lines.

    python bench/themes_scale.py [--shared PATH] [--sizes 10000 100000] [--embedders kiwi-lsa]

Lines are synthesised by joining the first half of one sentence to the second half of
another (fixed seed), sentences taken from every document in PATH/corpus (the dev quotes
split into sentences plus the other Korean documents split into lines).

For each size a fresh subprocess builds a SQLite project database by importing the lines
through ``fgi.ingest.import_files`` as speaker-prefixed transcripts of 1,000 participant
lines (plus a moderator's opening line): set-up, reported as "import (once)" (it includes
Kiwi's analysis of every line, whose lemmas the segments store). Then, for each
embedder, a fresh subprocess opens a copy of that database and times one proposal end to
end, as ``fgi themes propose`` runs it: reading the lines, features, TF-IDF + SVD,
clustering, labels and quotes, storing the run, committing. The steps are timed by
wrapping the functions ``propose`` calls (lines: ``proposal_units``, which also reads the
stored noun lemmas; features: ``themes.cache.cached_features``; TF-IDF + SVD: the
embedder's ``embed``; clustering: the default clusterer's ``fit``); "labels, store" is the
rest. "noun lemmas" says where they came from (the run's cache counts). Peak memory is
that process's peak RSS (resource.getrusage ru_maxrss).
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LINES_PER_TRANSCRIPT = 1000
PROJECT = "bench"


def sentence_pool(shared: Path) -> list[str]:
    pool: list[str] = []
    for path in sorted((shared / "corpus").iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".jsonl":
            text = "\n".join(json.loads(line)["text"] for line in text.splitlines() if line.strip())
        for line in text.splitlines():
            for sent in re.split(r"(?<=[.?!])\s+", line.strip()):
                if len(sent) >= 10 and re.search(r"[가-힣]", sent):
                    pool.append(sent)
    return pool


def synthetic_lines(shared: Path, n: int) -> list[str]:
    """First half of one sentence + second half of another: distinct lines of natural length."""
    pool = sentence_pool(shared)
    rng = random.Random(0)

    def half(sent: str, first: bool) -> str:
        words = sent.split()
        cut = max(1, len(words) // 2)
        return " ".join(words[:cut] if first else words[cut:]) or sent

    return [half(rng.choice(pool), True) + " " + half(rng.choice(pool), False) for _ in range(n)]


def build(shared: Path, n: int, db_path: Path) -> None:
    """Child: import ``n`` synthetic participant lines as transcripts into a new project."""
    from fgi.ingest import ImportOptions, import_files
    from fgi.storage import open_database
    from fgi.study import create_project

    lines = synthetic_lines(shared, n)
    folder = db_path.parent / "transcripts"
    folder.mkdir()
    paths = []
    for t, start in enumerate(range(0, n, LINES_PER_TRANSCRIPT)):
        chunk = lines[start : start + LINES_PER_TRANSCRIPT]
        body = [f"참여자{i % 6 + 1}: {line}" for i, line in enumerate(chunk)]
        path = folder / f"집단{t + 1:03d}.txt"
        path.write_text("진행자: 오늘 이야기를 시작하겠습니다.\n" + "\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    database = open_database(f"sqlite:///{db_path}")
    t0 = time.perf_counter()
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
        import_files(session, project, paths, ImportOptions(), actor="bench")
    seconds = time.perf_counter() - t0
    database.dispose()
    print(json.dumps(dict(n=n, chars=sum(map(len, lines)) / n, transcripts=len(paths), seconds=seconds)))


def _timed(owner, name: str, totals: dict[str, float], step: str) -> None:
    """Replace ``owner.name`` by a wrapper that adds its wall time to ``totals[step]``."""
    real = getattr(owner, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            totals[step] += time.perf_counter() - t0

    setattr(owner, name, wrapper)


def _bench_admin(session):
    """The admin the bench proposes as (sees every coding), made on first use."""
    from sqlalchemy import select

    from coding.models import ADMIN, User

    user = session.scalar(select(User).where(User.name == "bench"))
    if user is None:
        user = User(name="bench", role=ADMIN, password_hash="!")  # no login: a bench identity only
        session.add(user)
        session.flush()
    return user


def propose(db_path: Path, embedder: str, k: str) -> None:
    """Child: one proposal over every participant line, timed end to end and by step."""
    import resource

    from fgi.storage import open_database
    from fgi.study import get_project
    from themes import cache, cluster, proposals
    from themes.embedders import get_embedder
    from themes.runs import get_run

    settings = proposals.ProposalSettings(units="all", embedder=embedder, k=k)  # the default clusterer
    steps = ("lines", "features", "embed", "cluster")
    totals = dict.fromkeys(steps, 0.0)
    _timed(proposals, "proposal_units", totals, "lines")
    _timed(cache, "cached_features", totals, "features")
    _timed(type(get_embedder(embedder)), "embed", totals, "embed")
    _timed(type(cluster.get_clusterer(settings.clusterer)), "fit", totals, "cluster")
    database = open_database(f"sqlite:///{db_path}")
    t0 = time.perf_counter()
    with database.transaction() as session:
        project = get_project(session, PROJECT)
        run_id = proposals.propose(session, project, settings, viewer=_bench_admin(session))
    total = time.perf_counter() - t0
    with database.reading() as session:
        run = get_run(session, get_project(session, PROJECT), run_id, viewer=_bench_admin(session))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(dict(**totals, rest=total - sum(totals.values()), total=total, units=run.n_units,
                          clusterer=settings.clusterer, k=len(run.candidates), cache=run.details["cache"],
                          peak_mb=rss)))


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--embedders", nargs="+", default=["kiwi-lsa"])
    ap.add_argument("--k", default="auto")
    ap.add_argument("--build", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--propose", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--embedder", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build:
        build(args.shared, args.build, args.db)
        return
    if args.propose:
        propose(args.db, args.embedder, args.k)
        return
    from fgi.storage.sqlite_copy import sqlite_copy

    print(f"| lines | mean chars | import (once) s | embedder | clusterer (k={args.k}) | lines s | features s "
          "| TF-IDF + SVD s | clustering s | labels, store s | total s | k | peak RSS MB | noun lemmas |")
    print("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="themes_scale_") as tmp:
            built = Path(tmp) / "built.db"
            b = _child("--shared", str(args.shared), "--build", str(n), "--db", str(built))
            for embedder in args.embedders:
                db = Path(tmp) / f"{embedder}.db"
                sqlite_copy(built, db)
                r = _child("--propose", "--db", str(db), "--embedder", embedder, "--k", args.k)
                c = r["cache"]
                source = f"{c.get('stored', 0):,} stored, {c['hits']:,} cached, {c['computed']:,} analysed"
                print(f"| {r['units']:,} | {b['chars']:.0f} | {b['seconds']:.1f} | {embedder} | {r['clusterer']} "
                      f"| {r['lines']:.1f} "
                      f"| {r['features']:.1f} | {r['embed']:.1f} | {r['cluster']:.1f} | {r['rest']:.1f} "
                      f"| {r['total']:.1f} | {r['k']} | {r['peak_mb']:.0f} | {source} |", flush=True)
                db.unlink()


if __name__ == "__main__":
    main()
