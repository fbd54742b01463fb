"""Personal names: which speaker labels are names, and where a name is mentioned in text.

A listed or detected name (``김도현``) is found whole, with or without spaces between its
syllables, and its given name (``도현``) where Korean marks a person: an honorific or
title (``도현 씨``, ``도현님``, ``도현 선생님``), a vocative (``도현아``) or the familiar
``-이`` before a particle (``도현이가``). A given name that is not an ordinary word
(the caller decides, e.g. with the morphological analyser: ``하늘``, ``지원`` are words,
``도현`` is not) is also found before any particle and standing alone. Latin names
(``Kim Dohyun``) are found whole and by each of their parts, as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# Speaker labels that name a role, not a person.
_GENERIC_LABEL = re.compile(
    r"^(?:참석자|참여자|화자|발화자|응답자|면담자|연구참여자|실무자|주민|참여주민|사례관리자|"
    r"진행자|사회자|면접자|면접관|연구자|연구원|모더레이터|인터뷰어|질문자|관찰자|보조진행자|"
    r"speaker|participant|moderator|interviewer|facilitator|respondent|observer|researcher|note ?taker)"
    r"\s*[A-Za-z0-9가-힣]{0,3}$|^[A-Za-z]{1,2}\d{0,3}$|^\d{1,3}$|^[PM]\d{1,3}$",
    re.IGNORECASE,
)
_HANGUL_NAME = re.compile(r"^[가-힣]{2,4}$")
_SPACED_HANGUL_NAME = re.compile(r"^[가-힣]{1,2} [가-힣]{1,3}$")  # 박 서준, 남궁 민수
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'.-]{1,}(?: [A-Za-z][A-Za-z'.-]*){0,2}$")

# Common Korean surnames; a name's first syllable (or two) must be one to split off a given name.
SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천"
    "방공현함변염석선설마길연위표명기반왕금옥육인맹제모탁국여어은편용예봉경사부가복태목형피두감음빈동온"
    "호범좌팽승간상시갈단견당화창옹추도소라"
)
COMPOUND_SURNAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절"})

_HONORIFIC = (r"(?:씨|님|선생님|선생|쌤|샘|언니|오빠|누나|형님|형|선배님|선배|후배|어머님|어머니|아버님|"
              r"할머니|할아버지|군|양)")
_FAMILIAR_PARTICLE = r"(?:가|는|를|랑|도|한테|에게|하고|와|만|처럼|의|네|께서)"
_PARTICLE = (r"(?:이|가|은|는|을|를|도|랑|이랑|한테|에게|께|께서|하고|와|과|의|만|처럼|이나|나|요|이요|로|으로|"
             r"에게서|한테서|보고|더러|이에게|이한테|이하고|이처럼|이만|이의|"
             r"이에요|예요|이야|야|아|이가|이는|이도|이를|이랑|이한테|이에게|이네|네|이고|고|이라고|라고)")
NAME_MASK = "[이름]"


def is_real_name(label: str) -> bool:
    """A speaker label that names a person: ``김도현``, ``박 서준``, ``Kim Dohyun``, ``John Smith``.

    Role labels (``참석자 1``, ``진행자``, ``Speaker 2``, ``P03``) are not names; anything
    else that has the shape of a name is taken as one (a role missed here only costs its
    label, a name missed would be kept).
    """
    label = " ".join(label.split())
    if _GENERIC_LABEL.match(label):
        return False
    return bool(_HANGUL_NAME.match(label) or _SPACED_HANGUL_NAME.match(label) or _LATIN_NAME.match(label))


def given_name(name: str) -> str | None:
    """``도현`` of ``김도현`` / ``김 도현``; None when no surname can be split off."""
    compact = "".join(name.split())
    if not _HANGUL_NAME.match(compact):
        return None
    if len(compact) == 4 and compact[:2] in COMPOUND_SURNAMES:
        return compact[2:]
    if len(compact) in (3, 4) and compact[0] in SURNAMES:
        return compact[1:]
    if " " in name.strip() and len(compact) >= 3:  # written with the surname apart: 방 한결
        return name.split()[-1]
    return None


def _hangul_whole(name: str) -> re.Pattern[str]:
    compact = "".join(name.split())
    gap = "[ \t]?" if len(compact) >= 3 else ""  # 김 도현, 김도 현; two-syllable names only as written
    return re.compile(gap.join(map(re.escape, compact)))


def _given_mentions(given: str, ordinary: bool) -> re.Pattern[str]:
    g = re.escape(given)
    strong = [rf"{g}(?=[ \t]?{_HONORIFIC})", rf"{g}(?=[아야](?![가-힣]))", rf"{g}(?=이{_FAMILIAR_PARTICLE})"]
    if not ordinary:
        strong.append(rf"{g}(?=(?:{_PARTICLE}){{0,2}}(?![가-힣]))")  # 도현한테는
    return re.compile(rf"(?<![가-힣])(?:{'|'.join(strong)})")


def _latin_patterns(name: str) -> list[re.Pattern[str]]:
    words = re.split(r"[ \t]+", name.strip())
    whole = r"[ \t]+".join(map(re.escape, words))
    patterns = [re.compile(rf"(?<![A-Za-z]){whole}(?![A-Za-z])", re.IGNORECASE)]
    patterns += [re.compile(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", re.IGNORECASE)
                 for w in words if len(w) >= 2 and len(words) > 1]
    return patterns


def name_mentions(text: str, name: str, *, ordinary_word: Callable[[str], bool] | None = None
                  ) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, whole)`` of each mention of ``name`` in ``text``; ``whole`` is False for
    a mention by given name or by one part of a Latin name."""
    name = " ".join(name.split())
    if not name:
        return
    if re.search(r"[A-Za-z]", name) and not re.search(r"[가-힣]", name):
        first, *parts = _latin_patterns(name)
        for match in first.finditer(text):
            yield match.start(), match.end(), True
        for pattern in parts:
            for match in pattern.finditer(text):
                yield match.start(), match.end(), False
        return
    whole = _hangul_whole(name) if re.fullmatch(r"[가-힣 ]+", name) else re.compile(re.escape(name))
    for match in whole.finditer(text):
        yield match.start(), match.end(), True
    given = given_name(name)
    if given and len(given) >= 2:
        ordinary = ordinary_word is None or ordinary_word(given)
        for match in _given_mentions(given, ordinary).finditer(text):
            yield match.start(), match.end(), False
