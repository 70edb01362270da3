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
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.publish.staging import BuildError
from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.render.annexes import heights
from generator.render.annexes import pages as pages
from generator.render.annexes import sheets as excel_sheets
from generator.render.annexes import sheetxml as X
from generator.render.annexes.layout import ChartSpec, SheetSpec
from generator.render.annexes.styles import Styles
from generator.text import annexes as A
from generator.text import fonts

MIN_ZIP_TIME = datetime(1980, 1, 1)
COPY_PIECE = 1 << 20  # bytes of a sheet's cells copied into the package at a time
# Deflate level of the packages' entries. zlib's default (6) took half a second of a city
# build for 附件2 alone; 3 takes 0.2 s, and the file is a quarter larger (6.3 MiB, not 5.1).
ZIP_LEVEL = 3
# What the tests and the fill-in templates use, whose home is now sheetxml
ILLEGAL, MAX_TEXT, TooLong, ooxml_escape = X.ILLEGAL, X.MAX_TEXT, X.TooLong, X.ooxml_escape


def _keep_cells(ws: Worksheet, spec: SheetSpec) -> None:
    """The few openpyxl cells a worksheet still needs: those with a comment (openpyxl writes
    comments and their drawing from the cells) and two opposite corners of all the others,
    from which openpyxl works out <dimension ref="…">. They have no value and no style, so
    openpyxl writes nothing for them into the <sheetData> that sheetxml writes instead."""
    noted = {(r, c): cell.comment for r, cells in spec.cells.by_row.items()  # row by row
             for c, cell in cells.items() if cell.comment}
    lost = X.covered_cells(spec, set(noted))  # a covered cell loses its comment
    for at, text in noted.items():
        if at not in lost:
            note = Comment(X.ooxml_escape(text), A.COMMENT_AUTHOR)
            note.width, note.height = 260, 90
            ws.cell(row=at[0], column=at[1]).comment = note
    rows, columns = X.grid_rows(spec), X.grid_columns(spec)
    if rows:
        ws.cell(row=min(rows), column=columns.start)
        ws.cell(row=max(rows), column=columns.stop - 1)


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
    ws.oddFooter.center.text = A.PAGE_FOOTER
    ws.oddFooter.center.font = fonts.SONG
    ws.oddFooter.center.size = 9


def _page_breaks(ws: Worksheet, spec: SheetSpec) -> bool:
    """A manual break before every page (render/annexes/pages.py), so that kept rows stay
    together; planned at the largest whole percentage at which the columns fit the width.
    The sheet then prints at that very scale with "fit to" pages off: Excel, and WPS after
    it, drop manual breaks while a sheet is fitted to pages (LibreOffice alone keeps them).
    Returns whether the sheet got any break (if not, it is left to be fitted)."""
    last = max(spec.heights.keys() | spec.cells.by_row.keys())
    body = spec.header_rows[1] + 1
    scale = pages.print_scale(spec.widths)
    breaks = pages.row_breaks(spec.heights, spec.header_rows, body, last, spec.keep, scale)
    # set at once: openpyxl's append() copies and re-checks every break so far (quadratic:
    # 2.9 million checks for the 5,400 breaks of a 1x 附件2)
    ws.row_breaks.brk = [Break(id=row) for row in breaks]
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


