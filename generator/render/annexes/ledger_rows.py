"""Census → the rows of the rectification ledger (整改台账.xlsx), one per error. Pure.

Takes the typed census, the city's default days and the as-of date (数据截至); gives the
sheets in order (全市 first, then each county by division code, even one without errors, so
every county has its own sheet to fill), each a list of :class:`LedgerRow`. The columns
(:data:`COLUMNS`) say which cells a county may edit; the importer reads them back by the
same keys (generator/tools/ledger/read.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from generator.records.model import Census, Finding
from generator.records.rectification import due_date, overdue_days
from generator.text import ledger as T


@dataclass(frozen=True)
class Column:
    key: str  # a key of text.ledger.HEADERS
    width: float
    kind: str = "text"  # text, date or int
    editable: bool = False


COLUMNS = (
    Column("seq", 6, "int"), Column("record", 18), Column("error_no", 6, "int"),
    Column("object_name", 24), Column("form", 9), Column("indicator_code", 6),
    Column("indicator_name", 14), Column("reason", 36), Column("reviewed_on", 11, "date"),
    Column("due", 11, "date", True), Column("owner", 10, editable=True),
    Column("status", 9, editable=True), Column("date", 11, "date", True),
    Column("note", 24, editable=True), Column("overdue", 7, "int"),
)
EDITABLE = tuple(c.key for c in COLUMNS if c.editable)


class LedgerRow(NamedTuple):
    """One error as the ledger shows it; ``due_default`` when 整改期限 is the default. A named
    tuple: a build hands the rows to the process that writes the ledger (ledger_job.py) as
    plain tuples, the cheapest thing to pickle."""

    record: str
    error_no: int  # the error's position in its record, from 1
    object_name: str
    form: str
    indicator_code: str
    indicator_name: str
    reason: str
    reviewed_on: date
    due: date
    due_default: bool
    owner: str | None
    status: str
    date: date | None
    note: str | None
    overdue: int | None


def finding_rows(finding: Finding, days: int, as_of: date) -> list[LedgerRow]:
    """The rows of one finding's errors (``days``, the city's default days to a deadline)."""
    out = []
    for number, error in enumerate(finding.errors, 1):
        out.append(LedgerRow(
            finding.id, number, finding.object_name, error.form, error.indicator_code,
            error.indicator_name, error.reason, date.fromisoformat(finding.reviewed_on),
            due_date(error, finding, days), error.due is None, error.owner, error.status,
            date.fromisoformat(error.date) if error.date else None, error.note,
            overdue_days(error, finding, days, as_of)))
    return out


def county_findings(census: Census) -> list[tuple[str | None, list[Finding]]]:
    """(county name, findings) for every county in order, even one without findings, in the
    census's order; findings of a county the census does not list come last, their name None
    (validation refuses one: no sheet is made for it, the 全市 sheet still shows it)."""
    names: dict[str, str | None] = {c.slug: c.name for c in census.counties}
    by_county: dict[str, list[Finding]] = {slug: [] for slug in names}
    for finding in census.findings:
        by_county.setdefault(finding.county, []).append(finding)
    return [(names.get(slug), findings) for slug, findings in by_county.items()]


def ledger_sheets(census: Census, as_of: date) -> list[tuple[str, list[LedgerRow]]]:
    """(sheet name, rows) for 全市 and every county, rows in the census's order."""
    days = census.city.rectification_days
    parts = [(name, [row for finding in findings for row in finding_rows(finding, days, as_of)])
             for name, findings in county_findings(census)]
    every = [row for _, rows in parts for row in rows]
    return [(T.CITY_SHEET, every), *((name, rows) for name, rows in parts if name is not None)]
