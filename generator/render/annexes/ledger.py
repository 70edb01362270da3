"""Census → dist/整改台账.xlsx, the rectification ledger counties fill in Excel or WPS.

Takes the typed census, the as-of date (数据截至) and the build's stamp; writes one workbook
and gives its path. One sheet per county plus 全市, one row per error (render/annexes/ledger_rows.py);
a title area with 数据截至 above the header row, which the importer finds by its texts.
:func:`write_ledger` does it in this process (serve, tests); :func:`write_book` writes from
rows given sheet by sheet, which is how a build's second process writes it (ledger_job.py).

Written with XlsxWriter, not openpyxl like the annexes: the ledger needs data validation
(a dropdown whose list lives on a hidden sheet, dates only), cell protection and streaming
(``constant_memory``: a city's 33,000 errors twice over), which XlsxWriter does through its
public API. Text is data: every text cell through ``write_string`` (never a formula), and
``_xHHHH_`` in text escaped by XlsxWriter as OOXML needs. The stamp is the only time in the
file, so the same records give the same bytes.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from generator.records.domain import RECTIFICATION
from generator.records.model import Census
from generator.render.annexes.layout import FORMULA_START, sheet_name
from generator.render.annexes.ledger_rows import COLUMNS, LedgerRow, ledger_sheets
from generator.render.annexes.ledger_snapshot import write_snapshot
from generator.text import ledger as T

HEADER_ROW = 3  # 0-based: title, 数据截至, hint, then the header
DATE_FORMAT = "yyyy-mm-dd"
# shown with a quote prefix: the very starts the annexes quote (render/annexes/sheetxml.py),
# full-width signs an input method types included
FORMULA_STARTS = FORMULA_START
SPECIAL_STARTS = frozenset((*FORMULA_STARTS, "<"))  # "<": rich-string-like text (write_text)
EXCEL_DAY_0 = date(1899, 12, 31).toordinal()
KEYS = tuple(c.key for c in COLUMNS)
# a row's values after 序号 (COLUMNS' first column, numbered per sheet), in column order
ROW_VALUES = attrgetter(*KEYS[1:])
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9999, 12, 31)
# Deflate level of the package, the annexes' (excel.ZIP_LEVEL): zlib's default, which
# XlsxWriter uses, took 0.5 s of the ledger's 5 at city scale; this takes 0.2 s.
ZIP_LEVEL = 3
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False}


class _Formats:
    """The cell formats by (kind, editable, variant): made once per workbook."""

    def __init__(self, book: Any) -> None:
        base = {"font_name": T.FONT, "font_size": 10, "border": 1,
                "valign": "top", "text_wrap": True}
        self.book, self.base, self.made = book, base, dict[tuple[str, bool, str], Any]()
        self.title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.plain = book.add_format({"font_size": 10})
        self.header = book.add_format({**base, "bold": True, "align": "center",
                                       "valign": "vcenter", "bg_color": "#D9D9D9"})

    def get(self, kind: str, editable: bool, variant: str = "") -> Any:
        key = (kind, editable, variant)
        if key not in self.made:
            spec: dict[str, Any] = {**self.base, "locked": not editable}
            if not editable:
                spec["bg_color"] = "#F2F2F2"  # grey: not to be edited
            if kind == "date":
                spec.update(num_format=DATE_FORMAT, align="center")
            elif kind == "int":
                spec["align"] = "center"
            if variant == "default":
                spec["font_color"] = "#808080"  # a deadline the default days give
            elif variant == "quote":
                spec["quote_prefix"] = True
            self.made[key] = self.book.add_format(spec)
        return self.made[key]


def write_text(ws: Any, r: int, c: int, text: str, fmt: Any) -> None:
    """A text cell that reads back as itself. XlsxWriter passes a string that looks like
    its own rich-string XML (``<r>…</r>``) through unescaped: such text is written as
    plain runs instead (three, the fewest it takes), which Excel shows (and openpyxl
    reads) as the one text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        ws.write_rich_string(r, c, text[:1], text[1:2], text[2:], fmt)
    else:
        ws.write_string(r, c, text, fmt)


