"""A filled 附件1 or 附件2 workbook (.xlsx) → tables of raw rows, each cell with its position.

Takes a workbook path, gives one :class:`Table` per sheet that carries an annex header, or a
located problem. The kind of a sheet is recognised from its header cells, never from the
file name; headers are compared after NFKC and with whitespace removed, so 全角 brackets and
stray spaces do not matter. Merged cells are read as their top-left value (附件2 merges an
object's cells down its rows), blank rows are skipped, and the table ends at a row merged
across it from its first column (the 注 line, a sub-heading), at a 注 in the 序号 column with
no data beside it, or after a long run of blank rows. Rows below that end that still hold
data are kept in :attr:`Table.beyond`: the import refuses them aloud, never drops them. The annex headers come from render/annexes/layout.py, the
same definitions the writer uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import RecordError
from generator.records.load import display_path
from generator.render.annexes import layout as L
from generator.text import imports as M

MAX_BLANK_RUN = 500  # formatted-but-empty rows to the bottom of the sheet end the table
SIGNATURE = M.SIGNATURES
OBJECT_FIELDS = ("seq", "county", "object_name", "source_type", "remark")
TRAILER_STARTS = M.TRAILER_STARTS

Grid = list[list[Any]]


def norm(value: object) -> str:
    """A header or name as compared: NFKC, no whitespace, no 必填 marker."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.split()).replace(M.REQUIRED_MARK, "")


def _columns(kind: str) -> tuple[L.Column, ...]:
    return L.annex1_columns(True) if kind == "g106" else L.annex2_columns(True)


def known_headers(kind: str) -> dict[str, str]:
    """Normalised header text → field, for one annex kind."""
    return {norm(c.header): c.field for c in _columns(kind)}


REQUIRED = {kind: tuple(c.field for c in _columns(kind)
                        if c.field not in ("county", "remark", "product_code", "seq"))
            for kind in ("g106", "finding")}


class FormulaError(str):
    """A cell holding a formula's error value (``#N/A``, ``#REF!``, ``#VALUE!``, …), as the
    workbook readers give it: what the cell shows, but not text anyone typed (most often a
    lookup that found nothing)."""


@dataclass
class RawRow:
    number: int
    values: dict[str, Any]
    carried: bool = False  # object cells taken from the row above (blank, not merged)


@dataclass
class Table:
    path: str
    sheet: str
    kind: str
    region: str | None
    header_rows: tuple[int, int]
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # where the table ended (row, what it shows) when rows below it still hold data, and
    # those rows: never imported, never silently
    ended: tuple[int, str] | None = None
    beyond: list[int] = field(default_factory=list)
    visible: bool = True  # False: a hidden sheet (an old copy, most often): not imported

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def problem(file: str, code: str, line: int | None = None, column: int | None = None,
            where: str = "", **fields: object) -> RecordError:
    return RecordError(file=file, code=code, message=M.render(code, **fields), line=line,
                       column=column, field=where)


def _value(cell: Any, unescape: Any) -> Any:
    """A cell's value; a formula's error value (``#N/A``) marked as such, not text."""
    value = cell.value
    if not isinstance(value, str):
        return value
    return FormulaError(value) if cell.data_type == "e" else unescape(value)


def _grid(ws: Any) -> tuple[Grid, dict[int, int]]:
    """Cell values with merged ranges filled in, and the rows merged across 3+ columns (by
    row: the first column such a range starts at)."""
    from openpyxl.utils.escape import unescape

    # a string as Excel shows it: openpyxl leaves OOXML's _xHHHH_ escapes (a literal
    # "_x0041_" is stored as "_x005F_x0041_") undecoded
    grid: Grid = [[_value(cell, unescape) for cell in row] for row in ws.iter_rows()]
    wide: dict[int, int] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row > len(grid):
            continue
        value = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
            row = grid[r - 1]
            row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col, rng.max_col + 1):
                row[c - 1] = value
            if rng.max_col - rng.min_col >= 2:
                wide[r] = min(wide.get(r, rng.min_col), rng.min_col)
    return grid, wide


def _find_header(grid: Grid) -> tuple[str, int] | None:
    for r, row in enumerate(grid[:30], 1):
        names = {norm(v) for v in row}
        if M.SEQ_HEADER in names:
            for kind, mark in SIGNATURE.items():
                if mark in names:
                    return kind, r
    return None


def _region(grid: Grid, before: int) -> str | None:
    prefix = norm(L.REGION_PREFIX)
    for row in grid[:before]:
        for value in row:
            text = norm(value)
            if text.startswith(prefix):
                rest = text[len(prefix):]
                return rest if rest and rest != norm(M.REGION_UNFILLED) else None
    return None


