"""The shape of the annex tables of the seed (附件1/2/3), as data. Pure; no openpyxl here.

Both the writer (render/annexes/excel.py through render/annexes/sheets.py) and the importer
(generator/tools/importer/read.py) read these definitions, so a header renamed (its text is in
generator/text/annexes.py) is renamed in the workbook and recognised on import at once. A sheet is described by :class:`SheetSpec`:
cells with a style role, merged ranges, column widths, the table's extent and its header
rows; one generic writer turns any SheetSpec into a worksheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date

from generator.render.annexes.heights import text_width
from generator.text import annexes as A
from generator.text import render

# What the importer (tools/importer/read.py), the site's links and the tests take from the
# layout; the text itself, with every header below, lives in generator/text/annexes.py.
FILES, REGION_PREFIX, ANNEX2_GROUP = A.FILES, A.REGION_PREFIX, A.ANNEX2_GROUP
H = A.HEADERS  # a column's header, by the record field it shows
EMPTY_ROWS = 3  # blank bordered rows on a sheet with no records, to be filled in by hand


@dataclass(frozen=True)
class Column:
    """One column of an annex table: the record field it shows, its header, its print width."""

    field: str
    header: str
    width: float
    text: bool = True  # formatted as text ('@'): what people type stays what they typed
    centre: bool = False
    wrap: bool = True  # False: a code, never broken over lines (render/annexes/widths.py)
    sample: str = ""  # a typical widest value: the width a blank or sparse table still needs


SEQ = Column("seq", H["seq"], 6, text=False, centre=True, wrap=False)
COUNTY = Column("county", H["county"], 12, centre=True, wrap=False)

ANNEX1_COLUMNS = (
    SEQ,
    Column("enterprise", H["enterprise"], 16),
    Column("summary", H["summary"], 30),
    Column("industry_name", H["industry_name"], 14),
    Column("industry_code", H["industry_code"], 9, centre=True, wrap=False, sample="2662"),
    Column("product_name", H["product_name"], 12),
    # The seed's header repeats 产品名称; DESIGN.md reads the second as the product's code.
    Column("product_code", H["product_code"], 10, centre=True, wrap=False, sample="251105010/0"),
    Column("product_unit", H["product_unit"], 9, centre=True, wrap=False),
    Column("material_name", H["material_name"], 12),
    Column("material_unit", H["material_unit"], 9, centre=True, wrap=False),
    Column("process_name", H["process_name"], 14),
    Column("scale", H["scale"], 10, centre=True, wrap=False),
    Column("scale_unit", H["scale_unit"], 10, centre=True, wrap=False),
    Column("pollutant", H["pollutant"], 12),
    Column("pollutant_unit", H["pollutant_unit"], 11, centre=True, wrap=False),
    Column("treatment", H["treatment"], 14),
    Column("enumerator_id", H["enumerator_id"], 12, centre=True, wrap=False,
           sample="HL-0311"),
)

ANNEX2_OBJECT_COLUMNS = (
    SEQ,
    Column("object_name", H["object_name"], 24),
    Column("source_type", H["source_type"], 9, centre=True, wrap=False),
)
ANNEX2_ERROR_COLUMNS = (
    Column("form", H["form"], 11, centre=True, wrap=False, sample="G103-13"),
    Column("indicator_code", H["indicator_code"], 8, centre=True, wrap=False, sample="03"),
    Column("indicator_name", H["indicator_name"], 16),
    Column("reason", H["reason"], 48),
)
ANNEX2_REMARK = Column("remark", H["remark"], 18)

ANNEX3_WIDTHS = (16, 6, 18, 26, 64)

SUMMARY_COLUMNS = (
    Column("county", H["county"], 24),
    Column("reviewed", H["reviewed"], 12, text=False, centre=True),
    Column("problem_objects", H["problem_objects"], 12, text=False, centre=True),
    Column("errors", H["errors"], 10, text=False, centre=True),
    Column("error_rate", H["error_rate"], 10, centre=True),
    Column("rectification_rate", H["rectification_rate"], 10, centre=True),
)


def annex2_columns(with_county: bool) -> tuple[Column, ...]:
    objects: tuple[Column, ...] = ANNEX2_OBJECT_COLUMNS
    if with_county:
        objects = (SEQ, COUNTY) + ANNEX2_OBJECT_COLUMNS[1:]
    return objects + ANNEX2_ERROR_COLUMNS + (ANNEX2_REMARK,)


def annex1_columns(with_county: bool) -> tuple[Column, ...]:
    return (SEQ, COUNTY) + ANNEX1_COLUMNS[1:] if with_county else ANNEX1_COLUMNS


# ---------------------------------------------------------------- sheets as data

Value = str | int | None


@dataclass(frozen=True)
class Cell:
    value: Value
    role: str = "body"  # label | title | region | date | header | body | note (excel.py styles)
    text: bool = False  # number format '@'
    centre: bool = False
    comment: str | None = None  # a note shown on hover in Excel/WPS, never printed


@dataclass(frozen=True)
class ChartSpec:
    """A clustered bar chart of one column of the sheet against its category column."""

    title: str
    y_title: str
    categories: tuple[int, int, int]  # column, first row, last row
    values: tuple[int, int, int]  # column, header row, last row
    anchor: str


@dataclass(frozen=True)
class ListCheck:
    """A dropdown on cells (``cells``, as "C6:C205"): the values of ``source`` (a formula such
    as "'选项'!$A$2:$A$6"); other input refused (``strict``) or only warned about."""

    cells: str
    source: str
    strict: bool = True


class CellGrid(MutableMapping[tuple[int, int], Cell]):
    """A sheet's cells by (row, column), held as one small dict per row rather than one
    entry per cell with a tuple key: a city-wide 附件2 at ten times city scale has some
    three million cells, and the tuples alone were a third of a gigabyte. Iterates row by
    row in the order rows were first used, each row's cells in the order they were put."""

    def __init__(self) -> None:
        self.by_row: dict[int, dict[int, Cell]] = {}
        self._count = 0

    def __getitem__(self, at: tuple[int, int]) -> Cell:
        return self.by_row[at[0]][at[1]]

    def __setitem__(self, at: tuple[int, int], cell: Cell) -> None:
        row = self.by_row.setdefault(at[0], {})
        self._count += at[1] not in row
        row[at[1]] = cell

    def __delitem__(self, at: tuple[int, int]) -> None:
        row = self.by_row[at[0]]
        del row[at[1]]
        self._count -= 1
        if not row:
            del self.by_row[at[0]]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for r, row in self.by_row.items():
            for c in row:
                yield r, c

    def __len__(self) -> int:
        return self._count

    def put_row(self, r: int, cells: dict[int, Cell]) -> None:
        """Every cell of a new row at once (``cells`` by column, in the order they are put;
        the grid keeps the dict): what putting them one by one gives, without a call each."""
        if r in self.by_row:
            for c, cell in cells.items():
                self[(r, c)] = cell
            return
        self.by_row[r] = cells
        self._count += len(cells)

    def row(self, r: int) -> Mapping[int, Cell]:
        """The cells of row ``r`` by column (empty when it has none)."""
        return self.by_row.get(r, _NO_CELLS)


