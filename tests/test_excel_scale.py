"""Manual page breaks that every spreadsheet application keeps: Excel (and WPS, which follows it)
ignores a sheet's manual breaks while its page setup says "fit to … pages", and only
LibreOffice honours them then. So every sheet with breaks must print at an explicit scale, the
one the page plan assumed, with fitToPage off; a sheet without breaks may stay fit-to-width.
Checked on every workbook written with openpyxl (the three annexes, shipped and minimal
records, and the two fill-in templates), in the written XML and in openpyxl's read-back, and on
generated sheets (hypothesis) whose page plans break at any scale."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from test_excel import _soffice
from test_excel_print import _need_calibri_metrics

from generator.render.annexes import excel
from generator.render.annexes import pages as excel_pages
from generator.render.annexes import templates as excel_templates
from generator.render.annexes.layout import Cell, SheetSpec

EXCEL_SCALES = range(10, 401)  # what Excel's page setup accepts for a print scale, in percent


def _widths(ws: Worksheet) -> list[float]:
    return [d.width for _, d in sorted(ws.column_dimensions.items()) if d.width]


def _plan_of(ws: Worksheet, scale: int) -> tuple[int, ...]:
    """The breaks the page plan gives at ``scale`` for the sheet as written: its row heights,
    its repeated title rows and its objects (ranges merged in column A below the titles)."""
    first, last = (int(r.lstrip("$")) for r in str(ws.print_title_rows).split(":"))
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    keep = sorted((m.min_row, m.max_row) for m in ws.merged_cells.ranges
                  if m.min_col == 1 and m.min_row > last and m.max_row > m.min_row)
    return excel_pages.row_breaks(heights, (first, last), last + 1, ws.max_row, keep, scale)


def _xml_setup(archive: zipfile.ZipFile, part: str) -> tuple[bool, str, str]:
    """From a worksheet part's XML: whether it has row breaks, its <pageSetUpPr> and
    <pageSetup> elements as written (empty when absent)."""
    xml = archive.read(part).decode("utf-8")
    props = re.search(r"<pageSetUpPr\b[^>]*>", xml)
    setup = re.search(r"<pageSetup\b[^>]*>", xml)
    return ("<rowBreaks" in xml, props.group(0) if props else "", setup.group(0) if setup else "")


def check_print_setup(path: Path) -> int:
    """Every sheet of the workbook at ``path``: one with manual breaks prints at the scale its
    plan assumed (so the file's breaks are the plan's at that scale), fitToPage off, no "fit
    to" pages left; one without keeps fit-to-width. Returns how many sheets have breaks."""
    book = load_workbook(path)
    broken = 0
    with zipfile.ZipFile(path) as archive:
        parts = {ws.title: ws for ws in book.worksheets}
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for ws, part in zip(parts.values(), sorted(names, key=lambda n: int(re.sub(r"\D", "", n)))):
            has_breaks, props, setup = _xml_setup(archive, part)
            rows = tuple(b.id for b in ws.row_breaks.brk)
            assert has_breaks == bool(rows), ws.title
            if not rows:
                assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
                assert ws.page_setup.fitToWidth == 1, ws.title
                continue
            broken += 1
            scale = ws.page_setup.scale
            assert ws.sheet_properties.pageSetUpPr.fitToPage is False, (ws.title, props)
            assert 'fitToPage="1"' not in props and "fitToPage" in props, (ws.title, props)
            assert f'scale="{scale}"' in setup and "fitTo" not in setup, (ws.title, setup)
            assert scale == excel_pages.print_scale(_widths(ws)) and scale in EXCEL_SCALES
            printed = sum(map(excel_pages.column_points, _widths(ws))) * scale / 100
            assert printed <= excel_pages.printable()[0], ws.title  # columns on the page width
            assert rows == _plan_of(ws, scale), ws.title
    return broken


