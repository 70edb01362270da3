"""Figures → the site's charts (首页, 县（区）, 问题分析) as :class:`charts.Chart` values.

Takes the aggregated :class:`Figures` (or one :class:`Area`); gives the charts' HTML blocks
(:func:`charts.figure`). Each chart says what it shows once, as data; drawing it and the table
of its figures beside it are charts.py's. A new page adds a chart by one call like these, e.g.
cumulative findings by week as lines, or open and overdue findings by county stacked::

    figure(Chart("progress", title, week_axis, weeks,
                 (Series(found_name, found), Series(fixed_name, fixed)), "line"))
    figure(Chart("overdue", title, county_axis, names,
                 (Series(open_name, open_), Series(overdue_name, overdue)), "stacked"))
"""

from __future__ import annotations

from generator.records import domain
from generator.records.aggregate import Area, Figures
from generator.records.rectification import Rectification
from generator.render.site.charts import Chart, Series, figure
from generator.text import render

TOP_FORMS = 10
# 已整改 / 整改中 / 未整改: the colours of the status badges (extra.css), in print too.
STATUS_COLORS = ("#2e7d32", "#f9a825", "#c62828")


def status(figures: Figures) -> str:
    """首页: each county's findings, stacked by rectification status, with the row total."""
    counties = figures.counties
    values = [tuple(a.total.rectified for a in counties),
              tuple(a.total.in_progress for a in counties),
              tuple(a.total.open for a in counties)]
    series = tuple(Series(name, v, color) for name, v, color
                   in zip(domain.RECTIFICATION, values, STATUS_COLORS, strict=True))
    return figure(Chart("status", render("chart.status.title"), render("chart.axis.county"),
                        tuple(a.name for a in counties), series, "stacked",
                        total=render("chart.total")))


def types(area: Area) -> str:
    """首页 and each county page: problem objects by source type."""
    kinds = tuple(area.by_type)
    objects = Series(render("chart.series.objects"),
                     tuple(area.by_type[t].problem_objects for t in kinds))
    return figure(Chart("types", render("chart.types.title", area=area.name),
                        render("chart.axis.type"), kinds, (objects,)))


def forms(figures: Figures) -> str:
    """问题分析: the forms with the most findings."""
    top = figures.by_form[:TOP_FORMS]
    errors = Series(render("chart.series.errors"), tuple(f.errors for f in top))
    return figure(Chart("forms", render("chart.forms.title", n=TOP_FORMS),
                        render("chart.axis.form"), tuple(f.form for f in top), (errors,)))


def progress(r: Rectification) -> str:
    """整改进展: the city's errors found and fixed, cumulative by week, and the open and
    overdue ones at each week's end (the table below the chart holds the same numbers)."""
    weeks = r.city.weeks
    series = (Series(render("chart.series.found_total"), tuple(w.found_total for w in weeks)),
              Series(render("chart.series.fixed_total"), tuple(w.fixed_total for w in weeks),
                     STATUS_COLORS[0]),
              Series(render("chart.series.open"), tuple(w.open for w in weeks), STATUS_COLORS[1]),
              Series(render("chart.series.overdue"), tuple(w.overdue for w in weeks),
                     STATUS_COLORS[2]))
    return figure(Chart("progress", render("chart.progress.title"), render("chart.axis.week"),
                        tuple(w.end.isoformat() for w in weeks), series, "line"))


def overdue(r: Rectification) -> str:
    """整改进展: each county's open errors on 数据截至, stacked: overdue, and not yet due."""
    counties = r.counties
    series = (Series(render("chart.series.overdue"), tuple(len(p.overdue) for p in counties),
                     STATUS_COLORS[2]),
              Series(render("chart.series.open_in_time"),
                     tuple(p.open - len(p.overdue) for p in counties), STATUS_COLORS[1]))
    return figure(Chart("overdue", render("chart.overdue.title"), render("chart.axis.county"),
                        tuple(p.name for p in counties), series, "stacked",
                        total=render("chart.total")))
