"""How an agreement value reads: one function and one vocabulary for the app, the CLI and
the exports, so a value never reads "reliable" in one place and "insufficient" in another.

The bands are Krippendorff's (2004, p. 241) for alpha: at least .800 reliable, at least .667
good enough for tentative conclusions only, lower not reliable. They are a reading of alpha;
the kappa-like coefficients are shown beside it without a band of their own.

No heavy import here: ``ui/text.py`` builds its band labels from :data:`LABELS`.
"""

from __future__ import annotations

import math

RELIABLE = 0.800
TENTATIVE = 0.667

BANDS = ("reliable", "tentative", "unreliable", "undefined")

LABELS: dict[str, dict[str, str]] = {
    "ko": {"reliable": "신뢰할 만함", "tentative": "잠정적", "unreliable": "신뢰하기 어려움",
           "undefined": "계산 불가"},
    "en": {"reliable": "reliable", "tentative": "tentative", "unreliable": "unreliable", "undefined": "undefined"},
}


def band(alpha: float) -> str:
    """The band of an alpha value: ``reliable``, ``tentative``, ``unreliable`` or ``undefined``."""
    if alpha is None or math.isnan(alpha):
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "unreliable"


def band_label(key: str, lang: str = "ko") -> str:
    """The label of a band key in ``lang`` (``ko`` or ``en``)."""
    return LABELS[lang if lang in LABELS else "ko"][key]


def band_guide(lang: str = "ko") -> str:
    """One line that explains the bands with the same labels the values get."""
    label = LABELS[lang if lang in LABELS else "ko"]
    return (f"≥ {RELIABLE:.3f} {label['reliable']} · {TENTATIVE:.3f}–{RELIABLE:.3f} {label['tentative']} · "
            f"< {TENTATIVE:.3f} {label['unreliable']}")
