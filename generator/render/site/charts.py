"""A chart as data → an HTML block: an Apache ECharts option and a table of the same figures.

Takes a :class:`Chart` (title, categories, series, kind); gives raw HTML for a Markdown page:
a ``<figure>`` holding an empty, hidden chart box, the ECharts option as a
``<script type="application/json">`` block, and a table of the same figures beside it. The
site's charts.js loads the vendored ECharts (assets/vendor/echarts/) on pages that have such
a block, draws the option with the SVG renderer and the ZH locale, and shows the box; without
JavaScript the table alone is the chart. Record text never becomes script: it is a JSON string
value, with ``< > &`` written as ``\\u003c \\u003e \\u0026`` so that nothing in it can end the
block, and it is escaped in the table. Keys are sorted: the same chart is the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from generator.render.markup import html_text, num

Kind = Literal["bar", "stacked", "line"]
Value = int | float | None
KEY = re.compile(r"[a-z][a-z0-9-]*")
# Control characters, dropped from labels as the tables drop them (markup._text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAK = re.compile(r"\s*[\r\n]+\s*|\t")
ROW_H, BAR_MAX, LEGEND_H, AXIS_H, LINE_H = 30, 20, 32, 36, 320
LABEL_W = 160  # px: longer category names are cut in the chart (the table has them whole)
PRIMARY = "#00897b"  # Material's teal, the site's primary colour


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None: no figure, a gap)."""

    name: str
    values: tuple[Value, ...]
    color: str | None = None  # None: the ECharts palette (a single series: the site's teal)


@dataclass(frozen=True)
class Chart:
    """A chart: ``kind`` bar and stacked are horizontal bars, one row per category (names
    read well down the side); line has the categories (weeks, dates) along the bottom."""

    key: str  # stable and unique on its page: [a-z][a-z0-9-]*, shown as data-chart
    title: str
    axis: str  # what the categories are: the table's first column header
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    kind: Kind = "bar"
    total: str | None = None  # header of a row-total column in the table; None: no column

    def __post_init__(self) -> None:
        # A chart is built by our code from figures: a mismatch is a bug, not user input.
        if not KEY.fullmatch(self.key):
            raise ValueError(f"chart key {self.key!r} is not [a-z][a-z0-9-]*")
        if not self.series:
            raise ValueError(f"chart {self.key}: no series")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"chart {self.key}: series {s.name!r} has {len(s.values)} "
                                 f"values for {len(self.categories)} categories")

    @property
    def horizontal(self) -> bool:
        return self.kind != "line"

    def height(self) -> int:
        """The chart box's height in px: a row per category for bars, a fixed one for lines."""
        legend = LEGEND_H if len(self.series) > 1 else 0
        if not self.horizontal:
            return LINE_H + legend
        return max(120, legend + AXIS_H + ROW_H * len(self.categories))


def _label(text: str) -> str:
    """A name as chart and table show it: one line, tabs as spaces (Markdown would turn a
    lone CR in the table into LF and a tab into four spaces), no control characters (as the
    tables drop them)."""
    return _CONTROL.sub("", _BREAK.sub(" ", text))


def _points(chart: Chart, series: Series) -> list[Any]:
    """A series' data; in a stack a zero gets no label (it would sit on its neighbour's)."""
    if chart.kind != "stacked":
        return list(series.values)
    return [v if v else {"value": v, "label": {"show": False}} for v in series.values]


def _series(chart: Chart, series: Series) -> dict[str, Any]:
    single = len(chart.series) == 1
    out: dict[str, Any] = {"type": "line" if chart.kind == "line" else "bar",
                           "name": _label(series.name), "data": _points(chart, series)}
    color = series.color or (PRIMARY if single else None)
    if color:
        out["itemStyle"] = {"color": color}
        out["lineStyle"] = {"color": color} if chart.kind == "line" else None
    if chart.kind == "stacked":
        out.update(stack="total", label={"show": True, "position": "inside"})
    elif chart.kind == "bar":
        out.update(barMaxWidth=BAR_MAX, label={"show": True, "position": "right"})
    else:
        out.update(connectNulls=False, label={"show": len(chart.categories) <= 12})
    return {k: v for k, v in out.items() if v is not None}