def write_sheet(ws: Worksheet, spec: SheetSpec, styles: Styles, sink: IO[bytes]) -> None:
    """The one generic writer: any SheetSpec onto an empty worksheet of the workbook whose
    styles ``styles`` registers. The worksheet's <sheetData> and <mergeCells> go into
    ``sink``, which save() puts in place of openpyxl's (openpyxl writes nothing between the
    two for a sheet without protection, scenarios or an autofilter, which these never have)."""
    ws.title = spec.name
    heights.fit_heights(spec)
    for i, width in enumerate(spec.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    X.write_cells(ws, spec, styles, sink)
    _keep_cells(ws, spec)
    _page_setup(ws, spec)
    for chart in spec.charts:
        _chart(ws, chart)
    _checks(ws, spec)


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
    """A workbook to save: openpyxl's, and the file holding each of its sheets' cells (as
    write_sheet wrote them; temporary files, gone once closed)."""

    wb: Workbook
    cells: dict[Worksheet, IO[bytes]] = field(default_factory=dict)

    def close(self) -> None:
        for sink in self.cells.values():
            sink.close()


def workbook(sheets: Iterable[SheetSpec], title: str, creator: str, stamp: datetime) -> Book:
    """The sheets written into a new workbook; TooLong names every cell of every sheet whose
    text is too long (none is cut)."""
    book = Book(Workbook())
    book.wb.remove(book.wb.active)
    styles = Styles(book.wb)
    too_long: list[tuple[str, str, int]] = []
    try:
        for spec in sheets:
            ws = book.wb.create_sheet()
            book.cells[ws] = sink = tempfile.TemporaryFile()  # noqa: SIM115 (Book.close)
            try:
                write_sheet(ws, spec, styles, sink)
            except X.TooLong as long:
                too_long += long.cells
        if too_long:
            raise X.TooLong(too_long)
    except BaseException:
        book.close()
        raise
    props = book.wb.properties
    props.title = title
    props.creator = props.lastModifiedBy = X.ILLEGAL.sub("\ufffd", creator)  # record text
    props.created = props.modified = stamp
    book.wb.calculation = CalcProperties(fullCalcOnLoad=False)
    return book


def _spliced(sheet: bytes, cells: IO[bytes], out: IO[bytes]) -> None:
    """A worksheet's XML into ``out``, its <sheetData> element replaced by what ``cells``
    holds (write_sheet's), copied in pieces rather than read whole."""
    start = sheet.index(b"<sheetData")
    end = sheet.find(b"</sheetData>", start)
    end = sheet.index(b">", start) + 1 if end < 0 else end + len(b"</sheetData>")
    out.write(sheet[:start])
    cells.seek(0)
    shutil.copyfileobj(cells, out, COPY_PIECE)
    out.write(sheet[end:])


def save(book: Book, path: Path, stamp: datetime) -> None:
    """Byte-reproducible: openpyxl's own save stamps 'now' into core.xml and the zip entries,
    so every entry is written again with the fixed time (and compressed then, only once);
    each worksheet gets its cells and merged ranges on the way. Written beside ``path`` and
    renamed onto it: a failed build leaves the last good file intact."""
    try:
        raw = io.BytesIO()
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
            ExcelWriter(book.wb, archive).save()
        cells = {ws.path.lstrip("/"): sink for ws, sink in book.cells.items()}  # set by save()
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(partial, "w") as out:
            for entry in source.infolist():
                info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info._compresslevel = ZIP_LEVEL  # type: ignore[attr-defined]  # per entry
                # zipfile records the system it runs on (0 on Windows): fixed, as in the docx
                info.create_system, info.external_attr = 3, 0o644 << 16
                data = source.read(entry.filename)
                with out.open(info, "w") as target:
                    if entry.filename in cells:
                        _spliced(data, cells.pop(entry.filename), target)
                    else:
                        target.write(data)
        if cells:  # openpyxl named a sheet's part otherwise: its cells would be silently lost
            raise RuntimeError(f"worksheet parts not found in the package: {sorted(cells)}")
        os.replace(partial, path)
    finally:
        book.close()


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
        path = out_dir / A.FILES[key]
        try:
            book = workbook(make(), A.TITLES[key], census.city.issuer, stamp)
        except X.TooLong as long:
            too_long += [(A.FILES[key], *cell) for cell in long.cells]
            continue
        save(book, path, stamp)
        written.append(path)
    if too_long:
        raise _too_long_error(too_long)
    return written


def _too_long_error(cells: list[tuple[str, str, str, int]]) -> BuildError:
    """One problem (code render.cell_too_long) per cell whose text the workbook cannot hold."""
    return BuildError.joined([BuildError("render.cell_too_long", book=book, sheet=sheet,
                                         cell=cell, length=length, limit=X.MAX_TEXT)
                              for book, sheet, cell, length in cells])
