"""Census + figures → the annex workbooks 附件1/2/3 (.xlsx) in an output folder.

Takes the typed census and its figures, gives three files laid out as the seed's tables
(sheets described as data in render/annexes/sheets.py; this module is the one generic writer).
The files are print-ready (A4 landscape, one page wide, header rows repeated), record text is
always a text cell (never a formula) that reads back as itself (see ooxml_escape), text too
long for a cell stops the build rather than being cut, and the same records give
byte-identical files: the document properties and every zip entry carry one fixed timestamp.

openpyxl writes the package (styles, workbook, page setup, widths, comments, the chart), but
not the cells: a city-wide 附件2 has some 600,000, and making an openpyxl cell of
each and letting openpyxl serialise it took most of the time of a build. write_sheet writes
each worksheet's <sheetData> and <mergeCells> itself, in the very bytes openpyxl would have
written, and save() puts them in place of the nearly empty <sheetData> openpyxl writes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.publish.staging import BuildError
from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.render.annexes import layout as L
from generator.render.annexes import pages as pages
from generator.render.annexes import sheets as excel_sheets
from generator.render.annexes.layout import ChartSpec, SheetSpec

# 方正小标宋 is not on users' machines; 宋体 and 黑体 are on every Chinese Windows/WPS install.
# charset 134 (GB2312) makes Excel pick the East Asian face rather than substitute one.
FONTS = {
    "label": Font(name="黑体", size=12, charset=134),
    "title": Font(name="宋体", size=16, bold=True, charset=134),
    "region": Font(name="宋体", size=12, charset=134),
    "header": Font(name="黑体", size=11, charset=134),
    "body": Font(name="宋体", size=11, charset=134),
    "note": Font(name="宋体", size=10, charset=134),
}
FONTS["date"] = FONTS["region"]  # 数据截至, beside 指导区域 in the same row
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ILLEGAL = L.ILLEGAL  # shown as U+FFFD in cells, sheet names and properties
# What Excel, WPS and LibreOffice take for the start of a formula when a cell is edited; an
# East Asian input method may type the full-width signs, which Excel also reads as formulas.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MAX_TEXT = 32767  # characters in a cell: Excel's limit; longer text would be cut or refused
# OOXML (ECMA-376, ST_Xstring) writes a character XML cannot hold as _xHHHH_, and Excel and
# LibreOffice decode that in every cell and comment they read: a literal "_x000a_" in a record
# came back as a line break, "_x005F_" as "_". Its underscore is written as _x005F_ instead.
_XSTRING = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")
MIN_ZIP_TIME = datetime(1980, 1, 1)


def _alignment(role: str, centre: bool) -> Alignment:
    horizontal = "center" if centre or role == "header" else "right" if role == "date" else "left"
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=role != "label")


Look = tuple[str, bool, bool]  # a cell's role, centred, text-formatted
Format = tuple[Look | None, bool, bool]  # its look (None: border only), quotePrefix, bordered


class _Styles:
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


def ooxml_escape(text: str) -> str:
    """Text that reads back as itself where OOXML decodes ``_xHHHH_``: every underscore that
    starts such a sequence written as ``_x005F_`` (overlaps too: ``_x0041_x0042_``)."""
    return _XSTRING.sub("_x005F_", text)


class TooLong(Exception):
    """Cells whose text exceeds MAX_TEXT: (sheet, cell, length) each, all of a run at once."""

    def __init__(self, cells: list[tuple[str, str, int]]) -> None:
        super().__init__(cells)
        self.cells = cells


def _escape(text: str) -> str:
    """Text content as lxml escapes it (non-ASCII becomes &#…; when the sheet is encoded)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _text(value: str) -> tuple[str, bool]:
    """A string cell's content after its ``t="inlineStr">``, and whether it needs quotePrefix.
    Record text is data: a string stays a string cell whatever it begins with, and reads back
    as itself. Text over MAX_TEXT raises TooLong (with no place: the caller knows it)."""
    value = ILLEGAL.sub("\ufffd", value)
    quote = value.startswith(FORMULA_START)
    if len(value) > MAX_TEXT:
        raise TooLong([("", "", len(value))])
    value = ooxml_escape(value)
    if not value:
        return "</c>", quote
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{_escape(value)}</t></is></c>", quote


def _row_attributes(ws: Worksheet, height: float | None) -> str:
    """What openpyxl writes after ``<row r="…"`` for a row of that height (or none)."""
    return "".join(f' {k}="{v}"' for k, v in RowDimension(ws, ht=height))


@dataclass
class _Grid:
    """Where a sheet spec puts something: what openpyxl's cells would have been."""

    covered: set[tuple[int, int]]  # merged cells but the top-left one: empty
    bordered: set[tuple[int, int]]  # cells of a table
    rows: set[int]  # the rows of all the cells openpyxl would have had, written or not
    columns: range  # and from their first column to their last

    @classmethod
    def of(cls, spec: SheetSpec) -> _Grid:
        ranges = spec.merges + spec.tables
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in spec.merges:
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        covered -= {(r1, c1) for r1, c1, _, _ in spec.merges}
        rows = {r for r, _ in spec.cells}
        for r1, _, r2, _ in ranges:
            rows.update(range(r1, r2 + 1))
        columns = {c for _, c in spec.cells} | {c for _, c1, _, c2 in ranges for c in (c1, c2)}
        return cls(covered=covered,
                   bordered={(r, c) for r1, c1, r2, c2 in spec.tables
                             for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)},
                   rows=rows, columns=range(min(columns, default=1), max(columns, default=0) + 1))


