"""Limits on the work one input may cause, each with the setting that raises it.

A hostile or broken file (a zip bomb, a YAML alias bomb, a codebook of millions of
keywords) must be refused at once with a clear message, not run for minutes and fill
memory. Every limit here is read from the environment when it is used, so a user who
meets one can raise it for one command; the README's "Limits" list is this table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from fgi.errors import FgiError
from fgi.i18n import N_, _

MB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    setting: str
    default: int
    meaning: str


LIMITS: dict[str, Limit] = {
    "office_xml_mb": Limit("FGI_MAX_OFFICE_XML_MB", 50,
                           N_("XML a Word transcript (.docx) or Excel codebook (.xlsx) may unpack to, in MB")),
    "unzipped_mb": Limit("FGI_MAX_UNZIPPED_MB", 256, N_("what a REFI-QDA (.qdpx) project may unpack to, in MB")),
    "zip_ratio": Limit("FGI_MAX_ZIP_RATIO", 100, N_("how many times a zip member over 1 MB may expand")),
    "xml_depth": Limit("FGI_MAX_XML_DEPTH", 100, N_("how deep elements of a Word file may nest")),
    "codebook_mb": Limit("FGI_MAX_CODEBOOK_MB", 5, N_("size of a codebook file (YAML, CSV, XLSX, .qdc), in MB")),
    "yaml_aliases": Limit("FGI_MAX_YAML_ALIASES", 10, N_("aliases (*name) in a YAML codebook")),
    "yaml_depth": Limit("FGI_MAX_YAML_DEPTH", 40, N_("how deep lists and mappings of a YAML codebook may nest")),
    "yaml_nodes": Limit("FGI_MAX_YAML_VALUES", 50_000, N_("values (names, fields, keywords) in a YAML codebook")),
    "codes": Limit("FGI_MAX_CODES", 2000, N_("codes in one project's codebook")),
    "keywords": Limit("FGI_MAX_KEYWORDS", 100, N_("keywords of one code")),
    "keyword_chars": Limit("FGI_MAX_KEYWORD_CHARS", 50, N_("characters of one keyword")),
    "field_chars": Limit("FGI_MAX_FIELD_CHARS", 5000,
                         N_("characters of a code's definition, inclusion, exclusion or one example")),
    "examples": Limit("FGI_MAX_EXAMPLES", 100, N_("examples of one code")),
    "suggestion_keywords": Limit("FGI_MAX_SUGGESTION_KEYWORDS", 10_000,
                                 N_("keywords of a whole codebook that keyword suggestions match")),
}


def limit(name: str) -> int:
    """The value of a limit: its setting when given, else its default."""
    spec = LIMITS[name]
    raw = os.environ.get(spec.setting)
    if not raw:
        return spec.default
    try:
        value = int(float(raw))
    except ValueError:
        raise FgiError(_("{setting}={value} is not a number", setting=spec.setting, value=repr(raw)),
                       hint=_("{meaning}; the default is {default}", meaning=_(spec.meaning), default=spec.default)) from None
    if value < 1:
        raise FgiError(_("{setting} must be at least 1, not {value}", setting=spec.setting, value=raw),
                       hint=_("the default is {default}", default=spec.default))
    return value


def setting_hint(name: str) -> str:
    spec = LIMITS[name]
    return _("raise the limit with {setting} (now {value})", setting=spec.setting, value=limit(name))


def raise_hint(name: str) -> str:
    """What to do when ``name``'s limit is exceeded by a file one trusts."""
    return _("nothing was written; if the file is genuine, {what_to_do}", what_to_do=setting_hint(name))
