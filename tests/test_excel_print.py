"""Printing the annex workbooks: the page plan and the widths (pure, with hypothesis), the breaks
and headers the writer puts in, and LibreOffice's PDF of the shipped records and of a larger
generated set, read back as text page by page (pdftotext, poppler-utils): no census object on
two pages, every page under the header of its own table, codes on one line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, need_tool, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from test_excel import _soffice

from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.render.annexes import excel
from generator.render.annexes import layout as excel_layout
from generator.render.annexes import pages as excel_pages
from generator.render.annexes import sheets as excel_sheets
from generator.render.annexes import widths as excel_widths
from generator.render.annexes.layout import FILES, Column

CAPACITY_100 = excel_pages.printable()[1] * excel_pages.HEIGHT_SLACK


# ------------------------------------------------------------------ the page plan (pure)


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[dict[int, float], int, list[tuple[int, int]], int]:
    """Row heights (rows 1–5 a heading and two title rows), the last row, kept ranges, scale."""
    # title rows of at most 78 pt: with a row of Excel's greatest height (409) they fit a page
    heights = {1: 15.0, 2: 36.0, 3: 22.0, 4: draw(st.floats(15, 39)), 5: draw(st.floats(15, 39))}
    keep, row = [], 6
    for size in draw(st.lists(st.integers(1, 12), min_size=1, max_size=60)):
        for r in range(row, row + size):
            heights[r] = draw(st.sampled_from([20.0, 34.0, 49.0, 79.5, 140.0, 409.0]))
        if size > 1:
            keep.append((row, row + size - 1))
        row += size
    return heights, row - 1, keep, draw(st.integers(40, 100))


def _pages_of(breaks: tuple[int, ...], last: int) -> list[range]:
    starts = [6, *(b + 1 for b in breaks)]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], last + 1])]


@settings(max_examples=300, deadline=None)
@given(_sheets())
def test_every_page_fits_and_every_object_that_can_stays_whole(
        sheet: tuple[dict[int, float], int, list[tuple[int, int]], int]) -> None:
    heights, last, keep, scale = sheet
    breaks = excel_pages.row_breaks(heights, (4, 5), 6, last, keep, scale)
    capacity = CAPACITY_100 * 100 / scale
    # a break after row 5: the first object fits a page, but not under the heading
    assert list(breaks) == sorted(set(breaks)) and all(5 <= b < last for b in breaks)
    pages = _pages_of(breaks, last)
    for n, page in enumerate(pages):
        above = sum(heights[r] for r in range(1, 6)) if n == 0 else heights[4] + heights[5]
        assert above + sum(heights[r] for r in page) <= capacity + 1e-6, (n, page)
    titles = heights[4] + heights[5]
    for first, end in keep:
        inside = [b for b in breaks if first <= b < end]
        size = sum(heights[r] for r in range(first, end + 1))
        if titles + size <= capacity:
            assert not inside, (first, end, breaks)
        elif first > 6:  # too tall for any page: it starts one (the first flows from page 1)
            assert first - 1 in breaks


@settings(max_examples=200, deadline=None)
@given(_sheets())
def test_a_page_is_only_ended_early_for_what_would_not_fit(
        sheet: tuple[dict[int, float], int, list[tuple[int, int]], int]) -> None:
    """No page is left short unless the next object did not fit on it: the plan wastes no
    paper it need not."""
    heights, last, keep, scale = sheet
    breaks = excel_pages.row_breaks(heights, (4, 5), 6, last, keep, scale)
    capacity = CAPACITY_100 * 100 / scale
    ends = {b: next((e for f, e in keep if f == b + 1), b + 1) for b in breaks}
    for n, page in enumerate(_pages_of(breaks, last)[:-1]):
        above = sum(heights[r] for r in range(1, 6)) if n == 0 else heights[4] + heights[5]
        used = above + sum(heights[r] for r in page)
        following = sum(heights[r] for r in range(page.stop, ends[page.stop - 1] + 1))
        assert used + following > capacity - 1e-6 or used + heights[page.stop] > capacity


def test_the_scale_fits_the_columns_to_the_printable_width() -> None:
    width = excel_pages.printable()[0]
    assert excel_pages.print_scale([10] * 5) == 100
    for widths in ([6, 12, 24, 9, 11, 8, 16, 48, 18], [30] * 12, [200, 200]):
        scale = excel_pages.print_scale(widths)
        printed = sum(excel_pages.column_points(w) for w in widths) * scale / 100
        assert printed <= width and printed * (scale + 2) / scale > width * 0.98


def test_the_writer_breaks_only_between_census_objects(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    (path,) = [p for p in excel.write_annexes(prepared.census, prepared.figures, tmp_path)
               if p.name == FILES["annex2"]]
    book = load_workbook(path)
    broken = 0
    for ws in book.worksheets:
        inside = {r for m in ws.merged_cells.ranges if m.min_col == 1 and m.min_row > 5
                  for r in range(m.min_row, m.max_row)}
        rows = [b.id for b in ws.row_breaks.brk]
        # Excel and WPS drop manual breaks on a sheet fitted to pages: breaks go with a scale
        setup = (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                 ws.sheet_properties.pageSetUpPr.fitToPage, ws.page_setup.scale)
        assert setup == (None, None, False, excel_pages.print_scale(
            [d.width for d in ws.column_dimensions.values() if d.width])) if rows else \
            setup[:3] in ((1, 0, True), (1, 1, True)), (ws.title, setup)
        assert not set(rows) & inside, ws.title
        broken += len(rows)
    assert broken > 5


# ------------------------------------------------------------------ widths (pure)


CODES = st.text(st.sampled_from("0123456789/-ABCGHLNSYJ"), min_size=1, max_size=16)


@settings(max_examples=200, deadline=None)
@given(st.lists(CODES, min_size=1, max_size=20))
def test_a_code_column_is_as_wide_as_its_widest_code(codes: list[str]) -> None:
    column = Column("product_code", "产品代码", 10, wrap=False, sample="251105010/0")
    (width,), _ = excel_widths.fit([column], [codes])
    assert width >= max(map(excel_widths.measure, [*codes, "251105010/0"])) + excel_widths.PAD


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("普查员号企业名称代码计量单位（）必填、"), min_size=1, max_size=14),
       st.floats(0, 40))
def test_a_header_is_broken_only_where_it_may_be(header: str, width: float) -> None:
    text = excel_widths.header_text(header, width)
    lines = text.split("\n")
    assert "".join(lines) == header and len(lines) <= 2
    for line in lines[1:]:
        assert line[:1] not in excel_widths.NO_LINE_START
    for line in lines[:-1]:
        assert line[-1:] not in excel_widths.NO_LINE_END


@pytest.mark.parametrize(("header", "printed"), [
    ("普查员号（必填）", "普查员号\n（必填）"),
    ("涉及行业代码", "涉及行业\n代码"),
    ("生产规模计量单位", "生产规模\n计量单位"),
    ("末端治理技术名称", "末端治理\n技术名称"),
    ("污染物计量单位", "污染物\n计量单位"),
])
def test_headers_break_before_a_word(header: str, printed: str) -> None:
    assert excel_widths.header_text(header, 8) == printed
    assert excel_widths.header_text(header, 40) == header


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
       | st.text(alphabet=st.characters(min_codepoint=0x2E70, max_codepoint=0x2E90)
                 | st.characters(min_codepoint=0xFEF0, max_codepoint=0xFF70), max_size=30))
def test_the_height_measure_counts_cjk_and_full_width_forms_double(text: str) -> None:
    """heights.text_width: a CJK character (after U+2E7F) or a full-width form ！…～
    (U+FF01–U+FF5E) is 2.0, anything else 1.1, summed in order (row heights depend on it):
    the rule as layout.py wrote it before the measure moved to heights.py."""
    from generator.render.annexes.heights import text_width

    expected = 0.0
    for char in text:
        expected += 2.0 if ord(char) > 0x2E7F or "\uff01" <= char <= "\uff5e" else 1.1
    assert text_width(text) == expected
    assert [text_width(c) for c in "a\u2e7f\u2e80\uff01\uff5e"] == [1.1, 1.1, 2.0, 2.0, 2.0]


def test_text_columns_wrap_at_their_width_and_shrink_to_short_content() -> None:
    text = Column("summary", "问题简述", 30)
    (long_width,), _ = excel_widths.fit([text], [["很长的问题描述" * 10]])
    (short_width,), _ = excel_widths.fit([text], [["短"]])
    assert long_width == 30 and short_width < 30


# ------------------------------------------------------------------ LibreOffice's PDF


def _tokened(census: Census) -> Census:
    """The census with a printable token in every error's 指标名称 (K<object>-<error>) and a
    code of the seed's longest shape in every 产品代码: what the PDF text is searched for."""
    findings = tuple(replace(f, errors=tuple(replace(e, indicator_name=f"K{n:04d}-{k}")
                                             for k, e in enumerate(f.errors, 1)))
                     for n, f in enumerate(census.findings, 1))
    g106 = tuple(replace(g, product_code=f"25{n:07d}/0") for n, g in enumerate(census.g106, 1))
    return replace(census, findings=findings, g106=g106)


