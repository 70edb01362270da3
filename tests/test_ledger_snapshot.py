"""The ledger's export snapshot: an import changes only the cells a clerk edited.

The ledger carries, on a hidden sheet, the five editable values of every error as exported.
An untouched cell never changes its record, whatever the record says now (an edit made in YAML
after the export survives); a cell edited in the ledger whose record also changed since the
export is refused by name (``ledger.edit_conflict``); a ledger without the snapshot falls back
to comparing with the records, with one warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from test_ledger_import import clerk, export, run, snapshot

from generator.records import yamlsafe
from generator.records.load import Source
from generator.text import ledger as T
from generator.tools.ledger.compare import compare
from generator.tools.ledger.read import Ledger, Row, Sheet, read_ledger

FINDING = "hualong/findings/hl-20190311-aaa.yaml"
OPEN = "{status: 未整改}"


def edit_yaml(tree: Path, new: str) -> Path:
    """The second error's rectification edited in YAML (after the export)."""
    finding = tree / FINDING
    finding.write_text(finding.read_text(encoding="utf-8").replace(OPEN, new), encoding="utf-8")
    return finding


def rect(tree: Path, n: int) -> dict[str, Any]:
    data = yamlsafe.parse((tree / FINDING).read_text(encoding="utf-8"))
    return dict(data["errors"][n]["rectification"])


@pytest.mark.parametrize("later", [
    "{status: 整改中}", "{status: 未整改, owner: 李明}", "{status: 未整改, due: \"2019-05-01\"}",
    "{status: 已整改, date: \"2019-04-01\", note: 已补报}", "{status: 未整改, note: 待核}"])
def test_yaml_edited_after_export_survives_an_untouched_ledger(
        minimal_tree: Path, tmp_path: Path, later: str) -> None:
    book = export(minimal_tree, tmp_path)
    edit_yaml(minimal_tree, later)
    before = snapshot(minimal_tree)
    outcome = run(book, minimal_tree)
    assert outcome.ok and not outcome.planned, [str(p) for p in outcome.problems]
    assert not outcome.problems and snapshot(minimal_tree) == before


@pytest.mark.parametrize(("later", "key", "value", "cell"), [
    ("{status: 整改中}", "status", "已整改", "L6（整改状态）"),
    ("{status: 未整改, owner: 李明}", "owner", "王五", "K6（整改责任人）"),
    ("{status: 未整改, due: \"2019-05-01\"}", "due", "2019-06-01", "J6（整改期限）"),
    ("{status: 未整改, note: 待核}", "note", "已补报", "N6（整改说明）")])