def _cell_tail(cell: L.Cell, bordered: bool, styles: _Styles,
               texts: dict[str, tuple[str, bool]]) -> str:
    """A cell's XML after its ``<c r="…"``."""
    value, quote = cell.value, False
    if isinstance(value, str):
        if value not in texts:
            texts[value] = _text(value)
        content, quote = texts[value]
        kind = "inlineStr"
    elif value is None:
        kind, content = "n", "</c>"
    elif isinstance(value, int):  # bool is an int too, and openpyxl writes it so
        kind = "b" if isinstance(value, bool) else "n"
        content = f"<v>{value:.16g}</v></c>"
    else:
        raise TypeError(f"a cell value must be str, int or None, not {value!r}")
    return f' s="{styles.id((styles.look(cell), quote, bordered))}" t="{kind}">{content}'


def _sheet_data(ws: Worksheet, spec: SheetSpec, grid: _Grid, styles: _Styles) -> str:
    """The worksheet's <sheetData>, as openpyxl writes it for the cells it would have had: the
    spec's cells; the covered cells of a merged range, empty (bordered inside a table, left
    out elsewhere, as openpyxl leaves out a cell without value or style); every cell of a
    table bordered; a row element for every row any of these is in or with a height."""
    letters = {c: get_column_letter(c) for c in grid.columns}
    heights: dict[float | None, str] = {}
    texts: dict[str, tuple[str, bool]] = {}
    # by the cell object and whether it is bordered: a table shares one Cell among the places
    # showing the same value (spec.cells keeps them all alive, so their ids stay theirs)
    tails: dict[tuple[int, bool], str] = {}
    empty = ""  # a bordered cell with nothing in it; its style id is taken when first written
    out = ["<sheetData>"]
    too_long: list[tuple[str, str, int]] = []
    for row in sorted(grid.rows | spec.heights.keys()):
        height = spec.heights.get(row)
        if height not in heights:
            heights[height] = _row_attributes(ws, height)
        out.append(f'<row r="{row}"{heights[height]}>')
        for column in grid.columns:
            at = (row, column)
            cell = spec.cells.get(at)
            if cell is None or at in grid.covered:
                if cell is not None:
                    styles.look(cell)  # a covered cell's look is registered all the same
                if at in grid.bordered:
                    empty = empty or f' s="{styles.id((None, False, True))}" t="n"></c>'
                    out.append(f'<c r="{letters[column]}{row}"{empty}')
                continue
            key = (id(cell), at in grid.bordered)
            if key not in tails:
                try:
                    tails[key] = _cell_tail(cell, key[1], styles, texts)
                except TooLong as long:
                    too_long.append((spec.name, f"{letters[column]}{row}", long.cells[0][2]))
                    continue
            out.append(f'<c r="{letters[column]}{row}"{tails[key]}')
        out.append("</row>")
    if too_long:
        raise TooLong(too_long)
    out.append("</sheetData>")
    return "".join(out)


def _merge_cells(spec: SheetSpec) -> str:
    """<mergeCells> as openpyxl writes it from ``ws.merged_cells``: its ranges in the order of
    the set that holds them. A CellRange hashes as the tuple (min_row, min_col, max_row,
    max_col), which a set of those tuples, filled in the same order, iterates in alike."""
    if not spec.merges:
        return ""
    refs = []
    for r1, c1, r2, c2 in set(spec.merges):
        first = f"{get_column_letter(c1)}{r1}"
        refs.append(first if (r1, c1) == (r2, c2) else f"{first}:{get_column_letter(c2)}{r2}")
    return (f'<mergeCells count="{len(refs)}">'
            + "".join(f'<mergeCell ref="{ref}"/>' for ref in refs) + "</mergeCells>")


