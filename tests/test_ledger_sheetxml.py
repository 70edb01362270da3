"""The ledger's own sheet reader (tools/ledger/sheetxml.py) gives every cell the value
openpyxl (read-only, data_only) gives it: for the exported ledger (XlsxWriter: inline strings,
dates), for one a clerk saved with openpyxl (shared strings), for inline rich text, cached
formula values, a 1904 workbook, and for sparse sheets of every cell kind (hypothesis). The one
difference on purpose: OOXML's ``_xHHHH_`` escapes are decoded in every text."""

from __future__ import annotations

import json
import re
import shutil
import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from cli_helpers import main_in_process
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape
from test_ledger_import import clerk, export

from generator.render.annexes.ledger_rows import EDITABLE
from generator.text import ledger as T
from generator.tools.importer.read import MAX_BLANK_RUN
from generator.tools.ledger.read import HEADER_SEARCH
from generator.tools.ledger.sheetxml import EMPTY_RUN, open_book, rows
from generator.tools.ledger.sheetxml import column as sheet_column
from generator.tools.ledger.snapshot import read_snapshot


def _openpyxl(path: Path, decode: bool) -> dict[str, dict[tuple[int, int], Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: {(r, c): unescape(v) if decode and isinstance(v, str) else v
                           for r, row in enumerate(ws.iter_rows(values_only=True), 1)
                           for c, v in enumerate(row, 1) if v is not None}
                for ws in wb.worksheets}
    finally:
        wb.close()


def _ours(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    book = open_book(path.read_bytes())
    return {name: {(r, c): v for r, cells in rows(book, part) for c, v in cells.items()}
            for name, part in book.sheets}


def _same(path: Path, decode: bool = True) -> None:
    assert _ours(path) == _openpyxl(path, decode)


def test_the_exported_and_the_clerk_saved_ledger_read_alike(tmp_path: Path) -> None:
    tree = tmp_path / "records"
    shutil.copytree(REPO / "records", tree)
    book = export(tree, tmp_path)
    _same(book)
    _same(clerk(book, [("华龙区", 0, "owner", "张三"), ("全市", 2, "due", date(2019, 5, 1))],
                tmp_path / "back.xlsx"), decode=False)


def test_inline_rich_text_formulas_and_gaps_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("a")
    bold = book.add_format({"bold": True})
    ws.write_rich_string(0, 0, "前", bold, "粗体", "后")
    ws.write_string(0, 3, "  空格 _x0041_ ")
    ws.write_formula(2, 1, "=1+1", None, 2)
    ws.write_formula(2, 2, '="a"&"b"', None, "ab")
    ws.write_formula(2, 3, "=1/0", None, "#DIV/0!")
    ws.write_boolean(4, 0, True)
    ws.write_datetime(4, 2, datetime(2019, 3, 5, 8, 30),
                      book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    ws.write_datetime(4, 3, time(8, 30), book.add_format({"num_format": "hh:mm"}))
    ws.write_number(7, 5, 1.5e-7)
    ws.write_number(8, 5, -12)
    ws.write_string(9, 0, "")
    book.add_worksheet("empty")
    book.close()
    _same(path)


def test_a_1904_workbook_reads_its_dates_alike(tmp_path: Path) -> None:
    path = tmp_path / "mac.xlsx"
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    book.add_worksheet().write_datetime(0, 0, datetime(2019, 3, 5),
                                        book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    _same(path)
    assert _ours(path)["Sheet1"][(1, 1)] == datetime(2019, 3, 5)


ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
TEXT = st.text(max_size=8).map(lambda t: "".join(c for c in t if c.isprintable())).filter(
    lambda t: not ESCAPE.search(t))  # openpyxl writes such text unescaped: not OOXML
CELL = st.one_of(st.none(), TEXT, st.integers(-10**12, 10**12),
                 st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(),
                 st.dates(date(1950, 1, 1), date(2100, 1, 1)),
                 st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1)),
                 st.times().map(lambda t: t.replace(microsecond=0)),
                 st.sampled_from(["=1+2", "#N/A", " ", "0012"]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.tuples(st.integers(1, 12), st.integers(1, 8)), CELL, max_size=30))
def test_sparse_sheets_of_every_cell_kind_read_alike(tmp_path: Path,
                                                     cells: dict[tuple[int, int], Any]) -> None:
    wb = Workbook()
    ws = wb.active
    for (row, column), value in cells.items():
        ws.cell(row, column).value = value
    path = tmp_path / "h.xlsx"
    wb.save(path)
    _same(path, decode=False)


def test_references_with_dollars_or_without_a_row_read_as_their_column(tmp_path: Path) -> None:
    source = tmp_path / "s.xlsx"
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.active["B1"] = "y"
    wb.save(source)
    for ref in ("$C$1", "C1", "C", "c1"):
        path = tmp_path / f"r{ref.replace('$', '_')}.xlsx"
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
            for item in old.infolist():
                data = old.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b'<c r="A1"', f'<c r="{ref}"'.encode())
                new.writestr(item, data)
        assert _ours(path)["Sheet"] == {(1, 3): "x", (1, 2): "y"}, ref


# --- crafted and damaged workbooks: refused or read within bounds, never a crash ------------

def _tamper(book: Path, part: str, change: Any, out: Path) -> Path:
    """``book`` with the zip entry ``part`` passed through ``change`` (bytes → bytes)."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info.filename)
            dest.writestr(info.filename, change(data) if info.filename == part else data)
    return out


def _first_sheet(book: Path) -> str:
    return open_book(book.read_bytes()).sheets[0][1]


@pytest.mark.parametrize("ref, number", [("A1", 1), ("Z9", 26), ("AA1", 27), ("XFD1", 16384),
                                         ("$xfd$1048576", 16384)])
def test_columns_up_to_xfd_read_as_their_number(ref: str, number: int) -> None:
    assert sheet_column(ref) == number


@pytest.mark.parametrize("ref", ["XFE1", "ZZZ7", "AAAA1", "ZZZZZZZZ1", "Z" * 40 + "1"])
def test_a_reference_beyond_xfd_is_damage_not_a_row_that_wide(ref: str) -> None:
    with pytest.raises(ValueError):
        sheet_column(ref)


@pytest.mark.parametrize("cell", [b'<c r="ZZZZZZZZ1" t="inlineStr"><is><t>x</t></is></c>',
                                  b'<c r="XFE2"><v>1</v></c>'])
def test_a_ledger_with_a_cell_beyond_xfd_is_refused_as_damaged(tmp_path: Path,
                                                               cell: bytes) -> None:
    """It took gigabytes (a row tuple as wide as the column named); now the file is said to be
    damaged, at the file, and nothing is written."""
    tree = tmp_path / "records"
    shutil.copytree(REPO / "records", tree)
    book = export(tree, tmp_path)
    before = {p: p.read_bytes() for p in tree.rglob("*.yaml")}
    bad = _tamper(book, _first_sheet(book),
                  lambda data: re.sub(rb"(<row [^>]*>)", lambda m: m.group(1) + cell, data,
                                      count=1), tmp_path / "bad.xlsx")
    code, out, err = main_in_process(["import", str(bad), "--records", str(tree)])
    assert code == 1, (out, err)
    assert "[import.damaged]" in out and "Traceback" not in out + err
    assert {p: p.read_bytes() for p in tree.rglob("*.yaml")} == before


def test_a_sheet_of_empty_rows_is_not_read_to_its_end(tmp_path: Path) -> None:
    """Millions of empty <row/> elements cost as much as the run the readers stop at: a value
    after a longer run of empty rows is not read (the import stops at MAX_BLANK_RUN blank rows
    below at most HEADER_SEARCH rows of title, so it never read one there anyway)."""
    assert EMPTY_RUN > MAX_BLANK_RUN + HEADER_SEARCH
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append(["c", "d"])
    wb.save(tmp_path / "plain.xlsx")
    book = tmp_path / "plain.xlsx"
    tail = b"<row/>" * (EMPTY_RUN + 1) + b'<row><c t="inlineStr"><is><t>late</t></is></c></row>'
    bad = _tamper(book, _first_sheet(book),
                  lambda data: data.replace(b"</sheetData>", tail + b"</sheetData>"),
                  tmp_path / "spam.xlsx")
    found = [cells for _, cells in rows(open_book(bad.read_bytes()), _first_sheet(bad))]
    assert found == [{1: "a", 2: "b"}, {1: "c", 2: "d"}]
    short = b"<row/>" * (EMPTY_RUN - 1) + b'<row><c t="inlineStr"><is><t>late</t></is></c></row>'
    near = _tamper(book, _first_sheet(book),
                   lambda data: data.replace(b"</sheetData>", short + b"</sheetData>"),
                   tmp_path / "near.xlsx")
    found = [cells for _, cells in rows(open_book(near.read_bytes()), _first_sheet(near))]
    assert found[-1] == {1: "late"}


@pytest.mark.parametrize("pack", ['[["L-1", Infinity, "整改中", "", "", "", ""]]',
                                  '[["L-1", 1e400, "整改中", "", "", "", ""]]',
                                  "[" * 100_000 + "]" * 100_000, '[["L-1", NaN]]'])
def test_a_pack_that_does_not_read_as_entries_is_passed_over(pack: str) -> None:
    """The snapshot's promise: such a pack is skipped (its rows compared with the records),
    never an exception that made the whole ledger unreadable."""
    header = (T.SNAPSHOT_PACKED, T.HEADERS["record"], T.HEADERS["error_no"],
              *(T.HEADERS[k] for k in EDITABLE))
    good = json.dumps([["L-2", 1, *("" for _ in EDITABLE)]], ensure_ascii=False)
    found = read_snapshot(iter([header, (pack,), (good,)]))
    assert found == {("L-2", 1): dict.fromkeys(EDITABLE, "")}
