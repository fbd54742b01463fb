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
from fgi.ingest.layout import Layout
from fgi.ingest.prefixed import parse_plain, parse_prefixed, speaker_prefix
from fgi.ingest.subtitles import looks_like_subtitles, parse_subtitles

FORMATS = ("clova", "prefixed", "docx", "srt", "vtt", "plain")
_PARSERS: dict[str, Callable[[str, str], Layout]] = {
    "clova": parse_clova,
    "prefixed": parse_prefixed,
    "docx": lambda text, path: parse_prefixed(text, path, fmt="docx"),
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
        "the transcript layout is not recognised: no speaker labels were found",
        path=path,
        line=1,
        hint="expected CLOVA Note blocks (`참석자 1 00:00`), speaker prefixes (`진행자: ...`), "
        ".docx or .srt/.vtt; use --format plain to import lines without speakers",
    )


def read_source(path: Path, *, fmt: str | None = None, max_bytes: int) -> SourceText:
    """Read and parse one transcript file; raises InputError naming the file and line."""
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path")
    if not path.is_file():
        raise InputError("not a file", path=path, hint="give the path of a transcript file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"the file is {size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:.0f} MB limit",
            path=path,
            hint="split the transcript into sessions, or raise the limit with FGI_MAX_IMPORT_MB",
        )
    if size == 0:
        raise InputError("the file is empty", path=path, hint="choose the exported transcript file")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", path=path, hint=f"use one of: {', '.join(FORMATS)}")

    if fmt == "docx" or (fmt is None and is_docx(path)):
        text, encoding, fmt = normalise_text(docx_text(path)), "docx", "docx"
    else:
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                "this is a zip archive, not a transcript",
                path=path,
                hint="import .docx transcripts or REFI-QDA .qdpx projects; unzip other archives first",
            )
        text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise InputError("the file has no text", path=path, hint="choose the exported transcript file")
    fmt = fmt or _guess_text_format(text, path)
    layout = _PARSERS[fmt](text, str(path))
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceText(path, text, encoding, content_hash, layout)
