"""A returned 整改台账.xlsx → its rows, each cell with its sheet and coordinate.

Takes a workbook path; gives a :class:`Ledger` (every sheet whose header row carries the
ledger's headers, matched after NFKC with whitespace removed, so 全角 brackets and stray
spaces do not matter), or None when the workbook is no ledger (the annex import then reads
it). The header row is found by its texts, whatever the title area above it holds. Read in
openpyxl's streaming mode: a city's ledger has 33,000 rows on its 全市 sheet alone.

OOXML escapes: XlsxWriter writes inline strings, which openpyxl hands over undecoded
(``_x005F_x0041_`` for a literal ``_x0041_``): decoded here. A workbook re-saved by Excel,
WPS or LibreOffice keeps its strings in a shared table, which openpyxl already decodes.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import RecordError
from generator.records.load import display_path
from generator.render.annexes.ledger_rows import COLUMNS
from generator.text import ledger as T
from generator.tools.importer.read import MAX_BLANK_RUN, norm, problem
from generator.tools.ledger.snapshot import Snapshot, read_snapshot

HEADER_SEARCH = 30  # rows of title area the header may sit below
MAX_ROWS = 200_000  # per sheet: a city's errors with room to spare
MARKS = (norm(T.HEADERS["record"]), norm(T.HEADERS["error_no"]))
KNOWN = {norm(T.HEADERS[c.key]): c.key for c in COLUMNS}


@dataclass
class Row:
    sheet: str
    number: int  # 1-based row in the sheet
    values: dict[str, Any]


@dataclass
class Sheet:
    name: str
    header_row: int
    columns: dict[str, int]  # key → 1-based column
    rows: list[Row] = field(default_factory=list)

    def cell(self, key: str, row: int) -> str:
        """``sheet!J12（整改期限）``: where a problem is, as people find it."""
        from openpyxl.utils import get_column_letter

        column = self.columns.get(key)
        at = f"{get_column_letter(column)}{row}" if column else str(row)
        return T.CELL.format(sheet=self.name, at=at, header=T.HEADERS[key])


@dataclass
class Ledger:
    file: str
    sheets: list[Sheet]
    problems: list[RecordError] = field(default_factory=list)
    # the editable values as exported (tools/ledger/snapshot.py); None: no snapshot sheet
    snapshot: Snapshot | None = None


def _header(values: tuple[Any, ...]) -> dict[str, int] | None:
    names = [norm(v) for v in values]
    if not all(mark in names for mark in MARKS):
        return None
    found: dict[str, int] = {}
    for c, name in enumerate(names, 1):
        if name in KNOWN and KNOWN[name] not in found:
            found[KNOWN[name]] = c
    return found


def _open(data: bytes) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def _decoder(data: bytes) -> Any:
    from openpyxl.utils.escape import unescape

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        shared = "xl/sharedStrings.xml" in archive.namelist()
    return (lambda v: v) if shared else unescape


def _sheet(ws: Any, file: str, decode: Any, out: Ledger) -> None:
    sheet: Sheet | None = None
    blank = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), 1):
        if sheet is None:
            if number > HEADER_SEARCH:
                return
            columns = _header(values)
            if columns is not None:
                sheet = Sheet(ws.title, number, columns)
                out.sheets.append(sheet)
            continue
        if number > MAX_ROWS:
            out.problems.append(problem(file, "import.too_many_rows", sheet=ws.title,
                                        limit=MAX_ROWS))
            return
        row = {k: decode(values[c - 1]) if c <= len(values) and isinstance(values[c - 1], str)
               else (values[c - 1] if c <= len(values) else None)
               for k, c in sheet.columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
            blank += 1
            if blank > MAX_BLANK_RUN:
                return
            continue
        blank = 0
        sheet.rows.append(Row(ws.title, number, row))


def read_ledger(path: Path) -> Ledger | None:
    """The ledger in the workbook at ``path``; None when it has no ledger sheet or cannot be
    read as a workbook (the annex import then says why)."""
    from generator.tools.importer.open import MAX_BYTES, Unreadable, sniff

    file = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        sniff(path, file)
        data = path.read_bytes()
        wb = _open(data)
        decode = _decoder(data)
    except (Unreadable, OSError):
        return None
    except Exception:  # openpyxl raises many types on damaged files: the annex path reports
        return None
    out = Ledger(file, [])
    try:
        for ws in wb.worksheets:
            if ws.title == T.SNAPSHOT_SHEET:
                out.snapshot = read_snapshot(ws, decode)
            else:
                _sheet(ws, file, decode, out)
    finally:
        wb.close()
    return out if out.sheets else None
