"""The rectification figures of issue 14 (generator.records.rectification), each on a fixed 数据截至:
due dates, 当场整改, 逾期未整改, 逾期整改, 平均整改天数 and 每周进展, with their edges; the
weekly table summing to the totals (hypothesis); the figures reaching Figures once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.records.aggregate import aggregate
from generator.records.model import Census, City, County, Finding, FormError, Person
from generator.records.rectification import (
    Rectification,
    _progress,
    due_date,
    overdue_days,
    week_starts,
)
from generator.records.rectification import progress as progress_of

D = date.fromisoformat


def city(start: str = "2019-03-01", end: str = "2019-05-30", days: int = 15) -> City:
    leader = Person("组长", "单位", "普查办人员")
    return City("指导", "文号", "印发单位", "2019-03-08", start, end, leader, (), (), (), (),
                None, days)


def county(slug: str = "hualong", code: str = "410902") -> County:
    return County(slug, code, slug, False, (), (), {}, (), ())


def error(status: str = "未整改", fixed: str | None = None, due: str | None = None,
          owner: str | None = None) -> FormError:
    return FormError("G101-1", "03", "行业类别", "原因", status, fixed, None, due, owner)


def finding(reviewed: str, *errors: FormError, slug: str = "hualong", n: int = 1) -> Finding:
    return Finding(f"{slug}-{n}", slug, f"{slug}-{n}.yaml", f"对象{n}", "工业源", None, reviewed,
                   "审核人", errors, None)


def census(*findings: Finding, the_city: City | None = None) -> Census:
    slugs = dict.fromkeys(f.county for f in findings) or {"hualong": None}
    counties = tuple(county(s, f"41090{i}") for i, s in enumerate(slugs, start=1))
    return Census(the_city or city(), counties, findings, (), (), {})


def progress(data: Census, as_of: date) -> Rectification:
    return progress_of(data, as_of, "全市")


# --- due date and overdue days -------------------------------------------------------------

def test_the_due_date_is_the_written_one_else_reviewed_on_plus_the_city_days() -> None:
    f = finding("2019-03-11", error())
    assert due_date(error(due="2019-03-20"), f, 15) == D("2019-03-20")
    assert due_date(error(), f, 15) == D("2019-03-26")
    assert due_date(error(), f, 1) == D("2019-03-12")


@pytest.mark.parametrize(("reviewed", "days", "due"), [
    ("2020-02-20", 10, "2020-03-01"),  # leap year: 29 Feb counts
    ("2019-02-20", 10, "2019-03-02"),  # not a leap year
    ("2019-12-25", 15, "2020-01-09"),  # across the year
    ("2024-02-29", 365, "2025-02-28"),
])
def test_the_default_due_date_counts_calendar_days(reviewed: str, days: int, due: str) -> None:
    assert due_date(error(), finding(reviewed, error()), days) == D(due)


def test_due_on_the_as_of_day_is_not_overdue_and_the_day_after_is_one_day() -> None:
    e = error(due="2019-04-01")
    f = finding("2019-03-20", e)
    assert overdue_days(e, f, 15, D("2019-04-01")) is None
    assert overdue_days(e, f, 15, D("2019-04-02")) == 1
    assert overdue_days(e, f, 15, D("2019-05-01")) == 30
    in_progress = error("整改中", due="2019-04-01")
    assert overdue_days(in_progress, finding("2019-03-20", in_progress), 15, D("2019-04-03")) == 2


def test_overdue_days_cross_a_leap_day() -> None:
    e = error(due="2020-02-27")
    assert overdue_days(e, finding("2020-02-01", e), 15, D("2020-03-01")) == 3


def test_a_fixed_error_is_never_overdue_but_one_fixed_after_the_as_of_date_still_is() -> None:
    fixed = error("已整改", "2019-04-20", due="2019-04-01")
    f = finding("2019-03-20", fixed)
    assert overdue_days(fixed, f, 15, D("2019-04-25")) is None
    assert overdue_days(fixed, f, 15, D("2019-04-10")) == 9  # on 4-10 it was still open


def test_an_error_found_after_the_as_of_date_is_not_overdue() -> None:
    e = error(due="2019-03-01")  # a due date before reviewed_on: not found yet all the same
    assert overdue_days(e, finding("2019-04-20", e), 15, D("2019-04-10")) is None


# --- the totals ----------------------------------------------------------------------------

def test_on_the_spot_late_and_average_days() -> None:
    errors = (
        error("已整改", "2019-03-11"),  # on the spot, 0 days
        error("已整改", "2019-03-26"),  # due 3-26 (15 days): fixed on the due day is on time
        error("已整改", "2019-03-27"),  # a day late
        error("已整改", "2019-03-13", due="2019-03-12"),  # late against its own due date
        error("整改中"),
    )
    p = progress(census(finding("2019-03-11", *errors)), D("2019-05-30")).city
    assert (p.found, p.fixed, p.on_the_spot, p.late, p.open) == (5, 4, 1, 2, 1)
    assert str(p.on_the_spot_rate) == "20.0%"
    assert p.fix_days == 0 + 15 + 16 + 2
    assert str(p.average_days) == "8.25"


def test_no_fixed_error_gives_a_dash_for_the_average_and_the_rate_of_nothing_found() -> None:
    p = progress(census(finding("2019-03-11", error(), error("整改中"))), D("2019-03-20")).city
    assert p.fixed == 0 and str(p.average_days) == "—"
    empty = progress(census(), D("2019-03-20")).city
    assert (empty.found, str(empty.on_the_spot_rate), str(empty.average_days)) == (0, "—", "—")


def test_a_fix_dated_before_reviewed_on_counts_as_made_on_reviewed_on() -> None:
    p = progress(census(finding("2019-03-11", error("已整改", "2019-03-05"))), D("2019-04-01"))
    assert p.city.fix_days == 0 and p.city.weeks[-1].open == 0
    assert sum(w.fixed for w in p.city.weeks) == 1


def test_errors_found_or_fixed_after_the_as_of_date_are_seen_as_on_that_day() -> None:
    fixed_later = error("已整改", "2019-04-20")
    found_later = error("已整改", "2019-04-25")
    data = census(finding("2019-03-11", fixed_later, n=1), finding("2019-04-22", found_later, n=2))
    p = progress(data, D("2019-04-10")).city
    assert (p.found, p.fixed, p.open, p.on_the_spot) == (1, 0, 1, 0)
    assert [(o.finding, o.days) for o in p.overdue] == [("hualong-1", 15)]  # due 3-26


def test_the_overdue_list_is_sorted_by_days_and_names_the_error() -> None:
    data = census(finding("2019-03-11", error(due="2019-04-01"), error(), n=1),
                  finding("2019-03-25", error("整改中", owner="王五"), n=2))
    overdue = progress(data, D("2019-04-20")).city.overdue
    assert [(o.finding, o.number, o.days) for o in overdue] == [
        ("hualong-1", 2, 25), ("hualong-1", 1, 19), ("hualong-2", 1, 11)]
    assert overdue[2].owner == "王五" and overdue[2].due == D("2019-04-09")
    assert overdue[0].object_name == "对象1" and overdue[0].indicator == "03 行业类别"


def test_counties_are_counted_apart_and_the_city_holds_them_all() -> None:
    data = census(finding("2019-03-11", error(), slug="hualong"),
                  finding("2019-03-12", error("已整改", "2019-03-12"), error(), slug="nanle"))
    r = progress(data, D("2019-05-01"))
    assert [(p.slug, p.found, p.fixed, len(p.overdue)) for p in r.counties] == [
        ("hualong", 1, 0, 1), ("nanle", 2, 1, 1)]
    assert (r.city.found, r.city.fixed, len(r.city.overdue), r.overdue) == (3, 1, 2, 2)
    assert r.county("nanle").on_the_spot == 1
    assert [o.county for o in r.city.overdue] == ["hualong", "nanle"]


# --- 每周进展 ------------------------------------------------------------------------------

def test_weeks_run_monday_to_sunday_from_the_period_start_to_the_as_of_week() -> None:
    # 2019-03-01 is a Friday: the first week starts on Monday 2019-02-25, across the month
    starts = week_starts(city(), (), D("2019-03-11"))
    assert starts == (D("2019-02-25"), D("2019-03-04"), D("2019-03-11"))
    weeks = progress(census(finding("2019-03-05", error())), D("2019-03-13")).city.weeks
    assert [(w.start, w.end) for w in weeks] == [
        (D("2019-02-25"), D("2019-03-03")), (D("2019-03-04"), D("2019-03-10")),
        (D("2019-03-11"), D("2019-03-13"))]  # the last week ends on 数据截至


def test_weeks_start_earlier_when_an_error_was_found_before_the_period() -> None:
    starts = week_starts(city(), (finding("2019-02-13", error()),), D("2019-03-01"))
    assert starts[0] == D("2019-02-11") and starts[-1] == D("2019-02-25")
    assert week_starts(city(), (), D("2019-02-01")) == ()  # 数据截至 before the period


def test_weeks_cross_the_year_and_a_leap_day() -> None:
    new_year = city("2019-12-30", "2020-03-10")
    starts = week_starts(new_year, (), D("2020-01-06"))
    assert starts == (D("2019-12-30"), D("2020-01-06"))
    leap = census(finding("2020-02-27", error("已整改", "2020-03-01")),
                  the_city=city("2020-02-24", "2020-03-30"))
    weeks = progress(leap, D("2020-03-02")).city.weeks
    assert [(w.start, w.found, w.fixed, w.open) for w in weeks] == [
        (D("2020-02-24"), 1, 1, 0), (D("2020-03-02"), 0, 0, 0)]


def test_each_week_counts_found_fixed_open_and_overdue_at_its_end() -> None:
    data = census(finding("2019-03-11", error("已整改", "2019-03-11"),  # week of 3-11
                          error("已整改", "2019-03-20"),  # fixed the next week
                          error(due="2019-03-17"),  # due on the Sunday: overdue from 3-18
                          error(due="2019-03-16"),  # overdue at the Sunday 3-17
                          error("已整改", "2019-03-26", due="2019-03-19")))  # overdue a while
    weeks = progress(data, D("2019-03-27")).city.weeks[2:]
    rows = [(w.start.isoformat(), w.found, w.fixed, w.open, w.overdue) for w in weeks]
    assert rows == [("2019-03-11", 5, 1, 4, 1), ("2019-03-18", 0, 1, 3, 3),
                    ("2019-03-25", 0, 1, 2, 2)]
    assert [(w.found_total, w.fixed_total) for w in weeks] == [(5, 1), (5, 2), (5, 3)]


# --- the weekly table sums to the totals (hypothesis) ---------------------------------------

DAYS = st.integers(min_value=0, max_value=120).map(lambda n: D("2019-02-20") + timedelta(n))
STATUS = st.sampled_from(["已整改", "整改中", "未整改"])


@st.composite
def errors_of(draw: st.DrawFn, reviewed: date) -> FormError:
    status = draw(STATUS)
    fixed = draw(DAYS) if status == "已整改" else None
    due = draw(st.none() | DAYS)
    return error(status, fixed.isoformat() if fixed else None, due.isoformat() if due else None)


@st.composite
def censuses(draw: st.DrawFn) -> Census:
    findings = []
    for n in range(draw(st.integers(min_value=0, max_value=12))):
        reviewed = draw(DAYS)
        errors = draw(st.lists(errors_of(reviewed), min_size=1, max_size=3))
        findings.append(finding(reviewed.isoformat(), *errors, n=n,
                                slug=draw(st.sampled_from(["hualong", "nanle"]))))
    days = draw(st.integers(min_value=1, max_value=40))
    return census(*findings, the_city=city(days=days))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=censuses(), as_of=DAYS)
def test_the_weekly_table_sums_to_the_totals(data: Census, as_of: date) -> None:
    r = progress(data, as_of)
    found_by = sum(1 for f in data.findings if D(f.reviewed_on) <= as_of for _ in f.errors)
    for p in (r.city, *r.counties):
        assert p.found == sum(w.found for w in p.weeks)
        assert p.fixed == sum(w.fixed for w in p.weeks)
        if p.weeks:
            last = p.weeks[-1]
            assert (last.open, last.overdue, last.end) == (p.open, len(p.overdue), as_of)
            assert (last.found_total, last.fixed_total) == (p.found, p.fixed)
        assert all(0 <= w.overdue <= w.open for w in p.weeks)
    assert r.city.found == found_by
    assert r.city.found == sum(p.found for p in r.counties)
    assert sorted(r.city.overdue, key=lambda o: (o.finding, o.number)) == sorted(
        (o for p in r.counties for o in p.overdue), key=lambda o: (o.finding, o.number))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=censuses(), as_of=DAYS)
def test_each_week_agrees_with_the_figures_on_its_last_day(data: Census, as_of: date) -> None:
    """A week's open and overdue are the totals of a build whose 数据截至 is the week's end."""
    for week in progress(data, as_of).city.weeks:
        then = progress(data, week.end).city
        assert (week.open, week.overdue) == (then.open, len(then.overdue))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=censuses(), as_of=DAYS, grouped=st.booleans())
def test_the_city_is_every_error_counted_once_more(data: Census, as_of: date,
                                                   grouped: bool) -> None:
    """The city's figures, summed from its counties' when the census lists each county's
    findings together in county order (as model_build orders them), counted anew otherwise,
    are what counting all the census' errors gives: weeks, overdue list and its order."""
    if grouped:
        rank = {c.slug: i for i, c in enumerate(data.counties)}
        data = replace(data, findings=tuple(sorted(data.findings, key=lambda f: rank[f.county])))
    names = {c.slug: c.name for c in data.counties}
    starts = week_starts(data.city, data.findings, as_of)
    counted = _progress(None, "全市", data.findings, data.city, names, starts, as_of)
    assert progress(data, as_of).city == counted


# --- into the figures, once -----------------------------------------------------------------

def test_aggregate_takes_the_as_of_date_and_defaults_to_the_period_end() -> None:
    data = census(finding("2019-03-11", error()))
    assert aggregate(data, D("2019-04-01")).rectification.as_of == D("2019-04-01")
    assert aggregate(data).rectification.as_of == D("2019-05-30")
    assert aggregate(data, D("2019-04-01")).rectification.city.overdue[0].days == 6
