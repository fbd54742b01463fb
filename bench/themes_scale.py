"""Time and peak memory of candidate themes (embedding + clustering) at 10k and 100k lines.

    python bench/themes_scale.py [--shared PATH] [--sizes 10000 100000] [--embedder kiwi-lsa]

Lines are synthesised by joining the first half of one sentence to the second half of
another (fixed seed), sentences taken from every document in PATH/corpus (the dev quotes split into sentences plus the other Korean
documents split into lines). Each size runs in a fresh subprocess; peak memory is that
process's peak RSS (resource.getrusage ru_maxrss), which includes the Kiwi model.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


def child(shared: Path, n: int, embedder: str, k: str) -> None:
    import random
    import resource

    sys.path.insert(0, str(ROOT))
    from themes.cluster import get_clusterer
    from themes.embedders import get_embedder

    pool = sentence_pool(shared)
    rng = random.Random(0)
    def half(sent: str, first: bool) -> str:
        words = sent.split()
        cut = max(1, len(words) // 2)
        return " ".join(words[:cut] if first else words[cut:]) or sent

    # First half of one sentence + second half of another: distinct lines of natural length.
    lines = [half(rng.choice(pool), True) + " " + half(rng.choice(pool), False) for _ in range(n)]
    emb = get_embedder(embedder)
    if hasattr(emb, "features") and embedder == "kiwi-lsa":
        from fgi.morphology import get_analyzer

        get_analyzer("kiwi").analyze("준비")  # load the model outside the timing
    t0 = time.perf_counter()
    feats = emb.features(lines) if hasattr(emb, "features") else None
    t1 = time.perf_counter()
    Z = emb.embed(lines, features=feats) if feats is not None else emb.embed(lines)
    t2 = time.perf_counter()
    clu = get_clusterer("agglomerative", k=("auto" if k == "auto" else int(k)), random_state=0).fit(Z)
    t3 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(dict(n=n, chars=sum(map(len, lines)) / n, features=t1 - t0, embed=t2 - t1,
                          cluster=t3 - t2, total=t3 - t0, k=int(clu.n_clusters_), dims=int(Z.shape[1]),
                          peak_mb=rss)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--embedder", default="kiwi-lsa")
    ap.add_argument("--k", default="auto")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.shared, args.child, args.embedder, args.k)
        return
    print(f"| lines | mean chars | embedder | morphology s | TF-IDF+SVD s | clustering (k={args.k}) s "
          "| total s | k | dims | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--shared", str(args.shared), "--child", str(n),
                              "--embedder", args.embedder, "--k", args.k], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {n} | {r['chars']:.0f} | {args.embedder} | {r['features']:.1f} | {r['embed']:.1f} | "
              f"{r['cluster']:.1f} | {r['total']:.1f} | {r['k']} | {r['dims']} | {r['peak_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
