"""Rows of a returned ledger + the records → the rectification each error should now have.

Takes the :class:`~generator.tools.ledger.read.Ledger` and the finding sources by id; gives, per
(record, error position), the new ``rectification`` mapping and the row it came from, the
number of rows that change nothing, and every problem at its cell. Pure.

A row names its error by 记录编号 and 错误序号; 普查表号 and 指标代码 must still match that
error (else the record changed since the export: refused, never guessed). Editable cells
are read as people type them: dates as date cells or text (``2019-3-5``, ``2019/03/05``,
full-width digits), text trimmed. An empty cell removes the key (owner, note, date, due:
removing them is an edit a county may make); an empty 整改状态 is refused. A 整改期限 equal
to the default the ledger showed (审核日期 + the city's days) is not written into a record
that had none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from generator.errors import RecordError
from generator.records.domain import RECTIFICATION
from generator.records.load import Source
from generator.render.annexes.ledger_rows import EDITABLE
from generator.text import ledger as T
from generator.text.imports import TYPE_NAMES
from generator.tools.importer import records as R
from generator.tools.importer.read import problem
from generator.tools.ledger.read import Ledger, Row, Sheet

DONE = RECTIFICATION[0]
DATE = re.compile(T.DATE_PATTERN)
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


def _text(value: Any, key: str) -> str | None:
    """A text cell, trimmed; TypeError for a cell that is a date or TRUE/FALSE."""
    return R.cell_text(value, key, 2 if key == "indicator_code" else None)


def _date(value: Any) -> str | None:
    """A date cell or text → ISO; ValueError for anything else."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(value)
    shown = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if not shown:
        return None
    match = DATE.match(shown)
    if match is None:
        raise ValueError(value)
    return date(*(int(g) for g in match.groups())).isoformat()


def _editable(value: Any, key: str) -> str | None:
    """An editable cell (or its exported value) as record text; ValueError for a date that
    does not read, TypeError for a cell of the wrong type."""
    if key in ("due", "date"):
        return _date(value)
    text = _text(value, key)
    if key == "status" and text is not None:
        text = "".join(unicodedata.normalize("NFKC", text).split())
    return text


def _number(value: Any) -> int:
    text = "".join(unicodedata.normalize("NFKC", str(value)).split()) if value is not None else ""
    number = float(text) if re.fullmatch(r"[0-9]+(\.0+)?", text) else 0
    if number < 1:
        raise ValueError(value)
    return int(number)


def _record(row: Row) -> str:
    """The row's 记录编号 as typed, without spaces and full-width forms."""
    return "".join(unicodedata.normalize("NFKC", str(row.values.get("record") or "")).split())


class _Rows:
    """The comparison of one ledger against the records: state for the row loop."""

    def __init__(self, ledger: Ledger, findings: dict[str, Source], days: int) -> None:
        self.ledger, self.findings, self.days = ledger, findings, days
        self.out = Compared()
        self.unsnapped = 0  # rows whose error the snapshot does not have

    def fail(self, sheet: Sheet, row: Row, key: str, code: str, **fields: object) -> None:
        column = sheet.columns.get(key)
        self.out.problems.append(problem(self.ledger.file, code, row.number, column,
                                         sheet.cell(key, row.number), **fields))
        self.out.bad_rows.add((sheet.name, row.number))

    def error_of(self, sheet: Sheet, row: Row) -> tuple[Source, int] | None:
        """The record and error position the row names, if they still match."""
        record = _record(row)
        source = self.findings.get(record)
        if source is None:
            self.fail(sheet, row, "record", "ledger.unknown_record", record=record)
            return None
        try:
            n = _number(row.values.get("error_no"))
        except ValueError:
            self.fail(sheet, row, "error_no", "ledger.bad_number",
                      value=row.values.get("error_no") or "")
            return None
        errors = source.data["errors"]
        if n > len(errors):
            self.fail(sheet, row, "error_no", "ledger.no_error", record=source.id, n=n,
                      total=len(errors))
            return None
        error = errors[n - 1]
        form, code = (_text(row.values.get(k), k) for k in ("form", "indicator_code"))
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
            return True, _editable(value, key)
        except ValueError:
            self.fail(sheet, row, key, "ledger.bad_date", value=value)
        except TypeError as exc:
            self.fail(sheet, row, key, "import.cell_type", kind=TYPE_NAMES[str(exc)],
                      hint="")
        return False, None

    def exported(self, record: str, index: int) -> dict[str, str | None] | None:
        """The error's editable values as exported, normalised like its cells (a value that
        does not read is left out: that cell is compared with the record); None without."""
        if self.ledger.snapshot is None:
            return None
        raw = self.ledger.snapshot.get((record, index + 1))
        if raw is None:
            self.unsnapped += 1
            return None
        out: dict[str, str | None] = {}
        for key, value in raw.items():
            try:
                out[key] = _editable(value, key)
            except (ValueError, TypeError):
                continue
        return out

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
        was, ok = self.exported(source.id, index), True
        for key in EDITABLE:
            if key not in sheet.columns:
                continue  # a column taken out of the sheet changes nothing
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
            is_own: bool) -> None:
        """Compare one row; ``own`` holds what the errors' own county sheets said, which a
        全市 (or other) row for the same error does not override."""
        found = self.error_of(sheet, row)
        if found is None:
            return
        source, index = found
        new = self.new_node(sheet, row, source, index)
        if new is None:
            return
        key = (source.id, index)
        old = source.data["errors"][index]["rectification"]
        if is_own:
            own[key] = (sheet, row.number, new)
        elif key in own:
            # the county's sheet wins; a copy changed otherwise is said, never used
            if new not in (old, own[key][2]):
                self.warn(sheet, row, "ledger.city_differs",
                          other=own[key][0].cell("status", own[key][1]))
            self.out.unchanged += 1
            return
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


def _usable(ledger: Ledger, sheet: Sheet, out: Compared) -> bool:
    """A sheet with the columns that name an error (a missing one is a problem)."""
    missing = [k for k in ("record", "error_no", "form", "indicator_code", "status")
               if k not in sheet.columns]
    out.problems += [problem(ledger.file, "ledger.column_missing", sheet.header_row, None,
                             f"{sheet.name}!{sheet.header_row}", header=T.HEADERS[k])
                     for k in missing]
    return all(k not in missing for k in ("record", "error_no", "form", "indicator_code"))


def compare(ledger: Ledger, findings: dict[str, Source], days: int,
            county_names: dict[str, str]) -> Compared:
    """Every row of the ledger against the records (see the module docstring). A row on
    its error's own county sheet is read first; the same error on 全市 then counts only
    where the county's sheet does not have it (the county fills its own sheet)."""
    rows = _Rows(ledger, findings, days)
    sheets = [s for s in ledger.sheets if _usable(ledger, s, rows.out)]
    own: dict[Key, tuple[Sheet, int, dict[str, str]]] = {}
    later: list[tuple[Sheet, Row]] = []
    for sheet in sheets:
        for row in sheet.rows:
            source = findings.get(_record(row))
            if source is not None and county_names.get(source.county or "") == sheet.name:
                rows.add(sheet, row, own, True)
            else:
                later.append((sheet, row))
    for sheet, row in later:
        rows.add(sheet, row, own, False)
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
