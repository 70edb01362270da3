"""Census and figures → the sheets of the three annex workbooks, as :class:`SheetSpec` data. Pure.

Each function lays out one kind of sheet exactly as the seed's annex tables: heading rows,
header rows with their merged cells, one row per record (附件2: one row per error, the
object's cells merged down its rows), the note line under 附件2. Nothing here knows openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import groupby
from typing import TypeVar

from generator.records import domain
from generator.records.aggregate import Area, Figures
from generator.records.model import Census, Finding, G106Problem
from generator.render.annexes import layout as L
from generator.render.annexes import widths as excel_widths
from generator.render.annexes.layout import Cell, ChartSpec, Column, SheetSpec
from generator.text import annexes as A
from generator.text import render

T = TypeVar("T", Finding, G106Problem)


def header_row(spec: SheetSpec, row: int, columns: Sequence[Column],
                headers: Sequence[str] | None = None) -> None:
    """The header cells of ``columns`` (their texts as ``headers`` gives them, if given)."""
    for i, column in enumerate(columns, 1):
        note = A.PRODUCT_CODE_NOTE if column.field == "product_code" else None
        text = column.header if headers is None else headers[i - 1]
        spec.put(row, i, Cell(text, "header", centre=True, comment=note))


def _body(value: L.Value, column: Column) -> Cell:
    return Cell(value, "body", text=column.text, centre=column.centre)


class _Bodies:
    """The body cells of one table, one Cell per distinct value in a column: Cells are
    immutable, and a city-wide 附件2 has some 300,000 of them but fewer than 25,000 distinct."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.made: dict[tuple[int, type, L.Value], Cell] = {}

    def shown(self) -> list[list[L.Value]]:
        """Every distinct value each column shows, column by column."""
        values: list[list[L.Value]] = [[] for _ in self.columns]
        for i, _, value in self.made:
            values[i - 1].append(value)
        return values

    def fit(self, spec: SheetSpec) -> tuple[str, ...]:
        """Sets the sheet's widths from the values shown; returns the header texts to print."""
        spec.widths, headers = excel_widths.fit(self.columns, self.shown())
        return headers

    def __call__(self, i: int, value: L.Value) -> Cell:
        """The cell showing ``value`` in the i-th column (1-based)."""
        key = (i, type(value), value)  # the type too: True == 1, but is not written as 1
        cell = self.made.get(key)
        if cell is None:
            cell = self.made[key] = _body(value, self.columns[i - 1])
        return cell


def _blank_rows(spec: SheetSpec, first: int, columns: Sequence[Column]) -> int:
    """Empty bordered rows (text-formatted) for a table with no records; returns the last row."""
    blank = _Bodies(columns)
    for row in range(first, first + L.EMPTY_ROWS):
        for i in range(1, len(columns) + 1):
            spec.put(row, i, blank(i, None))
    return first + L.EMPTY_ROWS - 1


def _g106_values(problem: G106Problem) -> dict[str, L.Value]:
    return {c.field: getattr(problem, c.field) for c in L.ANNEX1_COLUMNS[1:]}


def annex1_sheet(name: str, region: str, rows: Sequence[tuple[str, G106Problem]],
                 with_county: bool, as_of: date | None = None) -> SheetSpec:
    """附件1 for one area: ``rows`` are (county name, problem) in print order."""
    columns = L.annex1_columns(with_county)
    spec = SheetSpec(name, tuple(c.width for c in columns), header_rows=(4, 4))
    body = _Bodies(columns)
    last = 4
    for n, (county, problem) in enumerate(rows, 1):
        last = 4 + n
        values = {"seq": n, "county": county, **_g106_values(problem)}
        for i, column in enumerate(columns, 1):
            spec.put(last, i, body(i, values[column.field]))
    if not rows:
        last = _blank_rows(spec, 5, columns)
    header_row(spec, 4, columns, body.fit(spec))
    L.heading(spec, "annex1", region, len(columns), as_of)
    spec.tables.append((4, 1, last, len(columns)))
    return spec


def annex2_header(spec: SheetSpec, columns: Sequence[Column], headers: Sequence[str]) -> None:
    """Two header rows: 普查表填报错误明细 over its four columns, the others merged down."""
    errors = {c.field for c in L.ANNEX2_ERROR_COLUMNS}
    first_error = next(i for i, c in enumerate(columns, 1) if c.field in errors)
    for i, (column, header) in enumerate(zip(columns, headers), 1):
        if column.field in errors:
            spec.put(5, i, Cell(header, "header", centre=True))
        else:
            spec.merge(4, i, 5, i, Cell(header, "header", centre=True))
    spec.merge(4, first_error, 4, first_error + len(errors) - 1,
               Cell(A.ANNEX2_GROUP, "header", centre=True))
    for i in range(first_error + 1, first_error + len(errors)):
        spec.put(4, i, Cell(None, "header"))


