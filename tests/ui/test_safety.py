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
    assert not any("st.html(" in p.read_text(encoding="utf-8") for p in SOURCES)


def test_markdown_slots_get_constants_or_escaped_text():
    """Every st.markdown / caption / success / error / info call passes a t(...) label, a
    literal(...) value, or an f-string whose parts are t(...) or literal(...)."""
    call = re.compile(r"\b(?:st|column|text)\.(markdown|caption|success|error|info|warning)\((.*)")
    allowed = re.compile(r'^(t\(|literal\(|f"\*\*\{(t\(|literal\(|label\})|f"\*\*\{c\.position|message,|notice\))')
    bad = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = call.search(line)
            if match and not allowed.match(match.group(2).strip()):
                bad.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert bad == []


@pytest.mark.parametrize("text", [
    "<script>window.__xss=1</script> **굵게** <b>태그</b>", "[링크](http://x)", ":red[빨강]", "$x^2$", "# 제목", "a\\b",
])
def test_literal_escapes_every_markdown_and_html_mark(text):
    escaped = literal(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[<>*\[\]$:#`_]", escaped)


def test_every_label_used_exists_in_korean():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r'(?<![\w.])t\("([a-z_.0-9]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in KO)
    assert missing == []
    assert set(EN) <= set(KO)