def serial(day: date) -> int:
    """Excel's day number of ``day`` (1900 system, counting Excel's 29 February 1900), the
    number ``write_datetime`` stores: written with ``write_number`` in a date format, the
    cell is the same, without a datetime made and taken apart per cell."""
    days = day.toordinal() - EXCEL_DAY_0
    return days + 1 if days > 59 else days


class _Cells:
    """Each column's formats resolved once (plain, quote-prefixed, the default 整改期限), and
    each column's kind; a row is then written with the narrowest XlsxWriter call per cell,
    a million of them at city scale."""

    def __init__(self, formats: _Formats) -> None:
        self.kinds = tuple(c.kind for c in COLUMNS)
        self.plain = tuple(formats.get(c.kind, c.editable) for c in COLUMNS)
        self.quoted = tuple(formats.get(c.kind, c.editable, "quote") for c in COLUMNS)
        self.due = KEYS.index("due")
        self.due_default = formats.get("date", True, "default")


def _write_row(ws: Any, r: int, values: tuple[Any, ...], cells: _Cells,
               due_default: bool) -> None:
    """One data row: ``values`` in COLUMNS order (dates as date, counts as int, None blank)."""
    plain = cells.plain
    for c, (value, kind) in enumerate(zip(values, cells.kinds)):
        if value is None:
            ws.write_blank(r, c, None, plain[c])
        elif kind == "text":
            if value[:1] in SPECIAL_STARTS:  # rare: a formula-like or rich-string-like text
                write_text(ws, r, c, value, cells.quoted[c] if value.startswith(FORMULA_STARTS)
                           else plain[c])
            else:
                ws.write_string(r, c, value, plain[c])
        elif kind == "date":
            fmt = cells.due_default if c == cells.due and due_default else plain[c]
            ws.write_number(r, c, serial(value), fmt)
        else:
            ws.write_number(r, c, value, plain[c])


def _validations(ws: Any, first: int, last: int) -> None:
    """The status dropdown (from the hidden list) and date-only cells, on the data rows."""
    keys = [c.key for c in COLUMNS]
    status = keys.index("status")
    ws.data_validation(first, status, last, status, {
        "validate": "list", "source": f"='{T.LIST_SHEET}'!$A$1:$A$3",
        "error_title": T.HEADERS["status"], "error_message": T.STATUS_ERROR})
    for key in ("due", "date"):
        c = keys.index(key)
        ws.data_validation(first, c, last, c, {
            "validate": "date", "criteria": "between", "minimum": FIRST_DAY,
            "maximum": LAST_DAY, "ignore_blank": True, "error_title": T.HEADERS[key],
            "error_message": T.DATE_ERROR})


