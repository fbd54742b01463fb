"""Names inside messages: quoted, and in Korean followed by the right particle.

Korean particles depend on the sound the word ends in: 을/를, 으로/로, 이/가, 은/는. A
message that says what was undone (되돌렸습니다: '자신감 회복'을 '참여주민의 변화' 아래로
옮긴 일) takes the node's name with its particle as one field, so the English message
(moving '자신감 회복' under '참여주민의 변화') has the same fields and no particle.
"""

from __future__ import annotations

from fgi.i18n import _, current_language

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the final-consonant index of ㄹ
# How digits are read in Korean (영 일 이 삼 사 오 육 칠 팔 구): True where the reading ends in a consonant.
_DIGIT_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True, "7": True,
                "8": True, "9": False}
PAIRS = {"을": ("을", "를"), "으로": ("으로", "로"), "이": ("이", "가"), "은": ("은", "는"), "과": ("과", "와")}


def _final(text: str) -> int | None:
    """The final-consonant index (0: none) of the last sounding character, None if unknown."""
    for char in reversed(text):
        if _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST:
            return (ord(char) - _HANGUL_FIRST) % 28
        if char in _DIGIT_FINAL:
            return 1 if _DIGIT_FINAL[char] else 0
        if char.isalpha():
            return 0  # a Latin letter: read as ending in a vowel, the common case
    return None


def particle(text: str, kind: str) -> str:
    """The particle of ``kind`` (을, 으로, 이, 은, 과) that follows ``text``."""
    with_final, without = PAIRS[kind]
    final = _final(text)
    if final is None:
        return f"{with_final[0]}({without})" if kind != "으로" else "(으)로"
    if kind == "으로":
        return without if final in (0, _RIEUL) else with_final
    return with_final if final else without


def name(text: str, kind: str | None = None) -> str:
    """``'text'`` followed, in Korean, by the particle of ``kind``."""
    quoted = f"'{text}'"
    if kind is None or current_language() != "ko":
        return quoted
    return quoted + particle(text, kind)


def names(texts: list[str], kind: str | None = None, *, most: int = 3) -> str:
    """Several names joined (``'A', 'B' 외 2``), the particle after the last."""
    shown = [f"'{t}'" for t in texts[:most]]
    rest = len(texts) - len(shown)
    joined = ", ".join(shown) + (f" +{rest}" if rest > 0 else "")
    if kind is None or current_language() != "ko":
        return joined
    return joined + particle(texts[-1] if rest <= 0 else str(rest), kind)


def level_word(level: str) -> str:
    """A hierarchy level as users call it: 영역, 주제, 하위주제."""
    return {"domain": _("domain"), "theme": _("theme"), "subtheme": _("sub-theme")}.get(level, level)
