"""Korean first: every page of the app, as a lead and as a coder, shows no English sentence.
Only user data (code, transcript, project and user names), file names, commands and
setting names may be in Latin script (``tests/korean.py`` says what is taken out)."""

from __future__ import annotations

import pytest

from coding.codebook import list_codes
from fgi.study import list_transcripts
from tests.korean import english_sentences
from tests.ui.conftest import read_demo, run_as
from ui.navigation import PAGE_TABLE

PAGES = [file.removesuffix(".py") for _, file, _, _, _ in PAGE_TABLE]
LEAD_ONLY = {file.removesuffix(".py") for _, file, _, _, lead in PAGE_TABLE if lead}


def shown_texts(app) -> list[str]:
    """What a user reads on the page: bodies, labels, options, help, table headers."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "text", "error", "warning", "info", "success", "title", "header",
                 "subheader", "exception"):
        texts += [str(element.value) for element in getattr(app, kind)]
    for kind in ("button", "checkbox", "toggle", "text_input", "text_area", "number_input", "date_input",
                 "time_input", "color_picker", "slider", "select_slider"):
        for widget in getattr(app, kind):
            texts += [widget.label, getattr(widget, "help", None) or "", getattr(widget, "placeholder", None) or ""]
    for kind in ("radio", "selectbox", "multiselect"):
        for widget in getattr(app, kind):
            texts += [widget.label, getattr(widget, "help", None) or "", getattr(widget, "placeholder", None) or ""]
            texts += [str(option) for option in widget.options]
    for kind in ("tabs", "expander"):
        texts += [getattr(block, "label", "") or "" for block in getattr(app, kind)]
    for frame in app.dataframe:
        texts += [str(column) for column in frame.value.columns]
    for metric in app.metric:
        texts += [metric.label, str(metric.value)]
    return [text for text in texts if text]


@pytest.fixture
def user_data(demo_url):
    def names(session, project):
        codes = [c.path for c in list_codes(session, project)] + [c.name for c in list_codes(session, project)]
        return tuple([project.name, *codes, *(t.name for t in list_transcripts(session, project))])
    return read_demo(demo_url, names) + ("팀장", "코더1", "코더2")


# A coder is not offered the leads' pages (tests/ui/test_pages.py checks the navigation).
VISITS = [(page, who) for page in PAGES for who in ("팀장", "코더1") if not (who == "코더1" and page in LEAD_ONLY)]


@pytest.mark.parametrize(("page", "who"), VISITS, ids=[f"{page}-{who}" for page, who in VISITS])
def test_no_english_sentence_on_any_page(demo_url, user_data, page, who):
    app = run_as(who, page)
    found = [(text, english_sentences(text, allowed=user_data)) for text in shown_texts(app)]
    english = [(text[:120], runs) for text, runs in found if runs]
    assert not english, f"{page} as {who}: English on the page:\n" + "\n".join(map(str, english))
