"""Importing a returned 整改台账.xlsx: export, change cells with openpyxl as a clerk would (and
through a LibreOffice re-save, standing in for Excel/WPS), import, and check that only the
rectification nodes changed, byte for byte everywhere else; stale rows and unknown ids are
refused with nothing written; a second import changes nothing; --dry-run prints a diff."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, cli, need_tool, run_cli
from openpyxl import load_workbook
from test_ledger import write

from generator.records import yamlsafe
from generator.render.annexes.ledger import HEADER_ROW
from generator.tools.ledger.importer import LedgerOptions, LedgerOutcome, import_ledger
from generator.tools.ledger.read import read_ledger

COL = {"record": 2, "error_no": 3, "form": 5, "due": 10, "owner": 11, "status": 12, "date": 13,
       "note": 14}
FIRST = HEADER_ROW + 2  # the first data row, 1-based


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(REPO / "records", target)
    return target


def snapshot(tree: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(tree.rglob("*.yaml"))}


def export(tree: Path, tmp_path: Path) -> Path:
    return write(tree, tmp_path / "dist")


def clerk(path: Path, edits: list[tuple[str, int, str, Any]], out: Path) -> Path:
    """Change cells as a county clerk would: (sheet, data row from 0, column key, value)."""
    wb = load_workbook(path)
    for sheet, row, key, value in edits:
        wb[sheet].cell(FIRST + row, COL[key]).value = value
    wb.save(out)
    return out


def run(path: Path, tree: Path, **options: Any) -> LedgerOutcome:
    ledger = read_ledger(path)
    assert ledger is not None
    return import_ledger(ledger, LedgerOptions(tree, **options))


def rows_of(path: Path, sheet: str) -> list[dict[str, Any]]:
    ledger = read_ledger(path)
    assert ledger is not None
    return [r.values for s in ledger.sheets if s.name == sheet for r in s.rows]


def node_lines(text: str) -> set[int]:
    """0-based line numbers holding an error's rectification node."""
    root = yamlsafe.compose(text)
    errors = next(v for k, v in root.value if k.value == "errors")
    lines: set[int] = set()
    for item in errors.value:
        node = next(v for k, v in item.value if k.value == "rectification")
        last = node.value[-1][1].end_mark
        end = last.line - (1 if last.column == 0 else 0)
        lines |= set(range(node.start_mark.line, max(end, node.end_mark.line if node.flow_style
                                                       else end) + 1))
    return lines


def only_nodes_changed(before: dict[Path, bytes], tree: Path) -> list[Path]:
    changed = []
    for path, old in before.items():
        new = path.read_bytes()
        if new == old:
            continue
        changed.append(path)
        old_text, new_text = old.decode(), new.decode()
        inside = node_lines(old_text)
        matcher = difflib.SequenceMatcher(None, old_text.splitlines(), new_text.splitlines(),
                                          autojunk=False)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag != "equal":
                assert set(range(i1, max(i2, i1 + 1))) <= inside | {i1}, (path, tag, i1, i2)
        a, b = yamlsafe.parse(old_text), yamlsafe.parse(new_text)
        for e in (*a["errors"], *b["errors"]):
            e.pop("rectification")
        assert a == b, path
    return changed


