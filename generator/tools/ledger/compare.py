"""Rows of a returned ledger + the records → the rectification each error should now have.

Takes the :class:`~generator.tools.ledger.read.Ledger` and the finding sources by id; gives, per
(record, error position), the new ``rectification`` mapping and the row it came from, the
number of rows that change nothing, and every problem at its cell. Pure.

A row names its error by 记录编号 and 错误序号; 普查表号 and 指标代码 must still match that
error (else the record changed since the export: refused, never guessed). Editable cells
are read as people type them (cells.py). An empty cell removes the key (owner, note, date, due:
removing them is an edit a county may make); an empty 整改状态 is refused. A 整改期限 equal
to the default the ledger showed (审核日期 + the city's days) is not written into a record
that had none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from generator.errors import RecordError
from generator.records.domain import RECTIFICATION
from generator.records.load import Source
from generator.render.annexes.ledger_rows import EDITABLE
from generator.text import ledger as T
from generator.tools.importer.read import problem
from generator.tools.importer.records import cell_problem
from generator.tools.ledger.cells import cell_text, editable, error_number, record_id
from generator.tools.ledger.read import Ledger, Row, Sheet

DONE = RECTIFICATION[0]
SAME = ("record", "error_no", "form", "indicator_code", *EDITABLE)  # a row's cells compared
Key = tuple[str, int]  # record id, error position from 0


@dataclass
class Change:
    source: Source
    index: int
    new: dict[str, str]
    sheet: Sheet
    row: int


@dataclass
class Compared:
    changes: dict[Key, Change] = field(default_factory=dict)
    unchanged: int = 0
    problems: list[RecordError] = field(default_factory=list)
    bad_rows: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row)


class _Rows:
    """The comparison of one ledger against the records: state for the row loop."""

    def __init__(self, ledger: Ledger, findings: dict[str, Source], days: int,
                 invalid: dict[str, str]) -> None:
        self.ledger, self.findings, self.days = ledger, findings, days
        self.invalid = invalid
        self.out = Compared()
        self.unsnapped = 0  # rows whose error the snapshot does not have

    def fail(self, sheet: Sheet, row: Row, key: str, code: str, **fields: object) -> None:
        column = sheet.columns.get(key)
        self.out.problems.append(problem(self.ledger.file, code, row.number, column,
                                         sheet.cell(key, row.number), **fields))
        self.out.bad_rows.add((sheet.name, row.number))

    def error_of(self, sheet: Sheet, row: Row) -> tuple[Source, int] | None:
        """The record and error position the row names, if they still match."""
        record = record_id(row)
        source = self.findings.get(record)
        if source is None and record in self.invalid:
            self.fail(sheet, row, "record", "ledger.invalid_record", record=record,
                      record_file=self.invalid[record])
            return None
        if source is None:
            self.fail(sheet, row, "record", "ledger.unknown_record", record=record)
            return None
        try:
            n = error_number(row.values.get("error_no"))
        except ValueError:
            typed = row.values.get("error_no")
            self.fail(sheet, row, "error_no", "ledger.bad_number",
                      value="" if typed is None else typed)  # 0 is shown as 0
            return None
        errors = source.data["errors"]
        if n > len(errors):
            self.fail(sheet, row, "error_no", "ledger.no_error", record=source.id, n=n,
                      total=len(errors))
            return None
        error = errors[n - 1]
        form, code = (cell_text(row.values.get(k), k) for k in ("form", "indicator_code"))
        if (form, code) != (error["form"], error["indicator_code"]):
            self.fail(sheet, row, "form", "ledger.stale", record=source.id, n=n,
                      form=error["form"], indicator=error["indicator_code"],
                      row_form=form or "", row_indicator=code or "")
            return None
        return source, n - 1

    def cell(self, sheet: Sheet, row: Row, key: str) -> tuple[bool, str | None]:
        """(ok, value) of an editable cell as record text."""
        value = row.values.get(key)
        try:
            return True, editable(value, key)
        except ValueError:
            self.fail(sheet, row, key, "ledger.bad_date", value=value)
        except TypeError as exc:
            code, fields = cell_problem(str(exc), date_hint=False)  # a ledger's own dates
            self.fail(sheet, row, key, code, **fields)
        return False, None

    def raw(self, record: str, index: int) -> dict[str, Any] | None:
        """The error's editable values as exported, as stored; None without (counted)."""
        if self.ledger.snapshot is None:
            return None
        raw = self.ledger.snapshot.get((record, index + 1))
        if raw is None:
            self.unsnapped += 1
        return raw

    def edited(self, sheet: Sheet, row: Row, key: str, value: str | None,
               was: dict[str, str | None] | None, now: str | None) -> bool | None:
        """Whether the cell's value is to be written: False when it is as exported (the
        record keeps what it says now), None (refused) when the record changed too."""
        if was is None or key not in was:
            return True  # no snapshot: compared with the record, as before
        if value == was[key]:
            return False
        if now not in (was[key], value):
            self.fail(sheet, row, key, "ledger.edit_conflict", record=row.values.get("record"),
                      n=row.values.get("error_no"), header=T.HEADERS[key],
                      exported=was[key] or "", now=now or "", value=value or "")
            return None
        return True

    def new_node(self, sheet: Sheet, row: Row, source: Source, index: int
                 ) -> dict[str, str] | None:
        old: dict[str, str] = dict(source.data["errors"][index]["rectification"])
        new = dict(old)
        default = (date.fromisoformat(source.data["reviewed_on"])
                   + timedelta(days=self.days)).isoformat()
        raw = self.raw(source.id, index)
        was: dict[str, str | None] | None = None  # normalised when a cell needs it
        ok = True
        for key in EDITABLE:
            if key not in sheet.columns or (raw is not None and _as_exported(
                    row.values.get(key), raw.get(key, _GONE), key)):
                continue  # taken out of the sheet, or as exported: the record keeps its value
            if was is None and raw is not None:
                was = _normalised(raw)
            good, value = self.cell(sheet, row, key)
            if key == "status" and good and value is None:
                self.fail(sheet, row, key, "ledger.blank", header=T.HEADERS[key])
                good = False
            now = old.get(key, default if key == "due" else None)  # due: as the ledger shows it
            write = self.edited(sheet, row, key, value, was, now) if good else None
            ok = ok and write is not None
            if write and value is None:
                new.pop(key, None)
            elif write and value is not None:
                new[key] = value
        if "due" not in old and new.get("due") == default:
            new.pop("due")  # the default the ledger showed in grey: not a deadline set
        return new if ok else None

    def add(self, sheet: Sheet, row: Row, own: dict[Key, tuple[Sheet, int, dict[str, str]]],
            is_own: bool) -> Key | None:
        """Compare one row; ``own`` holds what the errors' own county sheets said, which a
        全市 (or other) row for the same error does not override. The key the row was
        entered under in ``own``, if it was."""
        found = self.error_of(sheet, row)
        if found is None:
            return None
        source, index = found
        new = self.new_node(sheet, row, source, index)
        if new is None:
            return None
        key = (source.id, index)
        old = source.data["errors"][index]["rectification"]
        if is_own:
            own[key] = (sheet, row.number, new)
            self.record(sheet, row, source, index, new)
            return key
        if key in own:
            # the county's sheet wins; a copy changed otherwise is said, never used
            if new not in (old, own[key][2]):
                self.warn(sheet, row, "ledger.city_differs",
                          other=own[key][0].cell("status", own[key][1]))
            self.out.unchanged += 1
            return None
        self.record(sheet, row, source, index, new)
        return None

    def record(self, sheet: Sheet, row: Row, source: Source, index: int,
               new: dict[str, str]) -> None:
        """The row's new rectification for the error, unless it changes nothing."""
        key = (source.id, index)
        old = source.data["errors"][index]["rectification"]
        if new == old:
            self.out.unchanged += 1
            return
        earlier = self.out.changes.get(key)
        if earlier is not None and earlier.new != new:
            self.fail(sheet, row, "status", "ledger.conflict",
                      other=earlier.sheet.cell("status", earlier.row))
            return
        self.out.changes[key] = Change(source, index, new, sheet, row.number)
        if old["status"] == DONE and new["status"] != DONE and earlier is None:
            self.warn(sheet, row, "ledger.reopened", record=source.id, n=index + 1,
                      status=new["status"])

    def warn(self, sheet: Sheet, row: Row, code: str, **fields: object) -> None:
        self.out.problems.append(replace(problem(
            self.ledger.file, code, row.number, sheet.columns.get("status"),
            sheet.cell("status", row.number), **fields), severity="warning"))


