"""Write or extend a Korean catalogue: ``python tools/write_po.py AREA translations.py``.

``translations.py`` defines ``KO = {english: korean}``; entries are merged into
``fgi/locale/ko/AREA.po`` (existing entries are kept unless given again), sorted by message.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def main(area: str, source: str) -> None:
    path = ROOT / "fgi" / "locale" / "ko" / f"{area}.po"
    catalog = Catalog(locale="ko", domain=area, project="fgi-toolkit", version="", fuzzy=False,
                      header_comment=f"# Korean messages of fgi-toolkit: {area}.\n# Written with tools/write_po.py.",
                      copyright_holder="fgi-toolkit contributors", msgid_bugs_address="",
                      last_translator="fgi-toolkit contributors", language_team="ko")
    if path.exists():
        with path.open("rb") as handle:
            for message in read_po(handle, locale="ko"):
                if message.id:
                    catalog.add(message.id, message.string)
    for english, korean in runpy.run_path(source)["KO"].items():
        catalog.add(english, korean)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


if __name__ == "__main__":
    main(*sys.argv[1:3])
