"""The message catalogue is complete: every message the code marks has a Korean translation
with the same fields, and the language follows the context, FGI_LANG and the locale."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from fgi import i18n
from fgi.i18n import _, catalogue, environment_language, set_language

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("fgi", "coding", "themes", "queries", "ui")
FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def marked_messages() -> dict[str, str]:
    """Every message given to ``_``, ``N_`` or ``ngettext`` in the product's code."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found[text] = f"{package}/{filename}:{lineno}"
    return found


def test_every_marked_message_has_a_korean_translation_with_known_fields():
    """A translation may leave a field out (an English plural ending, a library's English
    detail) but may not use one the code does not fill."""
    korean = catalogue("ko")
    missing = [f"{where}: {text!r}" for text, where in marked_messages().items() if text not in korean]
    assert not missing, "no Korean translation in fgi/locale/ko/*.po for:\n" + "\n".join(missing)
    wrong = [
        f"{text!r} -> {korean[text]!r}"
        for text in marked_messages() if not set(FIELD.findall(korean[text])) <= set(FIELD.findall(text))
    ]
    assert not wrong, "the Korean uses fields the English does not fill:\n" + "\n".join(wrong)


def test_no_translation_is_left_without_a_message_in_the_code():
    unused = sorted(set(catalogue("ko")) - set(marked_messages()))
    assert not unused, "translations whose message is no longer in the code:\n" + "\n".join(unused)


def test_language_follows_the_context_then_fgi_lang_then_the_locale(monkeypatch):
    for variable in ("FGI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert environment_language() == "en"
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert environment_language() == "ko"
    monkeypatch.setenv("FGI_LANG", "en")
    assert environment_language() == "en"
    set_language("ko")
    try:
        assert i18n.current_language() == "ko"
        seen = []
        thread = threading.Thread(target=lambda: seen.append(i18n.current_language()))
        thread.start()
        thread.join()
        assert seen == ["en"], "a language set in one thread leaked into another"
    finally:
        set_language(None)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        set_language("fr")


def test_an_untranslated_text_falls_back_to_itself_with_fields_filled():
    set_language("ko")
    try:
        assert _("no such message {n}", n=3) == "no such message 3"
    finally:
        set_language(None)


def test_no_function_hides_the_translation_function():
    """``for _, x in ...`` makes ``_`` local to the whole function, so a ``_("...")`` in
    the same function would call the loop's value: found once, kept out here."""
    import symtable

    found = []

    def walk(table, path):
        if table.get_type() == "function":
            try:
                symbol = table.lookup("_")
            except KeyError:
                symbol = None
            if symbol is not None and symbol.is_assigned() and symbol.is_referenced():
                found.append(f"{path}: {table.get_name()} (line {table.get_lineno()})")
        for child in table.get_children():
            walk(child, path)

    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            walk(symtable.symtable(path.read_text(encoding="utf-8"), str(path), "exec"), path.relative_to(ROOT))
    assert not found, "rename the local _ (e.g. _unused):\n" + "\n".join(found)


def test_no_message_has_two_translations():
    """Every .po file of a language is read into one table: a message two areas translate
    differently would read one way or the other by file order."""
    from babel.messages.pofile import read_po

    seen: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "fgi" / "locale" / "ko").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="ko"):
                if message.id and message.string:
                    seen.setdefault(message.id, {})[path.name] = message.string
    clashes = {text: files for text, files in seen.items() if len(set(files.values())) > 1}
    assert not clashes, "give one of them a message of its own:\n" + "\n".join(map(str, clashes.items()))
