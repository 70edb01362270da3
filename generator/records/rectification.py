"""Census + 数据截至 (as-of date) → the rectification figures of issue 14. Pure.

The one definition of each figure, shared by the site, the report and the ledger workbook:

- 整改期限 (:func:`due_date`): ``rectification.due``, else the finding's ``reviewed_on`` plus
  ``city.yaml`` ``rectification.default_days`` calendar days.
- 当场整改: 已整改 with ``date`` equal to ``reviewed_on``.
- 逾期未整改 (:func:`overdue_days`): not 已整改 and the due date before 数据截至; 逾期天数 =
  数据截至 − due (a due date equal to 数据截至 is not overdue yet).
- 逾期整改: 已整改 with ``date`` after the due date (fixed on the due day is on time).
- 平均整改天数: the mean of ``date − reviewed_on`` over 已整改 ("—" when none is).
- 每周进展: each Monday–Sunday week from the week of the period's start (or of the earliest
  ``reviewed_on``, if earlier) to the week holding 数据截至; per county and city: errors found
  in the week, fixed in the week, and open and overdue at the week's end (数据截至 for its
  last week).

Every figure is the state *on* 数据截至, so a build for a past date shows what was known then:
an error reviewed after 数据截至 is not found yet (no figure counts it), and an error marked
已整改 with a date after 数据截至 was still open on that day (it counts as open, and as overdue
when its due date had passed). A fix dated before ``reviewed_on`` (validate warns) counts as
made on ``reviewed_on``: no error is fixed before it is found, and no fix takes negative days.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from generator.records.aggregate import Rate
from generator.records.domain import RECTIFICATION
from generator.records.model import Census, City, Finding, FormError

FIXED = RECTIFICATION[0]  # 已整改


def due_date(error: FormError, finding: Finding, days: int) -> date:
    """整改期限 of ``error`` (of ``finding``): its own ``due``, else ``reviewed_on`` + ``days``."""
    return _due(error, date.fromisoformat(finding.reviewed_on), days)


def fixed_on(error: FormError, finding: Finding, as_of: date) -> date | None:
    """The day ``error`` counts as fixed on 数据截至 (never before its ``reviewed_on``), or
    None while it is open on that day."""
    return _fixed(error, date.fromisoformat(finding.reviewed_on), as_of)


def _due(error: FormError, reviewed: date, days: int) -> date:
    """due_date, given the finding's review date parsed."""
    return date.fromisoformat(error.due) if error.due else reviewed + timedelta(days=days)


def _fixed(error: FormError, reviewed: date, as_of: date) -> date | None:
    """fixed_on, given the finding's review date parsed."""
    if error.status != FIXED or not error.date:
        return None
    day = max(date.fromisoformat(error.date), reviewed)
    return day if day <= as_of else None


def overdue_days(error: FormError, finding: Finding, days: int, as_of: date) -> int | None:
    """逾期天数 on ``as_of``: 数据截至 − due for an error found by then, still open on that
    day and due before it; None for every other error (found later, fixed, not due yet)."""
    if date.fromisoformat(finding.reviewed_on) > as_of or fixed_on(error, finding, as_of):
        return None
    late = (as_of - due_date(error, finding, days)).days
    return late if late > 0 else None


@dataclass(frozen=True)
class Overdue:
    """One 逾期未整改 error. ``object_name`` and ``owner`` are blank in the public view."""

    county: str  # the county's name
    finding: str  # record id
    number: int  # 错误序号: the error's position in the record, from 1
    object_name: str
    form: str
    indicator: str
    status: str
    due: date
    days: int
    owner: str | None


@dataclass(frozen=True)
class Week:
    """One Monday–Sunday week of 每周进展; ``end`` is its Sunday, or 数据截至 in its last week."""

    start: date
    end: date
    found: int
    fixed: int
    open: int  # at ``end``
    overdue: int  # at ``end``
    found_total: int  # found up to ``end`` (cumulative, for the found-vs-fixed chart)
    fixed_total: int


@dataclass(frozen=True)
class Progress:
    """The rectification figures of one county (``slug``) or of the city (``slug`` None) on
    ``as_of``, over the errors found by then."""

    slug: str | None
    name: str
    found: int
    fixed: int
    on_the_spot: int  # 当场整改
    late: int  # 逾期整改
    fix_days: int  # Σ (date − reviewed_on) over the fixed errors
    overdue: tuple[Overdue, ...]  # 逾期未整改, the most days first
    weeks: tuple[Week, ...]

    @property
    def open(self) -> int:
        return self.found - self.fixed

    @property
    def on_the_spot_rate(self) -> Rate:  # 当场整改率: 当场整改 ÷ errors found
        return Rate(self.on_the_spot, self.found)

    @property
    def average_days(self) -> Rate:  # 平均整改天数, "—" when nothing is fixed
        return Rate(self.fix_days, self.fixed, percent=False)


@dataclass(frozen=True)
class Rectification:
    """数据截至, the default term, and the figures of every county (in the census' order) and
    of the city."""

    as_of: date
    days: int  # city.yaml rectification.default_days, the due date of an error without one
    city: Progress
    counties: tuple[Progress, ...]

    def county(self, slug: str) -> Progress:
        return next(p for p in self.counties if p.slug == slug)

    @property
    def overdue(self) -> int:
        return len(self.city.overdue)


def week_starts(city: City, findings: tuple[Finding, ...], as_of: date) -> tuple[date, ...]:
    """The Mondays of 每周进展: from the week of the period's start (or of the earliest error
    found by ``as_of``, if earlier) to the week holding ``as_of``; none when it lies before."""
    found = [date.fromisoformat(f.reviewed_on) for f in findings if f.errors]
    first = min([date.fromisoformat(city.period_start), *(d for d in found if d <= as_of)])
    monday = first - timedelta(days=first.weekday())
    count = (as_of - monday).days // 7 + 1 if as_of >= monday else 0
    return tuple(monday + timedelta(weeks=k) for k in range(count))


