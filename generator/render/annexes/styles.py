"""The cell styles of the annex workbooks: fonts, borders, alignment, and the registry that
gives each distinct cell format its id in styles.xml, as openpyxl would have.

Takes a cell's role (label, title, region, date, header, body, note), centring and text
format; gives the ``s="…"`` of the cell XML sheetxml writes.
"""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from generator.render.annexes import layout as L
from generator.text import fonts

# 方正小标宋 is not on users' machines; 宋体 and 黑体 are on every Chinese Windows/WPS install.
# charset 134 (GB2312) makes Excel pick the East Asian face rather than substitute one.
FONTS = {
    "label": Font(name=fonts.HEITI, size=12, charset=134),
    "title": Font(name=fonts.SONG, size=16, bold=True, charset=134),
    "region": Font(name=fonts.SONG, size=12, charset=134),
    "header": Font(name=fonts.HEITI, size=11, charset=134),
    "body": Font(name=fonts.SONG, size=11, charset=134),
    "note": Font(name=fonts.SONG, size=10, charset=134),
}
FONTS["date"] = FONTS["region"]  # 数据截至, beside 指导区域 in the same row
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _alignment(role: str, centre: bool) -> Alignment:
    horizontal = "center" if centre or role == "header" else "right" if role == "date" else "left"
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=role != "label")


Look = tuple[str, bool, bool]  # a cell's role, centred, text-formatted
Format = tuple[Look | None, bool, bool]  # its look (None: border only), quotePrefix, bordered


class Styles:
    """The style ids of a workbook's cells, registered as openpyxl registers them when it sets
    a cell's style and writes the cell: a look's font and alignment when the look first
    appears (in row, then column order, sheet after sheet), a cell format (an xf, the
    ``s="…"`` of a cell) when the first cell using it is written. So styles.xml and every
    ``s="…"`` are what they would be had each cell been an openpyxl cell."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.looks: dict[Look, StyleArray] = {}
        self.ids: dict[Format, int] = {}

    def look(self, cell: L.Cell) -> Look:
        key = (cell.role, cell.centre, cell.text)
        if key not in self.looks:
            style = StyleArray()
            style.fontId = self.wb._fonts.add(FONTS[cell.role])
            style.alignmentId = self.wb._alignments.add(_alignment(cell.role, cell.centre))
            if cell.text:
                style.numFmtId = BUILTIN_FORMATS_REVERSE["@"]
            self.looks[key] = style
        return key

    def id(self, form: Format) -> int:
        if form not in self.ids:
            look, quote, bordered = form
            style = StyleArray() if look is None else copy(self.looks[look])
            if quote:
                style.quotePrefix = True  # editing the cell in Excel/WPS keeps it text too
            if bordered:
                style.borderId = self.wb._borders.add(BORDER)
            self.ids[form] = self.wb._cell_styles.add(style)
        return self.ids[form]