def _need_calibri_metrics() -> None:
    """The column widths are in digits of Calibri, the workbooks' default font; LibreOffice
    lays them out as Excel does only with Calibri or its metric twin Carlito installed (with a
    fallback such as DejaVu Sans every column is a third wider). Skip visibly when neither is
    there, fail under CI=true (.ci/run installs Carlito)."""
    found = subprocess.run([need_tool("fc-match"), "-f", "%{family}", "Calibri"],
                           capture_output=True, text=True, timeout=60, check=False).stdout
    if not {"Calibri", "Carlito"} & set(found.split(",")):
        reason = f"Calibri is drawn as {found!r}: install fonts-crosextra-carlito (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _pdf_text(tmp_path: Path, books: list[Path]) -> dict[str, list[str]]:
    """Each workbook's PDF as LibreOffice prints it, as the text of each page."""
    pdftotext = need_tool("pdftotext")
    _need_calibri_metrics()
    texts = {}
    for pdf in _soffice(tmp_path, books, "pdf", tmp_path / "pdf"):
        out = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                             text=True, check=True, timeout=120).stdout
        texts[pdf.stem] = out.split("\f")[:-1]  # pdftotext ends every page with a form feed
    return texts


def _headers(columns: tuple[Column, ...]) -> set[str]:
    """Header fragments every page of a table shows (each line of a broken header)."""
    return {line for c in columns for line in excel_widths.header_text(c.header, 0).split("\n")}


