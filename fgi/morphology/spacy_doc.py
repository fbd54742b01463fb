"""Segments as spaCy ``Doc`` objects, tokenised by the Korean analyser.

Token text is the surface text; ``lemma_`` and ``tag_`` come from the analyser. Kiwi's
morphemes can overlap in the surface (``까다로워서`` = 까다롭/VA-I + 어서/EC, spans 0-4
and 3-5), so token boundaries are placed at each morpheme's start: ``까다로`` (lemma
``까다롭다``) + ``워서`` (lemma ``어서``). Morphemes sharing a start form one token whose
lemma is the first one's and whose tag joins theirs (``하+어`` -> ``VV+EC``).

The tokenizer is registered as ``fgi.KiwiTokenizer.v1``, so a pipeline saved with
``nlp.to_disk`` loads again with ``spacy.load`` once this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fgi.morphology.base import Analyzer, Morpheme, get_analyzer

try:
    import spacy
    from spacy.tokens import Doc
    from spacy.vocab import Vocab
except ImportError:  # pragma: no cover - spaCy is a core dependency
    spacy = None

SPACE_TAG = "_SP"


def _tokens(text: str, morphemes: Sequence[Morpheme]) -> list[tuple[str, str, str, bool]]:
    """``(surface, lemma, tag, space_after)`` covering ``text`` exactly."""
    groups: dict[int, list[Morpheme]] = {}
    ends: dict[int, int] = {}
    for m in morphemes:
        if m.end <= m.start:
            continue
        groups.setdefault(m.start, []).append(m)
        ends[m.start] = max(ends.get(m.start, m.start), m.end)
    starts = sorted(groups)
    pieces: list[tuple[int, int, str, str]] = []  # (start, end, lemma, tag)
    for i, start in enumerate(starts):
        end = ends[start]
        if i + 1 < len(starts):
            end = min(end, starts[i + 1])
        group = groups[start]
        pieces.append((start, end, group[0].lemma, "+".join(m.tag for m in group)))
    tokens: list[tuple[str, str, str, bool]] = []
    cursor = 0
    for start, end, lemma, tag in pieces:
        if start < cursor:
            continue
        if start > cursor:
            _add_gap(tokens, text[cursor:start])
        tokens.append((text[start:end], lemma, tag, False))
        cursor = end
    if cursor < len(text):
        _add_gap(tokens, text[cursor:])
    return tokens


def _add_gap(tokens: list[tuple[str, str, str, bool]], gap: str) -> None:
    """Text between morphemes: one plain space becomes ``space_after``; the rest a token."""
    if gap == " " and tokens and not tokens[-1][3]:
        surface, lemma, tag, _ = tokens[-1]
        tokens[-1] = (surface, lemma, tag, True)
        return
    if tokens and not tokens[-1][3] and gap.startswith(" "):
        surface, lemma, tag, _ = tokens[-1]
        tokens[-1] = (surface, lemma, tag, True)
        gap = gap[1:]
    if gap:
        tag = SPACE_TAG if gap.isspace() else "SW"
        tokens.append((gap, gap, tag, False))


class KiwiTokenizer:
    """A spaCy tokenizer that delegates to a named Korean analyser (``kiwi`` by default)."""

    def __init__(self, vocab: Vocab, backend: str = "kiwi", analyzer: Analyzer | None = None) -> None:
        self.vocab = vocab
        self.backend = backend
        self._analyzer = analyzer

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = get_analyzer(self.backend)
        return self._analyzer

    def __call__(self, text: str) -> Doc:
        return self.make_doc(text, self.analyzer.analyze(text))

    def pipe(self, texts, batch_size: int = 256):
        texts = list(texts)
        for text, morphemes in zip(texts, self.analyzer.analyze_many(texts), strict=True):
            yield self.make_doc(text, morphemes)

    def make_doc(self, text: str, morphemes: Sequence[Morpheme]) -> Doc:
        tokens = _tokens(text, morphemes)
        doc = Doc(self.vocab, words=[t[0] for t in tokens], spaces=[t[3] for t in tokens])
        for token, (_, lemma, tag, _) in zip(doc, tokens, strict=True):
            token.lemma_ = lemma
            token.tag_ = tag
        return doc

    # A tokenizer with nothing to save still answers spaCy's serialisation calls.
    def to_bytes(self, **_kwargs) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_kwargs) -> KiwiTokenizer:
        return self

    def to_disk(self, path: str | Path, **_kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, _path: str | Path, **_kwargs) -> KiwiTokenizer:
        return self


if spacy is not None:

    @spacy.registry.tokenizers("fgi.KiwiTokenizer.v1")
    def create_kiwi_tokenizer(backend: str = "kiwi"):
        def make(nlp) -> KiwiTokenizer:
            return KiwiTokenizer(nlp.vocab, backend)

        return make


def korean_nlp(backend: str = "kiwi"):
    """A blank Korean spaCy pipeline whose tokenizer is the named analyser."""
    return spacy.blank(
        "ko", config={"nlp": {"tokenizer": {"@tokenizers": "fgi.KiwiTokenizer.v1", "backend": backend}}}
    )
