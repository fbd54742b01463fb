"""How long the 코드북 page's counts take through the blind rule, on a project of 100k codings.

    python bench/codebook_counts.py [--url DATABASE_URL] [--codings 100000]

Builds (once per run, in a temporary SQLite file unless ``--url`` names an empty database)
a project with the sample codebook, 20 transcripts of 1,000 lines and 10 coders, and inserts
the codings directly (10 % of the transcripts revealed). Then times
``coding.codebook.counted_codes`` for a coder (own codings plus revealed transcripts) and for
a lead (every coding), median of 5, and checks the coder's total against ``codings_for``.

Measured on the 2-core development machine (shared): SQLite 0.12 s for a coder, 0.23 s for a
lead; PostgreSQL 15 0.15 s and 0.29 s. The unfiltered count it replaces took 0.07-0.12 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRANSCRIPTS, LINES, CODERS = 20, 1000, 10


def build(database, n_codings: int) -> None:
    from sqlalchemy import insert

    from coding.codebook import list_codes
    from coding.codebook_io import import_codebook_file
    from coding.models import CodeApplication, Reveal, User
    from fgi.models import Segment, Transcript
    from fgi.study import create_project

    rng = random.Random(0)
    with database.transaction() as session:
        project = create_project(session, "bench", actor="bench")
        import_codebook_file(session, project, ROOT / "codebooks" / "자활사례관리_코드북.yaml", actor="bench")
        users = [User(name=f"코더{i}", role="coder", password_hash="!") for i in range(CODERS)]
        users.append(User(name="팀장", role="lead", password_hash="!"))
        session.add_all(users)
        session.flush()
        from coding.models import Membership

        session.add_all(Membership(project_id=project.id, user_id=u.id) for u in users)
        tids = [f"t{t:09d}" for t in range(TRANSCRIPTS)]
        session.execute(insert(Transcript), [
            dict(id=tid, project_id=project.id, name=tid, source_name=tid, format="plain", encoding="utf-8",
                 unit="line", content_hash=tid, text="", meta={}, imported_by="bench") for tid in tids])
        session.execute(insert(Segment), [
            dict(id=f"{tid}-{line:04d}", transcript_id=tid, line=line, source_line=line, text="줄", start=0, end=1,
                 backchannel=False, lemmas="") for tid in tids for line in range(1, LINES + 1)])
        session.add_all(Reveal(transcript_id=tid, revealed_by=users[-1].id) for tid in tids[:2])
        codes = [c.id for c in list_codes(session, project)]
        seen, rows = set(), []
        while len(rows) < n_codings:
            segment = f"{rng.choice(tids)}-{rng.randint(1, LINES):04d}"
            key = (segment, rng.choice(codes), users[rng.randrange(CODERS)].id)
            if key not in seen:
                seen.add(key)
                rows.append(dict(segment_id=key[0], code_id=key[1], coder_id=key[2], source="manual"))
        session.execute(insert(CodeApplication), rows)


def timed(database, name: str) -> tuple[float, int]:
    from coding.codebook import counted_codes
    from coding.users import get_user
    from fgi.study import get_project

    runs, total = [], 0
    for _ in range(5):
        with database.reading() as session:
            t0 = time.perf_counter()
            codes = counted_codes(session, get_project(session, "bench"), viewer=get_user(session, name))
            runs.append(time.perf_counter() - t0)
            total = sum(c.codings for c in codes)
    return statistics.median(runs), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    from coding.applications import codings_for
    from coding.users import get_user
    from fgi.storage import open_database
    from fgi.study import get_project

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(args.url or f"sqlite:///{Path(folder) / 'bench.db'}", upgrade=True)
        build(database, args.codings)
        coder_s, coder_n = timed(database, "코더0")
        lead_s, lead_n = timed(database, "팀장")
        with database.reading() as session:
            expected = len(codings_for(session, get_user(session, "코더0"), project=get_project(session, "bench")))
        assert coder_n == expected and lead_n == args.codings, (coder_n, expected, lead_n)
        database.dispose()
    print(json.dumps({"backend": (args.url or "sqlite").split(":")[0], "codings": args.codings,
                      "coder_seconds": round(coder_s, 4), "coder_counted": coder_n,
                      "lead_seconds": round(lead_s, 4), "lead_counted": lead_n}))


if __name__ == "__main__":
    main()
