"""Reading a transcript file: size and binary checks, encoding, format detection, parsing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fgi.errors import InputError
from fgi.ingest.clova import parse_clova, speaker_line
from fgi.ingest.docx_text import docx_text, is_docx
from fgi.ingest.encoding import decode_bytes, normalise_text
from fgi.ingest.hwp_text import hwp_text, hwpx_text, is_hwp, is_hwpx
from fgi.ingest.layout import Layout
from fgi.ingest.prefixed import parse_plain, parse_prefixed, speaker_prefix
from fgi.ingest.subtitles import looks_like_subtitles, parse_subtitles
from fgi.i18n import _

FORMATS = ("clova", "prefixed", "docx", "hwpx", "hwp", "srt", "vtt", "plain")
_PARSERS: dict[str, Callable[[str, str], Layout]] = {
    "clova": parse_clova,
    "prefixed": parse_prefixed,
    "docx": lambda text, path: parse_prefixed(text, path, fmt="docx"),
    "hwpx": lambda text, path: parse_prefixed(text, path, fmt="hwpx"),
    "hwp": lambda text, path: parse_prefixed(text, path, fmt="hwp"),
    "srt": lambda text, path: parse_subtitles(text, path, "srt"),
    "vtt": lambda text, path: parse_subtitles(text, path, "vtt"),
    "plain": parse_plain,
}


@dataclass
class SourceText:
    path: Path
    text: str  # normalised: NFC, \n line endings
    encoding: str
    content_hash: str
    layout: Layout


def _guess_text_format(text: str, path: Path) -> str:
    subtitles = looks_like_subtitles(text)
    if subtitles:
        return subtitles
    lines = [line for line in text.split("\n")[:400] if line.strip()]
    clova = sum(1 for line in lines if speaker_line(line))
    prefixed = sum(1 for line in lines if speaker_prefix(line))
    if clova >= 2 and clova >= prefixed:
        return "clova"
    if prefixed >= 2:
        return "prefixed"
    raise InputError(
        _("the transcript layout is not recognised: no speaker labels were found"),
        path=path,
        line=1,
        hint=_("expected CLOVA Note blocks (`참석자 1 00:00`), speaker prefixes (`진행자: ...`), "
               ".docx, .hwpx/.hwp or .srt/.vtt; import with the format 'plain' (--format plain) to take lines without speakers"),
    )


# Documents whose text is extracted before parsing: (is it one?, its text), by format name.
_CONTAINERS: dict[str, tuple[Callable[[Path], bool], Callable[[Path], str]]] = {
    "docx": (is_docx, docx_text),
    "hwpx": (is_hwpx, hwpx_text),
    "hwp": (is_hwp, hwp_text),
}


def _container(path: Path, fmt: str | None) -> str | None:
    """The document kind to extract text from: the one named by ``fmt``, else the one the
    file is (whatever its extension), else None for a text file."""
    if fmt in _CONTAINERS:
        return fmt
    found = next((name for name, (is_kind, _extract) in _CONTAINERS.items() if is_kind(path)), None)
    if found is None and fmt is None and path.suffix.lower().lstrip(".") in _CONTAINERS:
        return path.suffix.lower().lstrip(".")  # a damaged document: its reader says so
    return found


def read_source(path: Path, *, fmt: str | None = None, max_bytes: int) -> SourceText:
    """Read and parse one transcript file; raises InputError naming the file and line."""
    if not path.exists():
        raise InputError(_("file not found"), path=path, hint=_("check the path"))
    if not path.is_file():
        raise InputError(_("not a file"), path=path, hint=_("give the path of a transcript file"))
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            _("the file is {size:.1f} MB, over the {limit:.0f} MB limit", size=size / 1024 / 1024,
              limit=max_bytes / 1024 / 1024),
            path=path,
            hint=_("split the transcript into sessions, or raise the limit with FGI_MAX_IMPORT_MB"),
        )
    if size == 0:
        raise InputError(_("the file is empty"), path=path, hint=_("choose the exported transcript file"))
    if fmt is not None and fmt not in FORMATS:
        raise InputError(_("unknown format {format}", format=repr(fmt)), path=path,
                         hint=_("use one of: {choices}", choices=", ".join(FORMATS)))

    container = _container(path, fmt)
    if container:
        text, encoding = normalise_text(_CONTAINERS[container][1](path)), container
        if fmt is None or fmt in _CONTAINERS:
            fmt = container
    else:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                _("this is a zip archive, not a transcript"),
                path=path,
                hint=_("import .docx or .hwpx transcripts or REFI-QDA .qdpx projects; unzip other archives first"),
            )
        text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise InputError(_("the file has no text"), path=path, hint=_("choose the exported transcript file"))
    fmt = fmt or _guess_text_format(text, path)
    layout = _PARSERS[fmt](text, str(path))
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceText(path, text, encoding, content_hash, layout)