_GONE = object()  # a key the snapshot does not have


def _as_exported(cell: Any, exported: Any, key: str) -> bool:
    """Whether the cell holds exactly its exported value (the usual cell of a returned
    ledger), so that it reads as that value without reading either: the same text, both
    blank (but for 整改状态, which may not be), or a date cell on the exported ISO day."""
    if type(cell) is str or (cell is None and key != "status"):
        return bool(cell == exported)
    return (key in ("due", "date") and isinstance(cell, datetime)
            and cell.date().isoformat() == exported)


def _normalised(raw: dict[str, Any]) -> dict[str, str | None]:
    """The exported values normalised like the cells (a value that does not read is left
    out: that cell is compared with the record)."""
    out: dict[str, str | None] = {}
    for key, value in raw.items():
        try:
            out[key] = editable(value, key)
        except (ValueError, TypeError):
            continue
    return out


def _usable(ledger: Ledger, sheet: Sheet, out: Compared) -> bool:
    """A sheet with the columns that name an error (a missing one is a problem)."""
    missing = [k for k in ("record", "error_no", "form", "indicator_code", "status")
               if k not in sheet.columns]
    out.problems += [problem(ledger.file, "ledger.column_missing", sheet.header_row, None,
                             f"{sheet.name}!{sheet.header_row}", header=T.HEADERS[k])
                     for k in missing]
    return all(k not in missing for k in ("record", "error_no", "form", "indicator_code"))


