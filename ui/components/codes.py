"""Codes as the pages show them: the codebook tree as a table with colour swatches."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from coding.codebook import CodeView
from ui.text import t

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
INDENT = "\u3000"  # an ideographic space: indents Korean names evenly


def tree_name(code: CodeView) -> str:
    return INDENT * code.depth + ("└ " if code.depth else "") + code.name


def code_rows(codes: Sequence[CodeView]) -> list[dict]:
    return [
        {t("codebook.col.code"): tree_name(c), t("codebook.col.color"): c.color or "",
         t("codebook.col.definition"): c.definition or "", t("codebook.col.inclusion"): c.inclusion or "",
         t("codebook.col.exclusion"): c.exclusion or "", t("codebook.col.examples"): " | ".join(c.examples),
         t("codebook.col.keywords"): ", ".join(c.keywords), t("codebook.col.codings"): c.codings}
        for c in codes
    ]


def _swatch(value: str) -> str:
    """CSS for a colour cell: only a validated #RRGGBB ever reaches the style."""
    return f"background-color: {value}; color: {value}" if _HEX.fullmatch(value or "") else ""


def code_tree_table(codes: Sequence[CodeView], *, height: int | str = "auto") -> None:
    import pandas as pd

    frame = pd.DataFrame(code_rows(codes))
    styled = frame.style.map(_swatch, subset=[t("codebook.col.color")])
    st.dataframe(styled, hide_index=True, width="stretch", height=height,
                 column_config={t("codebook.col.definition"): st.column_config.TextColumn(width="large")})
