"""Streamlit's file uploader in Korean: its drop-zone text and button are not parameters,
so a style sheet replaces them (the label, with the real size limit, is ours: ``t``).

Uploaders accept any file type: a file the toolkit cannot read gets a Korean message from
the domain saying what to do, where Streamlit's type filter would show an English tooltip.
"""

from __future__ import annotations

import streamlit as st

from ui.text import t

_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{button}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{instructions}"; font-size: 0.875rem; }}
</style>"""


def _css_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "").replace(">", "")


def korean_uploaders() -> None:
    """Put the uploader texts of this page in the app's language (call once per run)."""
    st.html(_CSS.format(button=_css_text(t("upload.button")), instructions=_css_text(t("upload.instructions"))))