def _keep_cells(ws: Worksheet, spec: SheetSpec, grid: _Grid) -> None:
    """The few openpyxl cells a worksheet still needs: those with a comment (openpyxl writes
    comments and their drawing from the cells) and two opposite corners of all the others,
    from which openpyxl works out <dimension ref="…">. They have no value and no style, so
    openpyxl writes nothing for them into the <sheetData> that _sheet_data replaces."""
    for at, cell in spec.cells.items():
        if cell.comment and at not in grid.covered:  # a covered cell loses its comment
            note = Comment(ooxml_escape(cell.comment), "市普查办技术组")
            note.width, note.height = 260, 90
            ws.cell(row=at[0], column=at[1]).comment = note
    if grid.rows:
        ws.cell(row=min(grid.rows), column=grid.columns.start)
        ws.cell(row=max(grid.rows), column=grid.columns.stop - 1)


def _page_setup(ws: Worksheet, spec: SheetSpec) -> None:
    """A4 landscape, one page wide, the header rows on every page, centred, frozen below them.
    A sheet without manual breaks is fitted to the width (and to ``pages_tall`` pages down);
    one with breaks prints at a scale instead (see _page_breaks)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    broken = bool(spec.keep) and _page_breaks(ws, spec)
    if not broken:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = spec.pages_tall
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(**pages.MARGINS)
    first, last = spec.header_rows
    ws.print_title_rows = f"{first}:{last}"
    ws.freeze_panes = f"A{last + 1}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = "宋体"
    ws.oddFooter.center.size = 9


def _page_breaks(ws: Worksheet, spec: SheetSpec) -> bool:
    """A manual break before every page (render/annexes/pages.py), so that kept rows stay
    together; planned at the largest whole percentage at which the columns fit the width.
    The sheet then prints at that very scale with "fit to" pages off: Excel, and WPS after
    it, drop manual breaks while a sheet is fitted to pages (LibreOffice alone keeps them).
    Returns whether the sheet got any break (if not, it is left to be fitted)."""
    last = max(spec.heights.keys() | {r for r, _ in spec.cells})
    body = spec.header_rows[1] + 1
    scale = pages.print_scale(spec.widths)
    breaks = pages.row_breaks(spec.heights, spec.header_rows, body, last, spec.keep, scale)
    for row in breaks:
        ws.row_breaks.append(Break(id=row))
    if breaks:
        ws.page_setup.scale = scale
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    return bool(breaks)


def _checks(ws: Worksheet, spec: SheetSpec) -> None:
    """The sheet's dropdowns (data validation lists), and whether the sheet is hidden."""
    for check in spec.checks:
        valid = DataValidation(type="list", formula1=check.source, allow_blank=True,
                               showErrorMessage=True,
                               errorStyle="stop" if check.strict else "warning")
        valid.add(check.cells)
        ws.add_data_validation(valid)
    if spec.hidden:
        ws.sheet_state = "hidden"


def _chart(ws: Worksheet, chart: ChartSpec) -> None:
    bar = BarChart()
    bar.type = "bar"  # horizontal: county names stay readable, not rotated
    bar.x_axis.scaling.orientation = "maxMin"  # first county on top, as in the table
    bar.y_axis.crosses = "max"  # and the value axis back at the bottom
    bar.title = chart.title
    bar.y_axis.title = chart.y_title
    bar.y_axis.majorGridlines = None
    # openpyxl leaves <c:delete> unset and some Excel versions then hide both axes
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    column, first, last = chart.values
    bar.add_data(Reference(ws, min_col=column, min_row=first, max_row=last),
                 titles_from_data=True)
    column, first, last = chart.categories
    bar.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    bar.legend = None
    bar.width, bar.height = 20, 9
    ws.add_chart(bar, chart.anchor)


