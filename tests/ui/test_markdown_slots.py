"""No Markdown from user data, checked on the source: every argument that Streamlit renders
as Markdown (bodies, labels, help texts, metric values, tab names, radio options, progress
and spinner texts) is a constant, ``t(...)`` of constants, ``md(...)``, ``literal(...)``, a
number, or an f-string / concatenation / choice of those. A new call that passes anything
else (a variable, an attribute, ``t(...)`` with a raw parameter) fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

SOURCES = sorted([REPO / "app.py", *(REPO / "ui").rglob("*.py")])

BODY = {"markdown", "caption", "info", "success", "warning", "error", "exception", "toast", "title", "header",
        "subheader", "spinner", "expander", "popover", "status"}
LABELLED = {"button", "download_button", "link_button", "page_link", "form_submit_button", "checkbox", "toggle",
            "radio", "text_input", "text_area", "number_input", "selectbox", "multiselect", "slider",
            "select_slider", "date_input", "time_input", "datetime_input", "file_uploader", "color_picker",
            "camera_input", "audio_input", "pills", "segmented_control", "feedback", "chat_input"}
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}  # option labels are Markdown there
WRAPPERS = {"download": 0}  # ui helpers whose first argument becomes a Markdown label
ESCAPERS = {"literal", "md", "md_list"}
NUMBERS = {"len", "int", "float", "round", "number", "interval", "band"}  # numbers, or t() of a fixed key


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def is_safe(node: ast.expr | None, trusted: frozenset[str] = frozenset()) -> bool:
    """True when ``node`` can only produce constant text, escaped text or a number.
    ``trusted`` names are a wrapper's label parameter (its callers are checked instead)."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and node.id in trusted:
        return True
    safe = lambda child: is_safe(child, trusted)  # noqa: E731
    if isinstance(node, ast.JoinedStr):
        return all(safe(part) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        numeric_format = node.format_spec is not None and any(
            isinstance(p, ast.Constant) and str(p.value)[-1:] in "dfeg%" for p in node.format_spec.values)
        return numeric_format or safe(node.value)
    if isinstance(node, ast.BinOp):
        return safe(node.left) and safe(node.right)
    if isinstance(node, ast.BoolOp):
        return all(safe(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return all(safe(e) for e in node.elts)
    if isinstance(node, ast.Lambda):
        return safe(node.body)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in ESCAPERS or name in NUMBERS:
            return True
        if name == "t":  # the key may be computed; every parameter must be safe
            return all(safe(k.value) for k in node.keywords)
    return False


def markdown_arguments(call: ast.Call) -> list[ast.expr]:
    """The arguments of ``call`` that Streamlit renders as Markdown."""
    name = _name(call.func)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    found = [keywords["help"]] if "help" in keywords else []
    if isinstance(call.func, ast.Name):
        if name in WRAPPERS and len(call.args) > WRAPPERS[name]:
            found.append(call.args[WRAPPERS[name]])
        return found
    if name == "write":
        found += call.args
    elif name in BODY:
        found += call.args[:1] + [keywords[k] for k in ("body", "label", "text") if k in keywords]
    elif name in LABELLED:
        found += call.args[:1] + [keywords[k] for k in ("label",) if k in keywords]
        if name in MARKDOWN_OPTIONS:  # what is shown: format_func's text, else the options
            found += [keywords["format_func"]] if "format_func" in keywords else \
                call.args[1:2] + [keywords[k] for k in ("options",) if k in keywords]
    elif name == "metric":
        found += call.args[:3] + [keywords[k] for k in ("label", "value", "delta") if k in keywords]
    elif name == "progress":
        found += call.args[1:2] + [keywords[k] for k in ("text",) if k in keywords]
    elif name == "tabs":
        found += call.args[:1] + [keywords[k] for k in ("tabs",) if k in keywords]
    return found


def _trusted_names(tree: ast.Module) -> dict[int, frozenset[str]]:
    """For each call inside a wrapper of WRAPPERS: the wrapper's label parameter."""
    trusted = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name in WRAPPERS:
            label = function.args.args[WRAPPERS[function.name]].arg
            for node in ast.walk(function):
                trusted[id(node)] = frozenset({label})
    return trusted


def unsafe_calls(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    trusted = _trusted_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        names = trusted.get(id(node), frozenset())
        if not all(is_safe(argument, names) for argument in markdown_arguments(node)):
            found.append((node.lineno, ast.unparse(node)[:160]))
    return found


def test_every_markdown_slot_in_the_app_gets_constants_or_escaped_text():
    bad = [f"{path.relative_to(REPO)}:{line}: {code}"
           for path in SOURCES for line, code in unsafe_calls(path.read_text(encoding="utf-8"))]
    assert bad == [], "wrap user text in literal(...) or the label in md(...):\n" + "\n".join(bad)


@pytest.mark.parametrize("code", [
    "st.markdown(name)", "st.caption(f'**{name}**')", "st.error(t('error', message=error.message))",
    "column.metric(t('x'), item.value)", "st.tabs([t('a'), name])", "st.button(label)",
    "st.text_input(t('x'), help=code.definition)", "bar.progress(0.5, text=what)", "st.write(t('a'), row)",
    "st.radio(t('x'), names)", "st.radio(t('x'), ids, format_func=lambda i: names[i])", "download(name, f, m)",
    "st.success(message, icon=':material/check:')", "st.expander(node.name)", "st.spinner(text=path)",
    "def other(label):\n    st.button(label)",
    "st.caption(t('a', group=chosen.group or '-'))", "st.toast(notice)", "st.header(project.name)",
])
def test_the_check_finds_unsafe_calls(code):
    assert unsafe_calls(code), code


@pytest.mark.parametrize("code", [
    "st.markdown('**굵게**')", "st.caption(t('a', n=len(rows), name=literal(x)))", "st.error(md('error', message=m))",
    "st.markdown(f'**{literal(label)}**')", "a.metric(t('x'), number(o.alpha))", "st.tabs([t('a'), t('b')])",
    "st.radio(t('x'), DECISIONS, format_func=lambda d: t(f'r.{d}'))", "st.text(name)", "st.selectbox(t('x'), names)",
    "st.caption(f'{share:.0%}')", "st.info(t('a') if x else t('b'))", "download(literal(name), f, m)",
    "def download(label, f):\n    st.download_button(label, f)",
])
def test_the_check_lets_safe_calls_pass(code):
    assert unsafe_calls(code) == [], code


def test_the_app_sources_are_read():
    assert Path(REPO / "ui" / "auth.py") in SOURCES and len(SOURCES) > 20


# ---- the escaping helper, rendered by a CommonMark parser ---------------------------------

HOSTILE = [
    "**굵게**:red[빨강]$x^2$", "![t](http://127.0.0.1:9/pixel.png)", "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>", "<http://127.0.0.1:9/p>", "www.example.com a@b.kr", "    들여쓴 줄",
    "# 제목", "> 인용", "- 목록", "+ 목록", "1. 번호", "1) 번호", "| a | b |", "`코드`", "~~취소~~", "a\\*b", "&amp; &#42;",
    ":material/home: :smile:", "\\", "_기울임_", "***", "=== ---",
]


def _render(markdown: str) -> str:
    """CommonMark's HTML, without the invisible joiners literal() puts in would-be autolinks."""
    from markdown_it import MarkdownIt

    from ui.safe import JOINER

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown).replace(JOINER, "")


def _as_paragraph(text: str) -> str:
    import html

    return "<p>" + html.escape(text).replace("&#x27;", "'") + "</p>\n"


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_renders_as_the_text_typed(text):
    from ui.safe import literal

    assert _render(literal(text)) == _as_paragraph(text)


def test_literal_renders_random_punctuation_as_typed():
    import random
    import string

    from ui.safe import literal

    alphabet = string.punctuation + " 가나다abc019\u3000"
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))).strip()  # a paragraph drops outer spaces
        if text:
            assert _render(literal(text)) == _as_paragraph(text), text


