"""Retrieval and text search on a 100,000-line project with 10 coders' codings, against a
naive scan measured in the same run.

    python bench/workspace_search.py [--shared PATH] [--lines 100000] [--repeat 7]

Set-up (not timed, written in bulk rather than through the import, which takes most of an
hour for 100,000 lines on a busy 2-core machine): the synthetic lines of
``bench/themes_scale.py`` (same seed: the first half of one corpus sentence joined to the
second half of another) as speaker-prefixed transcripts of 1,000 participant lines plus a
moderator's line, in 4 groups, 6 speakers each; each line's stored lemmas are Kiwi's tagged
content lemmas of its two halves (each distinct half analysed once), as the import stores
them; a codebook of 4 parents x 5 codes; 10 coders, each coding a random fifth of the lines
with one code; half the transcripts revealed; a lead.

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


def _halves(shared: Path, n: int) -> list[tuple[str, str]]:
    """The lines of ``bench/themes_scale.synthetic_lines`` (same seed), as their two halves."""
    from bench.themes_scale import sentence_pool

    pool = sentence_pool(shared)
    rng = random.Random(0)

    def half(sent: str, first: bool) -> str:
        words = sent.split()
        cut = max(1, len(words) // 2)
        return " ".join(words[:cut] if first else words[cut:]) or sent

    return [(half(rng.choice(pool), True), half(rng.choice(pool), False)) for _ in range(n)]


def build(shared: Path, n: int, db_path: Path) -> None:
    """Child: the project, its transcripts, codebook, coders and codings."""
    import hashlib

    from sqlalchemy import insert, select

    from coding.codebook import add_code
    from coding.models import CodeApplication, Membership, Reveal, User
    from fgi.ids import segment_id
    from fgi.models import Participant, Segment, Transcript
    from fgi.morphology import get_analyzer, tagged_lemmas
    from fgi.storage import open_database
    from fgi.study import create_project, get_project

    halves = _halves(shared, n)
    t0 = time.perf_counter()
    unique = sorted({h for pair in halves for h in pair})
    analysed = dict(zip(unique, (" ".join(tagged_lemmas(m)) for m in get_analyzer("kiwi").analyze_many(unique))))
    kiwi_seconds = time.perf_counter() - t0
    database = open_database(f"sqlite:///{db_path}")
    with database.transaction() as session:
        project = create_project(session, PROJECT, actor="bench")
    rng = random.Random(1)
    with database.transaction() as session:
        project = get_project(session, PROJECT)
        n_transcripts = -(-n // LINES_PER_TRANSCRIPT)
        segments: list[dict] = []
        for t in range(n_transcripts):
            chunk = halves[t * LINES_PER_TRANSCRIPT:(t + 1) * LINES_PER_TRANSCRIPT]
            group = GROUPS[t % len(GROUPS)]
            people = [Participant(project_id=project.id, transcript_id=None, pseudonym=f"M{t + 1:03d}",
                                  label="진행자", role="moderator", attributes={"group": group})]
            people += [Participant(project_id=project.id, transcript_id=None, pseudonym=f"P{t * 6 + i:04d}",
                                   label=f"참여자{i}", role="participant", attributes={"group": group})
                       for i in range(1, 7)]
            utterances = [(0, "오늘 이야기를 시작하겠습니다.", "")]
            utterances += [(i % 6 + 1, f"{a} {b}", f"{analysed[a]} {analysed[b]}".strip())
                           for i, (a, b) in enumerate(chunk)]
            text_lines, spans, offset = [], [], 0
            for who, utterance, _ in utterances:
                prefix = f"{people[who].pseudonym}: "
                text_lines.append(prefix + utterance)
                spans.append((offset + len(prefix), offset + len(prefix) + len(utterance)))
                offset += len(prefix) + len(utterance) + 1
            text = "\n".join(text_lines) + "\n"
            digest = hashlib.sha256(text.encode()).hexdigest()
            transcript = Transcript(id=f"b{t:05d}{digest[:10]}", project_id=project.id, name=f"집단{t + 1:03d}",
                                    source_name=f"집단{t + 1:03d}.txt", format="prefixed", encoding="utf-8",
                                    unit="line", group=group, content_hash=digest, text=text,
                                    meta={"morphology": "kiwi"}, imported_by="bench")
            session.add(transcript)
            session.flush()
            for person in people:
                person.transcript_id = transcript.id
            session.add_all(people)
            session.flush()
            for line, ((who, utterance, lemmas), (start, end)) in enumerate(zip(utterances, spans), start=1):
                segments.append({"id": segment_id(transcript.id, line), "transcript_id": transcript.id, "line": line,
                                 "source_line": line, "participant_id": people[who].id,
                                 "speaker": people[who].pseudonym, "text": utterance, "start": start, "end": end,
                                 "backchannel": False, "lemmas": lemmas})
        for part in range(0, len(segments), 5000):
            session.execute(insert(Segment), segments[part:part + 5000])
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
        segment_ids = [s["id"] for s in segments]
        rows = []
        for coder in people[:CODERS]:
            for sid in rng.sample(segment_ids, len(segment_ids) // 5):
                rows.append({"segment_id": sid, "code_id": rng.choice(codes), "coder_id": coder.id,
                             "source": "manual"})
        for part in range(0, len(rows), 20000):
            session.execute(insert(CodeApplication), rows[part:part + 20000])
        transcripts = list(session.scalars(select(Transcript.id).order_by(Transcript.id)))
        session.add_all([Reveal(transcript_id=tid, revealed_by=people[-1].id) for tid in transcripts[::2]])
    database.dispose()
    print(json.dumps(dict(n=len(segments), codings=len(rows), transcripts=len(transcripts), seconds=kiwi_seconds,
                          halves=len(unique))))


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
                  f"{CODERS} coders; Kiwi on {built['halves']:,} distinct half-lines {built['seconds']:.0f} s (set-up)\n")
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
