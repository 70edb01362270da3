"""Blank 附件1 and 附件2 for the counties to fill in → two .xlsx files beside the annexes.

Takes the output folder, the workbooks' creator and timestamp (the records play no part: the
templates are the same in every build); gives 附件1_填报模板.xlsx and 附件2_填报模板.xlsx in
the annexes' official layout: the heading (指导区域 left as "县（区）", which the importer
reads as "not said": the county comes from ``import --county``), the very headers
render/annexes/layout.py defines and generator/tools/importer/read.py recognises, TEMPLATE_ROWS blank
bordered rows formatted as text (so 03 stays 03), and a 填表说明 line under the table that
the importer stops at. 附件2 has dropdowns: 污染源类型 (domain.SOURCE_TYPES, nothing else
accepted) and 普查表号 — the fixed list domain.KNOWN_FORMS, in letter then number order, on a
hidden sheet; a form not in the list is only warned about, as validate only warns about an
unknown but well-formed form number.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from generator.records import domain
from generator.render.annexes import excel
from generator.render.annexes import layout as L
from generator.render.annexes import widths as excel_widths
from generator.render.annexes.layout import Cell, Column, ListCheck, SheetSpec
from generator.render.annexes.sheets import annex2_header, header_row
from generator.text import annexes as A
from generator.text import render

TEMPLATE_ROWS = 200  # rows ready to fill; more can be inserted, the importer reads them all
FIELD_LISTS = ("source_type", "form")  # the columns with a dropdown, in the lists' order


def known_forms() -> list[str]:
    """domain.KNOWN_FORMS in the order of the form letters (G N J S Y), then by number."""
    letters = list(domain.FORM_LETTERS)

    def key(form: str) -> tuple[int, list[int]]:
        return letters.index(form[0]), [int(n) for n in re.findall(r"\d+", form)]

    return sorted(domain.KNOWN_FORMS, key=key)


def _widths(columns: tuple[Column, ...]) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Widths for filling in: a text column as wide as the annexes print it (its nominal
    width), a code column as its sample needs; headers broken as excel_widths breaks them."""
    widths, _ = excel_widths.fit(columns, [[] for _ in columns])
    widths = tuple(w if not c.wrap else max(w, c.width) for c, w in zip(columns, widths))
    return widths, tuple(excel_widths.header_text(c.header, w) for c, w in zip(columns, widths))


def _blank(spec: SheetSpec, first: int, columns: tuple[Column, ...], annex: str) -> None:
    """TEMPLATE_ROWS empty bordered rows from ``first``, then the 填表说明 line."""
    cells = [Cell(None, "body", text=c.text, centre=c.centre) for c in columns]
    last = first + TEMPLATE_ROWS - 1
    for row in range(first, last + 1):
        for i, cell in enumerate(cells, 1):
            spec.put(row, i, cell)
    spec.tables.append((spec.header_rows[0], 1, last, len(columns)))
    hint = render(f"annex.template_hint_{annex}")
    spec.merge(last + 1, 1, last + 1, len(columns), Cell(hint, "note"))


def annex1_template() -> SheetSpec:
    columns = L.annex1_columns(False)
    widths, headers = _widths(columns)
    spec = SheetSpec(A.LABELS["annex1"], widths, header_rows=(4, 4))
    L.heading(spec, "annex1", L.COUNTY.header, len(columns))
    header_row(spec, 4, columns, headers)
    _blank(spec, 5, columns, "annex1")
    return spec


def annex2_template(lists: str) -> SheetSpec:
    """附件2 to fill in, its dropdowns taking their values from the sheet named ``lists``."""
    columns = L.annex2_columns(False)
    widths, headers = _widths(columns)
    spec = SheetSpec(A.LABELS["annex2"], widths, header_rows=(4, 5))
    L.heading(spec, "annex2", L.COUNTY.header, len(columns))
    annex2_header(spec, columns, headers)
    _blank(spec, 6, columns, "annex2")
    last = 6 + TEMPLATE_ROWS - 1
    for n, name in enumerate(FIELD_LISTS):
        column = next(i for i, c in enumerate(columns, 1) if c.field == name)
        letter = chr(ord("A") + column - 1)
        count = len(_list_values(name))
        source = f"'{lists}'!${chr(ord('A') + n)}$2:${chr(ord('A') + n)}${count + 1}"
        spec.checks.append(ListCheck(f"{letter}6:{letter}{last}", source,
                                     strict=name != "form"))
    return spec


def _list_values(name: str) -> list[str]:
    return list(domain.SOURCE_TYPES) if name == "source_type" else known_forms()


def lists_sheet(name: str) -> SheetSpec:
    """The hidden sheet of dropdown values: a column per FIELD_LISTS field, its header on top."""
    headers = {c.field: c.header for c in L.ANNEX2_OBJECT_COLUMNS + L.ANNEX2_ERROR_COLUMNS}
    spec = SheetSpec(name, (14,) * len(FIELD_LISTS), header_rows=(1, 1), hidden=True)
    for n, field in enumerate(FIELD_LISTS, 1):
        spec.put(1, n, Cell(headers[field], "header", centre=True))
        for row, value in enumerate(_list_values(field), 2):
            spec.put(row, n, Cell(value, text=True))
    return spec


def write_templates(out_dir: Path, creator: str, stamp: datetime) -> list[Path]:
    """附件1_填报模板.xlsx and 附件2_填报模板.xlsx into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lists = render("annex.lists_sheet")
    books = {"annex1": [annex1_template()], "annex2": [annex2_template(lists), lists_sheet(lists)]}
    written = []
    for annex, sheets in books.items():
        path = out_dir / render("annex.template_file", label=A.LABELS[annex])
        title = render("annex.template_title", title=A.TITLES[annex])
        excel.save(excel.workbook(sheets, title, creator, stamp), path, stamp)
        written.append(path)
    return written
