"""The colour of a code wherever the app draws it: the codebook's colour (``Code.color``) when
it has one, else a stable colour of a fixed palette chosen by the code's id (the same code
keeps its colour across sessions, pages and renames), and a text colour that reads on it."""

from __future__ import annotations

# Distinct, colour-blind-aware hues (Okabe-Ito, then Tableau 10 tones), none too pale to see.
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#4E79A7", "#59A14F", "#B07AA1", "#9C755F", "#76B7B2", "#EDC948", "#FF9DA7",
)


def code_color(code_id: int, color: str | None) -> str:
    """``#RRGGBB`` for the code: its own colour, or the palette's."""
    if color and len(color) == 7 and color.startswith("#"):
        return color.upper()
    return PALETTE[code_id % len(PALETTE)]


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG luminance)."""
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(background[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"