def test_shipped_annexes_with_breaks_print_at_their_planned_scale(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    paths = excel.write_annexes(prepared.census, prepared.figures, tmp_path)
    broken = {p.name: check_print_setup(p) for p in paths}
    assert sum(broken.values()) > 5, broken  # 附件2's city and county sheets break


def test_minimal_annexes_and_templates_keep_the_rule(tmp_path: Path) -> None:
    prepared = prepared_clean(MINIMAL)
    assert prepared.census and prepared.figures
    paths = excel.write_annexes(prepared.census, prepared.figures, tmp_path / "a")
    paths += excel_templates.write_templates(tmp_path / "t", "t", excel.MIN_ZIP_TIME)
    for path in paths:
        check_print_setup(path)


@st.composite
def _specs(draw: st.DrawFn) -> SheetSpec:
    """An annex-like sheet: a heading, two title rows, then objects of one to eight rows of
    random heights, each merged down column A (a kept range), over random column widths."""
    widths = tuple(draw(st.lists(st.floats(4, 60), min_size=2, max_size=16)))
    spec = SheetSpec("表", widths, header_rows=(4, 5))
    for row in range(1, 6):
        spec.put(row, 1, Cell(f"标题{row}", "header"))
    row = 6
    for size in draw(st.lists(st.integers(1, 8), min_size=1, max_size=40)):
        spec.merge(row, 1, row + size - 1, 1, Cell(f"对象{row}"))
        for r in range(row, row + size):
            spec.heights[r] = draw(st.sampled_from([15.0, 30.0, 45.0, 90.0, 200.0]))
            spec.put(r, 2, Cell(f"错误{r}"))
        if size > 1:
            spec.keep.append((row, row + size - 1))
        row += size
    return spec


@settings(max_examples=40, deadline=None)
@given(_specs())
def test_any_sheet_with_breaks_prints_at_its_planned_scale(spec: SheetSpec) -> None:
    with tempfile.TemporaryDirectory() as out:
        path = Path(out) / "x.xlsx"
        excel.save(excel.workbook([spec], "t", "t", excel.MIN_ZIP_TIME), path,
                   excel.MIN_ZIP_TIME)
        check_print_setup(path)


def test_a_wide_sheet_with_breaks_is_scaled_below_100(tmp_path: Path) -> None:
    """The scale is the plan's, not a fixed 100: a sheet wider than the page is shrunk."""
    spec = SheetSpec("表", (40.0,) * 10, header_rows=(4, 5))
    for row in range(1, 6):
        spec.put(row, 1, Cell(f"标题{row}", "header"))
    for first in range(6, 306, 3):
        spec.merge(first, 1, first + 2, 1, Cell(f"对象{first}"))
        spec.keep.append((first, first + 2))
        for r in range(first, first + 3):
            spec.heights[r] = 30.0
    path = tmp_path / "wide.xlsx"
    excel.save(excel.workbook([spec], "t", "t", excel.MIN_ZIP_TIME), path, excel.MIN_ZIP_TIME)
    assert check_print_setup(path) == 1
    assert load_workbook(path).active.page_setup.scale < 100


@pytest.mark.libreoffice
def test_libreoffice_draws_no_column_wider_than_the_plan_assumes(tmp_path: Path) -> None:
    """The plan's column widths against LibreOffice's own: the sheet saved as .ods, whose
    column widths are LibreOffice's layout in inches. None may be wider than column_points,
    and column_points is no wider than the wider of LibreOffice's and Excel's by a pixel."""
    _need_calibri_metrics()
    widths = (1.0, 4.5, 6.0, 8.1, 10.3, 16.0, 25.7, 48.0, 100.0, 255.0)
    spec = SheetSpec("表", widths, header_rows=(1, 1))
    for column in range(1, len(widths) + 1):
        spec.put(1, column, Cell(str(column)))
    path = tmp_path / "widths.xlsx"
    excel.save(excel.workbook([spec], "t", "t", excel.MIN_ZIP_TIME), path, excel.MIN_ZIP_TIME)
    (ods,) = _soffice(tmp_path, [path], "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as archive:
        content = archive.read("content.xml").decode("utf-8")
    styles = dict(re.findall(r'style:name="(co\d+)" style:family="table-column">'
                             r'<style:table-column-properties[^>]*?style:column-width="([\d.]+)in"',
                             content))
    table = content[content.index("<table:table "):content.index("<table:table-row")]
    drawn = [float(styles[s]) * 72 for s in re.findall(r'table:style-name="(co\d+)"', table)]
    for width, points in zip(widths, drawn[:len(widths)]):
        assert points <= excel_pages.column_points(width) + 0.1, (width, points)
        assert excel_pages.column_points(width) <= points + 0.75 or width < 2, (width, points)
