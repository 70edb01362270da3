"""Figures → what the site's pages show of the rectification loop (issue 14): the 整改进展
page, the 首页 summary by county and each county page's part. Pure.

Takes :class:`~generator.records.aggregate.Figures` (its ``rectification``: 数据截至 and the figures of
generator/records/rectification.py) and gives template contexts; the templates only loop over them.
The overdue lists hold only the errors whose object is named: the public view of the figures
(redact.public_view) blanks every object name and owner, so the public build lists none and
says how many it leaves out, as the county pages do for their detail tables. A long overdue
list is given as HTML (:func:`overdue_html`), which the site's pages splice round MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.records.aggregate import Figures, Rate
from generator.records.rectification import Overdue, Progress
from generator.render.site.memo import memo
from generator.text import render as render_text


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


_RIGHT = {0, 7}  # the numeric columns, right-aligned as the Markdown table's "---:" says
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # as markup drops them
_BREAK = re.compile(r"\s*[\r\n]\s*")


def _text(value: object) -> str:
    """A cell's text as Markdown shows markup.md_cell's: one line, trimmed, a dash if empty."""
    text = _BREAK.sub(" ", _CONTROL.sub("", "" if value is None else str(value))).strip()
    return html.escape(text or "—", quote=False)


def _row(cells: Sequence[str], tag: str) -> str:
    return "<tr>\n" + "".join(
        f'<{tag} style="text-align: right;">{c}</{tag}>\n' if i in _RIGHT else
        f"<{tag}>{c}</{tag}>\n" for i, c in enumerate(cells)) + "</tr>"


def overdue_html(items: Sequence[Overdue], search: bool = True) -> str:
    """The overdue list as the HTML Markdown makes of progress_tables.md.j2's ``overdue``
    table (tests/test_site_fast.py holds them equal), built without Markdown: a long list
    is thousands of rows. ``search`` False marks it for the search plugin to skip (its
    objects are found on their county page)."""
    rows = [_overdue_row(n, o) for n, o in enumerate(items, start=1)]
    table = "<table>" if search else "<table data-search-exclude>"
    return "\n".join([table, "<thead>", _row(render_text("build.overdue_headers").split("|"), "th"), "</thead>", "<tbody>",
                      *rows, "</tbody>", "</table>"])


@memo(maxsize=1 << 16, rerender=True)  # serve renders the lists on every save, mostly unchanged
def _overdue_row(number: int, o: Overdue) -> str:
    return _row((str(number), _text(o.county), _text(o.object_name), _text(o.form),
                 _text(o.indicator), _text(o.status), _text(o.due), str(o.days),
                 _text(o.owner), f"<code>{html.escape(o.finding, quote=False)}</code>"
                 + render_text("build.overdue_number", number=o.number)), "td")