def option(chart: Chart) -> dict[str, Any]:
    """The ECharts option: no title (the figcaption is the title), no animation (a printed
    or captured page shows the final chart), a transparent background (the site's light or
    dark page shows through), labels that may not overlap, names cut at LABEL_W."""
    legend = len(chart.series) > 1
    label: dict[str, Any] = {"width": LABEL_W, "overflow": "truncate"}
    categories: dict[str, Any] = {"type": "category", "axisLabel": label,
                                  "data": [_label(c) for c in chart.categories]}
    values: dict[str, Any] = {"type": "value", "minInterval": 1}
    if chart.horizontal:
        categories["inverse"] = True  # the first category on top, as in the table
    else:
        label["interval"] = 0  # every week or date named along the bottom
    return {
        "animation": False,
        "backgroundColor": "transparent",
        "grid": {"left": 8, "right": 40, "top": LEGEND_H if legend else 8, "bottom": 8,
                 "containLabel": True},
        "legend": {"show": legend, "top": 0},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow" if chart.horizontal
                                                       else "line"}},
        "labelLayout": {"hideOverlap": True},
        "xAxis": values if chart.horizontal else categories,
        "yAxis": categories if chart.horizontal else values,
        "series": [_series(chart, s) for s in chart.series],
    }


def option_json(chart: Chart) -> str:
    """The option as the text of a ``<script type="application/json">`` block: sorted keys,
    and no ``<``, ``>`` or ``&`` at all, so no record text can close the block or open a
    comment in it (JSON.parse reads the ``\\u`` escapes back)."""
    text = json.dumps(option(chart), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _total(values: tuple[Value, ...]) -> Value:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def table(chart: Chart) -> str:
    """The same figures as an HTML table: a row per category, a column per series (and the
    row total when ``chart.total`` names one); every text escaped, numbers as in the pages."""
    right = ' style="text-align: right;"'
    head = [f"<th>{html_text(_label(chart.axis))}</th>"]
    head += [f"<th{right}>{html_text(_label(s.name))}</th>" for s in chart.series]
    if chart.total is not None:
        head.append(f"<th{right}>{html_text(chart.total)}</th>")
    rows = []
    for i, category in enumerate(chart.categories):
        values = tuple(s.values[i] for s in chart.series)
        cells = [f"<td>{html_text(_label(category))}</td>"]
        cells += [f"<td{right}>{num(v)}</td>" for v in values]
        if chart.total is not None:
            cells.append(f"<td{right}>{num(_total(values))}</td>")
        rows.append("<tr>" + "\n".join(cells) + "</tr>")  # a line a cell: search keeps them apart
    return ("<table>\n<thead>\n<tr>" + "\n".join(head) + "</tr>\n</thead>\n<tbody>\n"
            + "\n".join(rows) + ("\n" if rows else "") + "</tbody>\n</table>")


def figure(chart: Chart) -> str:
    """The chart as a raw HTML block of a Markdown page (no blank line inside, so Markdown
    keeps it whole): caption, hidden chart box, option, table. Screen readers skip the box
    (aria-hidden) and read the table; ECharts' own aria text lists a horizontal bar chart's
    internal coordinates ("15，0，15，NaN"), not its figures."""
    return (f'<figure class="chart-figure" data-chart="{chart.key}" '
            f'data-kind="{chart.kind}" markdown="0">\n'
            f"<figcaption>{html_text(_label(chart.title))}</figcaption>\n"
            f'<div class="chart-body">\n'
            f'<div class="chart-box" style="height: {chart.height()}px" aria-hidden="true" '
            f"hidden></div>\n"
            f'<script type="application/json" class="chart-option">{option_json(chart)}'
            f"</script>\n"
            f'<div class="chart-table">\n{table(chart)}\n</div>\n'
            f"</div>\n</figure>")