def write_sheet(ws: Worksheet, spec: SheetSpec, styles: _Styles) -> bytes:
    """The one generic writer: any SheetSpec onto an empty worksheet of the workbook whose
    styles ``styles`` registers. Returns the worksheet's <sheetData> and <mergeCells>, which
    save() puts in place of openpyxl's (openpyxl writes nothing between the two for a sheet
    without protection, scenarios or an autofilter, which these sheets never have)."""
    ws.title = spec.name
    L.fit_heights(spec)
    for i, width in enumerate(spec.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    grid = _Grid.of(spec)
    cells = _sheet_data(ws, spec, grid, styles) + _merge_cells(spec)
    _keep_cells(ws, spec, grid)
    _page_setup(ws, spec)
    for chart in spec.charts:
        _chart(ws, chart)
    _checks(ws, spec)
    return cells.encode("ascii", "xmlcharrefreplace")  # as lxml writes non-ASCII text


def fixed_time(census: Census, when: datetime | None = None) -> datetime:
    """The workbooks' one timestamp, naive UTC: ``when`` (the build's date, decided once by
    the caller), else the plan's issue date. Never read from the environment."""
    if when is not None:
        stamp = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    else:
        stamp = datetime.strptime(census.city.issued, "%Y-%m-%d")
    return max(stamp, MIN_ZIP_TIME)


@dataclass
class Book:
    """A workbook to save: openpyxl's, and what write_sheet gave for each of its sheets."""

    wb: Workbook
    cells: dict[Worksheet, bytes] = field(default_factory=dict)


def workbook(sheets: Iterable[SheetSpec], title: str, creator: str, stamp: datetime) -> Book:
    """The sheets written into a new workbook; TooLong names every cell of every sheet whose
    text is too long (none is cut)."""
    book = Book(Workbook())
    book.wb.remove(book.wb.active)
    styles = _Styles(book.wb)
    too_long: list[tuple[str, str, int]] = []
    for spec in sheets:
        ws = book.wb.create_sheet()
        try:
            book.cells[ws] = write_sheet(ws, spec, styles)
        except TooLong as long:
            too_long += long.cells
    if too_long:
        raise TooLong(too_long)
    props = book.wb.properties
    props.title = title
    props.creator = props.lastModifiedBy = ILLEGAL.sub("\ufffd", creator)  # record text
    props.created = props.modified = stamp
    book.wb.calculation = CalcProperties(fullCalcOnLoad=False)
    return book


def _splice(sheet: bytes, cells: bytes) -> bytes:
    """A worksheet's XML with its <sheetData> element replaced by ``cells`` (write_sheet's)."""
    start = sheet.index(b"<sheetData")
    end = sheet.find(b"</sheetData>", start)
    end = sheet.index(b">", start) + 1 if end < 0 else end + len(b"</sheetData>")
    return sheet[:start] + cells + sheet[end:]


def save(book: Book, path: Path, stamp: datetime) -> None:
    """Byte-reproducible: openpyxl's own save stamps 'now' into core.xml and the zip entries,
    so every entry is written again with the fixed time (and compressed then, only once);
    each worksheet gets its cells and merged ranges on the way."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(book.wb, archive).save()
    cells = {ws.path.lstrip("/"): data for ws, data in book.cells.items()}  # path set by save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            # zipfile records the system it runs on (0 on Windows): fixed, as in the docx
            info.create_system, info.external_attr = 3, 0o644 << 16
            data = source.read(entry.filename)
            if entry.filename in cells:
                data = _splice(data, cells.pop(entry.filename))
            out.writestr(info, data)
    if cells:  # openpyxl named a sheet's part otherwise: its cells would be silently lost
        raise RuntimeError(f"worksheet parts not found in the package: {sorted(cells)}")
    # write beside the target, then rename: a failed build leaves the last good file intact
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(fixed.getvalue())
    os.replace(partial, path)


def write_annexes(census: Census, figures: Figures, out_dir: Path,
                  when: datetime | None = None, as_of: date | None = None) -> list[Path]:
    """Write 附件1/2/3 into ``out_dir`` (created if missing), dated ``when`` (see fixed_time),
    every sheet's title area saying 数据截至 ``as_of`` when given; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = fixed_time(census, when)
    makers: dict[str, Callable[[], Iterable[SheetSpec]]] = {
        "annex1": lambda: excel_sheets.annex1_sheets(census, as_of),
        "annex2": lambda: excel_sheets.annex2_sheets(census, figures, as_of),
        "annex3": lambda: excel_sheets.annex3_sheets(census, as_of),
    }
    # One book at a time, each sheet's spec dropped once it is XML: memory is that of the
    # largest sheet, not of all three books (at 10× they were gigabytes). Each file is
    # written beside its place and renamed, and build.py writes them all into a staging
    # folder, so a failure part-way still leaves the previous workbooks.
    written, too_long = [], []
    for key, make in makers.items():
        path = out_dir / L.FILES[key]
        try:
            book = workbook(make(), L.TITLES[key], census.city.issuer, stamp)
        except TooLong as long:
            too_long += [(L.FILES[key], *cell) for cell in long.cells]
            continue
        save(book, path, stamp)
        written.append(path)
    if too_long:
        raise _too_long_error(too_long)
    return written


def _too_long_error(cells: list[tuple[str, str, str, int]]) -> BuildError:
    """One problem (code render.cell_too_long) per cell whose text the workbook cannot hold."""
    return BuildError.joined([BuildError("render.cell_too_long", book=book, sheet=sheet,
                                         cell=cell, length=length, limit=MAX_TEXT)
                              for book, sheet, cell, length in cells])
