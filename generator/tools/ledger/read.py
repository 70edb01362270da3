"""A returned 整改台账.xlsx → its rows, each cell with its sheet and coordinate.

Takes a workbook path; gives a :class:`Ledger` (every sheet whose header row carries the
ledger's headers, matched after NFKC with whitespace removed, so 全角 brackets and stray
spaces do not matter), or None when the workbook is no ledger (the annex import then reads
it). The header row is found by its texts, whatever the title area above it holds. Read
straight from the sheets' XML, streaming (sheetxml.py): a city's ledger has 33,000 rows on
its 全市 sheet alone. Text cells come decoded (OOXML's ``_xHHHH_`` escapes), whether the
workbook holds them inline (as exported) or in a shared table (as re-saved by Excel, WPS or
LibreOffice).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from generator.errors import RecordError
from generator.records.load import collector_paused, display_path
from generator.render.annexes.ledger_rows import COLUMNS, EDITABLE
from generator.text import ledger as T
from generator.text import render
from generator.tools.importer.read import MAX_BLANK_RUN, norm, problem
from generator.tools.ledger.sheetxml import Book, Cells, Rows, merged_ranges, open_book, rows
from generator.tools.ledger.snapshot import Snapshot, read_snapshot

HEADER_SEARCH = 30  # rows of title area the header may sit below
MAX_ROWS = 200_000  # per sheet: a city's errors with room to spare
MARKS = (norm(T.HEADERS["record"]), norm(T.HEADERS["error_no"]))
KNOWN = {norm(T.HEADERS[c.key]): c.key for c in COLUMNS}
# the cells of a row the import reads (the others are the clerk's to look at)
READ = frozenset(("record", "error_no", "form", "indicator_code", *EDITABLE))


@dataclass
class Row:
    sheet: str
    number: int  # 1-based row in the sheet
    values: dict[str, Any]  # the cells of READ by column key (a row without any is blank)


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


def _values(cells: Cells) -> tuple[Any, ...]:
    """A row's cells as a tuple by column (column 1 first), for the header search."""
    return tuple(cells.get(c) for c in range(1, max(cells, default=0) + 1))


def _sheet(name: str, found: Rows, file: str, out: Ledger) -> None:
    """The ledger rows of one sheet, if its header row is among the first HEADER_SEARCH;
    then what its merged ranges say (_merged), however the rows ended."""
    sheet: Sheet | None = None
    last = blank = 0
    for number, cells in found:
        if sheet is None:
            if number > HEADER_SEARCH:
                return
            columns = _header(_values(cells))
            if columns is not None:
                sheet = Sheet(name, number, columns)
                out.sheets.append(sheet)
                found.wanted = frozenset(c for k, c in columns.items() if k in READ)
            last = number
            continue
        if number > MAX_ROWS:
            out.problems.append(problem(file, "import.too_many_rows", sheet=name,
                                        limit=MAX_ROWS))
            break
        blank += number - last - 1  # rows absent from the file are blank rows
        last = number
        if blank > MAX_BLANK_RUN:
            break
        row = {k: cells.get(c) for k, c in sheet.columns.items() if k in READ}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
            blank += 1
            if blank > MAX_BLANK_RUN:
                break
            continue
        blank = 0
        sheet.rows.append(Row(name, number, row))
    if sheet is not None:
        _merged(sheet, merged_ranges(found.book.archive, found.part), file, out)


def _merged(sheet: Sheet, merges: list[tuple[int, int, int, int]], file: str,
            out: Ledger) -> None:
    """What the clerk sees in merged cells: a range down one of the read columns whose top
    cell is a ledger row (整改说明 merged over an object's three errors) gives each row the
    top cell's value, as the annex reader does. Any other range over a read cell of a
    ledger row is an error at its top-left cell: across columns (ledger.merged), or down
    from a cell that is no ledger row, the header say (ledger.merged_down); never read as
    blank cells."""
    numbers = [r.number for r in sheet.rows]  # ascending: the file's order
    keys = {c: k for k, c in sheet.columns.items() if k in READ}
    for c1, r1, c2, r2 in merges:
        touched = [c for c in range(c1, c2 + 1) if c in keys]
        first = bisect.bisect_left(numbers, max(r1, sheet.header_row + 1))
        covered = sheet.rows[first:bisect.bisect_right(numbers, r2)]
        if not touched or not covered:
            continue
        top = covered[0] if covered[0].number == r1 else None
        at = sheet.cell(keys[touched[0]], r1)
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        if c1 != c2:
            out.problems.append(problem(file, "ledger.merged", r1, c1, at, ref=ref))
        elif top is None:
            out.problems.append(problem(file, "ledger.merged_down", r1, c1, at, ref=ref))
        else:
            value = top.values.get(keys[c1])
            for row in covered:
                row.values[keys[c1]] = value


def _read(book: Book, file: str) -> Ledger:
    out = Ledger(file, [])
    for name, part in book.sheets:
        if name == T.SNAPSHOT_SHEET:
            out.snapshot = read_snapshot(_values(cells) for _, cells in rows(book, part))
        else:
            _sheet(name, rows(book, part), file, out)
    return out


def read_ledger(path: Path) -> Ledger | None:
    """The ledger in the workbook at ``path``; None when it has no ledger sheet or cannot be
    read as a workbook (the annex import then says why). A workbook naming the sheet
    导出时的值, as only an exported ledger does, that fails to read is a damaged ledger: one
    problem at the file (import.damaged), nothing to write."""
    from generator.tools.importer.open import MAX_BYTES, Unreadable, sniff

    file = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        sniff(path, file)
        book = open_book(path.read_bytes())
    except Exception:  # not a workbook we can open (Unreadable, OSError, a damaged package)
        return None  # the annex path reports the file
    try:
        with collector_paused():  # a row's cells are plain data: no cycle to look for
            out = _read(book, file)
    except (Unreadable, OSError):
        return None
    except Exception:  # a damaged part raises many types
        if all(name != T.SNAPSHOT_SHEET for name, _ in book.sheets):
            return None  # not recognisably a ledger: the annex path reports the file
        damaged = problem(file, "import.damaged", detail=render("detail.content"))
        return Ledger(file, [], [damaged])
    return out if out.sheets else None
