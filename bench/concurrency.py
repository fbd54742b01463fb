"""Many coders at once: codings/s and proof that nothing is lost or doubled.

    python bench/concurrency.py --postgres-url URL [--workers 20] [--per-worker 500]
    python bench/concurrency.py --sqlite [--workers 4] [--per-worker 500]

Each worker is a separate process acting as its own coder, applying --per-worker codings
on segments that overlap with every other worker's, one transaction per coding (as the
app does). Afterwards every intended coding must exist exactly once and the audit log must
hold one ``code.apply`` event per coding. The baseline in the same run is one worker
doing the same number of codings per process.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402

from coding.applications import apply_code  # noqa: E402
from coding.codebook import list_codes  # noqa: E402
from coding.codebook_io import import_codebook_file  # noqa: E402
from coding.models import CodeApplication, User  # noqa: E402
from coding.users import add_member, create_user, get_user  # noqa: E402
from fgi.ingest import import_files  # noqa: E402
from fgi.models import Event, Segment  # noqa: E402
from fgi.storage import open_database  # noqa: E402
from fgi.study import create_project, get_project  # noqa: E402

PROJECT = "동시 코딩"
SAMPLE = REPO / "transcripts" / "주민_FGI_1차.txt"
CODEBOOK = REPO / "codebooks" / "자활사례관리_코드북.yaml"


@dataclass(frozen=True)
class Outcome:
    workers: int
    per_worker: int
    seconds: float
    applications: int
    distinct: int
    events: int
    intended: int

    @property
    def rate(self) -> float:
        return self.workers * self.per_worker / self.seconds

    @property
    def exact(self) -> bool:
        return self.applications == self.distinct == self.events == self.intended


def prepare(url: str, workers: int) -> None:
    """A project with one transcript, the sample codebook and ``workers`` coders."""
    database = open_database(url, upgrade=True)
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
        import_files(session, project, [SAMPLE], actor="bench")
        import_codebook_file(session, project, CODEBOOK, actor="bench")
        for w in range(workers):
            user = create_user(session, f"coder{w:02d}", "password-123", role="coder", actor="bench")
            add_member(session, project, user, actor="bench")
    database.dispose()


def plan(url: str, worker: int, per_worker: int) -> list[tuple[str, str]]:
    """The (segment, code path) pairs one worker will code: overlapping with the others."""
    database = open_database(url)
    with database.reading() as session:
        project = get_project(session, PROJECT)
        segments = sorted(session.scalars(select(Segment.id)))
        codes = sorted(c.path for c in list_codes(session, project) if c.parent_id is not None)
    database.dispose()
    pairs = [(s, c) for s in segments for c in codes]
    if per_worker > len(pairs):
        raise ValueError(f"at most {len(pairs)} codings per worker on this sample")
    return random.Random(worker).sample(pairs, per_worker)


def work(url: str, worker: int, per_worker: int) -> None:
    """One coder process: plan, say ready, wait for "go" on stdin, then code."""
    todo = plan(url, worker, per_worker)
    database = open_database(url)
    print("ready", flush=True)
    sys.stdin.readline()  # the clock starts when every process is ready
    for segment_id, code in todo:
        with database.transaction() as session:
            apply_code(session, get_user(session, f"coder{worker:02d}"), segment_id, code)
    database.dispose()


def _start_together(url: str, workers: int, per_worker: int) -> list[subprocess.Popen]:
    """Separate Python processes (not multiprocessing: a host such as Streamlit may have
    replaced ``__main__``), released together once each has planned its work."""
    processes = [
        subprocess.Popen([sys.executable, __file__, "--worker", url, str(w), str(per_worker)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        for w in range(workers)
    ]
    for p in processes:
        if p.stdout.readline().strip() != "ready":
            for q in processes:
                q.kill()
            raise RuntimeError(f"a worker did not get ready (exit code {p.wait()})")
    for p in processes:
        p.stdin.write("go\n")
        p.stdin.flush()
    return processes


def run(url: str, workers: int, per_worker: int) -> Outcome:
    prepare(url, workers)
    processes = _start_together(url, workers, per_worker)
    start = time.perf_counter()
    codes = [p.wait() for p in processes]
    seconds = time.perf_counter() - start
    if any(codes):
        raise RuntimeError(f"workers failed (exit codes {codes})")
    database = open_database(url)
    with database.reading() as session:
        applications = session.scalar(select(func.count()).select_from(CodeApplication))
        distinct = session.scalar(select(func.count()).select_from(
            select(CodeApplication.segment_id, CodeApplication.code_id, CodeApplication.coder_id).distinct().subquery()))
        events = session.scalar(select(func.count()).select_from(Event).where(Event.kind == "code.apply"))
        coders = session.scalar(select(func.count()).select_from(User))
    database.dispose()
    assert coders == workers
    return Outcome(workers, per_worker, seconds, applications, distinct, events, workers * per_worker)


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        url, worker, per_worker = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        work(url, worker, per_worker)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", help="an empty PostgreSQL database (it gets migrated)")
    parser.add_argument("--sqlite", action="store_true", help="use a new SQLite file")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--per-worker", type=int, default=500)
    args = parser.parse_args()
    if not args.postgres_url and not args.sqlite:
        parser.error("give --postgres-url URL or --sqlite")
    workers = args.workers or (4 if args.sqlite else 20)
    with tempfile.TemporaryDirectory() as folder:
        def url(name: str) -> str:
            if args.sqlite:
                return f"sqlite:///{Path(folder) / name}.db"
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            admin = create_engine(make_url(args.postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                c.execute(text(f"CREATE DATABASE {name}"))
            admin.dispose()
            return make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)

        single = run(url("bench_single"), 1, args.per_worker)
        many = run(url("bench_many"), workers, args.per_worker)
    backend = "SQLite (WAL)" if args.sqlite else "PostgreSQL"
    print(f"| backend | coders | codings | seconds | codings/s | vs one coder | exactly once, events match |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for o in (single, many):
        print(f"| {backend} | {o.workers} | {o.workers * o.per_worker:,} | {o.seconds:.1f} | {o.rate:.0f} | "
              f"{o.rate / single.rate:.2f}x | {'yes' if o.exact else 'NO'} |")


if __name__ == "__main__":
    main()
