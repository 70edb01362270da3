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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import _Row
from docx.text.run import Run
from lxml.etree import _Element

from generator.text.fonts import FANGSONG, HEITI, KAITI, SONG, XIAOBIAOSONG

BODY_SIZE = Pt(16)  # 三号
LINE = Twips(579)  # exact line pitch, 28.95 pt: 22 lines in the 225 mm type area (580 gives 21)
INDENT = Pt(32)  # two characters of 三号
# 28 三号 characters in the 156 mm line need at most 15.79 pt each: every 16 pt character is
# drawn 0.25 pt closer (a character grid would do it in Word, but LibreOffice gives each
# character that does not fit a grid cell two cells, 14 characters a line).
TRACKING = Pt(-0.25)
TABLE_SIZE = Pt(10.5)  # 五号
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
KEPT_ROWS = 12  # data rows of a table kept on one page (fewer than a page of 五号 rows)


@dataclass(frozen=True)
class Look:
    """One paragraph style: font, size, bold, alignment, first-line indent in characters,
    exact line pitch or single spacing, and whether its lines snap to the document grid
    (only the 三号 text does: a 二号 title or a 五号 table on the grid would take whole grid
    lines, or be stretched to the character pitch)."""

    font: str
    size: Pt
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2
    exact_line: bool = True
    on_grid: bool = True
    keep_with_next: bool = False


# style name → look. Built-in names for the headings, so Word, WPS and LibreOffice show them
# in the navigation pane and PDF bookmarks; custom names for the rest. Heading levels as
# GB/T 9704 practice: 一、黑体, （一）楷体, 1. 仿宋 bold, （1）仿宋.
LOOKS = {
    "Normal": Look(FANGSONG, BODY_SIZE),
    "Title": Look(XIAOBIAOSONG, Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                  on_grid=False),  # 二号
    "Heading 1": Look(HEITI, BODY_SIZE, keep_with_next=True),
    "Heading 2": Look(KAITI, BODY_SIZE, keep_with_next=True),
    "Heading 3": Look(FANGSONG, BODY_SIZE, bold=True, keep_with_next=True),
    "Heading 4": Look(FANGSONG, BODY_SIZE, keep_with_next=True),
    # a caption is kept with its table: never alone at the foot of a page
    "Caption": Look(HEITI, Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                    exact_line=False, on_grid=False, keep_with_next=True),
    "Table Text": Look(FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=0,
                       exact_line=False, on_grid=False),
    "Table Heading": Look(HEITI, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0,
                          exact_line=False, on_grid=False),
    "Signature": Look(FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0),
    "Footer": Look(SONG, Pt(14), align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0,
                   exact_line=False, on_grid=False),  # 页码: 4号半角宋体
}
# w:pPr children after w:snapToGrid, in schema order (Word rejects them out of order)
_AFTER_SNAP = tuple(f"w:{t}" for t in (
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange"))
# w:rPr children after w:spacing, in schema order
_AFTER_SPACING = tuple(f"w:{t}" for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))
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
    fmt.keep_with_next = look.keep_with_next or None
    # no widow/orphan control: a page holds its 22 lines, as official documents are set
    fmt.widow_control = False
    if look.size == BODY_SIZE:
        _track(style.element.get_or_add_rPr())
    if not look.on_grid:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)


def _track(rpr: _Element) -> None:
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_AFTER_SPACING)
    spacing.set(qn("w:val"), str(round(TRACKING.pt * 20)))  # in twentieths of a point


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
    # the character grid counts from the default size (python-docx's template has both)
    for tag in ("w:sz", "w:szCs"):
        rpr_default.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    for name, look in LOOKS.items():
        if name not in document.styles:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
        _apply(document.styles[name], look)
    document.styles["Title"].paragraph_format.space_after = LINE  # one blank line under it


def repeat_header(row: _Row) -> None:
    """Repeat this (first) row at the top of every page the table runs onto."""
    _row_flag(row, "w:tblHeader")


def _row_flag(row: _Row, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn(tag)) is None:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        # CT_TrPr is a choice of any order, but Word writes cantSplit before tblHeader
        trpr.insert(0, element) if tag == "w:cantSplit" else trpr.append(element)


def keep_rows(rows: Sequence[_Row], data: Sequence[object]) -> None:
    """No row split across pages; a table short enough for one page kept on one page, and a
    longer one's heading with its first row at least (keep-with-next on their paragraphs),
    so that the caption above, kept with the table, never ends a page alone."""
    together = len(rows) if len(data) <= KEPT_ROWS else 2
    for n, row in enumerate(rows):
        _row_flag(row, "w:cantSplit")
        if n < together - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def save_stable(document: Document, path: Path, when: datetime, author: str, title: str,
                patch: Callable[[str, bytes], bytes] | None = None) -> None:
    """Save with fixed metadata and zip timestamps, atomically (the old file stays on failure).
    ``patch`` may rewrite a part python-docx has no API for: (zip name, bytes) → bytes."""
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
            data = src.read(info)
            dst.writestr(entry, patch(info.filename, data) if patch else data)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(stable.getvalue())
    os.replace(partial, path)
