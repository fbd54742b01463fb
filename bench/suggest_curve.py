"""Learning curve of code suggestions on the dev quotes: top-3 after 1, 2, 5 and 10 coded
examples per code; prints Markdown.

    python bench/suggest_curve.py [--shared PATH] [--orders 20]

The 16 themes are the codes. For each random order (seed 0-19) a coder is taken to have
coded the first n quotes of each theme (at most all but one of its quotes); every other
quote is ranked and counted a hit when its theme is among the top 3. Definitions, as a
codebook would give them: none, the theme's name, or the theme's name with its sub-theme
names (an inclusion list). Mean ± sd over the orders.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from themes.embedders import kiwi_lemmas  # noqa: E402
from themes.suggest import CodeSuggester  # noqa: E402

SIZES = (1, 2, 5, 10)


def load(shared: Path) -> list[dict]:
    path = shared / "corpus" / "dev_quotes.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def curve(rows, lemmas, definitions, def_tokens, params, orders: int) -> list[tuple[float, float]]:
    y = [r["theme"] for r in rows]
    themes = sorted(set(y))
    out = []
    for n in SIZES:
        accs = []
        for order in range(orders):
            rng = np.random.default_rng(order)
            train = []
            for theme in themes:
                idx = [i for i in range(len(rows)) if y[i] == theme]
                rng.shuffle(idx)
                train += idx[: min(n, len(idx) - 1)]
            kept = set(train)
            test = [i for i in range(len(rows)) if i not in kept]
            s = CodeSuggester(**params).fit([rows[i]["text"] for i in train], [y[i] for i in train],
                                            definitions=definitions, tokens=[lemmas[i] for i in train],
                                            definition_tokens=def_tokens)
            ranked = s.rank([rows[i]["text"] for i in test], top_k=3, tokens=[lemmas[i] for i in test])
            accs.append(np.mean([y[i] in [c for c, _ in r] for i, r in zip(test, ranked)]))
        out.append((float(np.mean(accs)), float(np.std(accs))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--orders", type=int, default=20)
    args = ap.parse_args()
    rows = load(args.shared)
    lemmas = kiwi_lemmas([r["text"] for r in rows])
    themes = sorted({r["theme"] for r in rows})
    defs = {"none": {}, "theme name": {t: t for t in themes},
            "theme + sub-theme names": {t: " ".join([t] + sorted({r["subtheme"] for r in rows if r["theme"] == t}))
                                        for t in themes}}
    setups = [("centroid only", "none", dict(definition_weight=0)),
              ("10-NN vote of the coder's own codings", "none", dict(centroid_weight=0, definition_weight=0,
                                                                      knn_weight=1)),
              ("centroid + definition, weight 1", "theme name", dict(definition_weight=1)),
              ("centroid + definition, weight auto (default)", "theme name", {}),
              ("centroid + definition, weight 1 (earlier default)", "theme + sub-theme names",
               dict(definition_weight=1)),
              ("centroid + definition, weight 2", "theme + sub-theme names", dict(definition_weight=2)),
              ("centroid + definition, weight 3", "theme + sub-theme names", dict(definition_weight=3)),
              ("centroid + definition, weight auto: 1 + 2/√(median examples per code) (default)",
               "theme + sub-theme names", {}),
              ("centroid + definition weight 2 + 3-NN vote 0.5", "theme + sub-theme names",
               dict(definition_weight=2, knn_weight=0.5, n_neighbors=3))]
    print(f"| ranking | codebook definitions | " + " | ".join(f"top-3, {n} per code" for n in SIZES) + " |")
    print("|---|---|" + "---:|" * len(SIZES))
    for title, dname, params in setups:
        d = defs[dname]
        dtok = dict(zip(sorted(d), kiwi_lemmas([d[t] for t in sorted(d)]))) if d else {}
        res = curve(rows, lemmas, d or None, dtok, params, args.orders)
        print(f"| {title} | {dname} | " + " | ".join(f"{m:.3f} ± {s:.3f}" for m, s in res) + " |")
    print(f"\n{args.orders} random orders; {len(rows)} quotes, {len(themes)} themes.")


if __name__ == "__main__":
    main()