def test_round_trip_changes_only_the_edited_nodes(tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    rows = rows_of(book, "华龙区")
    open_rows = [i for i, r in enumerate(rows) if r["status"] != "已整改"][:3]
    edits = [("华龙区", i, "status", "已整改") for i in open_rows]
    edits += [("华龙区", i, "date", datetime(2019, 4, 2)) for i in open_rows]
    edits += [("华龙区", open_rows[0], "owner", "张  三 "), ("华龙区", 0, "note", None)]
    before = snapshot(tree)
    outcome = run(clerk(book, edits, tmp_path / "back.xlsx"), tree)
    assert outcome.ok, [str(p) for p in outcome.problems]
    changed = only_nodes_changed(before, tree)
    assert changed and set(changed) == set(outcome.written)
    for i in open_rows:
        record = tree / "hualong" / "findings" / f"{rows[i]['record']}.yaml"
        node = yamlsafe.parse(record.read_text())["errors"][rows[i]["error_no"] - 1]
        assert node["rectification"]["status"] == "已整改"
        assert node["rectification"]["date"] == "2019-04-02"
    again = snapshot(tree)
    second = run(tmp_path / "back.xlsx", tree)  # the same ledger again: nothing to do
    assert second.ok and not second.planned and snapshot(tree) == again
    assert second.unchanged == second.rows


def test_untouched_ledger_changes_nothing(tree: Path, tmp_path: Path) -> None:
    before = snapshot(tree)
    outcome = run(export(tree, tmp_path), tree)
    assert outcome.ok and not outcome.planned and snapshot(tree) == before


def test_dates_as_text_or_cells_import_alike(tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    edits = [("华龙区", 0, "due", "２０１９-４-１"), ("华龙区", 1, "due", datetime(2019, 4, 1)),
             ("华龙区", 2, "due", " 2019/04/01 ")]
    outcome = run(clerk(book, edits, tmp_path / "back.xlsx"), tree, dry_run=True)
    assert outcome.ok, [str(p) for p in outcome.problems]
    dues = {c.new.get("due") for item in outcome.planned for c in item.changes}
    assert dues == {"2019-04-01"}


def test_unknown_record_and_stale_row_are_refused_and_nothing_written(
        tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    edits = [("华龙区", 0, "record", "hl-20190101-zzz"), ("华龙区", 1, "form", "G999-1"),
             ("华龙区", 2, "error_no", 99), ("华龙区", 3, "status", "整改中"),
             ("华龙区", 4, "due", "明天")]
    before = snapshot(tree)
    outcome = run(clerk(book, edits, tmp_path / "back.xlsx"), tree)
    codes = sorted(p.code for p in outcome.problems if p.severity == "error")
    assert codes == ["ledger.bad_date", "ledger.no_error", "ledger.stale",
                     "ledger.unknown_record"]
    assert snapshot(tree) == before and not outcome.written
    where = {p.code: p.field for p in outcome.problems}
    assert where["ledger.unknown_record"].startswith("华龙区!B5（记录编号）")
    assert where["ledger.bad_date"].startswith("华龙区!J9（整改期限）")
    forced = run(tmp_path / "back.xlsx", tree, force=True)  # the good row only
    assert len(forced.written) == 1 and forced.skipped_rows == 0


def test_rectified_without_date_is_the_rule_at_the_cell(tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    rows = rows_of(book, "华龙区")
    i = next(i for i, r in enumerate(rows) if r["status"] != "已整改")
    before = snapshot(tree)
    outcome = run(clerk(book, [("华龙区", i, "status", "已整改")], tmp_path / "b.xlsx"), tree)
    problem = next(p for p in outcome.problems if p.severity == "error")
    assert problem.code == "rule.rectified_date"
    assert problem.file.endswith("b.xlsx") and problem.field.startswith(f"华龙区!M{FIRST + i}")
    assert snapshot(tree) == before


def test_status_back_from_rectified_warns_and_blank_status_is_refused(
        tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    rows = rows_of(book, "华龙区")
    done = [i for i, r in enumerate(rows) if r["status"] == "已整改"][:2]
    edits = [("华龙区", done[0], "status", "整改中"), ("华龙区", done[1], "status", None)]
    outcome = run(clerk(book, edits, tmp_path / "b.xlsx"), tree, dry_run=True)
    assert sorted((p.code, p.severity) for p in outcome.problems) == [
        ("ledger.blank", "error"), ("ledger.reopened", "warning")]


def test_emptied_owner_and_note_are_removed(minimal_tree: Path, tmp_path: Path) -> None:
    finding = minimal_tree / "hualong/findings/hl-20190311-aaa.yaml"
    text = finding.read_text().replace("{status: 未整改}", "{status: 未整改, owner: 李明, note: 待补}")
    finding.write_text(text)
    book = export(minimal_tree, tmp_path)
    edits = [("华龙区", 1, "owner", None), ("华龙区", 1, "note", "  ")]
    run(clerk(book, edits, tmp_path / "b.xlsx"), minimal_tree)
    assert finding.read_text() == text.replace("{status: 未整改, owner: 李明, note: 待补}",
                                               "{status: 未整改}")


def test_the_county_sheet_wins_over_the_city_sheet(tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    row = rows_of(book, "华龙区")[0]
    city = next(i for i, r in enumerate(rows_of(book, "全市"))
                if (r["record"], r["error_no"]) == (row["record"], row["error_no"]))
    edits = [("华龙区", 0, "owner", "甲"), ("全市", city, "owner", "乙")]
    outcome = run(clerk(book, edits, tmp_path / "b.xlsx"), tree, dry_run=True)
    assert [(p.code, p.severity) for p in outcome.problems] == [("ledger.city_differs", "warning")]
    assert [c.new.get("owner") for i in outcome.planned for c in i.changes] == ["甲"]  # county's
    edits = [("华龙区", 0, "owner", "甲")]  # the 全市 copy left as it was: nothing said
    assert not run(clerk(book, edits, tmp_path / "c.xlsx"), tree, dry_run=True).problems
    only_city = run(clerk(book, [("全市", city, "owner", "乙")], tmp_path / "d.xlsx"), tree,
                    dry_run=True)  # while the county's sheet is there, it is what counts
    assert not only_city.planned and only_city.problems[0].code == "ledger.city_differs"
    wb = load_workbook(tmp_path / "d.xlsx")
    del wb["华龙区"]  # a 全市 sheet alone (the city office's own copy) is imported
    wb.save(tmp_path / "e.xlsx")
    alone = run(tmp_path / "e.xlsx", tree, dry_run=True)
    assert [c.new.get("owner") for i in alone.planned for c in i.changes] == ["乙"]


def test_cli_dry_run_prints_a_diff_and_writes_nothing(tree: Path, tmp_path: Path) -> None:
    book = export(tree, tmp_path)
    back = clerk(book, [("华龙区", 0, "owner", "王五")], tmp_path / "back.xlsx")
    before = snapshot(tree)
    done = run_cli("import", str(back), "--records", str(tree), "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "+++ b/" in done.stdout and "owner: 王五" in done.stdout
    assert snapshot(tree) == before
    done = run_cli("import", str(back), "--records", str(tree))
    assert done.returncode == 0 and snapshot(tree) != before
    annex = run_cli("import", str(back.with_name("missing.xlsx")), "--records", str(tree))
    assert annex.returncode == 2  # no such workbook: said before --county is asked for


@pytest.mark.libreoffice
def test_round_trip_through_a_libreoffice_resave(tree: Path, tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    book = export(tree, tmp_path)
    rows = rows_of(book, "华龙区")
    i = next(i for i, r in enumerate(rows) if r["status"] != "已整改")
    edited = clerk(book, [("华龙区", i, "status", "已整改"), ("华龙区", i, "date", "2019-04-03"),
                          ("华龙区", i, "note", "_x0041_ 补报")], tmp_path / "edited.xlsx")
    out = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                             "--convert-to", "xlsx", "--outdir", str(out), str(edited)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    resaved, exported = read_ledger(out / "edited.xlsx"), read_ledger(book)
    assert resaved is not None and exported is not None
    assert resaved.snapshot and resaved.snapshot == exported.snapshot  # kept through the re-save
    before = snapshot(tree)
    outcome = run(out / "edited.xlsx", tree)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert len(only_nodes_changed(before, tree)) == 1
    record = tree / "hualong" / "findings" / f"{rows[i]['record']}.yaml"
    node = yamlsafe.parse(record.read_text())["errors"][rows[i]["error_no"] - 1]["rectification"]
    assert node["status"] == "已整改" and node["date"] == "2019-04-03"
    second = run(out / "edited.xlsx", tree)
    assert second.ok and not second.planned


def test_city_copies_of_county_rows_are_counted_not_compared_again(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 全市 row with exactly the cells of its county's row (the usual returned ledger) is
    counted unchanged without reading it against the record a second time; one that differs
    is still compared (and warned about, test above)."""
    from generator.tools.ledger import compare as C

    book = export(tree, tmp_path)
    city = rows_of(book, "全市")
    row = next(i for i, r in enumerate(city) if r["status"] != "已整改")
    back = clerk(book, [("全市", row, "owner", "乙")], tmp_path / "b.xlsx")
    seen: list[tuple[str, int]] = []
    real = C._Rows.new_node

    def counted(self: Any, sheet: Any, r: Any, source: Any, index: int) -> Any:
        seen.append((sheet.name, r.number))
        return real(self, sheet, r, source, index)

    monkeypatch.setattr(C._Rows, "new_node", counted)
    outcome = run(back, tree, dry_run=True)
    assert [p.code for p in outcome.problems] == ["ledger.city_differs"]
    assert outcome.unchanged == outcome.rows and not outcome.planned
    assert [n for s, n in seen if s == "全市"] == [FIRST + row]  # the one that differs
    assert len(seen) == len(city) + 1


BROKEN = {  # ways a record already in the tree can be wrong, each its own problem code
    "date": (lambda t: t.replace('reviewed_on: "2019-03-26"', 'reviewed_on: "2019-3-26"'),
             "schema.format"),
    "no_date": (lambda t: t.replace('reviewed_on: "2019-03-26"\n', ""), "schema.required"),
    "errors_text": (lambda t: t[:t.index("errors:")] + "errors: 3\n", "schema.type"),
    "node_text": (lambda t: t.replace('rectification: {status: 已整改, date: "2019-03-26"}',
                                      "rectification: 已整改", 1), "schema.type"),
    "yaml": (lambda t: t + "oops: [\n", "yaml.syntax"),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_broken_record_is_reported_not_a_crash(tree: Path, tmp_path: Path,
                                                  broken: str) -> None:
    """A record of another county that is itself wrong (the 全市 sheet names every error):
    its rows are refused with the record's own problem, never compared, and the CLI ends
    with exit 1, not an internal error; the county's good edit is still planned."""
    book = export(tree, tmp_path)
    record = tree / "fanxian" / "findings" / "fx-20190326-d8q.yaml"
    mend, code = BROKEN[broken]
    record.write_text(mend(record.read_text(encoding="utf-8")), encoding="utf-8")
    back = clerk(book, [("台前县", 0, "status", "整改中")], tmp_path / "back.xlsx")
    before = snapshot(tree)
    result = cli("import", str(back), "--records", str(tree))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert "fx-20190326-d8q" in result.stdout and "本身有错误" in result.stdout
    assert f"[{code}]" in result.stdout, result.stdout
    assert snapshot(tree) == before
    outcome = run(back, tree)
    refused = [p for p in outcome.problems if p.code == "ledger.invalid_record"]
    assert refused and all(p.field.startswith(("范县!B", "全市!B")) for p in refused)
    assert [c.source.id for item in outcome.planned for c in item.changes][:1] == [
        "tq-20190329-9mb"]


@pytest.mark.parametrize(("key", "value"), [("note", "#N/A"), ("owner", "#REF!"),
                                            ("due", "#VALUE!"), ("status", "#N/A")])
def test_a_formulas_error_value_is_refused_at_its_cell(tree: Path, tmp_path: Path, key: str,
                                                       value: str) -> None:
    """A lookup in the returned ledger that found nothing (#N/A) is not a note to record."""
    book = export(tree, tmp_path)
    before = snapshot(tree)
    outcome = run(clerk(book, [("华龙区", 0, key, value)], tmp_path / "back.xlsx"), tree)
    typed = [p for p in outcome.problems if p.code == "import.cell_type"]
    assert len(typed) == 1 and typed[0].line == FIRST and typed[0].column == COL[key]
    assert "公式算出的错误值" in typed[0].message and not outcome.written
    assert snapshot(tree) == before


@pytest.mark.parametrize("formatted_below", [0, 900], ids=["plain", "formatted-far-below"])
def test_merged_cells_read_as_the_clerk_sees_them(tree: Path, tmp_path: Path,
                                                  formatted_below: int) -> None:
    """A note merged down three rows is each row's note (Excel shows it so; the covered
    cells were read as blank, which deleted their notes), also when the clerk formatted rows
    far below (the rows' reader stops at a long run of empty rows, before the merged ranges,
    which come after them); a range merged across columns over a read cell is an error at
    its top-left cell, and one merged down from the header another."""
    from openpyxl.styles import PatternFill

    book = export(tree, tmp_path)
    wb = load_workbook(book)
    ws = wb["华龙区"]
    first = FIRST
    ws.cell(first, COL["note"]).value = "统一整改完毕"
    ws.merge_cells(start_row=first, start_column=COL["note"], end_row=first + 2,
                   end_column=COL["note"])
    yellow = PatternFill("solid", fgColor="FFFF00")
    for row in range(ws.max_row + 1, ws.max_row + 1 + formatted_below):
        ws.cell(row, 1).fill = yellow
    wb.save(tmp_path / "down.xlsx")
    outcome = run(tmp_path / "down.xlsx", tree, dry_run=True)
    notes = {(c.sheet.name, c.row): c.new.get("note") for item in outcome.planned
             for c in item.changes}
    assert [notes.get(("华龙区", first + i)) for i in range(3)] == ["统一整改完毕"] * 3, (
        [str(p) for p in outcome.problems])

    wb = load_workbook(book)
    wb["华龙区"].merge_cells(start_row=first, start_column=COL["owner"], end_row=first,
                            end_column=COL["status"])
    wb.save(tmp_path / "across.xlsx")
    outcome = run(tmp_path / "across.xlsx", tree, dry_run=True)
    merged = [p for p in outcome.problems if p.code == "ledger.merged"]
    assert [(p.line, p.column) for p in merged] == [(first, COL["owner"])]
    assert not outcome.ok

    wb = load_workbook(book)
    wb["华龙区"].merge_cells(start_row=first - 1, start_column=COL["note"], end_row=first + 1,
                            end_column=COL["note"])
    wb.save(tmp_path / "from-header.xlsx")
    outcome = run(tmp_path / "from-header.xlsx", tree, dry_run=True)
    assert [p.code for p in outcome.problems if p.code.startswith("ledger.merged")] == [
        "ledger.merged_down"]


def test_a_lone_surrogate_escape_in_a_note_is_refused_at_its_cell(tree: Path,
                                                                  tmp_path: Path) -> None:
    import zipfile

    book = clerk(export(tree, tmp_path), [("华龙区", 0, "note", "MARK")], tmp_path / "b.xlsx")
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(odd, "w") as dest:
        for entry in source.infolist():
            dest.writestr(entry, source.read(entry.filename).replace(b"MARK", b"_xD800_"))
    outcome = run(odd, tree)
    bad = [p for p in outcome.problems if p.code == "import.bad_character"]
    assert [(p.line, p.column) for p in bad] == [(FIRST, COL["note"])] and not outcome.written


def test_a_file_that_cannot_be_replaced_is_said_in_chinese(tree: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A folder that refuses the new file: its reason in Chinese, exit 3, and a closing line
    that says files were left as they were (not that --force was given)."""
    import errno
    import os

    from generator.tools.ledger import importer as ledger_importer

    book = export(tree, tmp_path)
    back = clerk(book, [("华龙区", 0, "note", "说明甲"), ("台前县", 0, "note", "说明乙")],
                 tmp_path / "back.xlsx")
    real = os.replace

    def refuse(source: str, target: Path) -> None:
        if "hualong" in str(target):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        real(source, target)

    monkeypatch.setattr(ledger_importer.os, "replace", refuse)
    result = cli("import", str(back), "--records", str(tree))
    assert result.returncode == 3, result.stdout
    assert "Permission denied" not in result.stdout and "--force" not in result.stdout
    assert "有 1 个文件没有更新（见上），更新了 1 个" in result.stdout, result.stdout


@pytest.mark.parametrize("typed", [0, -1, 1.5, "二"])
def test_a_bad_error_number_is_shown_as_typed(tree: Path, tmp_path: Path, typed: Any) -> None:
    book = export(tree, tmp_path)
    outcome = run(clerk(book, [("华龙区", 0, "error_no", typed)], tmp_path / "b.xlsx"), tree)
    (bad,) = [p for p in outcome.problems if p.code == "ledger.bad_number"]
    assert f"这里是“{typed}”" in bad.message


def test_default_days_written_as_a_decimal_change_nothing_on_import(tree: Path,
                                                                    tmp_path: Path) -> None:
    """default_days: 10.0 is 10 days in the ledger the build exports (the model's whole
    number) and in its import: an untouched ledger writes no 整改期限 into any record."""
    city = tree / "city.yaml"
    text = city.read_text(encoding="utf-8")
    city.write_text(text.replace("default_days: 15", "default_days: 10.0"), encoding="utf-8")
    assert "default_days: 10.0" in city.read_text(encoding="utf-8")
    before = snapshot(tree)
    outcome = run(export(tree, tmp_path), tree)
    assert not outcome.planned and outcome.ok, [str(p) for p in outcome.problems]
    assert snapshot(tree) == before
