"""Label quality on the dev quotes: the labels before (top c-TF-IDF noun lemmas) and after
(nouns and noun phrases, stop-list, background, MMR), side by side; prints Markdown.

    python bench/label_quality.py [--shared PATH] [--seeds 10]

Label-quality check: the share of label words (each word of the first three label terms)
that are *content nouns*: Kiwi reads the word alone as nouns only (NNG, NNP, SL), it has
at least two syllables, and it is not in ``NOT_CONTENT`` below, a reference list of nouns
that name no topic (place, time, quantity, talk, fillers, pronouns) written for this check.
Also reported: the share of label words that are unique to one candidate (distinct
labels). Measured on the authors' 16 themes and on the default candidates (consensus,
``--k auto``) for each seed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fgi.morphology import get_analyzer  # noqa: E402
from themes.cluster import get_clusterer  # noqa: E402
from themes.embedders import get_embedder, kiwi_lemmas  # noqa: E402
from themes.labels import class_tfidf_keywords, label_terms, mmr_keywords  # noqa: E402
from themes.proposer import embedding_views  # noqa: E402

NOT_CONTENT = frozenset("""
옆 앞 뒤 위 아래 안 밖 속 쪽 곳 데 사이 주변 근처 여기 거기 저기 이쪽 저쪽 그쪽 이곳 그곳
때 그때 이때 지금 처음 이번 요즘 오늘 어제 내일 나중 다음 이후 이전 전 후 동안 순간 당시 시기 시절 최근
매번 항상 요새 중간 마지막 끝 시작 오랫동안 계속 옛날 하루 한번
정도 부분 자체 경우 중략 등 번 일단 약간 그냥 진짜 정말 뭐 거 것 게 건 수 점 식 면 측면 가지 개 명 분 쯤 중
얘기 이야기 말 말씀 생각 질문 대답 답변 농담 마디 한마디 표현 의견 소리 이름 목소리
우리 저희 자기 본인 누구 무엇 이거 그거 저거 이것 그것 저것 여러분 얘 애 걔 사람 분들
상황 상태 문제 사실 느낌 기억 공식 의미 관련 대해 나름 다른 이상 이하 자신 모습 거의 막 좀
""".split())


def load(shared: Path) -> list[dict]:
    path = shared / "corpus" / "dev_quotes.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def content_share(labels: dict[int, list[str]]) -> tuple[float, float, int]:
    """(share of content-noun words, share of words unique to one label, words checked)."""
    an = get_analyzer("kiwi")
    words = [w for terms in labels.values() for term in terms[:3] for w in term.split()]
    if not words:
        return 0.0, 0.0, 0

    def content(word: str) -> bool:
        morphs = an.analyze(word)
        hangul = all("가" <= ch <= "힣" for ch in word)
        return (bool(morphs) and all(m.base_tag in ("NNG", "NNP", "SL") for m in morphs)
                and not (hangul and len(word) < 2) and word not in NOT_CONTENT)

    per_label = [{w for term in terms[:3] for w in term.split()} for terms in labels.values()]
    unique = sum(1 for i, ws in enumerate(per_label) for w in ws
                 if not any(w in other for j, other in enumerate(per_label) if j != i))
    return sum(content(w) for w in words) / len(words), unique / max(1, sum(map(len, per_label))), len(words)


def before_after(lemmas, terms, labels):
    return class_tfidf_keywords(lemmas, labels, top_n=3), mmr_keywords(terms, labels, top_n=3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    rows = load(args.shared)
    texts = [r["text"] for r in rows]
    lemmas, terms = kiwi_lemmas(texts), label_terms(texts)
    themes = sorted({r["theme"] for r in rows})
    gold = np.array([themes.index(r["theme"]) for r in rows])
    before, after = before_after(lemmas, terms, gold)

    print("## Labels of the authors' 16 themes, before and after\n")
    print("| theme (the authors' name) | before | after |\n|---|---|---|")
    for i, name in enumerate(themes):
        print(f"| {name} | {' · '.join(before[i])} | {' · '.join(after[i])} |")
    print("\n## Label-quality check\n")
    print("| labels of | content-noun words before | after | distinct words before | after |\n|---|---|---|---|---|")
    b, a = content_share(before), content_share(after)
    print(f"| the authors' 16 themes | {b[0]:.3f} ({b[2]} words) | {a[0]:.3f} ({a[2]} words) | {b[1]:.3f} | {a[1]:.3f} |")
    res = {"b": [], "a": [], "bu": [], "au": []}
    side = None
    for seed in range(args.seeds):
        emb = get_embedder("kiwi-lsa", random_state=seed)
        Z = emb.embed(texts, features=lemmas)
        lab = get_clusterer("consensus", k="auto", random_state=seed).fit_predict(
            Z, embedding_views(emb, texts, lemmas))
        bk, ak = before_after(lemmas, terms, lab)
        b, a = content_share(bk), content_share(ak)
        res["b"].append(b[0]); res["a"].append(a[0]); res["bu"].append(b[1]); res["au"].append(a[1])
        if seed == 0:
            side = (lab, bk, ak)
    m = {k: f"{np.mean(v):.3f} ± {np.std(v):.3f}" for k, v in res.items()}
    print(f"| default candidates, seeds 0-{args.seeds - 1} (mean ± sd) | {m['b']} | {m['a']} | {m['bu']} | {m['au']} |")
    lab, bk, ak = side
    print("\n## Candidates of seed 0 (default settings), before and after\n")
    print("| candidate | lines | most common authors' theme | before | after |\n|---|---|---|---|---|")
    for c in sorted(bk):
        idx = np.flatnonzero(lab == c)
        top = max(themes, key=lambda t: (sum(rows[i]["theme"] == t for i in idx), t))
        print(f"| {c + 1} | {len(idx)} | {top} | {' · '.join(bk[c])} | {' · '.join(ak[c])} |")


if __name__ == "__main__":
    main()