_NO_CELLS: Mapping[int, Cell] = {}


@dataclass
class SheetSpec:
    """Everything the generic writer needs for one worksheet (1-based rows and columns)."""

    name: str
    widths: tuple[float, ...]
    cells: CellGrid = field(default_factory=CellGrid)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    tables: list[tuple[int, int, int, int]] = field(default_factory=list)  # bordered blocks
    header_rows: tuple[int, int] = (4, 4)
    pages_tall: int = 0  # fitToHeight: 0 = as many pages down as the rows need
    keep: list[tuple[int, int]] = field(default_factory=list)  # rows kept on one page
    checks: list[ListCheck] = field(default_factory=list)  # dropdowns (fill-in templates)
    hidden: bool = False  # a sheet of lists behind the dropdowns, not for people to read
    charts: list[ChartSpec] = field(default_factory=list)

    def put(self, row: int, column: int, cell: Cell) -> None:
        self.cells[(row, column)] = cell

    def merge(self, row: int, column: int, last_row: int, last_column: int, cell: Cell) -> None:
        """A value placed in the top-left cell of a merged range (a 1×1 range is not merged)."""
        self.put(row, column, cell)
        if (row, column) != (last_row, last_column):
            self.merges.append((row, column, last_row, last_column))


# What Excel, WPS and LibreOffice take for the start of a formula when a cell is edited; an
# East Asian input method may type the full-width signs, which Excel also reads as formulas.
# Text starting so is quote-prefixed in every workbook (the annexes, the ledger).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", *A.FULL_WIDTH_FORMULA_SIGNS)
# Characters XML 1.0 cannot carry (control characters, U+FFFE/U+FFFF, lone surrogates), which
# openpyxl and lxml refuse; a YAML escape such as "\uFFFE" can put them in a record, and a
# renderer must not crash on text it did not expect. Shown as U+FFFD wherever text is written.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A sheet name as Excel and LibreOffice read it decodes OOXML's _xHHHH_ (see excel.py), but
# the print titles' defined name refers to the sheet by its name as written: in a sheet name
# such an underscore becomes a full-width one, which nothing decodes.
_XSTRING = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters, none of []:*?/\\ , no
    ``_xHHHH_`` (the region row under the title shows the name exactly)."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'") or "Sheet"
    clean = _XSTRING.sub(A.FULL_WIDTH_UNDERSCORE, ILLEGAL.sub("\ufffd", clean))
    candidate, n = clean[:31], 2
    while candidate in taken:
        suffix = f"({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def heading(spec: SheetSpec, annex: str, region: str, columns: int,
            as_of: date | None = None) -> None:
    """Rows 1–3 of every annex sheet: 附件N, the title, 指导区域：… and, when the date of the
    data is given, 数据截至：… at the right of that row (over the last columns, as many as its
    text needs, by ``spec.widths``)."""
    spec.put(1, 1, Cell(A.LABELS[annex], "label"))
    spec.merge(2, 1, 2, columns, Cell(A.TITLES[annex], "title", centre=True))
    spec.heights[2] = 36
    spec.heights[3] = 22
    if as_of is None:
        spec.merge(3, 1, 3, columns, Cell(REGION_PREFIX + region, "region"))
        return
    first = _as_of_columns(spec, as_of, columns)
    spec.merge(3, 1, 3, first - 1, Cell(REGION_PREFIX + region, "region"))
    spec.merge(3, first, 3, columns, Cell(as_of_text(as_of), "date"))


def as_of_text(as_of: date) -> str:
    """数据截至：2019年5月30日"""
    return render("annex.as_of", year=as_of.year, month=as_of.month, day=as_of.day)


def _as_of_columns(spec: SheetSpec, as_of: date, columns: int) -> int:
    """The first of the last columns that together are wide enough for the as-of text (never
    the first column: 指导区域 keeps it)."""
    need = text_width(as_of_text(as_of)) * 1.1 + 2
    first, have = columns, spec.widths[columns - 1]
    while have < need and first > 2:
        first -= 1
        have += spec.widths[first - 1]
    return first
