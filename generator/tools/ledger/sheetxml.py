"""A returned ledger's bytes → its sheets' rows of cell values, read straight from the
workbook's XML parts with the standard library (zipfile, ElementTree's streaming parser).

Takes the bytes of an .xlsx (already sniffed as one, tools/importer/open.py); gives a
:class:`Book` (sheet names and parts in workbook order, the shared strings, which cell
styles are dates) and, per sheet, its rows as ``(row number, {column: value})`` with the
columns from 1, rows and cells absent from the file left out. A city's ledger has 33,000
rows on its county sheets and as many on 全市: openpyxl's object model builds and parses an
object per cell and was half of the import; here a cell costs a few dictionary look-ups.

Values mean what openpyxl (data_only) makes of them, which tests/test_ledger_sheetxml.py
checks cell kind by cell kind: text (shared or inline, rich runs joined, phonetic runs left
out), numbers (int when written without a point or exponent), dates and times where the
cell's number format is one (openpyxl's public ``is_date_format`` and ``from_excel``),
booleans, error texts, a formula's cached value. One difference, on purpose: OOXML's
``_xHHHH_`` escapes are decoded in every string (openpyxl decodes only ``_x005F_`` in shared
strings and none inline), so a text reads back as the clerk typed it whoever saved it.
Namespaces are matched by local name: Excel's Strict and Transitional files read alike.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from posixpath import join, normpath
from typing import Any
from xml.etree.ElementTree import Element, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from generator.tools.importer.read import FormulaError

ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
Cells = dict[int, Any]


MAX_COLUMN = 16384  # XFD, the last column of Excel and of the OOXML grid
# Row elements in a row without a value (in the columns read) after which the rest of a sheet
# is taken as empty: the readers stop at a run of MAX_BLANK_RUN blank rows below at most
# HEADER_SEARCH rows of title, so nothing they would read is passed over, and a crafted sheet
# of millions of empty rows costs no more than that.
EMPTY_RUN = 600


@cache
def local(tag: str) -> str:
    """``{namespace}name`` → ``name``."""
    return tag.rpartition("}")[2]


@cache
def column(ref: str) -> int:
    """The column of a cell reference: ``AB12``, ``$AB$12`` or ``ab12`` → 28; 0 for one
    without column letters."""
    letters = ref.replace("$", "").rstrip("0123456789").upper()
    if not (letters.isascii() and letters.isalpha()):
        return 0
    n = 0
    for char in letters[:4]:
        n = n * 26 + ord(char) - 64
    if len(letters) > 3 or n > MAX_COLUMN:  # a row would be built as wide as that
        raise ValueError(f"cell reference beyond column XFD: {ref[:20]!r}")
    return n


def unescape(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes decoded (``_x005F_`` is an escaped underscore)."""
    return ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


@dataclass(frozen=True)
class Tags:
    """The element names of one part, namespace and all (compared as strings: the cheapest
    test in the inner loop)."""

    c: str
    v: str
    inline: str
    t: str
    r: str

    @staticmethod
    @cache
    def of(tag: str) -> Tags:
        """The names in the namespace of ``tag`` (``{namespace}name``)."""
        ns = tag[: len(tag) - len(local(tag))]
        return Tags(ns + "c", ns + "v", ns + "is", ns + "t", ns + "r")


def text_of(node: Element, tags: Tags) -> str:
    """A string item's text: its own ``t`` and each run's, phonetic runs left out."""
    first = node.find(tags.t)
    if first is not None and len(node) == 1:  # plain text, the common case
        return unescape(first.text or "")
    parts = []
    for child in node:
        if child.tag == tags.t:
            parts.append(child.text or "")
        elif child.tag == tags.r:
            parts += [t.text or "" for t in child if t.tag == tags.t]
    return unescape("".join(parts))


@dataclass
class Book:
    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]]  # (sheet name, part path) in workbook order
    strings: list[str]
    dates: frozenset[int]  # cell style indices with a date or time format
    durations: frozenset[int]  # … with an elapsed-time format ([h]:mm)
    epoch: datetime


def _parse(archive: zipfile.ZipFile, part: str) -> Element:
    from xml.etree.ElementTree import parse

    with archive.open(part) as handle:
        return parse(handle).getroot()


