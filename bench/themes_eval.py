"""Evaluate candidate themes and code suggestion on the dev quotes; prints Markdown tables.

    python bench/themes_eval.py [--shared PATH] [--seeds 5] [--subsets 10] [--st MODEL_OR_PATH]

Reads PATH/corpus/dev_quotes.jsonl (141 verbatim FGI quotes with the authors' theme and
sub-theme). Clustering metrics are the mean (and min-max) over ``--seeds`` random states.
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
from themes.proposer import embedding_views  # noqa: E402
from themes.suggest import CodeSuggester  # noqa: E402


def load(shared: Path) -> list[dict]:
    path = shared / "corpus" / "dev_quotes.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fmt(vals: list[float]) -> str:
    return f"{np.mean(vals):.3f} ({min(vals):.3f}–{max(vals):.3f})" if len(vals) > 1 else f"{vals[0]:.3f}"


def embedder(name: str, seed: int):
    return get_embedder(name, random_state=seed) if name in ("kiwi-lsa", "char-lsa") else get_embedder(name)


def embed(name: str, texts, lemmas, seed: int) -> np.ndarray:
    emb = embedder(name, seed)
    return emb.embed(texts, features=lemmas) if name == "kiwi-lsa" else emb.embed(texts)


def views(name: str, texts, lemmas, seed: int):
    """The other fits the product gives the consensus clusterer (None: it has one view)."""
    return embedding_views(embedder(name, seed), texts, lemmas if name == "kiwi-lsa" else None)


def bertopic_labels(texts, Z, seed: int):
    try:
        from bertopic import BERTopic
        from umap import UMAP
    except ImportError:
        return None
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    topics, _ = BERTopic(umap_model=umap, language="multilingual").fit_transform(list(texts), embeddings=Z)
    return np.asarray(topics)


def clustering_table(rows, texts, lemmas, embedders, seeds) -> list[str]:
    y = [r["theme"] for r in rows]
    ys = [r["subtheme"] for r in rows]
    out = ["| embedder | clustering | k | AMI theme | NMI theme | AMI sub-theme |", "|---|---|---|---|---|---|"]
    setups = [("consensus kNN-graph Louvain (default)", "consensus", "auto"),
              ("consensus kNN-graph Louvain (default)", "consensus", 16),
              ("agglomerative (Ward)", "agglomerative", "auto"), ("agglomerative (Ward)", "agglomerative", 16),
              ("agglomerative (average, cosine)", "agglomerative:average", 16),
              ("k-means", "kmeans", "auto"), ("k-means", "kmeans", 16),
              ("HDBSCAN (sklearn, auto min size)", "hdbscan", "auto"),
              ("HDBSCAN (sklearn defaults)", "hdbscan-default", "auto"),
              ("BERTopic default (UMAP+HDBSCAN)", "bertopic", "auto")]
    for ename in embedders:
        Zs = {s: embed(ename, texts, lemmas, s) for s in seeds}
        Vs = {s: views(ename, texts, lemmas, s) for s in seeds}
        for title, cname, k in setups:
            res = {"a": [], "n": [], "s": [], "k": []}
            for s in seeds:
                Z = Zs[s]
                if cname == "bertopic":
                    lab = bertopic_labels(texts, Z, s)
                    if lab is None:
                        break
                elif cname == "hdbscan-default":
                    from sklearn.cluster import HDBSCAN
                    lab = HDBSCAN().fit_predict(Z)
                elif cname == "consensus":
                    lab = get_clusterer(cname, k=k, random_state=s).fit_predict(Z, Vs[s])
                elif cname == "agglomerative:average":
                    lab = get_clusterer("agglomerative", k=k, linkage="average", random_state=s).fit_predict(Z)
                else:
                    lab = get_clusterer(cname, k=k, random_state=s).fit_predict(Z)
                res["a"].append(ami(y, lab)); res["n"].append(nmi(y, lab)); res["s"].append(ami(ys, lab))
                res["k"].append(len(set(lab) - {-1}))
            if not res["a"]:
                continue
            ks = sorted(set(res["k"]))
            kdesc = f"{k}" if k != "auto" else "auto → " + ",".join(map(str, ks))
            out.append(f"| {ename} | {title} | {kdesc} | {fmt(res['a'])} | {fmt(res['n'])} | {fmt(res['s'])} |")
    return out


def theme_level_table(rows, texts, lemmas, seeds) -> list[str]:
    subs = sorted({r["subtheme"] for r in rows})
    sub_theme = {r["subtheme"]: r["theme"] for r in rows}
    truth = [sub_theme[s] for s in subs]
    members = [[i for i, r in enumerate(rows) if r["subtheme"] == sub] for sub in subs]

    def means(Z):
        Zn = Z / np.linalg.norm(Z, axis=1, keepdims=True).clip(1e-12)
        return np.stack([Zn[m].mean(0) for m in members])

    out = ["| clustering | k | AMI vs sub-theme→theme |", "|---|---|---|"]
    for cname in ("consensus", "agglomerative"):
        for k in ("auto", 16):
            vals, kk = [], []
            for s in seeds:
                C = means(embed("kiwi-lsa", texts, lemmas, s))
                clu = get_clusterer(cname, k=k, random_state=s)
                if cname == "consensus":
                    lab = clu.fit_predict(C, [means(V) for V in views("kiwi-lsa", texts, lemmas, s)])
                else:
                    lab = clu.fit_predict(C)
                vals.append(ami(truth, lab)); kk.append(len(set(lab)))
            kdesc = k if k != "auto" else "auto → " + ",".join(map(str, sorted(set(kk))))
            out.append(f"| {cname}, kiwi-lsa mean of quotes ({len(subs)} sub-themes) | {kdesc} | {fmt(vals)} |")
    return out


def subset_table(rows, texts, lemmas, n_subsets: int, sizes=(30, 60)) -> list[str]:
    """``--k auto`` on random subsets (small studies): the k each criterion picks and AMI
    against the authors' themes within the subset; subset i uses seed i."""
    out = ["| lines | true themes in subset | Ward, silhouette: k, AMI | consensus: k, AMI |",
           "| ---: | ---: | --- | --- |"]
    for n in (*sizes, len(rows)):
        res = {"true": [], "ward": [], "cons": []}
        for s in range(n_subsets):
            rng = np.random.default_rng(100 + s)
            idx = np.sort(rng.choice(len(rows), n, replace=False)) if n < len(rows) else np.arange(n)
            y = [rows[i]["theme"] for i in idx]
            t, f = [texts[i] for i in idx], [lemmas[i] for i in idx]
            emb = embedder("kiwi-lsa", s)
            Z = emb.embed(t, features=f)
            ward = get_clusterer("agglomerative", k="auto", random_state=s).fit_predict(Z)
            cons = get_clusterer("consensus", k="auto", random_state=s).fit_predict(Z, embedding_views(emb, t, f))
            res["true"].append(len(set(y)))
            res["ward"].append((len(set(ward)), ami(y, ward)))
            res["cons"].append((len(set(cons)), ami(y, cons)))

        def cell(pairs):
            ks = [k for k, _ in pairs]
            return f"{min(ks)}-{max(ks)}, {np.mean([a for _, a in pairs]):.3f}"

        out.append(f"| {n} | {min(res['true'])}-{max(res['true'])} | {cell(res['ward'])} | {cell(res['cons'])} |")
    return out