def _annex2_object(spec: SheetSpec, body: _Bodies, first: int, n: int, county: str,
                   finding: Finding) -> int:
    """One census object: a row per error, its own cells merged down them; returns next row.
    (Each row's cells put at once: a city-wide 附件2 has some 300,000 of them.)"""
    last = first + len(finding.errors) - 1
    if last > first:
        spec.keep.append((first, last))
    objects: dict[str, L.Value] = {
        "seq": n, "county": county, "object_name": finding.object_name,
        "source_type": finding.source_type, "remark": finding.remark}
    fields = [(i, column.field, column.field in objects)
              for i, column in enumerate(body.columns, 1)]
    for row, error in enumerate(finding.errors, first):
        cells: dict[int, Cell] = {}
        for i, name, of_object in fields:
            if not of_object:
                cells[i] = body(i, getattr(error, name))
            elif row == first:  # as spec.merge: the value top left, a 1×1 range not merged
                cells[i] = body(i, objects[name])
                if last > first:
                    spec.merges.append((first, i, last, i))
            else:
                cells[i] = body(i, None)
        spec.cells.put_row(row, cells)
    return last + 1


def annex2_sheet(name: str, region: str, rows: Sequence[tuple[str, Finding]],
                 with_county: bool, as_of: date | None = None) -> SheetSpec:
    """附件2 for one area: ``rows`` are (county name, finding) in print order."""
    columns = L.annex2_columns(with_county)
    spec = SheetSpec(name, tuple(c.width for c in columns), header_rows=(4, 5))
    body = _Bodies(columns)
    row = 6
    for n, (county, finding) in enumerate(rows, 1):
        row = _annex2_object(spec, body, row, n, county, finding)
    last = row - 1 if rows else _blank_rows(spec, 6, columns)
    annex2_header(spec, columns, body.fit(spec))
    L.heading(spec, "annex2", region, len(columns), as_of)
    spec.tables.append((4, 1, last, len(columns)))
    spec.merge(last + 1, 1, last + 1, len(columns), Cell(A.ANNEX2_NOTE, "note"))
    return spec


def _summary_values(area: Area) -> dict[str, L.Value]:
    total = area.total
    return {"county": area.name, "reviewed": total.reviewed, "problem_objects":
            total.problem_objects, "errors": total.errors, "error_rate": str(total.error_rate),
            "rectification_rate": str(total.rectification_rate)}


def summary_sheet(name: str, figures: Figures, as_of: date | None = None) -> SheetSpec:
    """全市汇总: the review figures by county (aggregate.Figures) and a bar chart of 问题数;
    数据截至 in the row between title and table, when given."""
    columns = L.SUMMARY_COLUMNS
    spec = SheetSpec(name, tuple(c.width for c in columns), header_rows=(3, 3), pages_tall=1)
    spec.merge(1, 1, 1, len(columns), Cell(A.SUMMARY_TITLE, "title", centre=True))
    spec.heights[1] = 36
    if as_of is not None:
        spec.merge(2, 1, 2, len(columns), Cell(L.as_of_text(as_of), "date"))
        spec.heights[2] = 22
    header_row(spec, 3, columns)
    areas = list(figures.counties) + [figures.city]
    for row, area in enumerate(areas, 4):
        values = _summary_values(area)
        for i, column in enumerate(columns, 1):
            spec.put(row, i, _body(values[column.field], column))
    last = 3 + len(areas)
    spec.tables.append((3, 1, last, len(columns)))
    if figures.counties:
        errors = next(i for i, c in enumerate(columns, 1) if c.field == "errors")
        spec.charts.append(ChartSpec(A.SUMMARY_CHART_TITLE, A.SUMMARY_CHART_Y_TITLE, (1, 4, last - 1),
                                     (errors, 3, last - 1), f"A{last + 2}"))
    return spec


def _annex3_rows(spec: SheetSpec, texts: dict[str, str | None], first: int) -> int:
    """The fixed rows of 附件3 with their nested merges; returns the last row."""
    rows = list(enumerate(domain.ANNEX3_ROWS, first))
    for section, in_section in groupby(rows, key=lambda r: r[1].section):
        block = list(in_section)
        spec.merge(block[0][0], 1, block[-1][0], 1, Cell(section, "body", centre=True))
        for _, in_number in groupby(block, key=lambda r: r[1].number):
            group = list(in_number)
            top, bottom, item = group[0][0], group[-1][0], group[0][1]
            spec.merge(top, 2, bottom, 2, Cell(item.number, "body", centre=True))
            if item.sub is None:
                spec.merge(top, 3, top, 4, Cell(item.item))
            else:
                spec.merge(top, 3, bottom, 3, Cell(item.item, "body", centre=True))
                for row, sub in group:
                    spec.put(row, 4, Cell(sub.sub))
    for row, item in rows:
        spec.put(row, 5, Cell(texts.get(item.key) or A.MISSING_TEXT))
    return rows[-1][0]


