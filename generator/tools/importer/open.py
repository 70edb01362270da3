"""A file given as a workbook → an openpyxl workbook, or the located problem why not.

Takes a path; gives the opened workbook, or a :class:`Unreadable` whose problem says in
Chinese what the file really is (an empty file, an old .xls, a password-protected workbook,
a .csv or web page renamed .xls, a zip or Word file, a damaged .xlsx) and what to do. The
kind is told from the file's first bytes and, for a zip, its member names, never from the
file name: people rename files. Before openpyxl builds every cell of the workbook, a
streaming pass (read-only mode, a little memory) counts rows and cells and stops at the
caps, so a small file of a million repeated rows is refused in a second, not after minutes
and gigabytes. OSError (an unreadable file) is not caught: the caller reports it as the
environment's refusal.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from generator.errors import RecordError
from generator.text.imports import render

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
# A city-wide 附件2 has a few thousand rows of 8 columns, 附件1 17 columns: the caps leave
# ten times that, and keep openpyxl's cells (~200 bytes each) to a few hundred megabytes.
MAX_ROWS = 20_000  # per sheet, counting blank rows between filled ones
MAX_CELLS = 1_000_000  # per workbook: rows × columns, as the reader lays them out
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, or an encrypted .xlsx
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file holds


class Unreadable(Exception):
    """The workbook cannot be read; ``problem`` says why, at the file."""

    def __init__(self, problem: RecordError) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _problem(file: str, code: str, **fields: object) -> RecordError:
    return RecordError(file=file, code=code, message=render(code, **fields))


def _text_like(head: bytes) -> bool:
    """A .csv, .txt or an HTML "xls" export: no NUL byte, and decodes as UTF-8 or GBK."""
    if b"\0" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


def _zip_kind(path: Path) -> str | None:
    """None for an .xlsx; else the problem code for what this zip is."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        return "import.damaged"
    if "xl/workbook.xml" in names:
        return "import.unpacked_too_large" if unpacked > MAX_UNPACKED else None
    if "xl/workbook.bin" in names:
        return "import.xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "import.ods"
    return "import.zip"


def sniff(path: Path, file: str) -> None:
    """Raise :class:`Unreadable` unless ``path`` looks like an .xlsx workbook."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        if head.startswith(OLE_MAGIC):
            # the stream names are in the directory sectors, anywhere in the (capped) file
            rest = handle.read(MAX_BYTES)
            ole = "import.encrypted" if ENCRYPTED in head + rest else "import.xls"
            raise Unreadable(_problem(file, ole))
    if not head:
        raise Unreadable(_problem(file, "import.empty"))
    code: str | None
    if head.startswith(b"PK"):
        code = _zip_kind(path)
    else:
        code = "import.text" if _text_like(head) else "import.not_workbook"
    if code is not None:
        raise Unreadable(_problem(file, code, detail=render("detail.zip"), limit=MAX_UNPACKED))


def _merged_extent(data: bytes) -> dict[str, tuple[int, int, str]]:
    """By sheet name: the last row and column any merged range reaches, and the range that
    reaches lowest. openpyxl makes every cell up to a sheet's last row and column, merged
    ranges included, so a column selected whole and merged (I1:I1048576) made a three-row
    workbook cost 35 s and 2 GB. The ranges are read from each sheet's XML
    (ledger/sheetxml.merged_ranges: however a writer spells them)."""
    from openpyxl.utils import get_column_letter

    from generator.tools.ledger.sheetxml import merged_ranges, sheet_parts

    out: dict[str, tuple[int, int, str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = set(archive.namelist())
        for sheet, part in sheet_parts(archive)[0]:
            ranges = merged_ranges(archive, part) if part in parts else []
            if not ranges:
                continue
            c1, r1, c2, r2 = max(ranges, key=lambda r: r[3])
            lowest = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            out[sheet] = (r2, max(r[2] for r in ranges), lowest)
    return out


def _measure(data: bytes, file: str) -> None:
    """Count rows and cells in read-only (streaming) mode; raise at the first cap passed.
    Cells are counted as the reader lays them out: every row as wide as the widest, and as
    far down and across as a merged range reaches (openpyxl makes those cells too)."""
    from openpyxl import load_workbook

    merged = _merged_extent(data)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        before = 0  # cells of the sheets already counted
        for ws in wb.worksheets:
            ws.reset_dimensions()  # the stored dimension may lie: count the rows themselves
            width = number = 0
            for number, row in enumerate(ws.iter_rows(values_only=True), 1):
                if number > MAX_ROWS:
                    raise Unreadable(_problem(file, "import.too_many_rows", sheet=ws.title,
                                              limit=MAX_ROWS))
                width = max(width, len(row))
                if before + number * width > MAX_CELLS:
                    raise Unreadable(_problem(file, "import.too_many_cells", limit=MAX_CELLS))
            last_row, last_column, lowest = merged.get(ws.title, (0, 0, ""))
            if last_row > number or last_column > width:
                rows, width = max(number, last_row), max(width, last_column)
                if rows > MAX_ROWS or before + rows * width > MAX_CELLS:
                    raise Unreadable(_problem(file, "import.merged_too_far", sheet=ws.title,
                                              ref=lowest, rows=rows, limit=MAX_ROWS))
                number = rows
            before += number * width
    finally:
        wb.close()


def open_workbook(path: Path, file: str) -> Any:
    """The workbook at ``path`` (shown as ``file``), values only; or :class:`Unreadable`."""
    from openpyxl import load_workbook

    size = path.stat().st_size
    if size > MAX_BYTES:
        raise Unreadable(_problem(file, "import.too_large", size=size, limit=MAX_BYTES))
    sniff(path, file)
    data = path.read_bytes()  # one read: the file cannot change between the two passes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about WPS/Excel extensions it skips
        try:
            _measure(data, file)
            # a file object, not the path: openpyxl refuses a real .xlsx renamed .xls by name
            return load_workbook(io.BytesIO(data), data_only=True)
        except Unreadable:
            raise
        except Exception:  # openpyxl raises many types on damaged files: all mean the same
            raise Unreadable(_problem(file, "import.damaged", detail=render("detail.content"))) from None
