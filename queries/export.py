"""A retrieval or a search written to Word (quotes with speaker tags, grouped by code) and to
Excel (one row per line or hit, through the formula-safe sheet writer of ``coding.tables``).

Headers and labels are domain messages (``_()``), so a Korean export is Korean throughout.
Speaker tags are the project's report labels, else pseudonym and group (``queries.lines.speaker_tag``).
"""

from __future__ import annotations

import re
from pathlib import Path

from coding.tables import write_sheets
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.word import korean_fonts
from queries.lines import speaker_tag
from queries.retrieval import Retrieval
from queries.search import SearchResult

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # Word cannot hold these


def _xml(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _document():
    from docx import Document

    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        korean_fonts(document.styles[name].element)
    return document


def _run(paragraph, text: str, *, bold=False, italic=False, grey=False):
    from docx.shared import RGBColor

    run = paragraph.add_run(_xml(text))
    korean_fonts(run._element)
    run.bold, run.italic = bold, italic
    if grey:
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    return run


def _where(line) -> str:
    return _("{transcript}, line {line}", transcript=line.transcript, line=line.line)


def retrieval_docx(result: Retrieval, path: str | Path, *, project: str, labels: dict[str, str] | None = None) -> Path:
    """Quotes under a heading per code of the query, each with its speaker tag (the
    project's report label from ``labels``, ``fgi.participant_labels.report_labels``, where
    there is one), where it is, who coded it, and its context lines when the retrieval has them."""
    labels = labels or {}

    def tag(line) -> str:
        return labels.get(line.speaker or "") or speaker_tag(line)

    document = _document()
    document.add_heading(_xml(_("Coded segments: {query}", query=result.query.describe())), level=1)
    _run(document.add_paragraph(), _("Project {project} · {n} lines", project=project, n=len(result.lines)), grey=True)
    for code, items in result.by_code().items():
        document.add_heading(_xml(_("{code} ({n} lines)", code=code, n=len(items))), level=2)
        if not items:
            _run(document.add_paragraph(), _("No lines."), grey=True)
        for item in items:
            for before in item.before:
                _run(document.add_paragraph(), f"[{tag(before)}] {before.text}", grey=True)
            quote = document.add_paragraph()
            _run(quote, f"“{item.line.text}”")
            _run(quote, f"  ({tag(item.line)}; {_where(item.line)}; "
                        + _("coded by {coders}", coders=", ".join(item.coders)) + ")", grey=True)
            for after in item.after:
                _run(document.add_paragraph(), f"[{tag(after)}] {after.text}", grey=True)
    document.save(path)
    return Path(path)


def retrieval_rows(result: Retrieval) -> tuple[list[str], list[list]]:
    columns = [_("code"), _("transcript"), _("line"), _("speaker"), _("group"), _("text"), _("coders"),
               _("codes on the line"), _("context before"), _("context after"), _("segment id")]
    rows = []
    for code, items in result.by_code().items():
        for item in items:
            rows.append([code, item.line.transcript, item.line.line, item.line.speaker, item.line.group,
                         item.line.text, ", ".join(item.coders),
                         "; ".join(f"{c.path} ({', '.join(c.coders)})" for c in item.codes),
                         "\n".join(f"[{x.speaker or ''}] {x.text}" for x in item.before),
                         "\n".join(f"[{x.speaker or ''}] {x.text}" for x in item.after), item.line.segment_id])
    return columns, rows


def search_rows(result: SearchResult) -> tuple[list[str], list[list]]:
    columns = [_("transcript"), _("line"), _("speaker"), _("group"), _("left context"), _("hit"),
               _("right context"), _("segment id")]
    return columns, [[h.line.transcript, h.line.line, h.line.speaker, h.line.group, h.left, h.hit, h.right,
                      h.segment_id] for h in result.hits]


def write_xlsx(columns: list[str], rows: list[list], path: str | Path, *, sheet: str) -> Path:
    return write_sheets(path, {sheet: (columns, rows)})


def retrieval_xlsx(result: Retrieval, path: str | Path) -> Path:
    columns, rows = retrieval_rows(result)
    return write_xlsx(columns, rows, path, sheet=_("coded segments"))


def search_xlsx(result: SearchResult, path: str | Path) -> Path:
    columns, rows = search_rows(result)
    return write_xlsx(columns, rows, path, sheet=_("search"))


def check_suffix(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise FgiError(_("{file}: the file name should end in {suffix}", file=path.name, suffix=suffix))
