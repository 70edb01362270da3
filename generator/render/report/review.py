"""（一）数据集中审核情况: the city's overall quality, the problems found, how they were solved.

Takes Figures only: every number here is one the site shows too.
"""

from __future__ import annotations

from generator.records import domain
from generator.records.aggregate import Figures, IndicatorCount, OpenError, Review
from generator.render.markup import num
from generator.render.report.blocks import (
    by_county_table,
    by_type_table,
    g106_results,
    joined,
    overall,
    rectified,
    sentence,
)
from generator.render.report.model import Block, Paragraph, Section, Table
from generator.render.report.progress import progress_blocks
from generator.text import report as T

TOP_FORMS = 10  # rows of the 普查表 table
TOP_INDICATORS = 5  # indicators described with their typical reasons


def overall_section(figures: Figures) -> Section:
    """1. 市级数据质量整体情况: the quotable sentence, by source type, by county."""
    city = figures.city
    blocks: tuple[Block, ...] = (
        overall(T.CITY, city.total),
        by_type_table(city, T.CITY),
        by_county_table(figures.counties, city),
        Paragraph(T.RATE_NOTE),
    )
    return Section(T.H_OVERALL, 3, blocks)


def _indicator(n: int, item: IndicatorCount) -> Paragraph:
    text = T.INDICATOR_TEXT.format(errors=num(item.errors), objects=num(item.objects),
                                   counties=joined(item.counties))
    if item.reasons:  # none in the public build: the reasons describe single census objects
        reasons = T.CLAUSE_SEP.join(r.strip().rstrip(T.NOTE_END) for r in item.reasons)
        text += T.INDICATOR_REASONS.format(reasons=sentence(reasons))
    return Paragraph(text, T.INDICATOR_LEAD.format(n=n, form=item.form, code=item.code,
                                                   name=item.name))


def _forms_table(figures: Figures) -> Table:
    rows = tuple((f.form, f.source_type, num(f.errors), num(f.objects), num(f.rectified))
                 for f in figures.by_form[:TOP_FORMS])
    return Table(T.CAP_FORMS, T.COLS_FORMS, rows, (True, True, True, True, True))


def _g106_blocks(figures: Figures) -> tuple[Block, ...]:
    if not figures.city.g106_total:
        return (Paragraph(T.NO_G106),)
    rows = tuple((i.division, i.name, num(i.problems),
                  *(num(i.by_result.get(r, 0)) for r in domain.REVIEW_RESULTS))
                 for i in figures.g106_by_industry)
    table = Table(T.CAP_INDUSTRY, T.COLS_INDUSTRY, rows, (True, False, True, True, True, True))
    return (Paragraph(T.G106_SUMMARY.format(**g106_results(figures.city))), table)


def found_section(figures: Figures) -> Section:
    """2. 集中审核发现的问题: the forms and indicators with most errors, G106-1 by industry."""
    blocks: list[Block] = []
    if figures.city.total.errors:
        top = figures.by_indicator[:TOP_INDICATORS]
        intro = T.INDICATORS_INTRO if any(i.reasons for i in top) else T.INDICATORS_INTRO_PUBLIC
        blocks += [Paragraph(T.FORMS_INTRO), _forms_table(figures), Paragraph(intro)]
        blocks += [_indicator(n, item) for n, item in enumerate(top, start=1)]
    else:
        blocks.append(Paragraph(T.NO_ERRORS))
    blocks += _g106_blocks(figures)
    return Section(T.H_FOUND, 3, tuple(blocks))


def _rectified_cells(r: Review) -> tuple[str, ...]:
    return (num(r.errors), num(r.rectified), num(r.in_progress), num(r.open),
            num(r.rectification_rate))


def _rectified_table(figures: Figures) -> Table:
    rows = [(a.name, *_rectified_cells(a.total)) for a in figures.counties]
    rows.append((T.CITY, *_rectified_cells(figures.city.total)))
    return Table(T.CAP_RECTIFIED, (T.COL_COUNTY, *T.COLS_RECTIFIED), tuple(rows),
                 (False, True, True, True, True, True), total_row=True)


def _open_table(errors: tuple[OpenError, ...]) -> Table:
    rows = tuple((e.county, e.object_name, e.form, e.indicator, e.status)
                 for e in errors[:T.OPEN_LIMIT])
    return Table(T.CAP_OPEN, T.COLS_OPEN, rows, (False, False, True, False, True))


def _open_blocks(errors: tuple[OpenError, ...]) -> list[Block]:
    """The open errors, at most OPEN_LIMIT of them: at city scale the list belongs in 附件2."""
    blocks: list[Block] = [Paragraph(T.OPEN_INTRO), _open_table(errors)]
    rest = len(errors) - T.OPEN_LIMIT
    if rest > 0:
        blocks.append(Paragraph(T.OPEN_MORE.format(shown=num(T.OPEN_LIMIT), rest=num(rest))))
    return blocks


def solved_section(figures: Figures) -> Section:
    """3. 集中审核发现的问题解决情况: rectified / in progress / open, and what is still open
    (listed by object where the objects are named; the public build names none)."""
    city = figures.city
    blocks: list[Block] = []
    named = tuple(e for e in figures.open_errors if e.object_name)
    if city.total.errors:
        blocks += [rectified(T.RECTIFIED, T.CITY, city.total), _rectified_table(figures),
                   *progress_blocks(figures)]
        if not figures.open_errors:
            blocks.append(Paragraph(T.ALL_RECTIFIED))
        elif not named:
            blocks.append(Paragraph(T.OPEN_PUBLIC))
        else:
            blocks += _open_blocks(named)
    else:
        blocks.append(Paragraph(T.NO_ERRORS))
    province = city.g106_by_result.get(domain.REVIEW_RESULTS[2], 0)  # 报省级
    if province or city.awaiting_verification:
        blocks.append(Paragraph(T.G106_OPEN.format(
            province=num(province), field=num(city.needing_verification),
            awaiting=num(city.awaiting_verification))))
    return Section(T.H_SOLVED, 3, tuple(blocks))


def review_section(figures: Figures) -> Section:
    return Section(T.H_REVIEW, 2, children=(
        overall_section(figures), found_section(figures), solved_section(figures)))
