"""The analyser protocol, the morpheme record and the registry of named backends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from fgi.errors import FgiError
from fgi.i18n import _

# Morphemes that carry meaning: common and proper nouns, verb and adjective stems,
# roots, foreign words and hanja. Lemmas of these are what search, keywords and
# embeddings use.
CONTENT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL", "SH"})
_PREDICATES = frozenset({"VV", "VA", "VX", "VCP", "VCN"})


@dataclass(frozen=True, slots=True)
class Morpheme:
    form: str
    tag: str
    start: int
    end: int
    lemma: str

    @property
    def base_tag(self) -> str:
        """The tag without Kiwi's irregular-conjugation suffix (``VA-I`` -> ``VA``)."""
        return self.tag.split("-", 1)[0]


@runtime_checkable
class Analyzer(Protocol):
    name: str

    def analyze(self, text: str) -> list[Morpheme]: ...

    def analyze_many(self, texts: Sequence[str]) -> list[list[Morpheme]]: ...

    def split_sentences(self, text: str) -> list[tuple[int, int]]: ...


def predicate_lemma(form: str, tag: str) -> str:
    """Dictionary form of a verb or adjective stem (``까다롭`` -> ``까다롭다``)."""
    return form + "다" if tag.split("-", 1)[0] in _PREDICATES else form


def content_lemmas(morphemes: Sequence[Morpheme]) -> list[str]:
    """Lemmas of the meaning-bearing morphemes, in order (duplicates kept)."""
    return [m.lemma for m in morphemes if m.base_tag in CONTENT_TAGS]


def tagged_lemmas(morphemes: Sequence[Morpheme]) -> list[str]:
    """Content lemmas with their tag, ``서류/NNG 많다/VA``: the form stored per segment."""
    return [f"{m.lemma}/{m.base_tag}" for m in morphemes if m.base_tag in CONTENT_TAGS]


def split_tagged(stored: str, tags: frozenset[str] | None = None) -> list[str]:
    """Lemmas from a stored ``lemma/TAG`` string, optionally only those with ``tags``."""
    lemmas = []
    for item in stored.split():
        lemma, _, tag = item.rpartition("/")
        if lemma and (tags is None or tag in tags):
            lemmas.append(lemma)
    return lemmas


_REGISTRY: dict[str, Callable[[], Analyzer]] = {}


def register_analyzer(name: str) -> Callable[[Callable[[], Analyzer]], Callable[[], Analyzer]]:
    def decorate(factory: Callable[[], Analyzer]) -> Callable[[], Analyzer]:
        _REGISTRY[name] = factory
        return factory

    return decorate


def available_analyzers() -> list[str]:
    return sorted(_REGISTRY)


@cache
def get_analyzer(name: str = "kiwi") -> Analyzer:
    """The analyser registered under ``name``; built once per process."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise FgiError(
            _("unknown morphology backend {name}", name=repr(name)),
            hint=_("use one of: {choices}", choices=", ".join(available_analyzers())),
        ) from None
    return factory()