def _week(day: date, starts: tuple[date, ...]) -> int:
    """Index of the week holding ``day`` (the first week for a day before it)."""
    return max(0, bisect_left(starts, day + timedelta(days=1)) - 1)


class _Counter:
    """Weekly event counts for one area, and its totals, fed one error at a time."""

    def __init__(self, starts: tuple[date, ...], days: int, as_of: date) -> None:
        self.starts, self.days, self.as_of = starts, days, as_of
        n = len(starts)
        self.found, self.fixed = [0] * n, [0] * n
        self.open, self.overdue = [0] * (n + 1), [0] * (n + 1)  # +1/−1 events by week
        self.totals = [0, 0, 0, 0, 0]  # found, fixed, on the spot, late, fix days

    def add(self, error: FormError, reviewed: date, due: date, fixed: date | None) -> None:
        """One error found on ``reviewed`` (by 数据截至), due on ``due``, fixed on ``fixed``
        (None: open on 数据截至)."""
        found_week = _week(reviewed, self.starts)
        self.found[found_week] += 1
        self.open[found_week] += 1
        stop = len(self.starts) if fixed is None else _week(fixed, self.starts)
        self.open[stop] -= 1
        overdue_from = max(due + timedelta(days=1), reviewed)
        if fixed is None or overdue_from < fixed:  # overdue at some week's end
            start = _week(overdue_from, self.starts) if overdue_from <= self.as_of else stop
            self.overdue[start] += 1
            self.overdue[stop] -= 1
        self.totals[0] += 1
        if fixed is not None:
            self.fixed[stop] += 1
            written = date.fromisoformat(error.date or "")
            self.totals[1] += 1
            self.totals[2] += written == reviewed
            self.totals[3] += written > due
            self.totals[4] += (fixed - reviewed).days

    def weeks(self) -> tuple[Week, ...]:
        ends = [min(s + timedelta(days=6), self.as_of) for s in self.starts]
        return tuple(Week(s, e, *row) for s, e, *row in zip(
            self.starts, ends, self.found, self.fixed, accumulate(self.open[:-1]),
            accumulate(self.overdue[:-1]), accumulate(self.found), accumulate(self.fixed),
            strict=True))


def _progress(slug: str | None, name: str, findings: tuple[Finding, ...], city: City,
              names: dict[str, str], starts: tuple[date, ...], as_of: date) -> Progress:
    counter = _Counter(starts, city.rectification_days, as_of)
    overdue = []
    for f in findings:
        reviewed = date.fromisoformat(f.reviewed_on)
        if reviewed > as_of:
            continue  # not found yet on 数据截至: neither counted nor overdue
        for number, e in enumerate(f.errors, start=1):
            # the rules of due_date, fixed_on and overdue_days, the review date parsed once
            due, fixed_day = _due(e, reviewed, city.rectification_days), _fixed(e, reviewed, as_of)
            counter.add(e, reviewed, due, fixed_day)
            days = (as_of - due).days
            if fixed_day is None and days > 0:
                overdue.append(Overdue(
                    names.get(f.county, f.county), f.id, number, f.object_name, e.form,
                    f"{e.indicator_code} {e.indicator_name}", e.status, due, days, e.owner))
    overdue.sort(key=lambda o: -o.days)  # stable: ties keep the census' order
    found, fixed, spot, late, fix_days = counter.totals
    return Progress(slug, name, found, fixed, spot, late, fix_days, tuple(overdue),
                    counter.weeks())


def progress(census: Census, as_of: date, city_name: str) -> Rectification:
    """The rectification figures of every county and of the city (``city_name``, as the
    other figures name it) on ``as_of`` (数据截至), computed once per build (aggregate calls
    this)."""
    names = {c.slug: c.name for c in census.counties}
    starts = week_starts(census.city, census.findings, as_of)
    of_county = [census.of_county(c.slug)[0] for c in census.counties]
    counties = tuple(_progress(c.slug, c.name, findings, census.city, names, starts, as_of)
                     for c, findings in zip(census.counties, of_county, strict=True))
    if counties and [f for findings in of_county for f in findings] == list(census.findings):
        city = _summed(city_name, counties)  # each error once: the counties' sums
    else:  # a finding of no county (records that validate refuses): counted from the census
        city = _progress(None, city_name, census.findings, census.city, names, starts, as_of)
    return Rectification(as_of, census.city.rectification_days, city, counties)


def _summed(name: str, counties: tuple[Progress, ...]) -> Progress:
    """The city's progress from its counties', when their findings, in county order, are the
    census' (as model_build orders them): every figure a sum, the overdue lists merged (the
    most days first, ties in census order, as _progress sorts the city's own). Half of the
    typing stage's work at city scale was counting every error a second time for the city."""
    overdue = sorted((o for p in counties for o in p.overdue), key=lambda o: -o.days)
    weeks = tuple(Week(w[0].start, w[0].end, *(sum(x) for x in zip(*(
        (v.found, v.fixed, v.open, v.overdue, v.found_total, v.fixed_total) for v in w),
        strict=True))) for w in zip(*(p.weeks for p in counties), strict=True))
    return Progress(None, name, sum(p.found for p in counties), sum(p.fixed for p in counties),
                    sum(p.on_the_spot for p in counties), sum(p.late for p in counties),
                    sum(p.fix_days for p in counties), tuple(overdue), weeks)