def _page(ws: Any, name: str, title: str, as_of: str, last: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_header(T.HEADER.format(title=title, as_of=as_of)[:255])
    ws.set_footer(T.FOOTER.format(sheet=name, as_of=as_of)[:255])
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last, len(COLUMNS) - 1)
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: its region (全市, or the county's name: the title's and, cut, the
    sheet's name), how many rows it has, and its rows, given anew each time they are asked
    for (the 全市 rows are read twice: for their sheet and for the snapshot)."""

    region: str
    count: int
    rows: Callable[[], Iterable[LedgerRow]]


def _sheet(book: Any, formats: _Formats, cells: _Cells, name: str, sheet: Sheet,
           as_of: str) -> None:
    ws = book.add_worksheet(name)
    for c, column in enumerate(COLUMNS):
        ws.set_column(c, c, column.width)
    title = T.TITLE.format(region=sheet.region)
    last_col = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last_col, title, formats.title)
    ws.write_string(1, 0, T.AS_OF.format(as_of=as_of), formats.plain)
    ws.write_string(2, 0, T.HINT, formats.plain)
    for c, column in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, c, T.HEADERS[column.key], formats.header)
    for i, row in enumerate(sheet.rows()):
        _write_row(ws, HEADER_ROW + 1 + i, (i + 1, *ROW_VALUES(row)), cells, row.due_default)
    last = HEADER_ROW + max(sheet.count, 1)
    _validations(ws, HEADER_ROW + 1, last)
    _page(ws, name, title, as_of, last)


def utf16_cut(name: str, units: int = 27) -> str:
    """A long name cut to ``units`` UTF-16 code units: Excel (and XlsxWriter) count sheet
    names in those (31 at most), and sheet_name may still add a "(2)"."""
    if len(name.encode("utf-16-le")) <= 62:
        return name
    out = ""
    for char in name:
        if len((out + char).encode("utf-16-le")) > 2 * units:
            break
        out += char
    return out


def write_ledger(census: Census, out_dir: Path, as_of: date, stamp: datetime) -> Path:
    """Write 整改台账.xlsx into ``out_dir`` (created if missing; beside the file first, then
    renamed), in this process; its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = [Sheet(name, len(rows), partial(iter, rows))
              for name, rows in ledger_sheets(census, as_of)]
    return write_book(sheets, census.city.issuer, out_dir, as_of, stamp)


def write_book(sheets: Sequence[Sheet], issuer: str, out_dir: Path, as_of: date,
               stamp: datetime, tmpdir: Path | None = None) -> Path:
    """Write 整改台账.xlsx from ``sheets`` (全市 first, every error once, then each county in
    order) into the folder ``out_dir`` (beside the file first, then renamed); its path.
    ``issuer`` is the workbook's author; ``tmpdir``, where XlsxWriter keeps its temporary
    files (the system's temporary folder by default). The folder is never made here: a
    build's folder removed meanwhile (the build killed) is not made again by its ledger's
    process."""
    path = out_dir / T.FILE
    partial = path.with_name(path.name + ".partial")
    options = OPTIONS if tmpdir is None else {**OPTIONS, "tmpdir": str(tmpdir)}
    book = xlsxwriter.Workbook(str(partial), options)
    stamp = stamp.replace(tzinfo=None)
    book.set_properties({"title": T.FILE.removesuffix(".xlsx"), "subject": T.SUBJECT,
                         "author": issuer, "created": stamp})
    try:
        formats = _Formats(book)
        cells = _Cells(formats)
        shown = as_of.isoformat()
        taken = {T.LIST_SHEET, T.SNAPSHOT_SHEET}
        for sheet in sheets:  # names as the annexes make them
            _sheet(book, formats, cells, sheet_name(utf16_cut(sheet.region), taken), sheet,
                   shown)
        lists = book.add_worksheet(T.LIST_SHEET)
        for r, status in enumerate(reversed(RECTIFICATION)):  # from open to done
            lists.write_string(r, 0, status)
        lists.hide()
        write_snapshot(book, sheets[0].rows(), write_text)  # 全市: every error once
    finally:
        _close(book)  # also on failure: XlsxWriter's temporary files are released
    os.replace(partial, path)
    return path


@contextmanager
def _deflated_at(level: int) -> Iterator[None]:
    """XlsxWriter's package deflated at ``level`` while it is written. XlsxWriter has no
    option for it: it opens the package by the name ``ZipFile`` of its workbook module,
    which is given ``level`` for the block and put back after (tests/test_ledger.py checks
    the entries' compressed sizes, so an XlsxWriter that opens it otherwise is noticed)."""
    import xlsxwriter.workbook as module

    own = module.ZipFile
    module.ZipFile = partial(zipfile.ZipFile, compresslevel=level)
    try:
        yield
    finally:
        module.ZipFile = own


def _close(book: Any) -> None:
    """XlsxWriter's close, with the OSError it wraps in FileCreateError when the file cannot
    be made (a full disk, a folder gone) unwrapped: the build then says what became of the
    disk, as for any other file it writes. XlsxWriter leaves the zip file it was writing open
    when that fails; it is closed here, quietly, or its ``__del__`` would print a traceback
    (the same full disk) on the user's terminal when it is let go."""
    try:
        with _deflated_at(ZIP_LEVEL):
            book.close()
    except FileCreateError as exc:
        wrapped = exc.args[0] if exc.args else None
        _close_open_zips(getattr(wrapped, "__traceback__", None))  # from _store_workbook on
        if isinstance(wrapped, OSError):
            raise wrapped.with_traceback(None) from None
        raise


def _close_open_zips(tb: TracebackType | None) -> None:
    """Close every zip file the frames of ``tb`` hold, ignoring what closing them meets."""
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, zipfile.ZipFile):
                with suppress(OSError):
                    value.close()
        tb = tb.tb_next