def suggestion_table(rows, lemmas) -> list[str]:
    y = [r["theme"] for r in rows]
    themes = sorted(set(y))
    full_def = {t: " ".join([t] + sorted({r["subtheme"] for r in rows if r["theme"] == t})) for t in themes}
    name_def = {t: t for t in themes}
    def_tok = {name: dict(zip(themes, kiwi_lemmas([d[t] for t in themes]))) for name, d in
               (("full", full_def), ("name", name_def))}
    setups = [("10-NN vote (baseline)", dict(centroid_weight=0, definition_weight=0, knn_weight=1), None),
              ("centroid", dict(centroid_weight=1, definition_weight=0), None),
              ("centroid + 10-NN", dict(centroid_weight=1, definition_weight=0, knn_weight=1), None),
              ("centroid + definition = theme name", dict(), "name"),
              ("centroid + definition = theme + sub-theme names, weight 1 (earlier default)",
               dict(definition_weight=1), "full"),
              ("centroid + definition = theme + sub-theme names, weight 2", dict(definition_weight=2), "full"),
              ("centroid + definition = theme + sub-theme names, weight auto (default)", dict(), "full"),
              ("centroid + definition + 10-NN", dict(knn_weight=1), "full")]
    out = ["| leave-one-out signal | top-1 | top-3 |", "|---|---|---|"]
    for title, params, dname in setups:
        t1 = t3 = 0
        for i in range(len(rows)):
            keep = [j for j in range(len(rows)) if j != i]
            defs = {"full": full_def, "name": name_def}.get(dname)
            sug = CodeSuggester(**params).fit([rows[j]["text"] for j in keep], [y[j] for j in keep], definitions=defs,
                                              tokens=[lemmas[j] for j in keep],
                                              definition_tokens=def_tok[dname] if dname else {})
            ranked = [c for c, _ in sug.rank([rows[i]["text"]], top_k=3, tokens=[lemmas[i]])[0]]
            t1 += ranked[0] == y[i]
            t3 += y[i] in ranked
        out.append(f"| {title} | {t1 / len(rows):.3f} | {t3 / len(rows):.3f} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--subsets", type=int, default=10, help="random subsets per size for the small-study table")
    ap.add_argument("--st", action="append", default=[], help="also evaluate sentence-transformers:<this>")
    args = ap.parse_args()
    rows = load(args.shared)
    texts = [r["text"] for r in rows]
    lemmas = kiwi_lemmas(texts)
    seeds = list(range(args.seeds))
    embedders = ["kiwi-lsa", "char-lsa"] + [f"sentence-transformers:{m}" for m in args.st]
    print(f"## Candidate themes on dev_quotes ({len(rows)} quotes, {len({r['theme'] for r in rows})} themes, "
          f"{len({r['subtheme'] for r in rows})} sub-themes; mean (min–max) over seeds {seeds})\n")
    print("\n".join(clustering_table(rows, texts, lemmas, embedders, seeds)))
    print("\n## Theme level: clustering the authors' sub-themes into themes\n")
    print("\n".join(theme_level_table(rows, texts, lemmas, seeds)))
    print(f"\n## --k auto on random subsets ({args.subsets} per size)\n")
    print("\n".join(subset_table(rows, texts, lemmas, args.subsets)))
    print("\n## Code suggestion: rank the 16 themes for a held-out quote\n")
    print("\n".join(suggestion_table(rows, lemmas)))


if __name__ == "__main__":
    main()