def _check_annex2(pages: list[str], census: Census) -> None:
    """Every error token found once; an object's tokens all on one page; each page's header."""
    where: dict[str, set[int]] = {}
    for n, page in enumerate(pages):
        assert "普查表填报错误明细" in page and "普查对象名称" in page and "备注" in page, n
        for token in re.findall(r"K(\d{4})-\d+", page):
            where.setdefault(token, set()).add(n)
    errors = {f"{n:04d}" for n, _ in enumerate(census.findings, 1)}
    assert errors <= set(where), sorted(errors - set(where))[:5]
    split = {t: p for t, p in where.items() if len(p) > 1 and t in errors}
    # the city sheet and its county sheet each print an object once: one page in each
    assert all(len(p) <= 2 for p in split.values()), split


def _objects_on_one_page(pages: list[str]) -> None:
    """Within one sheet's pages (the city sheet), every object's error tokens on one page."""
    seen: dict[str, int] = {}
    for n, page in enumerate(pages):
        for token in set(re.findall(r"K(\d{4})-\d+", page)):
            assert seen.setdefault(token, n) == n, f"object {token} on pages {seen[token]}, {n}"


def _check_annex1(pages: list[str], census: Census) -> None:
    headers = _headers(excel_layout.ANNEX1_COLUMNS)
    for n, page in enumerate(pages):
        assert all(h in page for h in headers), (n, [h for h in headers if h not in page])
        assert not re.search(r"^\s*）\s*$", page, re.M), n
    text = "".join(pages)
    for g in census.g106:
        assert g.product_code in text and g.enumerator_id in text, g.product_code


