"""一（一）3's part on the rectification loop: 当场整改率, overdue and late counts, 平均整改天数,
数据截至, and the city's weekly progress table.

Takes Figures only (``figures.rectification``, the definitions of generator/records/rectification.py),
so the report and the site cannot disagree; gives report_model blocks. Weeks before the first
error was found are left out of the table (they hold only zeros); the numbering counts them.
"""

from __future__ import annotations

from datetime import date

from generator.records.aggregate import Figures
from generator.render.markup import num
from generator.render.report.blocks import cn_date
from generator.render.report.model import Block, Paragraph, Table
from generator.text import render


def _short(day: date) -> str:
    """2019-03-11 → 3月11日 (the year is the report's)."""
    return render("report.short_date", month=day.month, day=day.day)


def progress_blocks(figures: Figures) -> tuple[Block, ...]:
    """The sentence with every figure on 数据截至, its note and the weekly table of the city."""
    r = figures.rectification
    city = r.city
    text = render("report.progress", as_of=cn_date(r.as_of.isoformat()), found=num(city.found),
                             on_the_spot=num(city.on_the_spot),
                             on_the_spot_rate=num(city.on_the_spot_rate), late=num(city.late),
                             average_days=num(city.average_days), open=num(city.open),
                             overdue=num(len(city.overdue)))
    started = [(n, w) for n, w in enumerate(city.weeks, start=1) if w.found_total]
    rows = tuple((render("report.week_number", n=n),
                  render("report.week_span", start=_short(w.start), end=_short(w.end)),
                  num(w.found), num(w.fixed), num(w.open), num(w.overdue)) for n, w in started)
    blocks: list[Block] = [Paragraph(text)]
    if rows:
        columns = tuple(render("report.weeks_columns").split("|"))
        blocks.append(Table(render("report.weeks_caption"), columns, rows,
                            (True,) * len(columns)))
    blocks.append(Paragraph(render("report.progress_note", days=num(r.days))))
    return tuple(blocks)
