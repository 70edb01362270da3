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
