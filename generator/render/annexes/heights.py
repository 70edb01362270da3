"""Row heights for wrapped text, worked out from a sheet's cells and column widths. Pure.

Takes a :class:`~generator.render.annexes.layout.SheetSpec` whose cells and widths are
placed; sets ``spec.heights`` for every row that has none yet (render/annexes/excel.py calls
:func:`fit_heights` before writing a sheet; render/annexes/pages.py plans the pages from these
heights). :func:`text_width` is the measure both this and layout.heading use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # layout uses text_width: imported there at run time, here only for types
    from generator.render.annexes.layout import Cell, SheetSpec

LINE_HEIGHT = {"body": 15.0, "header": 15.0, "note": 14.0, "region": 16.0}  # points per line:
# 宋体 11pt needs 14.25 (Excel's own default row); LibreOffice's fallback CJK faces a little more
MAX_ROW_HEIGHT = 409.0  # points: Excel's greatest row height; a taller row is an error to it


class _CharWidths(dict[str, float]):
    """Width of each character, worked out the first time it is asked for."""

    def __missing__(self, char: str) -> float:
        # CJK from U+2E80 on; the full-width forms (U+FF01–U+FF5E) lie above it too
        width = self[char] = 2.0 if ord(char) > 0x2E7F else 1.1
        return width


_CHAR_WIDTHS = _CharWidths()


def text_width(text: str) -> float:
    """Width in Excel column units: a CJK or full-width character takes about two."""
    # the per-character widths summed in order, as ever: float sums depend on the order
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)  # cell padding
    return sum(max(1, -(-int(text_width(part) * 10) // int(usable * 10)))
               for part in text.split("\n"))


def _needs(cell: Cell, width: float, lines: dict[tuple[str, float], int]) -> float | None:
    """The height a cell's text needs at that width (None: its role has no line height);
    ``lines`` remembers the line count of each text and width."""
    per_line = LINE_HEIGHT.get(cell.role)
    if per_line is None:
        return None
    value = cell.value
    text = value if isinstance(value, str) else "" if value is None else str(value)
    key = (text, width)
    count = lines.get(key)
    if count is None:
        count = lines[key] = _lines(text, width)
    return count * per_line + 4


def fit_heights(spec: SheetSpec) -> None:
    """Row heights for wrapped text, set explicitly: Excel, WPS and LibreOffice do not agree on
    autofitting rows written by openpyxl (LibreOffice does not autofit them at all), and none
    autofits merged cells. Rows with a height already set keep it."""
    spans: dict[int, dict[int, tuple[int, int]]] = {}  # first row → first column → far corner
    for r1, c1, r2, c2 in spec.merges:
        spans.setdefault(r1, {})[c1] = (r2, c2)
    widths, fixed = spec.widths, spec.heights
    width_of = dict(enumerate(widths, 1))  # a column beyond the widths: 0, as the slice gave
    need: dict[int, float] = {}
    tall: list[tuple[int, int, float]] = []
    lines: dict[tuple[str, float], int] = {}  # a table repeats its values: count lines once
    # what a cell outside any merged range needs, by the cell and its column's width: a
    # table shares one Cell among the places showing the same value (spec.cells keeps them
    # all alive, so ids stay theirs); None for a cell whose role has no line height
    alone: dict[tuple[int, float], float | None] = {}
    for row, cells in spec.cells.by_row.items():  # row by row, as the cells iterate
        if row in fixed:
            continue
        merged = spans.get(row)
        most: float | None = None
        for column, cell in cells.items():
            span = None if merged is None else merged.get(column)
            if span is None:
                key = (id(cell), width_of.get(column, 0))
                if key in alone:
                    height = alone[key]
                else:
                    height = alone[key] = _needs(cell, key[1], lines)
            else:
                height = _needs(cell, sum(widths[column - 1:span[1]]), lines)
                if height is not None and span[0] != row:
                    tall.append((row, span[0], height))
                    continue
            if height is not None and (most is None or height > most):
                most = height
        if most is not None:
            need[row] = most
    for first, last, height in tall:  # a merged cell spreads what it lacks over its rows
        rows = range(first, last + 1)
        have = sum(need.get(r, 20.0) for r in rows)
        for r in rows:
            need[r] = max(need.get(r, 20.0), need.get(r, 20.0) + (height - have) / len(rows))
    for row, height in need.items():  # very long text scrolls inside its row instead
        spec.heights.setdefault(row, round(min(max(height, 20.0), MAX_ROW_HEIGHT), 1))
