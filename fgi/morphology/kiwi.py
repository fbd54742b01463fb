"""The default backend: kiwipiepy, whose model ships on PyPI and which gives offsets."""

from __future__ import annotations

import os
from collections.abc import Sequence

from fgi.errors import MissingDependency
from fgi.morphology.base import Morpheme, predicate_lemma, register_analyzer
from fgi.i18n import _


class KiwiAnalyzer:
    name = "kiwi"

    def __init__(self, num_workers: int | None = None) -> None:
        try:
            from kiwipiepy import Kiwi
        except ImportError as exc:  # pragma: no cover - kiwipiepy is a core dependency
            raise MissingDependency(
                _('the Kiwi morphology backend needs kiwipiepy'),
                hint=_('pip install kiwipiepy -c constraints.txt'),
            ) from exc
        if num_workers is None:
            num_workers = min(4, os.cpu_count() or 1)
        self._kiwi = Kiwi(num_workers=num_workers)

    @staticmethod
    def _convert(tokens) -> list[Morpheme]:
        return [
            Morpheme(t.form, t.tag, t.start, t.start + t.len, predicate_lemma(t.form, t.tag))
            for t in tokens
        ]

    def analyze(self, text: str) -> list[Morpheme]:
        return self._convert(self._kiwi.tokenize(text))

    def analyze_many(self, texts: Sequence[str]) -> list[list[Morpheme]]:
        """Batched analysis: Kiwi spreads the texts over its worker threads."""
        return [self._convert(tokens) for tokens in self._kiwi.tokenize(list(texts))]

    def split_sentences(self, text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self._kiwi.split_into_sents(text)]


@register_analyzer("kiwi")
def _make_kiwi() -> KiwiAnalyzer:
    return KiwiAnalyzer()
