"""User text is never rendered as HTML, and every label has Korean text: checks by grep."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO
from ui.safe import literal
from ui.text import EN, KO

SOURCES = sorted([REPO / "app.py", *(REPO / "ui").rglob("*.py")])


def test_no_page_allows_raw_html():
    offenders = [str(p.relative_to(REPO)) for p in SOURCES
                 if "unsafe_allow_html" in p.read_text(encoding="utf-8") and p.name != "safe.py"]
    assert offenders == [], "user text must never reach unsafe_allow_html"
    # st.html only for the uploader's Korean style sheet: constants and labels, never user text
    assert [str(p.relative_to(REPO)) for p in SOURCES if "st.html(" in p.read_text(encoding="utf-8")] == [
        "ui/components/uploads.py"]


def test_the_uploader_style_sheet_cannot_leave_its_style_element():
    from ui.components.uploads import _CSS, _css_text

    sheet = _CSS.format(button=_css_text('</style><script>alert(1)</script>"'), instructions=_css_text("\\"))
    assert sheet.count("<style>") == 1 and sheet.count("</style>") == 1 and "<script>" not in sheet
    assert '\\"' in sheet  # a quote cannot end the CSS string early


# Markdown slots: tests/ui/test_markdown_slots.py reads every call of the app's source.


@pytest.mark.parametrize("text", [
    "<script>window.__xss=1</script> **굵게** <b>태그</b>", "[링크](http://x)", ":red[빨강]", "$x^2$", "# 제목", "a\\b",
])
def test_literal_escapes_every_markdown_and_html_mark(text):
    escaped = literal(text)
    assert re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "") == text  # less the autolink breakers
    assert not re.search(r"(?<!\\)[<>*\[\]$:#`_]", escaped)


def test_every_label_used_exists_in_korean():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r'(?<![\w.])t\("([a-z_.0-9]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in KO)
    assert missing == []
    assert set(EN) <= set(KO)
