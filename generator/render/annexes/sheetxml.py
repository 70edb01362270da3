"""A sheet spec → its worksheet's <sheetData> and <mergeCells>, streamed into a file.

Takes a :class:`~generator.render.annexes.layout.SheetSpec` and the workbook's style
registry (styles.Styles), gives the XML openpyxl would have written for the cells the spec
places, in the very bytes (excel.py splices it into openpyxl's package), written row by row
into a binary file: a city-wide 附件2 at ten times city scale is some three million cells,
whose XML as one string, and a set of every merged or bordered cell, took gigabytes.

Record text is data: a string is always a string cell, whatever it begins with, and reads
back as itself (see ooxml_escape); text over MAX_TEXT raises TooLong, naming every such cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet

from generator.render.annexes import layout as L
from generator.render.annexes.layout import SheetSpec

if TYPE_CHECKING:
    from generator.render.annexes.styles import Styles

ILLEGAL = L.ILLEGAL  # shown as U+FFFD in cells, sheet names and properties
FORMULA_START = L.FORMULA_START  # text starting so is quote-prefixed
MAX_TEXT = 32767  # characters in a cell: Excel's limit; longer text would be cut or refused
# OOXML (ECMA-376, ST_Xstring) writes a character XML cannot hold as _xHHHH_, and Excel and
# LibreOffice decode that in every cell and comment they read: a literal "_x000a_" in a record
# came back as a line break, "_x005F_" as "_". Its underscore is written as _x005F_ instead.
_XSTRING = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")
ROWS_PER_WRITE = 512  # rows encoded and written at once: few writes, little held in memory


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
    Text over MAX_TEXT raises TooLong (with no place: the caller knows it)."""
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


def grid_rows(spec: SheetSpec) -> set[int]:
    """The rows of all the cells openpyxl would have had, written or not: those of the spec's
    cells and of every merged range and table."""
    rows = set(spec.cells.by_row)
    for r1, _, r2, _ in spec.merges + spec.tables:
        rows.update(range(r1, r2 + 1))
    return rows


def grid_columns(spec: SheetSpec) -> range:
    """From the first column any cell, merged range or table is in to the last."""
    columns = {c for row in spec.cells.by_row.values() for c in row}
    columns |= {c for _, c1, _, c2 in spec.merges + spec.tables for c in (c1, c2)}
    return range(min(columns, default=1), max(columns, default=0) + 1)


def _covered(spec: SheetSpec, rows: list[int]) -> Iterator[set[int]]:
    """For each of ``rows`` (ascending), the columns whose cell a merged range covers (all of
    a range but the top-left cells of ranges): found from the ranges open at that row, never
    as a set of every covered cell of the sheet."""
    merges = sorted(spec.merges)
    opened: list[tuple[int, int, int, int]] = []
    next_merge = 0
    for row in rows:
        while next_merge < len(merges) and merges[next_merge][0] <= row:
            opened.append(merges[next_merge])
            next_merge += 1
        opened = [m for m in opened if m[2] >= row]
        covered: set[int] = set()
        for _, c1, _, c2 in opened:
            covered.update(range(c1, c2 + 1))
        yield covered - {c1 for r1, c1, _, _ in opened if r1 == row}


def covered_cells(spec: SheetSpec, cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of ``cells`` (a few: the commented ones) that a merged range covers."""
    by_row: dict[int, set[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, set()).add(column)
    tops = {(r1, c1) for r1, c1, _, _ in spec.merges}
    found = set()
    for r1, c1, r2, c2 in spec.merges:
        for row in by_row.keys() & range(r1, r2 + 1):
            found |= {(row, c) for c in by_row[row] if c1 <= c <= c2}
    return found - tops


def _bordered(spec: SheetSpec, row: int) -> set[int]:
    """The columns of ``row`` inside a table (a sheet has only a few tables)."""
    return {c for r1, c1, r2, c2 in spec.tables if r1 <= row <= r2 for c in range(c1, c2 + 1)}


def _cell_tail(cell: L.Cell, bordered: bool, styles: Styles,
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


class _Cells:
    """What writing one sheet's cells remembers: XML made once per distinct cell, style and
    row height, and the cells whose text is too long."""

    def __init__(self, ws: Worksheet, spec: SheetSpec, styles: Styles) -> None:
        self.ws, self.spec, self.styles = ws, spec, styles
        self.heights: dict[float | None, str] = {}
        self.texts: dict[str, tuple[str, bool]] = {}
        # by the cell object and whether it is bordered: a table shares one Cell among the
        # places showing the same value (spec.cells keeps them all alive, so ids stay theirs)
        self.tails: dict[tuple[int, bool], str] = {}
        self.empty = ""  # a bordered cell with nothing in it; its style id taken when first used
        self.too_long: list[tuple[str, str, int]] = []

    def row(self, row: int, columns: range, letters: dict[int, str], covered: set[int]) -> str:
        """One <row> element: the spec's cells; covered cells of a merged range empty
        (bordered inside a table, left out elsewhere, as openpyxl leaves out a cell with
        neither value nor style); every cell of a table bordered."""
        height = self.spec.heights.get(row)
        if height not in self.heights:
            self.heights[height] = _row_attributes(self.ws, height)
        out = [f'<row r="{row}"{self.heights[height]}>']
        bordered = _bordered(self.spec, row)
        placed = self.spec.cells.row(row)
        for column in columns:
            cell = placed.get(column)
            if cell is None or column in covered:
                if cell is not None:
                    self.styles.look(cell)  # a covered cell's look is registered all the same
                if column in bordered:
                    self.empty = self.empty or \
                        f' s="{self.styles.id((None, False, True))}" t="n"></c>'
                    out.append(f'<c r="{letters[column]}{row}"{self.empty}')
                continue
            key = (id(cell), column in bordered)
            if key not in self.tails:
                try:
                    self.tails[key] = _cell_tail(cell, key[1], self.styles, self.texts)
                except TooLong as long:
                    self.too_long.append((self.spec.name, f"{letters[column]}{row}",
                                          long.cells[0][2]))
                    continue
            out.append(f'<c r="{letters[column]}{row}"{self.tails[key]}')
        out.append("</row>")
        return "".join(out)


def write_cells(ws: Worksheet, spec: SheetSpec, styles: Styles, sink: IO[bytes]) -> None:
    """The worksheet's <sheetData> and <mergeCells> into ``sink``, as openpyxl writes them for
    the cells it would have had (see _Cells.row), a row element for every row any of these is
    in or with a height; ASCII, non-ASCII text as character references, as lxml writes it.
    TooLong, once every row is done, when a cell's text is too long."""
    columns = grid_columns(spec)
    letters = {c: get_column_letter(c) for c in columns}
    rows = sorted(grid_rows(spec) | spec.heights.keys())
    cells = _Cells(ws, spec, styles)
    sink.write(b"<sheetData>")
    chunk: list[str] = []
    for row, covered in zip(rows, _covered(spec, rows), strict=True):
        chunk.append(cells.row(row, columns, letters, covered))
        if len(chunk) == ROWS_PER_WRITE:
            sink.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
            chunk.clear()
    sink.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
    if cells.too_long:
        raise TooLong(cells.too_long)
    sink.write(b"</sheetData>" + merge_cells(spec).encode("ascii"))


def merge_cells(spec: SheetSpec) -> str:
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
