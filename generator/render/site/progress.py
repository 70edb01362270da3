"""Figures → what the site's pages show of the rectification loop (issue 14): the 整改进展
page, the 首页 summary by county and each county page's part. Pure.

Takes :class:`~generator.records.aggregate.Figures` (its ``rectification``: 数据截至 and the figures of
generator/records/rectification.py) and gives template contexts; the templates only loop over them.
The overdue lists hold only the errors whose object is named: the public view of the figures
(redact.public_view) blanks every object name and owner, so the public build lists none and
says how many it leaves out, as the county pages do for their detail tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.records.aggregate import Figures, Rate
from generator.records.rectification import Overdue, Progress


@dataclass(frozen=True)
class Row:
    """One area's line of the summary tables."""

    name: str
    link: str | None
    found: int
    fixed: int
    on_the_spot: int
    on_the_spot_rate: Rate
    open: int
    overdue: int
    late: int
    average_days: Rate


def row(progress: Progress, link: str | None = None) -> Row:
    return Row(progress.name, link, progress.found, progress.fixed, progress.on_the_spot,
               progress.on_the_spot_rate, progress.open, len(progress.overdue), progress.late,
               progress.average_days)


def _overdue(items: tuple[Overdue, ...]) -> dict[str, Any]:
    named = [o for o in items if o.object_name]
    return {"overdue_list": named, "overdue_hidden": len(items) - len(named)}


def page(figures: Figures, link_prefix: str = "counties/") -> dict[str, Any]:
    """The 整改进展 page: the summary by county, the city's weeks (and the cumulative found vs
    fixed, the chart's data), each county's weeks, the city's overdue list."""
    r = figures.rectification
    return {"as_of": r.as_of, "rows": [row(p, f"{link_prefix}{p.slug}.md") for p in r.counties],
            "total": row(r.city), "city_progress": r.city, "counties": r.counties,
            **_overdue(r.city.overdue)}


def index(figures: Figures) -> dict[str, Any]:
    """首页: 数据截至 and the overdue per county."""
    r = figures.rectification
    return {"as_of": r.as_of,
            "progress_rows": [row(p, f"counties/{p.slug}.md") for p in r.counties],
            "progress_total": row(r.city)}


def county(figures: Figures, slug: str) -> dict[str, Any]:
    """A county page: its figures, its weeks and its own overdue list."""
    p = figures.rectification.county(slug)
    return {"as_of": figures.rectification.as_of, "progress": p,
            **_overdue(p.overdue)}
