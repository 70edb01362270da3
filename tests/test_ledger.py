"""整改台账.xlsx as written (generator/render/annexes/ledger.py), read back with openpyxl: the header
row, the dropdown fed from a hidden sheet, date-only cells, protection with the editable
columns unlocked, frozen header, autofilter, print setup, 数据截至; a text dump against a
golden file; the same records give the same bytes; record text is data."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, REPO, check_golden, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.render.annexes.ledger import HEADER_ROW, write_ledger
from generator.render.annexes.ledger_rows import COLUMNS

GOLDEN = Path(__file__).resolve().parent / "golden" / "ledger" / "整改台账.txt"
AS_OF = date(2019, 5, 30)
STAMP = datetime(2019, 5, 30, 8, 0)
HEADERS = ["序号", "记录编号", "错误序号", "普查对象名称", "普查表号", "指标代码", "指标名称",
           "普查表填报错误的原因", "审核日期", "整改期限", "整改责任人", "整改状态", "整改日期",
           "整改说明", "逾期天数"]


def write(records: Path, out: Path) -> Path:
    return write_ledger(prepared_clean(records).census, out, AS_OF, STAMP)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(REPO / "records", tmp_path_factory.mktemp("ledger"))


def test_sheets_and_header_row(shipped: Path) -> None:
    wb = load_workbook(shipped)
    census = prepared_clean(REPO / "records").census
    assert census is not None
    assert wb.sheetnames == ["全市", *(c.name for c in census.counties), "整改状态", "导出时的值"]
    for ws in wb.worksheets[:-2]:
        assert [c.value for c in ws[HEADER_ROW + 1]] == HEADERS
        assert "数据截至 2019-05-30" in str(ws["A2"].value)
    city = wb["全市"]
    errors = sum(len(f.errors) for f in census.findings)
    assert city.max_row == HEADER_ROW + 1 + errors
    first = census.findings[0]
    assert [c.value for c in city[HEADER_ROW + 2]][:3] == [1, first.id, 1]


def test_dropdown_from_hidden_sheet_and_dates_only(shipped: Path) -> None:
    wb = load_workbook(shipped)
    lists = wb["整改状态"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(r, 1).value for r in (1, 2, 3)] == ["未整改", "整改中", "已整改"]
    ws = wb["华龙区"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    last = ws.max_row
    status = rules[f"L5:L{last}"]
    assert status.type == "list" and status.formula1 == "'整改状态'!$A$1:$A$3"  # not inline
    for column in "JM":
        assert rules[f"{column}5:{column}{last}"].type == "date"


def test_protection_and_editable_columns(shipped: Path) -> None:
    ws = load_workbook(shipped)["华龙区"]
    assert ws.protection.sheet and not ws.protection.password
    assert not ws.protection.autoFilter and not ws.protection.sort  # allowed when protected
    editable = {"J", "K", "L", "M", "N"}
    for cell in ws[HEADER_ROW + 2]:
        assert cell.protection.locked is (cell.column_letter not in editable), cell.coordinate
    assert [c.key for c in COLUMNS if c.editable] == ["due", "owner", "status", "date", "note"]


def test_view_filter_and_print_setup(shipped: Path) -> None:
    ws = load_workbook(shipped)["全市"]
    assert ws.freeze_panes == f"A{HEADER_ROW + 2}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW + 1}:O{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (1 is the default)
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"
    assert "2019-05-30" in ws.oddHeader.right.text and "2019-05-30" in ws.oddFooter.right.text


def test_dates_are_date_cells(shipped: Path) -> None:
    ws = load_workbook(shipped)["全市"]
    row = ws[HEADER_ROW + 2]
    for column in (8, 9):  # 审核日期, 整改期限 (always filled)
        assert isinstance(row[column].value, datetime) and row[column].number_format == "yyyy-mm-dd"


def dump(path: Path) -> str:
    wb = load_workbook(path)
    lines = [f"# {wb.properties.title} / {wb.properties.creator} / {wb.properties.created}"]
    for ws in wb.worksheets:
        lines.append(f"== {ws.title} {ws.sheet_state} ({ws.dimensions}) freeze={ws.freeze_panes} "
                     f"filter={ws.auto_filter.ref} merged={sorted(map(str, ws.merged_cells.ranges))}")
        lines.append("widths: " + " ".join(f"{k}={d.width:g}"
                                           for k, d in sorted(ws.column_dimensions.items())))
        for dv in ws.data_validations.dataValidation:
            lines.append(f"validation {dv.sqref} {dv.type} {dv.formula1} {dv.formula2}")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    lock = "" if cell.protection.locked else " unlocked"
                    lines.append(f"{cell.coordinate} {cell.data_type} {cell.number_format}{lock} "
                                 f"{cell.value!r}")
    return "\n".join(lines) + "\n"


def test_golden_dump(tmp_path: Path, update_golden: bool) -> None:
    check_golden(GOLDEN, dump(write(MINIMAL, tmp_path)), update_golden)


def test_same_records_same_bytes(tmp_path: Path) -> None:
    first = write(MINIMAL, tmp_path / "a").read_bytes()
    assert write(MINIMAL, tmp_path / "b").read_bytes() == first


HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@x", "_x0041_ 字", "<r><t>x</t></r>",
           "a & <b>"]


@pytest.mark.parametrize("text", HOSTILE)
def test_record_text_is_data(minimal_tree: Path, tmp_path: Path, text: str) -> None:
    finding = minimal_tree / "hualong/findings/hl-20190311-aaa.yaml"
    quoted = '"' + text.replace('"', '\\"') + '"'
    source = finding.read_text(encoding="utf-8").replace("reason: 行业代码与产品不符",
                                                         f"reason: {quoted}")
    finding.write_text(source.replace("{status: 未整改}", f"{{status: 未整改, note: {quoted}}}"),
                       encoding="utf-8")
    path = write(minimal_tree, tmp_path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)
    from generator.tools.ledger.read import read_ledger
    from generator.tools.ledger.sheetxml import open_book, rows

    ledger = read_ledger(path)
    assert ledger is not None
    assert ledger.sheets[0].rows[1].values["note"] == text  # as the import reads it
    book = open_book(path.read_bytes())
    cells = dict(rows(book, book.sheets[0][1]))
    assert cells[HEADER_ROW + 2][8] == text  # 普查表填报错误的原因, which the import skips


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(date(1900, 1, 1), date(9999, 12, 31)), min_size=1, max_size=8))
def test_a_date_written_as_its_serial_is_the_cell_write_datetime_makes(days: list[date]) -> None:
    """The writer stores dates with write_number(serial(day)) in a date format: the same
    cell XML as XlsxWriter's write_datetime, from 1900 (Excel's 29 February) to 9999."""
    import tempfile

    import xlsxwriter

    from generator.render.annexes.ledger import serial

    with tempfile.TemporaryDirectory() as folder:
        books = []
        for way in ("datetime", "serial"):
            path = Path(folder) / f"{way}.xlsx"
            book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
            ws, fmt = book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd"})
            for r, day in enumerate(days):
                if way == "datetime":
                    ws.write_datetime(r, 0, datetime.combine(day, datetime.min.time()), fmt)
                else:
                    ws.write_number(r, 0, serial(day), fmt)
            book.close()
            books.append(_sheet_xml(path))
        assert books[0] == books[1]


def test_a_full_disk_while_zipping_is_an_oserror_and_prints_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter meets ENOSPC while it zips: the OSError itself comes out (the build's disk
    message, not an internal error), and the zip file XlsxWriter left open is closed, so no
    "Exception ignored" traceback reaches the user's terminal when it is let go."""
    import errno
    import gc
    import os
    import sys

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush_fails(self: zipfile.ZipFile, fp: Any) -> None:  # what a full disk does there too
        fp.close()
        full()

    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    monkeypatch.setattr(zipfile.ZipFile, "_fpclose", flush_fails)
    with pytest.raises(OSError) as raised:
        write(MINIMAL, tmp_path)
    assert raised.value.errno == errno.ENOSPC
    del raised
    gc.collect()
    assert unraisable == []


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(1)", "\uff1d1+1", "\uff0b1",
                                  "\uff0d1", "\uff20SUM(1)", "\r=1"],
                         ids=["eq", "plus", "minus", "at", "fw-eq", "fw-plus", "fw-minus",
                              "fw-at", "cr"])
