"""Census + figures → the annex workbooks 附件1/2/3 (.xlsx) in an output folder.

Takes the typed census and its figures, gives three files laid out as the seed's tables
(sheets described as data in render/excel_sheets.py; this module is the one generic writer).
The files are print-ready (A4 landscape, fit to width, header rows repeated), record text is
always a text cell (never a formula), and the same records give byte-identical files: the
document properties and every zip entry carry one fixed timestamp.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from copy import copy
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.aggregate import Figures
from generator.model import Census
from generator.render import excel_layout as L
from generator.render import excel_sheets
from generator.render.excel_layout import ChartSpec, SheetSpec

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
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Characters XML 1.0 cannot carry (control characters, U+FFFE/U+FFFF, lone surrogates), which
# openpyxl and lxml refuse; a YAML escape such as "\uFFFE" can put them in a record, and a
# renderer must not crash on text it did not expect.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What Excel, WPS and LibreOffice take for the start of a formula when a cell is edited.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_ZIP_TIME = datetime(1980, 1, 1)


def _alignment(role: str, centre: bool) -> Alignment:
    horizontal = "center" if centre or role == "header" else "left"
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=role != "label")


def _set_value(target: XlCell, value: L.Value) -> None:
    """Record text is data: a string stays a string cell whatever it begins with."""
    if isinstance(value, str):
        value = ILLEGAL.sub("\ufffd", value)
    target.value = value
    if isinstance(value, str):
        target.data_type = "s"  # openpyxl makes "=…" a formula; undo that
        if value.startswith(FORMULA_START):
            target.quotePrefix = True  # editing the cell in Excel/WPS keeps it text too


def _write_cells(ws: Worksheet, spec: SheetSpec) -> None:
    # Assigning font/alignment/format hashes the style object every time (most of the time
    # of a city-wide 附件2); cells of one look share a style, copied from the first of them.
    looks: dict[tuple[str, bool, bool], StyleArray] = {}
    for (row, column), cell in sorted(spec.cells.items()):
        target = ws.cell(row=row, column=column)
        key = (cell.role, cell.centre, cell.text)
        if key in looks:
            target._style = copy(looks[key])
        else:
            target.font = FONTS[cell.role]
            target.alignment = _alignment(cell.role, cell.centre)
            if cell.text:
                target.number_format = "@"
            looks[key] = copy(target._style)
        _set_value(target, cell.value)
        if cell.comment:
            note = Comment(cell.comment, "市普查办技术组")
            note.width, note.height = 260, 90
            target.comment = note


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    """``ws.merge_cells`` without what costs at city scale: openpyxl compares each new range
    with every one already there (quadratic: minutes for a city-wide 附件2) and copies the
    corner cells' borders onto the edges, which _merge_and_border then overwrites anyway.
    A sheet spec's merges never overlap (tests/test_excel.py checks it); the file written is
    byte for byte the one ``merge_cells`` gives (checked when this was written)."""
    rng = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(rng, min_col=c1, min_row=r1, max_col=c2, max_row=r2)
    rng.ws = ws
    rng.start_cell = ws.cell(row=r1, column=c1)
    ws.merged_cells.ranges.add(rng)
    for row, column in islice(rng.cells, 1, None):
        ws._cells[row, column] = MergedCell(ws, row, column)


def _merge_and_border(ws: Worksheet, spec: SheetSpec) -> None:
    for r1, c1, r2, c2 in spec.merges:
        _merge(ws, r1, c1, r2, c2)
    border = None
    for r1, c1, r2, c2 in spec.tables:
        for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:  # merged cells too, or the range shows no inner edges
                if border is None:
                    cell.border = BORDER
                    border = cell._style.borderId
                else:  # the id, not the object: see _write_cells
                    if not cell._style:  # a MergedCell made by _merge has none yet
                        cell._style = StyleArray()
                    cell._style.borderId = border


def _page_setup(ws: Worksheet, spec: SheetSpec) -> None:
    """A4 landscape, one page wide, the header rows on every page, centred, frozen below them."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = spec.pages_tall
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3,
                                  footer=0.3)
    first, last = spec.header_rows
    ws.print_title_rows = f"{first}:{last}"
    ws.freeze_panes = f"A{last + 1}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = "宋体"
    ws.oddFooter.center.size = 9


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


def write_sheet(ws: Worksheet, spec: SheetSpec) -> None:
    """The one generic writer: any SheetSpec onto an empty worksheet."""
    ws.title = spec.name
    L.fit_heights(spec)
    for i, width in enumerate(spec.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row, height in sorted(spec.heights.items()):
        ws.row_dimensions[row].height = height
    _write_cells(ws, spec)
    _merge_and_border(ws, spec)
    _page_setup(ws, spec)
    for chart in spec.charts:
        _chart(ws, chart)


def fixed_time(census: Census) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible-builds convention), else the plan's issue date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    else:
        stamp = datetime.strptime(census.city.issued, "%Y-%m-%d")
    return max(stamp, MIN_ZIP_TIME)


def workbook(sheets: list[SheetSpec], title: str, creator: str, stamp: datetime) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        write_sheet(wb.create_sheet(), spec)
    wb.properties.title = title
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = wb.properties.modified = stamp
    wb.calculation = CalcProperties(fullCalcOnLoad=False)
    return wb


def save(wb: Workbook, path: Path, stamp: datetime) -> None:
    """Byte-reproducible: openpyxl's own save stamps 'now' into core.xml and the zip entries."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            out.writestr(info, source.read(entry.filename))
    # write beside the target, then rename: a failed build leaves the last good file intact
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(fixed.getvalue())
    os.replace(partial, path)


def write_annexes(census: Census, figures: Figures, out_dir: Path) -> list[Path]:
    """Write 附件1/2/3 into ``out_dir`` (created if missing); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = fixed_time(census)
    makers: dict[str, Callable[[], list[SheetSpec]]] = {
        "annex1": lambda: excel_sheets.annex1_sheets(census),
        "annex2": lambda: excel_sheets.annex2_sheets(census, figures),
        "annex3": lambda: excel_sheets.annex3_sheets(census),
    }
    books = {key: workbook(make(), L.TITLES[key], census.city.issuer, stamp)
             for key, make in makers.items()}  # everything built before anything is written
    written = []
    for key, wb in books.items():
        path = out_dir / L.FILES[key]
        save(wb, path, stamp)
        written.append(path)
    return written