def test_both_edited_is_a_conflict_refused_by_name(
        minimal_tree: Path, tmp_path: Path, later: str, key: str, value: str, cell: str) -> None:
    book = export(minimal_tree, tmp_path)
    back = clerk(book, [("华龙区", 1, key, value), ("华龙区", 0, "owner", "赵六")],
                 tmp_path / "back.xlsx")
    edit_yaml(minimal_tree, later)
    before = snapshot(minimal_tree)
    outcome = run(back, minimal_tree)
    errors = [p for p in outcome.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["ledger.edit_conflict"]
    assert errors[0].field.startswith(f"华龙区!{cell}")
    assert snapshot(minimal_tree) == before and not outcome.written
    forced = run(back, minimal_tree, force=True)  # the other row only
    assert len(forced.written) == 1 and rect(minimal_tree, 0)["owner"] == "赵六"
    assert rect(minimal_tree, 1) == yamlsafe.parse(f"x: {later}")["x"]


def test_the_same_edit_on_both_sides_is_no_conflict(minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    back = clerk(book, [("华龙区", 1, "owner", "李明")], tmp_path / "back.xlsx")
    edit_yaml(minimal_tree, "{status: 未整改, owner: 李明}")
    outcome = run(back, minimal_tree)
    assert outcome.ok and not outcome.planned and not outcome.problems


def test_clerk_edit_applied_beside_an_unrelated_yaml_edit(
        minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    back = clerk(book, [("华龙区", 1, "status", "整改中"), ("华龙区", 0, "owner", "赵六")],
                 tmp_path / "back.xlsx")
    edit_yaml(minimal_tree, "{status: 未整改, note: 待核}")  # same error, another key
    outcome = run(back, minimal_tree)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert rect(minimal_tree, 1) == {"status": "整改中", "note": "待核"}
    assert rect(minimal_tree, 0)["owner"] == "赵六"
    again = snapshot(minimal_tree)
    second = run(back, minimal_tree)  # the same ledger again: nothing to do
    assert second.ok and not second.planned and snapshot(minimal_tree) == again


def test_a_ledger_without_its_snapshot_falls_back_with_one_warning(
        minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    wb = load_workbook(book)
    del wb[T.SNAPSHOT_SHEET]
    wb.save(tmp_path / "bare.xlsx")
    edit_yaml(minimal_tree, "{status: 未整改, owner: 李明}")
    outcome = run(tmp_path / "bare.xlsx", minimal_tree, dry_run=True)
    assert [(p.code, p.severity) for p in outcome.problems] == [("ledger.no_snapshot", "warning")]
    assert [c.new for i in outcome.planned for c in i.changes] == [{"status": "未整改"}]


def test_the_snapshot_is_hidden_locked_and_keyed(minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    ws = load_workbook(book)[T.SNAPSHOT_SHEET]
    assert ws.sheet_state == "hidden" and ws.protection.sheet
    ledger = read_ledger(book)
    assert ledger is not None and ledger.snapshot is not None
    assert ledger.snapshot[("hl-20190311-aaa", 2)]["status"] == "未整改"
    assert ledger.snapshot[("hl-20190311-aaa", 1)]["date"] == "2019-03-11"


VALUES = st.sampled_from([None, "a", "b"])
STATUS = st.sampled_from(["未整改", "整改中"])


@settings(max_examples=200, deadline=None)
@given(exported=st.tuples(STATUS, VALUES), now=st.tuples(STATUS, VALUES),
       typed=st.tuples(STATUS, VALUES))
def test_three_way_rule(exported: tuple[str, str | None], now: tuple[str, str | None],
                        typed: tuple[str, str | None]) -> None:
    """Per cell: un-edited keeps the record; edited with the record unchanged (or changed
    alike) takes the clerk's value; edited with the record changed otherwise is a conflict."""
    def node(pair: tuple[str, str | None]) -> dict[str, str]:
        return {"status": pair[0], **({"owner": pair[1]} if pair[1] else {})}

    data = {"reviewed_on": "2019-03-11", "errors": [
        {"form": "G101-1", "indicator_code": "03", "rectification": node(now)}]}
    source = Source("f.yaml", "finding", "hualong", "r1", data=data)
    columns = {"record": 2, "error_no": 3, "form": 5, "indicator_code": 6, "owner": 11,
               "status": 12}
    row = Row("华龙区", 5, {"record": "r1", "error_no": 1, "form": "G101-1",
                           "indicator_code": "03", "status": typed[0], "owner": typed[1]})
    ledger = Ledger("b.xlsx", [Sheet("华龙区", 4, columns, [row])],
                    snapshot={("r1", 1): {"status": exported[0], "owner": exported[1]}})
    out = compare(ledger, {"r1": source}, 15, {"hualong": "华龙区"})
    conflict = any(t != e and n not in (e, t) for t, e, n in zip(typed, exported, now))
    assert [p.code for p in out.problems] == (["ledger.edit_conflict"] if conflict else [])
    if conflict:
        return
    want = tuple(t if t != e else n for t, e, n in zip(typed, exported, now))
    got = out.changes[("r1", 0)].new if out.changes else node(now)
    assert got == node(want)


def _snapshot_cells(book: Path) -> list[Any]:
    ws = load_workbook(book)[T.SNAPSHOT_SHEET]
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_snapshot_is_packed_not_a_cell_per_value(tmp_path: Path) -> None:
    """A few text cells, each a JSON list of whole rows under a size limit: the snapshot
    costs next to nothing to write and read, where a cell per value was a fifth of the
    ledger's cells."""
    from generator.render.annexes.ledger_snapshot import PACK_LIMIT

    book = export(REPO / "records", tmp_path)
    ledger = read_ledger(book)
    assert ledger is not None and ledger.snapshot is not None
    errors = len(ledger.snapshot)
    cells = _snapshot_cells(book)
    assert errors > 50 and len(cells) < errors / 10
    assert all(len(str(v)) <= PACK_LIMIT for v in cells)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
FILLED = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
ENTRY = st.tuples(st.text(min_size=1, max_size=12), st.integers(1, 500),
                  st.none() | TEXT, st.none() | TEXT, TEXT, st.none() | TEXT, st.none() | TEXT)


@settings(max_examples=150, deadline=None)
@given(st.lists(ENTRY, max_size=30), st.integers(1, 400))
def test_packs_hold_every_entry_once_within_the_limit(
        entries: list[tuple[Any, ...]], limit: int) -> None:
    """Packing is lossless whatever the texts hold (quotes, brackets, control characters,
    ``_xHHHH_``), and a pack exceeds the limit only when one entry alone does."""
    import json

    from generator.render.annexes.ledger_snapshot import packs

    got = list(packs([list(e) for e in entries], limit))
    assert [tuple(e) for p in got for e in json.loads(p)] == entries
    for p in got:
        assert len(p) <= limit or len(json.loads(p)) == 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.none() | FILLED, st.none() | FILLED), min_size=1, max_size=6))
def test_snapshot_texts_read_back_as_written(texts: list[tuple[str | None, str | None]]) -> None:
    """Owner and note texts of every kind survive the sheet: written by XlsxWriter, read by
    openpyxl as the import reads them."""
    import tempfile
    from datetime import date

    import xlsxwriter

    from generator.render.annexes.ledger import write_text
    from generator.render.annexes.ledger_rows import LedgerRow
    from generator.render.annexes.ledger_snapshot import write_snapshot
    from generator.tools.ledger.sheetxml import open_book
    from generator.tools.ledger.sheetxml import rows as sheet_rows
    from generator.tools.ledger.snapshot import read_snapshot

    day = date(2019, 3, 11)
    rows = [LedgerRow("r1", n, "o", "G101-1", "03", "i", "x", day, day, False, owner, "未整改",
                      None, note, None) for n, (owner, note) in enumerate(texts, 1)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        write_snapshot(book, rows, write_text)
        book.close()
        book = open_book(path.read_bytes())
        got = read_snapshot(tuple(cells.get(c) for c in range(1, 9)) for _, cells in sheet_rows(
            book, dict(book.sheets)[T.SNAPSHOT_SHEET]))
    assert got is not None
    assert [(got[("r1", n)]["owner"], got[("r1", n)]["note"]) for n in range(1, len(rows) + 1)] \
        == texts


def _old_layout(book: Path, out: Path) -> Path:
    """The ledger with its snapshot as earlier versions wrote it: a header row of ledger
    header texts, then a cell per value (text, 错误序号 a number)."""
    exported = read_ledger(book)
    assert exported is not None and exported.snapshot is not None
    wb = load_workbook(book)
    del wb[T.SNAPSHOT_SHEET]
    ws = wb.create_sheet(T.SNAPSHOT_SHEET)
    keys = ("record", "error_no", "due", "owner", "status", "date", "note")
    ws.append([T.HEADERS[k] for k in keys])
    for (record, n), values in exported.snapshot.items():
        ws.append([record, n, *(values[k] for k in keys[2:])])
    ws.sheet_state = "hidden"
    wb.save(out)
    return out


def test_an_older_ledger_with_a_cell_per_value_still_imports(
        minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    back = _old_layout(clerk(book, [("华龙区", 0, "owner", "赵六")], tmp_path / "b.xlsx"),
                       tmp_path / "old.xlsx")
    ledger = read_ledger(back)
    assert ledger is not None and ledger.snapshot == read_ledger(book).snapshot  # type: ignore[union-attr]
    edit_yaml(minimal_tree, "{status: 未整改, note: 待核}")  # after the export: survives
    outcome = run(back, minimal_tree)
    assert outcome.ok and not outcome.problems, [str(p) for p in outcome.problems]
    assert rect(minimal_tree, 0)["owner"] == "赵六"
    assert rect(minimal_tree, 1) == {"status": "未整改", "note": "待核"}


def test_a_damaged_pack_loses_only_its_rows_with_one_warning(
        minimal_tree: Path, tmp_path: Path) -> None:
    book = export(minimal_tree, tmp_path)
    wb = load_workbook(clerk(book, [("华龙区", 0, "owner", "赵六")], tmp_path / "b.xlsx"))
    ws = wb[T.SNAPSHOT_SHEET]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value)
    cell.value = "[[\"hl-20190311-aaa\", 1, 乱"
    wb.save(tmp_path / "damaged.xlsx")
    outcome = run(tmp_path / "damaged.xlsx", minimal_tree)
    assert [(p.code, p.severity) for p in outcome.problems] == [("ledger.snapshot_rows", "warning")]
    assert outcome.ok and rect(minimal_tree, 0)["owner"] == "赵六"
