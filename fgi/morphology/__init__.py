"""Korean morphology behind one small protocol, with named backends.

``get_analyzer("kiwi")`` (default) or ``get_analyzer("okt")`` returns an object with
``analyze(text)``, ``analyze_many(texts)`` and ``split_sentences(text)``. Offsets of every
``Morpheme`` are code-point indices into the text given, end-exclusive. Tags follow the
Sejong tag set used by Kiwi (NNG, VV, VA, IC, ...) whatever the backend.
"""

from __future__ import annotations

from fgi.morphology.base import (
    CONTENT_TAGS,
    Analyzer,
    Morpheme,
    available_analyzers,
    content_lemmas,
    get_analyzer,
    register_analyzer,
    split_tagged,
    tagged_lemmas,
)
from fgi.morphology.noun_runs import dump_runs, load_runs, noun_runs

# Importing the backends registers them; they import their libraries lazily.
from fgi.morphology import kiwi as _kiwi  # noqa: F401,E402
from fgi.morphology import okt as _okt  # noqa: F401,E402

__all__ = [
    "CONTENT_TAGS",
    "Analyzer",
    "Morpheme",
    "available_analyzers",
    "content_lemmas",
    "dump_runs",
    "get_analyzer",
    "load_runs",
    "noun_runs",
    "register_analyzer",
    "split_tagged",
    "tagged_lemmas",
]