def _map_columns(table: Table, grid: Grid) -> None:
    known = known_headers(table.kind)
    group = norm(L.ANNEX2_GROUP)
    first, last = table.header_rows
    width = max(len(grid[r - 1]) for r in range(first, last + 1))
    for c in range(1, width + 1):
        texts = [grid[r - 1][c - 1] if c <= len(grid[r - 1]) else None
                 for r in range(first, last + 1)]
        names = [norm(t) for t in texts if norm(t) and norm(t) != group]
        fields = [known[n] for n in names if n in known]
        if not fields:
            if names:
                table.ignored.append(str(texts[-1] or texts[0]).strip())
            continue
        name = fields[-1]
        if name == "product_name" and name in table.columns:
            name = "product_code"  # the seed's header repeats 产品名称: the second is the code
        if name not in table.columns:
            table.columns[name] = c
            shown = str(next(t for t in reversed(texts) if norm(t)))
            # 污染源⏎类型 (a header wrapped by hand) on one line in messages, as typed otherwise
            table.headers[name] = shown.replace("\r", "").replace("\n", "").strip()


def _header_end(grid: Grid, first: int, kind: str) -> int:
    known = set(known_headers(kind)) | {norm(L.ANNEX2_GROUP)}
    last = first
    while last < len(grid):
        names = {norm(v) for v in grid[last] if norm(v)}
        if not names or not names <= known:
            break
        last += 1
    return last


def _is_trailer(values: dict[str, Any], across: bool, required: list[str]) -> bool:
    """A row that ends the table: merged across it from its first column (a 注 line, a
    sub-heading), or with a 序号 that is a note (注…, "2：") and no data beside it."""
    seq = norm(values.get("seq"))
    return across or ((seq.startswith(TRAILER_STARTS) or ":" in seq)
                      and not _data_like(values, required))


def _data_like(values: dict[str, Any], required: list[str]) -> bool:
    """Whether a row holds data: DATA_LIKE of the required columns filled, and not a
    signature line (填表人：… 审核人：… 日期：…, labels ending in a colon)."""
    filled = [values.get(f) for f in required if not _empty(values.get(f))]
    labels = sum(isinstance(v, str) and _LABEL.search(v) is not None for v in filled)
    return len(filled) >= DATA_LIKE and labels < 2


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


DATA_LIKE = 3  # required columns filled that make a row below the table's end data
_LABEL = re.compile(r"^\s*[^\s:\uff1a]{1,6}[:\uff1a]")  # a form's label: 填表人：, 日期:
SHOWN = 24  # characters of the row the table ended at, in the message


def _values(table: Table, row: list[Any]) -> dict[str, Any]:
    return {f: row[c - 1] if c <= len(row) else None for f, c in table.columns.items()}


def _required(table: Table) -> list[str]:
    return [f for f in REQUIRED[table.kind] if f in table.columns]


def _beyond(table: Table, grid: Grid, end: int, across: set[int]) -> None:
    """The rows below the table's end (row ``end``) that look like data (DATA_LIKE required
    columns filled: a signature line under the 注 does not; a row merged ``across`` the
    table, such as 填表说明, neither), with where the table ended."""
    required = _required(table)
    table.beyond = [r for r in range(end + 1, len(grid) + 1) if r not in across
                    and _data_like(_values(table, grid[r - 1]), required)]
    if table.beyond:
        shown = next((str(v).strip() for v in grid[end - 1] if not _empty(v)), "")
        table.ended = (end, shown if len(shown) <= SHOWN else shown[:SHOWN] + "…")


def _rows(table: Table, grid: Grid, wide: dict[int, int]) -> None:
    previous: RawRow | None = None
    blank_run = 0
    first = min(table.columns.values(), default=1)
    across = {r for r, c in wide.items() if c <= first}  # merged from the table's first column
    required = _required(table)
    for r in range(table.header_rows[1] + 1, len(grid) + 1):
        row = grid[r - 1]
        values = _values(table, row)
        if _is_trailer(values, r in across, required):
            _beyond(table, grid, r, across)
            break
        if all(_empty(v) for f, v in values.items() if f not in ("seq", "county")):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                _beyond(table, grid, r, across)
                break
            continue
        blank_run = 0
        raw = RawRow(r, values)
        objects = [f for f in ("seq", "object_name", "source_type") if f in values]
        if (table.kind == "finding" and previous is not None and objects
                and all(_empty(values[f]) for f in objects)):
            for f in OBJECT_FIELDS:
                if f in values and _empty(values[f]):
                    values[f] = previous.values.get(f)
            raw.carried = True
        table.rows.append(raw)
        previous = raw


def _table(path: str, ws: Any) -> Table | None:
    grid, wide = _grid(ws)
    found = _find_header(grid)
    if found is None:
        return None
    kind, first = found
    table = Table(path, ws.title, kind, _region(grid, first - 1),
                  (first, _header_end(grid, first, kind)),
                  visible=getattr(ws, "sheet_state", "visible") == "visible")
    _map_columns(table, grid)
    _rows(table, grid, wide)
    return table


def read_workbook(path: Path) -> tuple[list[Table], list[RecordError]]:
    """Every annex table in the workbook, in sheet order; or the problem that stopped reading
    (generator/tools/importer/open.py says what an unreadable file really is)."""
    from generator.tools.importer.open import Unreadable, open_workbook

    file = display_path(path)
    try:
        wb = open_workbook(path, file)
    except Unreadable as exc:
        return [], [exc.problem]
    tables = [t for t in (_table(file, ws) for ws in wb.worksheets) if t is not None]
    if not tables:
        return [], [problem(file, "import.not_annex")]
    return tables, []
