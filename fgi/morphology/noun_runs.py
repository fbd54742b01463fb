"""Noun runs: how a line's nouns stand together, kept at import for theme labels.

A *run* is a stretch of nouns with nothing but single spaces between them: no particle, no
verb, no punctuation. Inside a run, nouns written together make one *written word*
("슈퍼" + "비전" -> ["슈퍼", "비전"]); words one space apart are the run's words ("자격증
취득" -> [["자격증"], ["취득"]]). A noun followed by an adjective suffix (XSA: 중요하다,
다양하다) reads as an adjective and ends the run.

``themes.labels`` makes label terms (compounds and noun phrases, stop-words cut) from the
runs, so proposing themes never analyses an imported line again. The runs are stored per
segment as JSON (``Segment.noun_runs``); NULL for lines imported before they were kept.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fgi.morphology.base import Morpheme

RUN_TAGS = frozenset({"NNG", "NNP", "SL"})  # XR roots (다양, 중요) read as adjectives

Runs = list[list[list[str]]]  # runs -> written words -> noun lemmas


def noun_runs(text: str, morphemes: Sequence[Morpheme]) -> Runs:
    """The noun runs of one analysed ``text`` (offsets of ``morphemes`` index into it)."""
    runs: Runs = []
    run: list[list[Morpheme]] = []

    def flush() -> None:
        if run:
            runs.append([[m.lemma for m in word] for word in run])
            run.clear()

    morphemes = list(morphemes)
    for i, m in enumerate(morphemes):
        adjectival = i + 1 < len(morphemes) and morphemes[i + 1].base_tag == "XSA"
        if m.base_tag in RUN_TAGS and not adjectival:
            last = run[-1][-1] if run else None
            if last is not None and m.start == last.end:
                run[-1].append(m)
            elif last is not None and m.start - last.end == 1 and not text[last.end:m.start].strip():
                run.append([m])
            else:
                flush()
                run.append([m])
        else:
            flush()
    flush()
    return runs


def dump_runs(runs: Runs) -> str:
    return json.dumps(runs, ensure_ascii=False, separators=(",", ":"))


def load_runs(stored: str) -> Runs:
    return json.loads(stored)