def _copy(row: Row, twins: dict[tuple[str, Any], tuple[Sheet, Row, Key]],
          own: dict[Key, tuple[Sheet, int, dict[str, str]]]) -> bool:
    """Whether ``row`` holds exactly the cells of the county's own row for its error (the
    one ``own`` took), so that comparing it again could only count it unchanged."""
    twin = twins.get((record_id(row), row.values.get("error_no")))
    taken = own.get(twin[2]) if twin is not None else None
    if twin is None or taken is None or taken[0] is not twin[0] or taken[1] != twin[1].number:
        return False
    return all(row.values.get(k) == twin[1].values.get(k) for k in SAME)


def compare(ledger: Ledger, findings: dict[str, Source], days: int,
            county_names: dict[str, str], invalid: dict[str, str] | None = None) -> Compared:
    """Every row of the ledger against the records (see the module docstring). A row on
    its error's own county sheet is read first; the same error on 全市 then counts only
    where the county's sheet does not have it (the county fills its own sheet).
    ``findings`` are the records as the schema has them; ``invalid``, the ids of those that
    are not (or do not read), by file: a row naming one is refused, never compared."""
    rows = _Rows(ledger, findings, days, invalid or {})
    sheets = [s for s in ledger.sheets if _usable(ledger, s, rows.out)]
    own: dict[Key, tuple[Sheet, int, dict[str, str]]] = {}
    twins: dict[tuple[str, Any], tuple[Sheet, Row, Key]] = {}  # own rows, by the ids typed
    later: list[tuple[Sheet, Row]] = []
    for sheet in sheets:
        for row in sheet.rows:
            source = findings.get(record_id(row))
            if source is not None and county_names.get(source.county or "") == sheet.name:
                key = rows.add(sheet, row, own, True)
                if key is not None:
                    twins[(record_id(row), row.values.get("error_no"))] = (sheet, row, key)
            else:
                later.append((sheet, row))
    for sheet, row in later:
        if not _copy(row, twins, own):
            rows.add(sheet, row, own, False)
        else:  # 全市's copy of the county's own row: the same cells say the same
            rows.out.unchanged += 1
    _snapshot_notes(ledger, rows)
    return rows.out


def _snapshot_notes(ledger: Ledger, rows: _Rows) -> None:
    """One warning when the ledger has no snapshot, or when rows are missing from it."""
    if ledger.snapshot is None:
        code, n = "ledger.no_snapshot", 0
    elif rows.unsnapped:
        code, n = "ledger.snapshot_rows", rows.unsnapped
    else:
        return
    rows.out.problems.append(replace(problem(ledger.file, code, sheet=T.SNAPSHOT_SHEET, n=n),
                                     severity="warning"))
