"""How an annex sheet falls onto printed pages: the print scale and the manual row breaks. Pure.

Takes a sheet's column widths, row heights, repeated title rows and the row ranges that must
stay on one page (a 附件2 census object: its merged 序号/名称/备注 cells over its error rows);
gives a :class:`Pages`: the whole-percent scale at which the columns fit the paper's width and
the rows after which a new page starts, worked out from the very heights the writer sets.

Why a scale rather than "fit to one page wide": Excel ignores manual page breaks while a
sheet is set to fit to pages, so a sheet with breaks says its scale outright, and Excel, WPS
and LibreOffice then all break exactly where the breaks say. Every height is known in points
(render/annexes/heights.fit_heights sets every row's height explicitly), so the page each row
falls on is computed here, not left to the application's own (differing) pagination.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

POINTS_PER_INCH = 72.0
PAPER = (841.89, 595.28)  # A4 landscape, in points (297 × 210 mm)
# Page margins in inches, as Excel's page setup takes them; header and footer sit inside the
# top and bottom margins, so the rows get the paper less top and bottom.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}
DEFAULT_ROW = 15.0  # points: a row without a height set (Excel's default row is 15 for 11 pt)
DIGIT_PIXELS = 7  # the default font's (Calibri 11) widest digit, at 96 pixels per inch
# LibreOffice measures the same digit unrounded (Calibri's or its metric twin Carlito's digit,
# 1038/2048 of 11 pt) in whole twips: 111 twips, 5.55 pt, some 6% wider than Excel's 7 pixels.
LIBREOFFICE_DIGIT = 111 / 20  # points
# Renderers round row heights to their own units (LibreOffice to 1/100 mm, Excel to pixels)
# and a column's width to whole pixels: a page is planned to 96% of its height and a table to
# 98% of the paper's width, so rounding never pushes a row or a column onto another page.
HEIGHT_SLACK = 0.96
WIDTH_SLACK = 0.98
# Excel accepts a print scale of 10–400%; fitting to the width only ever shrinks a sheet, so
# a sheet printed at a scale instead is not enlarged either: at most 100%.
MIN_SCALE, MAX_SCALE = 10, 100


@dataclass(frozen=True)
class Pages:
    """A sheet's print plan: ``scale`` in percent; ``breaks``, the rows after which a new
    page starts (OOXML ``<brk id>``: the row above the break), ascending."""

    scale: int
    breaks: tuple[int, ...] = ()


def printable() -> tuple[float, float]:
    """Width and height in points that the paper leaves for the cells, margins taken off."""
    width = PAPER[0] - (MARGINS["left"] + MARGINS["right"]) * POINTS_PER_INCH
    height = PAPER[1] - (MARGINS["top"] + MARGINS["bottom"]) * POINTS_PER_INCH
    return width, height


def column_points(width: float) -> float:
    """A column's printed width in points at 100%, the wider of two renderings of a width
    stored in digits of the default font: Excel's (and WPS's) ``trunc((256·w + trunc(128/7))
    / 256 · 7)`` pixels (ECMA-376 §18.3.1.13), 3/4 of a point each, and LibreOffice's
    ``w`` digits of LIBREOFFICE_DIGIT. A sheet printed at a scale rather than fitted must fit
    the paper in either."""
    pixels = math.trunc((256 * width + math.trunc(128 / DIGIT_PIXELS)) / 256 * DIGIT_PIXELS)
    return max(pixels * 0.75, width * LIBREOFFICE_DIGIT)


def print_scale(widths: Iterable[float]) -> int:
    """The largest whole percentage (10–100) at which columns of these widths fit across."""
    total = sum(column_points(w) for w in widths)
    if total <= 0:
        return MAX_SCALE
    fits = math.floor(100 * printable()[0] * WIDTH_SLACK / total)
    return max(MIN_SCALE, min(MAX_SCALE, fits))


def _height(heights: Mapping[int, float], rows: range) -> float:
    return sum(heights.get(r, DEFAULT_ROW) for r in rows)


def _blocks(first: int, last: int, keep: Sequence[tuple[int, int]]) -> list[range]:
    """Rows first..last as the units pagination moves: each kept range whole, others alone."""
    starts = {a: b for a, b in keep}
    blocks, row = [], first
    while row <= last:
        end = starts.get(row, row)
        blocks.append(range(row, end + 1))
        row = end + 1
    return blocks


def row_breaks(heights: Mapping[int, float], titles: tuple[int, int], body: int, last: int,
               keep: Sequence[tuple[int, int]], scale: int) -> tuple[int, ...]:
    """The rows after which a page ends, for rows ``body``..``last`` under rows 1..body-1 on
    the first page and the title rows ``titles`` (first, last) repeated on every other.

    A ``keep`` range (first, last row; disjoint, ascending, within the body) goes whole onto
    the next page when it does not fit on the rest of this one. One taller than a whole page
    cannot stay together: it starts on a new page and is broken between its rows wherever
    a page fills, its merged cells then printed on each of its pages by the application.
    (So a first range that fits a page but not under the sheet's heading leaves the first page
    to the heading: a whole object is worth more than a full page.) Every break is given, also
    those the application would have found itself, so the pages are the ones planned here
    in every application."""
    capacity = printable()[1] * HEIGHT_SLACK * 100 / scale
    repeated = _height(heights, range(titles[0], titles[1] + 1))
    used, filled = _height(heights, range(1, body)), False  # filled: a body row on this page
    breaks: list[int] = []
    for block in _blocks(body, last, keep):
        size = _height(heights, block)
        if used + size <= capacity:
            used, filled = used + size, True
            continue
        # a new page for the block, the rest of this one left empty; on a first page with no
        # body row yet only if that keeps the block whole (a too tall one flows from here)
        if filled or (used > repeated and repeated + size <= capacity):
            breaks.append(block[0] - 1)
            used, filled = repeated, False
        for row in block:  # fits now, or flows over pages row by row (too tall for one)
            size = heights.get(row, DEFAULT_ROW)
            if used + size > capacity and used > repeated:
                breaks.append(row - 1)
                used = repeated
            used, filled = used + size, True
    return tuple(breaks)
