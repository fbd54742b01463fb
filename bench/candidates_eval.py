"""Variants of candidate themes on the dev quotes, 10 seeds each; prints Markdown.

    python bench/candidates_eval.py [--shared PATH] [--seeds 10]

Line-level AMI (and NMI) of the candidates against the authors' 16 themes, ``--k auto``,
mean ± sd over seeds. The baseline is the default (consensus kNN-graph Louvain over 20
kiwi-lsa views). Variants:

* noun phrases as features: Kiwi noun lemmas plus the label terms' phrases;
* seeded by anchors (``themes.seeding``): the codebook a study would have written, here
  the theme names (16) or the sub-theme names (75), each line's similarity to them appended
  to its vectors with weight w;
* co-coded lines: the codes coders gave, here the authors' sub-themes (75 codes) on a
  share of the lines, appended as indicators with weight w (lines coded alike attract).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_mutual_info_score as ami  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score as nmi  # noqa: E402

from themes.cluster import get_clusterer  # noqa: E402
from themes.embedders import get_embedder, kiwi_lemmas  # noqa: E402
from themes.labels import label_terms  # noqa: E402
from themes.proposer import embedding_views  # noqa: E402
from themes.seeding import anchor_similarities, attracted, co_coded_matrix  # noqa: E402


def load(shared: Path) -> list[dict]:
    path = shared / "corpus" / "dev_quotes.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    rows = load(args.shared)
    texts = [r["text"] for r in rows]
    y = [r["theme"] for r in rows]
    lemmas = kiwi_lemmas(texts)
    phrases = [lem + [t for t in terms if " " in t] for lem, terms in zip(lemmas, label_terms(texts))]
    themes = sorted(set(y))
    subs = sorted({r["subtheme"] for r in rows})
    theme_anchor = anchor_similarities(lemmas, kiwi_lemmas(themes))
    sub_anchor = anchor_similarities(lemmas, kiwi_lemmas(subs))

    def base(seed, feats=lemmas):
        emb = get_embedder("kiwi-lsa", random_state=seed)
        return emb.embed(texts, features=feats), embedding_views(emb, texts, feats)

    def co_coded(share):
        def make(seed):
            rng = np.random.default_rng(1000 + seed)
            coded = rng.random(len(rows)) < share
            return co_coded_matrix([[r["subtheme"]] if c else [] for r, c in zip(rows, coded)])
        return make

    variants = [("baseline: consensus, kiwi-lsa (default)", None, None, 0),
                ("noun phrases as features", "phrases", None, 0),
                ("seeded: theme names as anchors, w=0.5", None, lambda s: theme_anchor, 0.5),
                ("seeded: sub-theme names as anchors, w=0.5", None, lambda s: sub_anchor, 0.5),
                ("co-coded: 50% of lines coded with sub-theme codes, w=0.5", None, co_coded(0.5), 0.5),
                ("co-coded: every line coded with its sub-theme code, w=0.5", None, co_coded(1.0), 0.5)]
    results = {title: ([], [], []) for title, *_ in variants}
    for seed in range(args.seeds):
        fits = {"lemmas": base(seed), "phrases": base(seed, phrases)}
        for title, feats, extra, w in variants:
            Z, V = fits["phrases" if feats == "phrases" else "lemmas"]
            if extra is not None:
                E = extra(seed)
                Z, V = attracted([Z], E, w)[0], attracted(V, E, w)
            lab = get_clusterer("consensus", k="auto", random_state=seed).fit_predict(Z, V)
            a, n, ks = results[title]
            a.append(ami(y, lab)); n.append(nmi(y, lab)); ks.append(len(set(lab)))
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    print("| variant | k (auto) | AMI theme, mean ± sd | NMI theme |\n|---|---|---|---|")
    for title, (a, n, ks) in results.items():
        print(f"| {title} | {min(ks)}-{max(ks)} | {np.mean(a):.3f} ± {np.std(a):.3f} | {np.mean(n):.3f} |")
    print(f"\nseeds 0-{args.seeds - 1}; {len(rows)} quotes, {len(themes)} themes, {len(subs)} sub-themes.")


if __name__ == "__main__":
    main()