def test_literal_keeps_lines_plain():
    from ui.safe import literal

    text = "첫 줄\n    들여쓴 줄\n# 제목\n==="
    assert _render(literal(text)) == _as_paragraph(text)
    assert _render(literal(text, one_line=True)) == _as_paragraph(text.replace("\n", " "))


@pytest.mark.parametrize("text", ["http://127.0.0.1:9/p.png", "HTTPS://x.kr", "www.example.com", "a@b.kr",
                                  "mailto:a@b.kr", "xmpp:a@b.kr", "<http://x.kr>"])
def test_literal_breaks_what_streamlit_would_link_after_parsing(text):
    """GFM autolink literals are found in the parsed text, where escapes are gone."""
    import re

    from ui.safe import JOINER, literal

    parsed = re.sub(r"\\(.)", r"\1", literal(text))  # what the text node holds
    assert not re.search(r"(?i)(https?|mailto|xmpp):|www\.|\w@", parsed)
    assert parsed.replace(JOINER, "") == text


def test_md_escapes_parameters_and_keeps_numbers():
    from ui.safe import md

    assert md("error", message="**굵게**") == "오류: \\*\\*굵게\\*\\*"
    assert md("coding.progress", coded=3, total=10) == "코딩한 줄 3 / 10 (맞장구·진행자 줄 제외)"


def test_plot_text_leaves_no_tag():
    from ui.safe import plot_text

    assert plot_text('<a href="javascript:x">코드</a> & <b>') == '&lt;a href="javascript:x"&gt;코드&lt;/a&gt; &amp; &lt;b&gt;'