def sheet_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], datetime]:
    """(sheet name, part path) of every sheet in workbook order, and the date epoch."""
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    book = _parse(archive, "xl/workbook.xml")
    sheets, epoch = [], CALENDAR_WINDOWS_1900
    for node in book.iter():
        name = local(node.tag)
        if name == "workbookPr" and node.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
        elif name == "sheet":
            rid = next((v for k, v in node.attrib.items() if local(k) == "id"), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            sheets.append((node.get("name", ""), part))
    return sheets, epoch


def _strings(archive: zipfile.ZipFile, parts: set[str]) -> list[str]:
    part = "xl/sharedStrings.xml"
    if part not in parts:
        return []
    out = []
    with archive.open(part) as handle:
        for _, node in iterparse(handle):
            if local(node.tag) == "si":
                out.append(text_of(node, Tags.of(node.tag)))
                node.clear()
    return out


def _styles(archive: zipfile.ZipFile, parts: set[str]) -> tuple[frozenset[int], frozenset[int]]:
    if "xl/styles.xml" not in parts:
        return frozenset(), frozenset()
    root = _parse(archive, "xl/styles.xml")
    codes: dict[int, str] = dict(BUILTIN_FORMATS)
    xfs: list[int] = []
    for node in root:
        if local(node.tag) == "numFmts":
            codes.update({int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in node})
        elif local(node.tag) == "cellXfs":
            xfs = [int(x.get("numFmtId", "0")) for x in node]
    dates = {i for i, f in enumerate(xfs) if is_date_format(codes.get(f, ""))}
    durations = {i for i in dates if is_timedelta_format(codes.get(xfs[i], ""))}
    return frozenset(dates), frozenset(durations)


def open_book(data: bytes) -> Book:
    """The workbook in ``data``; KeyError, zipfile.BadZipFile or a ParseError when a part
    the reading needs is missing or damaged."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = set(archive.namelist())
    sheets, epoch = sheet_parts(archive)
    return Book(archive, sheets, _strings(archive, parts), *_styles(archive, parts), epoch)


def _number(raw: str, style: int, book: Book) -> Any:
    number: float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
    if style in book.dates:
        try:
            return from_excel(number, book.epoch, timedelta=style in book.durations)
        except (OverflowError, ValueError):  # no date: openpyxl says the same
            return "#VALUE!"
    return number


def _value(cell: Element, book: Book, tags: Tags) -> Any:
    """A ``<c>``'s value (see the module docstring); None when it has none."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(tags.inline)
        return None if inline is None else text_of(inline, tags)
    raw = cell.findtext(tags.v)
    if not raw:  # no <v>, or an empty one
        return None
    if kind == "s":
        return book.strings[int(raw)]
    if kind == "str":
        return unescape(raw)
    if kind == "e":  # a formula's error value: shown, but not text anyone typed
        return FormulaError(unescape(raw))
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(raw.rstrip("Z"))
        except ValueError:
            return raw
    return _number(raw, int(cell.get("s") or 0), book) if raw.strip() else None


def _cells(row: Element, book: Book, wanted: Container[int] | None) -> Cells:
    tags = Tags.of(row.tag)
    out: Cells = {}
    at = 0
    for cell in row:
        if cell.tag != tags.c:
            continue
        ref = cell.get("r")
        at = (column(ref) or at + 1) if ref else at + 1
        if wanted is not None and at not in wanted:
            continue
        value = _value(cell, book, tags)
        if value is not None:
            out[at] = value
    return out


class Rows:
    """The rows of the sheet at ``part`` holding a value, in file order, each as (row number
    from 1, {column from 1: value}), up to a run of EMPTY_RUN rows without one; ValueError
    or a ParseError on a damaged part (a cell reference beyond XFD too). Setting
    :attr:`wanted` while iterating reads only those columns from the next row on (the
    ledger's columns, once its header row is found: a third of the cells are not needed)."""

    def __init__(self, book: Book, part: str) -> None:
        self.book, self.part = book, part
        self.wanted: Container[int] | None = None

    def __iter__(self) -> Iterator[tuple[int, Cells]]:
        number = empty = 0
        row = None  # the row element's name, once met: then a string comparison
        with self.book.archive.open(self.part) as handle:
            for _, node in iterparse(handle):
                if node.tag != row:
                    if row is not None or local(node.tag) != "row":
                        continue
                    row = node.tag
                raw = node.get("r")
                number = int(float(raw)) if raw else number + 1
                cells = _cells(node, self.book, self.wanted)
                node.clear()
                if cells:
                    empty = 0
                    yield number, cells
                else:
                    empty += 1
                    if empty > EMPTY_RUN:  # the readers stop at such a run anyway
                        return


# <mergeCell ref="A1:B2"/> as any writer spells it: a prefix, either quote, $ and small letters
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*([\"'])([^\"']*)\1")
_PIECE = 1 << 20  # bytes of a sheet's XML scanned at a time
_OVERLAP = 256  # bytes kept between pieces: more than a mergeCell element takes


def merged_ranges(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of the sheet at ``part``, as (first column, first row, last column,
    last row), in file order; read from its XML in pieces, whatever the rows (they come after
    <sheetData>, which a reader may stop reading early). A reference that is no range is
    left out."""
    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[int, int, int, int]] = []
    seen: set[int] = set()  # where each was found: a piece's overlap may show one twice
    with archive.open(part) as handle:
        offset, tail = 0, b""
        while piece := handle.read(_PIECE):
            text = tail + piece
            for match in _MERGE.finditer(text):
                at = offset - len(tail) + match.start()
                if at in seen:
                    continue
                seen.add(at)
                try:
                    c1, r1, c2, r2 = range_boundaries(match.group(2).decode("ascii"))
                except (TypeError, ValueError, UnicodeDecodeError):
                    continue
                if c1 is not None and r1 is not None and c2 is not None and r2 is not None:
                    found.append((c1, r1, c2, r2))
            offset += len(piece)
            tail = text[-_OVERLAP:]
    return found


def rows(book: Book, part: str) -> Rows:
    """The rows of the sheet at ``part`` (see :class:`Rows`)."""
    return Rows(book, part)
