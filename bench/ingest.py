"""Import throughput against raw batched Kiwi tokenisation of the same text, same run.

    python bench/ingest.py [--mb 1.5] [--repeats 3] [--shared ../shared]

Builds a speaker-prefixed transcript of at least --mb megabytes (UTF-8) from the real
Korean documents in ../shared/corpus (the sample transcripts where that is absent),
then times (a) Kiwi's batched ``tokenize`` over the utterance lines and (b) the whole
``fgi import`` path (read, decode, parse, pseudonymise, segment, morphology, store in
SQLite) on the same file. Prints a Markdown table; the target is import >= 70% of raw.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fgi.ingest import ImportOptions, import_files  # noqa: E402
from fgi.ingest.reader import read_source  # noqa: E402
from fgi.morphology import get_analyzer  # noqa: E402
from fgi.storage import open_database  # noqa: E402
from fgi.study import create_project  # noqa: E402


def source_lines(shared: Path) -> list[str]:
    corpus = shared / "corpus"
    lines: list[str] = []
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.txt")) + sorted(corpus.glob("*.md")):
            lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 10]
    if not lines:
        for path in sorted((REPO / "transcripts").glob("*.txt")):
            data = path.read_bytes()
            text = data.decode("utf-8") if b"\r\n" not in data else data.decode("cp949")
            lines += [line.split(":", 1)[-1].strip() for line in text.splitlines() if len(line.strip()) > 10]
    return lines


def build_transcript(folder: Path, lines: list[str], megabytes: float) -> Path:
    out: list[str] = []
    size = 0
    i = 0
    while size < megabytes * 1024 * 1024:
        line = f"참여자{i % 6 + 1}: {lines[i % len(lines)]} ({i})"
        out.append(line)
        size += len(line.encode("utf-8")) + 1
        i += 1
    path = folder / "bench.txt"
    path.write_text("진행자: 시작하겠습니다\n" + "\n".join(out) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()

    analyzer = get_analyzer("kiwi")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_transcript(folder, source_lines(args.shared), args.mb)
        source = read_source(path, max_bytes=1 << 30)
        megabytes = path.stat().st_size / 1024 / 1024
        texts = [source.text[u.start : u.end] for u in source.layout.utterances]
        analyzer.analyze_many(texts[:200])  # warm up threads and caches

        raw, full = [], []
        for run in range(args.repeats):
            start = time.perf_counter()
            list(analyzer._kiwi.tokenize(texts))  # the baseline: Kiwi alone, batched
            raw.append(time.perf_counter() - start)

            database = open_database(f"sqlite:///{folder / f'run{run}.db'}")
            start = time.perf_counter()
            with database.transaction() as session:
                project = create_project(session, "bench", actor="bench")
                import_files(session, project, [path], ImportOptions(), actor="bench", analyzer=analyzer)
            full.append(time.perf_counter() - start)
            database.dispose()

    raw_s, full_s = statistics.median(raw), statistics.median(full)
    print(f"text: {len(texts)} utterance lines, {sum(map(len, texts)):,} characters, "
          f"{megabytes:.2f} MB; median of {args.repeats} runs")
    print()
    print("| step | seconds | MB/s | share of raw Kiwi throughput |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| raw Kiwi `tokenize` (batched) | {raw_s:.2f} | {megabytes / raw_s:.2f} | 100% |")
    print(f"| `fgi import` (parse + segment + morphology + store) | {full_s:.2f} | "
          f"{megabytes / full_s:.2f} | {raw_s / full_s:.0%} |")


if __name__ == "__main__":
    main()
