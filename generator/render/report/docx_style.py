"""Official-document form (GB/T 9704 habits) for python-docx, and a byte-stable save.

What python-docx does not do by itself: East Asian font names (``run.font.name`` sets only
w:ascii/w:hAnsi; Chinese text is drawn with w:eastAsia, and a theme font attribute would win
over both), repeated table header rows (w:tblHeader), a PAGE field, and fixed timestamps in
the core properties and the zip entries (it writes the time of the save into both).
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Row
from docx.text.run import Run
from lxml.etree import _Element

SONG, FANGSONG, HEITI, KAITI = "宋体", "仿宋", "黑体", "楷体"
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)  # exact line pitch: 22 lines on the A4 type area
INDENT = Pt(32)  # two characters of 三号
TABLE_SIZE = Pt(10.5)  # 五号
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Look:
    """One paragraph style: font, size, bold, alignment, first-line indent in characters."""

    font: str
    size: Pt
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2
    exact_line: bool = True


# style name → look. Built-in names for the headings, so Word, WPS and LibreOffice show them
# in the navigation pane and PDF bookmarks; custom names for the rest.
LOOKS = {
    "Normal": Look(FANGSONG, BODY_SIZE),
    "Title": Look(SONG, Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                  exact_line=False),  # 二号; 方正小标宋 is rarely installed, so bold 宋体
    "Heading 1": Look(HEITI, BODY_SIZE),
    "Heading 2": Look(KAITI, BODY_SIZE),
    "Heading 3": Look(FANGSONG, BODY_SIZE, bold=True),
    "Heading 4": Look(FANGSONG, BODY_SIZE, bold=True),
    "Caption": Look(HEITI, Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0),
    "Table Text": Look(FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0,
                       exact_line=False),
    "Table Heading": Look(HEITI, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                          exact_line=False),
    "Signature": Look(FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
    "Footer": Look(SONG, Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                   exact_line=False),  # 页码: 4号半角宋体
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr_owner: _Element, name: str) -> None:
    """All four font slots of an rPr owner (a run, a style) to one name; theme fonts removed."""
    _set_rfonts(rpr_owner.get_or_add_rPr().get_or_add_rFonts(), name)


def _set_rfonts(rfonts: _Element, name: str) -> None:
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def style_run(run: Run, font: str, bold: bool | None = None) -> Run:
    set_fonts(run._r, font)
    if bold is not None:
        run.bold = bold
    return run


def _apply(style: ParagraphStyle, look: Look) -> None:
    rpr = style.element.find(qn("w:rPr"))
    if rpr is not None:  # theme colours and fonts of the template's headings
        style.element.remove(rpr)
    for tag in ("w:pBdr", "w:contextualSpacing"):  # the template's Title has a rule under it
        for child in style.element.findall(f"{qn('w:pPr')}/{qn(tag)}"):
            child.getparent().remove(child)
    set_fonts(style.element, look.font)
    style.font.size = look.size
    style.font.bold = look.bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = look.align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = INDENT if look.indent_chars else Pt(0)
    if look.exact_line:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Word and WPS measure the indent in characters when this is set, and it is inherited:
    # a style without indent must say 0, or it keeps Normal's two characters.
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(look.indent_chars * 100))


def setup_styles(document: Document) -> None:
    """Document defaults and every style the report uses, in official-document form."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_rfonts(rpr_default.find(qn("w:rFonts")), FANGSONG)
    lang = rpr_default.find(qn("w:lang"))
    # Chinese for CJK text; Latin text (digits, codes) keeps a Latin language, or LibreOffice
    # breaks lines inside numbers ("5" | "9 个").
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, look in LOOKS.items():
        if name not in document.styles:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
        _apply(document.styles[name], look)
    document.styles["Title"].paragraph_format.space_after = LINE  # one blank line under it


def setup_page(document: Document) -> None:
    """A4 portrait; margins 37/35/28/26 mm (上/下/左/右); the page number at the foot."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    paragraph = section.footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
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


def repeat_header(row: _Row) -> None:
    """Repeat this (first) row at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        trpr.append(element)


def save_stable(document: Document, path: Path, when: datetime, author: str, title: str) -> None:
    """Save with fixed metadata and zip timestamps, atomically (the old file stays on failure)."""
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.title, props.subject, props.keywords, props.comments = title, "", "", ""
    if when.tzinfo is not None:  # core properties are UTC
        when = when.astimezone(UTC)
    props.created = props.modified = props.last_printed = when.replace(tzinfo=None)
    props.revision = 1
    props.language = "zh-CN"
    package = document.part.package
    for rid, rel in list(package.rels.items()):  # the template's thumbnail shows another text
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    raw = io.BytesIO()
    document.save(raw)
    stable = io.BytesIO()
    stamp = max(when.timetuple()[:6], ZIP_EPOCH)  # a zip cannot hold dates before 1980
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.create_system = zipfile.ZIP_DEFLATED, 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(stable.getvalue())
    os.replace(partial, path)
