"""How long an ``fgi`` command takes to start, against importing the frameworks it stands on.

    python bench/cli_start.py [--repeat 7]

Times, in fresh processes, (a) ``python -c "import typer, sqlalchemy.orm, alembic"``: the
least any command must load, (b) ``fgi --help`` and (c) ``fgi transcripts`` on an empty
SQLite database (reads settings, opens and checks the database, prints an error). Prints a
Markdown table with medians and the ratio to (a), then the project's own modules whose
import takes over 50 ms (``python -X importtime``), so a heavy import at the top of a module
shows up here before users feel it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OURS = ("fgi", "coding", "queries", "themes", "ui")


def seconds(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    runs.sort()
    return statistics.median(runs), runs[-1]


def heavy_imports(env: dict[str, str], threshold_us: int = 50_000) -> list[tuple[str, int]]:
    """Our modules whose own import, with what they pull in, takes over ``threshold_us``."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "fgi", "--help"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name, cumulative = parts[2].strip(), int(parts[1])
        if name.split(".")[0] in OURS and cumulative > threshold_us:
            found.append((name, cumulative))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "FGI_DATABASE_URL": f"sqlite:///{Path(folder) / 'empty.db'}",
               "PYTHONPATH": str(REPO), "FGI_USER": "", "FGI_PASSWORD": ""}
        subprocess.run([sys.executable, "-m", "fgi", "init"], env=env, cwd=REPO, capture_output=True, check=True)
        cases = [
            ("import typer, sqlalchemy.orm, alembic (baseline)",
             [sys.executable, "-c", "import typer, sqlalchemy.orm, alembic"]),
            ("fgi --help", [sys.executable, "-m", "fgi", "--help"]),
            ("fgi transcripts (empty SQLite database)", [sys.executable, "-m", "fgi", "transcripts"]),
        ]
        rows = [(label, *seconds(args, env, options.repeat)) for label, args in cases]
        baseline = rows[0][1]
        print(f"| run ({options.repeat} fresh processes each) | median s | slowest s | × baseline |")
        print("|---|---:|---:|---:|")
        for label, median, slowest in rows:
            print(f"| {label} | {median:.2f} | {slowest:.2f} | {median / baseline:.1f} |")
        print("\nOur modules over 50 ms to import (cumulative, with what they import):")
        for name, micros in heavy_imports(env):
            print(f"- {name}: {micros / 1000:.0f} ms")


if __name__ == "__main__":
    main()