def _check_annex3(pages: list[str]) -> None:
    for n, page in enumerate(pages):
        dated = re.search(r"^\s*\d{4}-\d{2}-\d{2}\s", page, re.M)
        own = "参加人数" in page and "实际情况及存在问题" not in page
        assert own if dated else "实际情况及存在问题" in page, (n, page[:300])


def _by_sheet(pages: list[str]) -> list[list[str]]:
    """The pages of each sheet: a sheet's first page starts with the 附件 label."""
    sheets: list[list[str]] = []
    for page in pages:
        if re.match(r"\s*附件\d", page) or not sheets:
            sheets.append([])
        sheets[-1].append(page)
    return sheets


@pytest.mark.libreoffice
def test_shipped_annexes_print_objects_whole_under_their_headers(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    census = _tokened(prepared.census)
    books = excel.write_annexes(census, prepared.figures, tmp_path / "xlsx")
    texts = _pdf_text(tmp_path, books)
    annex1, annex2, annex3 = (texts[Path(FILES[k]).stem] for k in ("annex1", "annex2", "annex3"))
    _check_annex1(annex1, census)
    _check_annex2([p for p in annex2 if "全市汇总" not in p and "审核对象数" not in p], census)
    for sheet in _by_sheet(annex2):
        _objects_on_one_page(sheet)
    _check_annex3(annex3)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Census, Figures]:
    """Synthetic records (benchmarks/synth.py) at 3% of city scale: some 300 objects."""
    out = tmp_path_factory.mktemp("synth")
    made = subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"),
                           str(out / "records"), "--scale", "0.03"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert made.returncode == 0, made.stderr
    prepared = prepared_clean(out / "records")
    assert prepared.census and prepared.figures
    return _tokened(prepared.census), prepared.figures


@pytest.mark.libreoffice
def test_a_larger_city_sheet_prints_every_object_on_one_page(
        tmp_path: Path, generated: tuple[Census, Figures]) -> None:
    census, _ = generated
    rows = [(c.name, f) for c in census.counties for f in census.findings if f.county == c.slug]
    spec = excel_sheets.annex2_sheet("全市", "全市", rows, True)
    annex1 = excel_sheets.annex1_sheet(
        "附件1", "全市", [(c.name, g) for c in census.counties for g in census.g106
                        if g.county == c.slug], True)
    paths = []
    for name, sheet in (("a2", spec), ("a1", annex1)):
        paths.append(tmp_path / f"{name}.xlsx")
        book = excel.workbook([sheet], "t", "t", excel.MIN_ZIP_TIME)
        excel.save(book, paths[-1], excel.MIN_ZIP_TIME)
    texts = _pdf_text(tmp_path, paths)
    assert len(texts["a2"]) > 20
    _check_annex2(texts["a2"], census)
    _objects_on_one_page(texts["a2"])
    _check_annex1(texts["a1"], census)


@pytest.mark.libreoffice
def test_the_minimal_annexes_print_too(tmp_path: Path) -> None:
    prepared = prepared_clean(MINIMAL)
    assert prepared.census and prepared.figures
    census = _tokened(prepared.census)
    texts = _pdf_text(tmp_path, excel.write_annexes(census, prepared.figures, tmp_path / "x"))
    _check_annex1(texts[Path(FILES["annex1"]).stem], census)
    _check_annex3(texts[Path(FILES["annex3"]).stem])


@pytest.mark.libreoffice
def test_the_blank_templates_print_their_header_on_every_page(tmp_path: Path) -> None:
    from generator.render.annexes import templates as excel_templates
    books = excel_templates.write_templates(tmp_path / "x", "t", excel.MIN_ZIP_TIME)
    texts = _pdf_text(tmp_path, books)
    annex1, annex2 = texts["附件1_填报模板"], texts["附件2_填报模板"]
    assert len(annex1) > 1 and len(annex2) > 1  # the hidden list sheet is not printed
    for page in annex1:
        assert all(h in page for h in _headers(excel_layout.ANNEX1_COLUMNS))
    for page in annex2:
        assert "普查表填报错误明细" in page and "普查对象名称" in page and "G101-1" not in page
