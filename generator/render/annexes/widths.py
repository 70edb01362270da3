"""Column widths from what an annex table shows, and its headers broken where they read well.
Pure.

Takes the table's columns (render/annexes/layout.Column) and the values each shows; gives a
width per column and the header text to print. A code (``Column.wrap`` False: 产品代码
"251105010/0", 普查表号, 普查员号 …) gets the width of its widest value, so it is never
broken over two lines; a text column gets the width of its longest value up to the column's
nominal width, beyond which its text wraps. A header that does not fit its column on one line
is broken into two by an explicit line break at a place chosen here (before 名称, 代码,
计量单位 …, never before a closing bracket), not left to the application: LibreOffice broke
"普查员号（必填）" before its last "）" and "涉及行业代码" before "码".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.render.annexes.layout import Column, Value
from generator.text import build as build_text

# Widths in Excel's unit, the default font's digit (7 px). An 11 pt CJK character is 14.7 px,
# 2.1 digits; a Latin letter or digit of 宋体 is half that, of LibreOffice's fallback face a
# little more. A little is added to each, so that no renderer needs a second line.
WIDE, NARROW = 2.2, 1.2
PAD = 1.5  # the cell's inner margins and its borders
MIN_WIDTH = 6.0
CODE_CAP = 30.0  # a "code" wider than this is no code: it wraps like text
BREAK_BEFORE = build_text.HEADER_BREAKS  # a header may be broken before one of these words
NO_LINE_START = set(build_text.NO_LINE_START)  # closing punctuation never starts a line
NO_LINE_END = set(build_text.NO_LINE_END)


def measure(text: str) -> float:
    """The width of the widest line of ``text`` (CJK and full-width characters count double)."""
    return max((sum(WIDE if _wide(c) else NARROW for c in line) for line in text.split("\n")),
               default=0.0)


def _wide(char: str) -> bool:
    """CJK, full-width, and the punctuation a CJK face draws full width (— … “ ”)."""
    return ord(char) > 0x2E7F or "\u2010" <= char <= "\u206f"


def _splits(header: str) -> list[tuple[str, str]]:
    """The two-line forms of a header: before a BREAK_BEFORE word, else between any two wide
    characters that may be parted (no closing bracket starting a line, no opening one ending)."""
    at = {i for i in range(1, len(header)) for w in BREAK_BEFORE if header.startswith(w, i)}
    if not at:
        at = {i for i in range(1, len(header))
              if _wide(header[i - 1]) and _wide(header[i])}
    return [(header[:i], header[i:]) for i in sorted(at)
            if header[i] not in NO_LINE_START and header[i - 1] not in NO_LINE_END]


def header_text(header: str, width: float) -> str:
    """The header as printed in a column ``width`` wide: as it is when it fits one line, else
    broken into the two lines whose longer is shortest."""
    if measure(header) + PAD <= width:
        return header
    splits = _splits(header)
    if not splits:
        return header
    first, second = min(splits, key=lambda s: (max(measure(s[0]), measure(s[1])), len(s[1])))
    return f"{first}\n{second}"


def _header_need(column: Column) -> float:
    """The least width the header needs: one line if that fits the nominal width, else two."""
    one = measure(column.header) + PAD
    if one <= column.width:
        return one
    return measure(header_text(column.header, 0.0)) + PAD


def _content_need(column: Column, values: Iterable[Value]) -> float:
    """The width of the widest value (and the column's sample), stopping at the column's cap."""
    cap = CODE_CAP if not column.wrap else column.width
    need = measure(column.sample) + PAD if column.sample else 0.0
    for value in values:
        if value is not None:
            need = max(need, measure(str(value)) + PAD)
            if need >= cap:
                return cap
    return need


def fit(columns: Sequence[Column],
        values: Sequence[Iterable[Value]]) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Widths (rounded to a tenth) and header texts for ``columns``, ``values[i]`` being
    every value the i-th column shows (each distinct value once is enough)."""
    widths = []
    for column, shown in zip(columns, values, strict=True):
        need = max(_content_need(column, shown), _header_need(column), MIN_WIDTH)
        widths.append(round(need + 0.049, 1))  # rounded up: never narrower than measured
    headers = tuple(header_text(c.header, w) for c, w in zip(columns, widths))
    return tuple(widths), headers