def _training_rows(spec: SheetSpec, census: Census, slug: str, head: int) -> int:
    """对县（区）普查骨干质量提升指导情况: capacity_building, one row per occasion, under the
    header row ``head``; returns the last row."""
    date, form, people, topic = A.ANNEX3_TRAINING_HEADERS
    spec.put(head, 1, Cell(date, "header", centre=True))
    spec.merge(head, 2, head, 3, Cell(form, "header", centre=True))
    spec.put(head, 4, Cell(people, "header", centre=True))
    spec.put(head, 5, Cell(topic, "header", centre=True))
    assistance = census.assistance.get(slug)
    trainings = assistance.capacity_building if assistance else ()
    row = head
    for row, t in enumerate(trainings, head + 1):
        spec.put(row, 1, Cell(t.date, text=True, centre=True))
        spec.merge(row, 2, row, 3, Cell(t.form, centre=True))
        spec.put(row, 4, Cell(t.participants, centre=True))
        spec.put(row, 5, Cell(t.topic, text=True))
    if not trainings:
        row = head + 1
        spec.merge(row, 1, row, 5, Cell(A.MISSING_TEXT, centre=True))
    spec.tables.append((head, 1, row, 5))
    return row


def annex3_sheet(name: str, census: Census, slug: str, as_of: date | None = None) -> SheetSpec:
    """附件3's record table for one key-assistance county."""
    spec = SheetSpec(name, L.ANNEX3_WIDTHS, header_rows=(4, 4))
    L.heading(spec, "annex3", census.county(slug).name, 5, as_of)
    content, items, actual = A.ANNEX3_HEADERS
    spec.merge(4, 1, 4, 2, Cell(content, "header", centre=True))
    spec.merge(4, 3, 4, 4, Cell(items, "header", centre=True))
    spec.put(4, 5, Cell(actual, "header", centre=True))
    assistance = census.assistance.get(slug)
    last = _annex3_rows(spec, assistance.texts if assistance else {}, 5)
    spec.tables.append((4, 1, last, 5))
    return spec


def training_sheet(name: str, census: Census, slug: str, as_of: date | None = None) -> SheetSpec:
    """附件3's 普查骨干 table for one county, a sheet of its own: printed under its own header
    on every page (on the record table's sheet its second page repeated the other header)."""
    spec = SheetSpec(name, L.ANNEX3_WIDTHS, header_rows=(4, 5))
    L.heading(spec, "annex3", census.county(slug).name, 5, as_of)
    spec.merge(4, 1, 4, 5, Cell(A.ANNEX3_TRAINING_TITLE, "region"))
    _training_rows(spec, census, slug, 5)
    return spec


def _by_county(census: Census, items: Sequence[T]) -> list[tuple[str, list[tuple[str, T]]]]:
    """(county name, [(county name, item)]) for every county, in the census' county order."""
    return [(c.name, [(c.name, i) for i in items if i.county == c.slug]) for c in census.counties]


def annex1_sheets(census: Census, as_of: date | None = None) -> Iterator[SheetSpec]:
    """附件1's sheets, one at a time (a city-wide sheet's spec is large: the writer turns each
    into XML and drops it before the next is made)."""
    taken: set[str] = set()
    groups = _by_county(census, census.g106)
    everything = [row for _, rows in groups for row in rows]
    yield annex1_sheet(L.sheet_name(A.CITY_SHEET, taken), A.CITY_REGION, everything, True, as_of)
    for name, rows in groups:
        yield annex1_sheet(L.sheet_name(name, taken), name, rows, False, as_of)


def annex2_sheets(census: Census, figures: Figures,
                  as_of: date | None = None) -> Iterator[SheetSpec]:
    """附件2's sheets, one at a time, as annex1_sheets."""
    taken: set[str] = set()
    groups = _by_county(census, census.findings)
    everything = [row for _, rows in groups for row in rows]
    yield annex2_sheet(L.sheet_name(A.CITY_SHEET, taken), A.CITY_REGION, everything, True, as_of)
    yield summary_sheet(L.sheet_name(A.SUMMARY_SHEET, taken), figures, as_of)
    for name, rows in groups:
        yield annex2_sheet(L.sheet_name(name, taken), name, rows, False, as_of)


def annex3_sheets(census: Census, as_of: date | None = None) -> list[SheetSpec]:
    """附件3's sheets: for each key-assistance county its record table, then its 普查骨干
    table on a sheet of its own."""
    taken: set[str] = set()
    sheets = []
    for county in (c for c in census.counties if c.key_assistance):
        sheets.append(annex3_sheet(L.sheet_name(county.name, taken), census, county.slug, as_of))
        training = render("annex.training_sheet", county=county.name)
        sheets.append(training_sheet(L.sheet_name(training, taken), census, county.slug, as_of))
    if not sheets:  # a workbook needs a sheet; say plainly that there is nothing to record
        spec = SheetSpec(A.CITY_SHEET, L.ANNEX3_WIDTHS)
        L.heading(spec, "annex3", A.CITY_REGION, 5, as_of)
        spec.merge(4, 1, 4, 5, Cell(A.NO_KEY_COUNTY, "region"))
        sheets.append(spec)
    return sheets
