"""Korean text in Word files written with python-docx.

Every style and run names an East-Asian font (``w:eastAsia``, 맑은 고딕), which Word uses as
is and LibreOffice replaces by an installed Korean font (NanumGothic where fonts-nanum is
installed) instead of drawing empty boxes. Used by the theme tables and the retrievals.
"""

from __future__ import annotations

KOREAN_FONT = "맑은 고딕"
LATIN_FONT = "Malgun Gothic"


def korean_fonts(element, korean: str = KOREAN_FONT) -> None:
    """Name the fonts on a style's or run's ``rPr`` (the East-Asian one included) and mark
    its East-Asian language Korean."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), korean)
    fonts.set(qn("w:cs"), LATIN_FONT)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:eastAsia"), "ko-KR")