def test_formula_like_text_is_quote_prefixed_as_in_the_annexes(minimal_tree: Path,
                                                                tmp_path: Path,
                                                                text: str) -> None:
    """A county clerk editing a cell that begins like a formula (an input method types the
    full-width ＝) must not turn it into one: the cell is quote-prefixed, as the annexes'."""
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape  # "\r" is written _x000D_

    finding = minimal_tree / "hualong/findings/hl-20190311-aaa.yaml"
    quoted = json.dumps(text, ensure_ascii=False)
    source = finding.read_text(encoding="utf-8")
    finding.write_text(source.replace("{status: 未整改}", f"{{status: 未整改, note: {quoted}}}"),
                       encoding="utf-8")
    ws = load_workbook(write(minimal_tree, tmp_path))["全市"]
    cells = [c for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and unescape(c.value) == text]
    assert cells and all(c.quotePrefix for c in cells), [c.coordinate for c in cells]


def _deflated_at(book: Path, level: int) -> bool:
    """Whether every deflated entry of ``book`` is its data deflated by zlib at ``level``."""
    import zlib

    with zipfile.ZipFile(book) as archive:
        entries = [e for e in archive.infolist() if e.compress_type == zipfile.ZIP_DEFLATED]
        assert entries
        for entry in entries:
            packer = zlib.compressobj(level, zlib.DEFLATED, -15)
            data = archive.read(entry)
            if len(packer.compress(data) + packer.flush()) != entry.compress_size:
                return False
    return True


def test_the_workbooks_are_deflated_at_their_level_and_xlsxwriter_is_itself_after(
        shipped: Path, tmp_path: Path) -> None:
    """The ledger (XlsxWriter, given the level around its close) and the annexes (our own
    packaging) at ZIP_LEVEL; XlsxWriter's ZipFile is its own again afterwards."""
    import xlsxwriter.workbook

    from generator.render.annexes import excel, ledger

    assert ledger.ZIP_LEVEL == excel.ZIP_LEVEL != 6  # 6: zlib's default, what was slow
    assert _deflated_at(shipped, ledger.ZIP_LEVEL)
    assert not _deflated_at(shipped, 6)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    prepared = prepared_clean(MINIMAL)
    assert prepared.census and prepared.figures
    for book in excel.write_annexes(prepared.census, prepared.figures, tmp_path):
        assert _deflated_at(book, excel.ZIP_LEVEL), book.name
