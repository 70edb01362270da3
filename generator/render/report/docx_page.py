"""The report's page as GB/T 9704-2012 sets it, for python-docx: A4 with the 156 × 225 mm
type area, a grid of 22 lines × 28 characters, page numbers "— 1 —" on the outer side, the
sign-off, and the fallback fonts named in the font table.

Takes a python-docx Document (or a part's bytes, for the font table, which python-docx has no
API for) and changes it in place; gives nothing back but the patched bytes.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from generator.render.report.docx_style import BODY_SIZE, LINE, LOOKS, TRACKING, style_run
from generator.text.fonts import FALLBACK, FANGSONG, KAITI, SONG, XIAOBIAOSONG

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)  # 版心 156 × 225 mm
CHAR_PITCH = Pt(BODY_SIZE.pt + TRACKING.pt)  # 15.75 pt: 28 a line, 29 do not fit
NUMBER_SIZE = LOOKS["Footer"].size  # 4号
NUMBER_GAP = Mm(7)  # from the foot of the type area to the top of the page number
SIGN_OFF_MARGIN = 2  # characters from the right edge (no seal: 右空二字)
CHARS = 28  # characters a line
Side = WD_ALIGN_PARAGRAPH

# Fonts an office may lack → what Word and WPS should use instead (w:altName), with the
# PANOSE class and GB2312 character set, so that a substitute is at least a Chinese serif.
# LibreOffice does not read these: it asks the system for the name and falls back to any
# CJK face; the layout holds anyway, as every line has an exact height.
FALLBACKS = {
    FANGSONG: (FALLBACK[FANGSONG], "02010609060101010101", "modern"),
    KAITI: (FALLBACK[KAITI], "02010609060101010101", "modern"),
    XIAOBIAOSONG: (FALLBACK[XIAOBIAOSONG], "02010600030101010101", "auto"),
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def setup_page(document: Document) -> None:
    """A4 portrait, margins 37/35/28/26 mm (上/下/左/右), the line and character grid, and
    page numbers: odd pages right, even pages left, each one character in."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    # the footer's single line (4号 at about 1.2 lines) ends this far above the paper's edge
    section.header_distance = Mm(15)
    section.footer_distance = Emu(BOTTOM - NUMBER_GAP - Pt(NUMBER_SIZE.pt * 1.2))
    _grid(section._sectPr)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _grid(sect_pr: etree._Element) -> None:
    """A grid of lines LINE apart (text at an exact LINE lands on it in Word and WPS)."""
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.attrib.pop(qn("w:charSpace"), None)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE.twips))


def _page_number(paragraph: Paragraph, side: WD_ALIGN_PARAGRAPH) -> None:
    """"— n —" in 4号 宋体 (half-width digits), one character in from the outer side."""
    paragraph.style = "Footer"
    paragraph.alignment = side
    fmt = paragraph.paragraph_format
    if side == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = NUMBER_SIZE
    else:
        fmt.left_indent = NUMBER_SIZE
    style_run(paragraph.add_run("— "), SONG)
    _page_field(style_run(paragraph.add_run(), SONG))
    style_run(paragraph.add_run(" —"), SONG)


def _page_field(run: Run) -> None:
    """A complex PAGE field (begin, instruction, separate, a cached "1", end)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def chars(text: str) -> float:
    """Width in 三号 characters: Chinese and full-width one, digits and Latin half."""
    return sum(1 if ord(c) >= 0x2E80 else 0.5 for c in text)


def sign_off_layout(issuer: str, date: str) -> tuple[tuple[Side, float], tuple[Side, float]]:
    """Where the issuer and the date go, as GB/T 9704 7.3.5.2 sets a sign-off without seal:
    the issuer 右空二字; the date on the next line, its first character two right of the
    issuer's (a left indent, so it holds whatever the digits' width in the printing font);
    a date too long for that is set 右空二字 and moves the issuer left instead.
    Each as (the side it is aligned to, its indent from that side in characters)."""
    if chars(date) <= chars(issuer) - SIGN_OFF_MARGIN:
        return ((WD_ALIGN_PARAGRAPH.RIGHT, SIGN_OFF_MARGIN),
                (WD_ALIGN_PARAGRAPH.LEFT, CHARS - SIGN_OFF_MARGIN - chars(issuer) + 2))
    return ((WD_ALIGN_PARAGRAPH.RIGHT, chars(date) + 2 * SIGN_OFF_MARGIN - chars(issuer)),
            (WD_ALIGN_PARAGRAPH.RIGHT, SIGN_OFF_MARGIN))


def sign_off(document: Document, issuer: str, date: str) -> None:
    """One blank line, then the issuer and the date at their places."""
    document.add_paragraph(style="Normal")
    for text, (side, indent) in zip((issuer, date), sign_off_layout(issuer, date)):
        paragraph = document.add_paragraph(style="Signature")
        paragraph.alignment = side
        width = Twips(round(CHAR_PITCH.twips * indent))
        fmt = paragraph.paragraph_format
        attr = "right" if side == WD_ALIGN_PARAGRAPH.RIGHT else "left"
        if attr == "right":
            fmt.right_indent = width
        else:
            fmt.left_indent = width
        # Word and WPS measure in characters when this is set (the font may differ)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn(f"w:{attr}Chars"),
                                                            str(round(indent * 100)))
        style_run(paragraph.add_run(text), LOOKS["Signature"].font)


def with_fallback_fonts(font_table: bytes) -> bytes:
    """word/fontTable.xml with an entry for each font of FALLBACKS naming its substitute."""
    root = etree.fromstring(font_table)
    for name, (alt, panose, family) in FALLBACKS.items():
        for old in root.findall(f"{{{W}}}font[@{{{W}}}name='{name}']"):
            root.remove(old)
        font = etree.SubElement(root, f"{{{W}}}font", {f"{{{W}}}name": name})
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"),
                           ("family", family), ("pitch", "variable")):
            etree.SubElement(font, f"{{{W}}}{tag}", {f"{{{W}}}val": value})
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def patch_part(name: str, data: bytes) -> bytes:
    """The bytes to store for zip entry ``name``: the font table gains the fallbacks."""
    return with_fallback_fonts(data) if name == "word/fontTable.xml" else data
