"""Importing filled 附件1/附件2 workbooks: the round trip from our own export, roughed-up
workbooks as people fill them in Excel and WPS, located errors, and idempotence."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, REPO, cli
from openpyxl import Workbook, load_workbook

from generator.pipeline import prepare
from generator.records.load import display_path
from generator.records.model import Census
from generator.render.annexes.excel import write_annexes
from generator.render.annexes.layout import FILES
from generator.tools.importer.importer import Options, UsageError, import_workbook

FINDING_FIELDS = ("object_name", "source_type", "remark")
ERROR_FIELDS = ("form", "indicator_code", "indicator_name", "reason")
G106_FIELDS = ("enterprise", "summary", "industry_name", "industry_code", "product_name",
               "product_code", "product_unit", "material_name", "material_unit", "process_name",
               "scale", "scale_unit", "pollutant", "pollutant_unit", "treatment", "enumerator_id")
A2 = ["序号", "普查对象名称", "污染源类型", "普查表填报错误明细", None, None, None, "备注"]
A2_SUB = [None, None, None, "普查表号", "指标代码", "指标名称", "普查表填报错误的原因", None]
A1 = ["序号", "涉及企业", "问题简述", "涉及行业名称", "涉及行业代码", "产品名称", "产品名称",
      "产品计量单位", "原料名称", "原料计量单位", "生产工艺名称", "生产规模", "生产规模计量单位",
      "污染物指标", "污染物计量单位", "末端治理技术名称", "普查员号（必填）"]


def census_of(records: Path) -> Census:
    prepared = prepare(records)
    assert prepared.census, [str(p) for p in prepared.checked.problems]
    return prepared.census


def empty_copy(source: Path, target: Path) -> Path:
    """city.yaml and every county.yaml, no records."""
    (target).mkdir(parents=True)
    shutil.copy(source / "city.yaml", target / "city.yaml")
    for county in sorted(source.glob("*/county.yaml")):
        (target / county.parent.name).mkdir()
        shutil.copy(county, target / county.parent.name / "county.yaml")
    return target


def annex_fields(census: Census, slug: str) -> tuple[list[Any], list[Any]]:
    findings, g106, _ = census.of_county(slug)
    rows = sorted((tuple(getattr(f, k) for k in FINDING_FIELDS),
                   tuple(tuple(getattr(e, k) for k in ERROR_FIELDS) for e in f.errors))
                  for f in findings)
    problems = sorted(tuple(getattr(g, k) for k in G106_FIELDS) for g in g106)
    return rows, problems


def options(records: Path, county: str = "hualong", **extra: Any) -> Options:
    base: dict[str, Any] = {"reviewed_on": "2019-03-11", "reviewer": "乙成员"}
    return Options(county=county, records=records, **{**base, **extra})


def tree_snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("source", [MINIMAL, REPO / "records"], ids=["minimal", "shipped"])
def test_round_trip_gives_back_every_annex_field(source: Path, tmp_path: Path) -> None:
    before = census_of(source)
    prepared = prepare(source)
    assert prepared.census and prepared.figures
    books = write_annexes(prepared.census, prepared.figures, tmp_path / "out")
    target = empty_copy(source, tmp_path / "records")
    for county in before.counties:
        for book in books[:2]:
            outcome = import_workbook(book, options(target, county.slug))
            assert outcome.ok, [str(p) for p in outcome.problems]
    after = census_of(target)
    for county in before.counties:
        assert annex_fields(after, county.slug) == annex_fields(before, county.slug), county.name


def test_city_sheet_alone_round_trips(tmp_path: Path) -> None:
    prepared = prepare(REPO / "records")
    assert prepared.census and prepared.figures
    books = write_annexes(prepared.census, prepared.figures, tmp_path / "out")
    for book in books[:2]:  # keep only the 全市 sheet: counties are told apart by 县（区）
        wb = load_workbook(book)
        for ws in wb.worksheets[1:]:
            wb.remove(ws)
        wb.save(book)
    target = empty_copy(REPO / "records", tmp_path / "records")
    for county in prepared.census.counties:
        for book in books[:2]:
            outcome = import_workbook(book, options(target, county.slug))
            assert outcome.ok, [str(p) for p in outcome.problems]
    after = census_of(target)
    for county in prepared.census.counties:
        assert annex_fields(after, county.slug) == annex_fields(prepared.census, county.slug)


def test_second_import_changes_nothing(tmp_path: Path) -> None:
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    books = write_annexes(prepared.census, prepared.figures, tmp_path / "out")
    target = empty_copy(MINIMAL, tmp_path / "records")
    first = [import_workbook(b, options(target)) for b in books[:2]]
    assert all(o.written for o in first)
    snapshot = tree_snapshot(target)
    again = [import_workbook(b, options(target)) for b in books[:2]]
    assert tree_snapshot(target) == snapshot
    assert all(o.ok and not o.planned and o.skipped for o in again)
    assert any("已存在" in n and "跳过" in n for n in again[0].notes)


def test_importing_into_the_exporting_tree_recognises_every_row(tmp_path: Path) -> None:
    tree = tmp_path / "records"
    shutil.copytree(MINIMAL, tree)
    prepared = prepare(tree)
    assert prepared.census and prepared.figures
    books = write_annexes(prepared.census, prepared.figures, tmp_path / "out")
    for book in books[:2]:
        outcome = import_workbook(book, options(tree))
        assert outcome.ok and not outcome.planned and outcome.skipped


# ------------------------------------------------------------ roughed-up workbooks


def rough_annex2(path: Path, rows: list[list[Any]], merges: list[str] = (),  # type: ignore[assignment]
                 sheet: str = "Sheet1", county_column: bool = False) -> Path:
    """A 附件2 as people make it: spaces in the title and headers, full-width brackets."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["附件 2"])
    ws.append(["濮阳市第二次全国污染源普查质量提升指导集中审核普查表情况明细表 "])
    ws.append(["指导区域：  县（区）"])
    head, sub = list(A2), list(A2_SUB)
    head[3] = " 普查表填报错误明细"
    sub[4] = "指标 代码"
    if county_column:
        head.insert(1, "县(区)")
        sub.insert(1, None)
    ws.append(head)
    ws.append(sub)
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def written(outcome: Any) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in outcome.written]


def test_roughed_up_annex2_is_read(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, " 濮阳市测试包装有限公司 ", "工业源", "Ｇ１０１－１", 3, "行业类别", "行业代码错误", "备 注"],
        [None, None, None, "g103 - 1", "07", "燃料消耗量", "单位错误", None],
        [None, None, None, None, None, None, None, None],
        ["２", "测试医院", " 生活源", "S103", 9.0, "燃料消耗量", "多行\n原因", None],
        ["注：污染源类型：工业源、农业源、集中式、生活源、移动源"],
        [None, "填表人：张三"],
    ], merges=["A6:A7", "B6:B7", "C6:C7", "H6:H7", "A10:H10"])
    outcome = import_workbook(book, options(target))
    assert outcome.ok, [str(p) for p in outcome.problems]
    texts = written(outcome)
    assert len(texts) == 2
    first = next(t for t in texts if "包装" in t)
    assert first.startswith("# yaml-language-server: $schema=../../../schemas/finding.schema.json\n")
    for expected in ('object_name: 濮阳市测试包装有限公司\n', 'form: "G101-1"', 'indicator_code: "03"',
                     'form: "G103-1"', 'reviewed_on: "2019-03-11"', "remark: 备 注\n",
                     "status: 未整改"):
        assert expected in first, expected
    second = next(t for t in texts if "医院" in t)
    assert 'indicator_code: "09"' in second and "reason: |-\n      多行\n      原因\n" in second
    assert census_of(target).findings[0].errors[1].indicator_code == "07"


def test_unmerged_object_cells_carry_down(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "测试包装有限公司", "工业源", "G101-1", "03", "行业类别", "错一", None],
        [None, None, None, "G101-1", "04", "行业代码", "错二", None],
    ])
    outcome = import_workbook(book, options(target))
    assert outcome.ok and len(outcome.written) == 1
    assert census_of(target).findings[0].errors[1].reason == "错二"


def test_city_sheet_keeps_only_this_county(tmp_path: Path) -> None:
    target = empty_copy(REPO / "records", tmp_path / "records")  # 清丰县 is a county there
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "华龙区", "测试包装有限公司", "工业源", "G101-1", "03", "行业类别", "错一", None],
        [2, "清丰县", "别县的公司", "工业源", "G101-1", "03", "行业类别", "错二", None],
    ], sheet="全市", county_column=True)
    outcome = import_workbook(book, options(target))
    assert outcome.ok and len(outcome.written) == 1
    assert any("清丰县 1 行" in n for n in outcome.notes)


def test_bad_row_is_located_and_nothing_is_written(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    snapshot = tree_snapshot(target)
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "好公司", "工业源", "G101-1", "03", "行业类别", "错一", None],
        [2, "坏公司", "工业源", "N101-1", "3X", "指标", "错二", None],
    ])
    outcome = import_workbook(book, options(target))
    assert not outcome.ok and not outcome.written
    assert tree_snapshot(target) == snapshot
    located = {(p.line, p.column, p.code, p.field) for p in outcome.problems}
    assert (7, 4, "rule.form_prefix", "Sheet1!D7（普查表号）") in located
    assert (7, 5, "schema.pattern", "Sheet1!E7（指标 代码）") in located
    text = str(next(p for p in outcome.problems if p.code == "schema.pattern"))
    assert text.startswith(f"{display_path(book)}:7:5: Sheet1!E7（指标 代码）: \"3X\" 格式不符")

    forced = import_workbook(book, options(target, force=True))
    assert [p.read_text(encoding="utf-8").count("坏公司") for p in forced.written] == [0]
    assert len(forced.written) == 1


def test_date_cell_in_a_code_column_is_a_located_problem(tmp_path: Path) -> None:
    import datetime

    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "好公司", "工业源", "G101-1", datetime.datetime(2019, 3, 1), "行业类别", "错一", None]])
    outcome = import_workbook(book, options(target))
    problem = next(p for p in outcome.problems if p.code == "import.cell_type")
    assert (problem.line, problem.column) == (6, 5) and "日期" in problem.message
    assert not outcome.written


def rough_annex1(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "华龙区"
    ws.append(["附件1"])
    ws.append(["濮阳市第二次全国污染源普查无法填报G106-1问题表"])
    ws.append(["指导区域：华龙区"])
    ws.append([f" {h} " for h in A1])
    for row in rows:
        ws.append(row)
    ws.append([])
    wb.save(path)
    return path


def test_roughed_up_annex1_restores_leading_zeros(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex1(tmp_path / "a1.xlsx", [
        ["1.", "测试煤矿有限公司", "无对应工艺", "烟煤和无烟煤开采洗选", 610, "原煤", 61001, "吨",
         "原煤", "吨", "洗选", 300000, "万吨/年", "颗粒物", "千克/吨", "无", 311]])
    outcome = import_workbook(book, options(target, reviewer=None, result="报省级"))
    assert outcome.ok, [str(p) for p in outcome.problems]
    (g,) = census_of(target).g106
    assert (g.industry_code, g.product_code, g.scale, g.enumerator_id, g.result) == (
        "0610", "61001", "300000", "311", "报省级")
    # codes of open width typed as numbers: written as read, each with a warning at its cell
    # (a leading 0 would be gone); a code of fixed width is padded back without one
    warned = [p for p in outcome.problems if p.code == "import.code_as_number"]
    assert [(p.severity, p.line, p.column) for p in warned] == [
        ("warning", 5, 7), ("warning", 5, 17)]
    assert "61001" in warned[0].message and "文本" in warned[0].message
    assert "产品代码" in warned[0].message and "普查员号" in warned[1].message
    assert warned[0].field.startswith("华龙区!G5")


def test_codes_typed_as_text_keep_their_zeros_without_a_warning(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex1(tmp_path / "a1.xlsx", [
        ["1", "测试煤矿有限公司", "无对应工艺", "烟煤和无烟煤开采洗选", "0610", "原煤", "061001",
         "吨", "原煤", "吨", "洗选", "300000", "万吨/年", "颗粒物", "千克/吨", "无", "0311"]])
    outcome = import_workbook(book, options(target, reviewer=None, result="报省级"))
    assert outcome.ok and not outcome.problems, [str(p) for p in outcome.problems]
    (g,) = census_of(target).g106
    assert (g.product_code, g.enumerator_id) == ("061001", "0311")
    assert written(outcome)[0].startswith("# yaml-language-server: $schema=../../../schemas/g106")


def test_ids_use_the_county_prefix_and_are_stable(tmp_path: Path) -> None:
    rows = [[1, "新公司", "工业源", "G101-1", "03", "行业类别", "错一", None]]
    ids = []
    for n in (1, 2):
        tree = tmp_path / f"records{n}"
        shutil.copytree(MINIMAL, tree)
        outcome = import_workbook(rough_annex2(tmp_path / f"a{n}.xlsx", rows), options(tree))
        ids.append(outcome.written[0].stem)
    assert ids[0] == ids[1] and ids[0].startswith("hl-20190311-") and len(ids[0]) == 15


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    snapshot = tree_snapshot(target)
    book = rough_annex2(tmp_path / "a2.xlsx", [[1, "公司", "工业源", "G101-1", "03", "类别", "错", None]])
    outcome = import_workbook(book, options(target, dry_run=True))
    assert outcome.ok and outcome.planned and not outcome.written
    assert tree_snapshot(target) == snapshot


def test_not_an_annex(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "x.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    target = empty_copy(MINIMAL, tmp_path / "records")
    assert [p.code for p in import_workbook(tmp_path / "x.xlsx", options(target)).problems] == [
        "import.not_annex"]
    assert [p.code for p in import_workbook(tmp_path / "broken.xlsx", options(target)).problems] == [
        "import.text"]


def test_usage_errors(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [[1, "公司", "工业源", "G101-1", "03", "类别", "错", None]])
    with pytest.raises(UsageError, match="--reviewer") as raised:
        import_workbook(book, options(target, reviewer=None))
    assert raised.value.code == "usage.required"
    with pytest.raises(UsageError, match="nope") as raised:
        import_workbook(book, options(target, county="nope"))
    assert raised.value.code == "usage.county"


def test_cli_exit_codes(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    good = rough_annex2(tmp_path / "a2.xlsx", [[1, "公司", "工业源", "G101-1", "03", "类别", "错", None]])
    args = ["--county", "hualong", "--records", str(target), "--reviewer", "乙成员"]
    assert cli("import", str(good), *args).returncode == 2  # no --reviewed-on
    ok = cli("import", str(good), *args, "--reviewed-on", "2019-03-11")
    assert ok.returncode == 0 and "写入 1 个文件" in ok.stdout, ok.stdout + ok.stderr
    bad = rough_annex2(tmp_path / "b.xlsx", [[1, "公司", "工业", "G101-1", "03", "类别", "错二", None]])
    result = cli("import", str(bad), *args, "--reviewed-on", "2019-03-11")
    assert result.returncode == 1 and "Sheet1!C6（污染源类型）" in result.stdout, result.stdout
    assert "没有写入任何文件" in result.stdout


def test_exported_workbook_opens_as_text_cells(tmp_path: Path) -> None:
    """Our own export must not need any of the importer's leniency for codes."""
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    books = write_annexes(prepared.census, prepared.figures, tmp_path)
    ws = load_workbook(tmp_path / FILES["annex2"])["华龙区"]
    assert ws["E6"].value == "03" and books


@pytest.mark.parametrize("odd", ["\x85", "…\x85二", "多行\n\x85原因", "\u2028", "甲\u2029乙"],
                         ids=["nel", "nel-mojibake", "nel-after-newline", "ls", "ps"])
def test_text_with_yamls_other_line_breaks_is_written_as_itself(tmp_path: Path, odd: str) -> None:
    """NEL, LS and PS are line breaks to YAML: a cell holding one (text from a Windows-1252
    source read as Latin-1 has a NEL for every "…") is written so that it reads back as it
    was, not refused as an internal error (at either end it is trimmed, as spaces are)."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, f"公司{odd}甲", "工业源", "G101-1", "03", "类别", f"错{odd}乙", f"备{odd}注"]])
    args = ["--county", "hualong", "--records", str(target), "--reviewer", "乙成员",
            "--reviewed-on", "2019-03-11"]
    result = cli("import", str(book), *args)
    assert result.returncode == 0 and "写入 1 个文件" in result.stdout, result.stdout + result.stderr
    finding = census_of(target).findings[0]
    assert (finding.object_name, finding.errors[0].reason, finding.remark) == (
        f"公司{odd}甲", f"错{odd}乙", f"备{odd}注")


WRONG_SHAPES = {  # an existing record holding a list or a mapping where the schema wants text
    "list": lambda t: re.sub(r"(?m)^object_name: (.*)$", r"object_name: [\1, 又一个]", t),
    "mapping": lambda t: re.sub(r"(?m)^object_name: (.*)$", r"object_name: {name: \1}", t),
    "reason_list": lambda t: t.replace("    reason: ", "    reason:\n      - ", 1),
}


@pytest.mark.parametrize("shape", sorted(WRONG_SHAPES))
def test_a_wrongly_shaped_record_in_the_tree_is_reported_not_a_crash(tmp_path: Path,
                                                                      shape: str) -> None:
    """The import compares each row with the county's records: one of them holding a list
    where text belongs is the tree's own error, said at its line, never an internal one."""
    target = tmp_path / "records"
    shutil.copytree(REPO / "records", target)
    record = sorted((target / "hualong" / "findings").glob("*.yaml"))[0]
    record.write_text(WRONG_SHAPES[shape](record.read_text(encoding="utf-8")), encoding="utf-8")
    before = tree_snapshot(target)
    book = rough_annex2(tmp_path / "a2.xlsx", [[1, "新公司", "工业源", "G101-1", "03", "类别", "错", None]])
    result = cli("import", str(book), "--county", "hualong", "--records", str(target),
                 "--reviewer", "乙成员", "--reviewed-on", "2019-03-11")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "内部错误" not in result.stderr
    assert f"{record.name}:" in result.stdout and "[schema.type]" in result.stdout
    assert tree_snapshot(target) == before


@pytest.mark.parametrize(("column", "value"), [(1, "#REF!"), (6, "#N/A"), (3, "#VALUE!"),
                                               (4, "#DIV/0!"), (7, "#NAME?")])
def test_a_formulas_error_value_is_refused_at_its_cell(tmp_path: Path, column: int,
                                                       value: str) -> None:
    """#N/A and its kind are what a formula shows when it has no result (a lookup that found
    nothing), never text to record: refused at the cell, nothing written."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    row: list[Any] = [1, "公司", "工业源", "G101-1", "03", "类别", "错", None]
    row[column] = value  # openpyxl stores these values as error cells, as Excel does
    book = rough_annex2(tmp_path / "a2.xlsx", [row])
    outcome = import_workbook(book, options(target))
    typed = [p for p in outcome.problems if p.code == "import.cell_type"]
    assert len(typed) == 1 and typed[0].line == 6 and typed[0].column == column + 1
    assert "公式算出的错误值" in typed[0].message
    assert not outcome.written and not list(target.rglob("findings/*.yaml"))


GOOD = [1, "甲公司", "工业源", "G101-1", "03", "类别", "错一", None]
LATER = [2, "乙公司", "工业源", "G102-1", "04", "名称", "错二", None]
NOTE = "注：污染源类型：工业源、农业源、集中式、生活源、移动源"


@pytest.mark.parametrize(("rows", "merges", "end", "first"), [
    ([GOOD, ["二、农业源"], LATER], ["A7:H7"], 7, 8),  # a sub-heading merged across the table
    ([["一、工业源"], GOOD, LATER], ["A6:H6"], 6, 7),  # ... above every row
    ([GOOD, [NOTE], [None, "填表人：张三"], LATER], ["A7:H7"], 7, 9),  # under the 注 line
    ([GOOD, ["注"], LATER], [], 7, 8),  # a 注 alone in the 序号 column
], ids=["sub-heading", "sub-heading-first", "below-the-note", "note-in-seq"])
def test_rows_below_the_tables_end_are_refused_aloud(tmp_path: Path, rows: list[list[Any]],
                                                     merges: list[str], end: int,
                                                     first: int) -> None:
    """Where the table ends, rows below it that still hold data are an error at the first
    of them, saying where it ended: never silently left out. Nothing is written."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    outcome = import_workbook(rough_annex2(tmp_path / "a2.xlsx", rows, merges=merges),
                              options(target))
    after = [p for p in outcome.problems if p.code == "import.rows_after_end"]
    assert len(after) == 1 and after[0].line == first and after[0].severity == "error"
    assert f"表格到第 {end} 行" in after[0].message
    assert not outcome.written and not list(target.rglob("findings/*.yaml"))


@pytest.mark.parametrize(("rows", "merges"), [
    ([GOOD, [2, "乙公司", "工业源", "G102-1", "04", "名称", "错二", "错二"]], ["G7:H7"]),
    ([GOOD, ["2：", *LATER[1:]]], []),  # a 序号 that reads like a note, with data beside it
    ([GOOD, ["注1", *LATER[1:]]], []),
    ([GOOD, LATER, [NOTE], [None, "填表人：张三", None, "审核人：李四"]], ["A8:H8"]),
], ids=["data-row-partly-merged", "seq-with-colon", "seq-zhu", "signature-below-note"])
def test_data_rows_that_look_odd_are_still_data(tmp_path: Path, rows: list[list[Any]],
                                                merges: list[str]) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    outcome = import_workbook(rough_annex2(tmp_path / "a2.xlsx", rows, merges=merges),
                              options(target))
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert len(outcome.written) == 2


def _merged_books(path: Path, parts: list[tuple[Path, str]]) -> Path:
    """One workbook holding the first sheet of each workbook in ``parts``, renamed."""
    out = Workbook()
    out.remove(out.active)
    for source, title in parts:
        ws = out.create_sheet(title)
        for row in load_workbook(source).active.iter_rows(values_only=True):
            ws.append(list(row))
    out.save(path)
    return path


G106_ROW = ["1", "测试煤矿有限公司", "无对应工艺", "烟煤和无烟煤开采洗选", "0610", "原煤", "61001",
            "吨", "原煤", "吨", "洗选", "300000", "万吨/年", "颗粒物", "千克/吨", "无", "311"]


def test_every_table_of_the_county_is_imported(tmp_path: Path) -> None:
    """附件1 and 附件2 in one workbook, and 附件2 over two sheets: all of it, not the first."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    a1 = rough_annex1(tmp_path / "a1.xlsx", [G106_ROW])
    a2 = rough_annex2(tmp_path / "a2.xlsx", [GOOD], sheet="x")
    more = rough_annex2(tmp_path / "more.xlsx", [LATER], sheet="y")
    for book in (a2, more):  # 指导区域 names the county
        wb = load_workbook(book)
        wb.active["A3"] = "指导区域：华龙区"
        wb.save(book)
    both = _merged_books(tmp_path / "both.xlsx", [(a1, "附件1"), (a2, "附件2"), (more, "续")])
    outcome = import_workbook(both, options(target))
    assert outcome.ok, [str(p) for p in outcome.problems]
    census = census_of(target)
    assert (len(census.g106), sorted(f.object_name for f in census.findings)) == (
        1, ["乙公司", "甲公司"])
    assert sum(n.startswith("读取工作表") for n in outcome.notes) == 3


def test_the_sheets_left_are_named(tmp_path: Path) -> None:
    """An exported 附件2: the county's own sheet is read; the 全市 sheet (the same rows) and
    the other counties' sheets are named in a note each, never passed over silently."""
    prepared = prepare(REPO / "records")
    assert prepared.census and prepared.figures
    write_annexes(prepared.census, prepared.figures, tmp_path)
    target = empty_copy(REPO / "records", tmp_path / "records")
    outcome = import_workbook(tmp_path / FILES["annex2"], options(target, dry_run=True))
    read = [n for n in outcome.notes if n.startswith("读取工作表")]
    assert read == [n for n in read if "华龙区" in n] and len(read) == 1
    assert any(n.startswith("没有读取全市表 “全市”") for n in outcome.notes), outcome.notes
    assert any(n.startswith("没有读取其他县（区）的工作表") and "清丰县" in n
               for n in outcome.notes), outcome.notes


@pytest.mark.parametrize("typed", ["华龙", "濮阳市华龙区", "华龙县", "华龙区县"])
def test_a_county_name_of_no_county_is_an_error_not_another_county(tmp_path: Path,
                                                                   typed: str) -> None:
    """On a 全市 sheet, rows of other counties are skipped; a name that is no county of the
    tree at all (a misspelt 华龙) is an error at its cell, never counted as someone else's."""
    target = empty_copy(REPO / "records", tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "华龙区", "甲公司", "工业源", "G101-1", "03", "行业类别", "错一", None],
        [2, typed, "乙公司", "工业源", "G101-1", "03", "行业类别", "错二", None],
        [3, "清丰县", "别县的公司", "工业源", "G101-1", "03", "行业类别", "错三", None],
    ], sheet="全市", county_column=True)
    outcome = import_workbook(book, options(target))
    wrong = [p for p in outcome.problems if p.code == "import.unknown_county"]
    assert [(p.line, p.column) for p in wrong] == [(7, 2)] and not outcome.written
    assert typed in wrong[0].message and "华龙区" in wrong[0].message
    assert any("清丰县 1 行" in n for n in outcome.notes)


@pytest.mark.parametrize("link", ["outside", "broken", "county"])
def test_force_never_writes_outside_the_records_folder(tmp_path: Path, link: str) -> None:
    """--force writes the rows without an error despite the tree's own errors; a county's
    findings folder (or the county folder) that is a link leading outside the records folder
    is one of those errors, and nothing may be written through it."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    outside = tmp_path / "outside"
    if link == "county":
        shutil.move(target / "hualong", outside)
        (target / "hualong").symlink_to(outside, target_is_directory=True)
    else:
        if link == "outside":
            outside.mkdir()
        (target / "hualong" / "findings").symlink_to(outside, target_is_directory=True)
    book = rough_annex2(tmp_path / "a2.xlsx", [GOOD])
    result = cli("import", str(book), "--county", "hualong", "--records", str(target),
                 "--reviewer", "乙成员", "--reviewed-on", "2019-03-11", "--force")
    assert result.returncode != 0 and "内部错误" not in result.stderr, result.stdout
    assert not [p for p in outside.rglob("*.yaml") if p.name != "county.yaml"], result.stdout
    if link != "county":  # a county folder leading outside is no county: a usage error
        assert "[import.outside]" in result.stdout, result.stdout


def test_a_records_folder_that_is_a_link_is_written_through(tmp_path: Path) -> None:
    real = empty_copy(MINIMAL, tmp_path / "real")
    (tmp_path / "records").symlink_to(real, target_is_directory=True)
    book = rough_annex2(tmp_path / "a2.xlsx", [GOOD])
    outcome = import_workbook(book, options(tmp_path / "records"))
    assert outcome.ok and len(outcome.written) == 1
    assert len(list(real.rglob("findings/*.yaml"))) == 1


def _with_merge(book: Path, ref: str) -> Path:
    """The workbook with one more merged range, written into the sheet's XML (openpyxl would
    make every cell of a whole-column range to save it); ``ref`` as the attribute is written,
    or a whole element when it starts with "<"."""
    import zipfile

    out = book.with_name("merged-" + book.name)
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                element = ref if ref.startswith("<") else f'<mergeCell ref="{ref}"/>'
                text = re.sub(r'<mergeCells count="(\d+)">', lambda m, e=element: (
                    f'<mergeCells count="{int(m.group(1)) + 1}">{e}'), text)
                data = text.encode()
            dest.writestr(entry, data)
    return out


@pytest.mark.parametrize("ref", ["I1:I1048576", "H6:H40000", "A9:XFD100", "C6:D1048576",
                                 "$I$1:$I$200000", "i1:i200000", "<mergeCell ref='I1:I200000'/>",
                                 '<mergeCell  ref = "I1:I200000" />'])
def test_a_merge_reaching_far_is_refused_at_once(tmp_path: Path, ref: str) -> None:
    """A column (or row) selected whole and merged makes openpyxl build every cell it
    reaches (35 s and 2 GB for a three-row workbook): refused before that, naming the range
    and its sheet."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _with_merge(rough_annex2(tmp_path / "a2.xlsx", [GOOD, LATER], merges=["A6:A6"]), ref)
    outcome = import_workbook(book, options(target))
    (refused,) = outcome.problems
    assert refused.code == "import.merged_too_far", refused
    assert re.search(r"[A-Z]+[0-9]+:[A-Z]+[0-9]{3,}", refused.message), refused.message
    assert "Sheet1" in refused.message and not outcome.written


def test_merges_inside_the_table_still_import(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _with_merge(rough_annex2(tmp_path / "a2.xlsx", [GOOD, LATER], merges=["A6:A6"]),
                       "H6:H7")
    outcome = import_workbook(book, options(target))
    assert outcome.ok and len(outcome.written) == 2, [str(p) for p in outcome.problems]


@pytest.mark.parametrize("escape", ["_xD800_", "甲_xDFFF_乙", "_xDBFF__x0041_"])
def test_a_lone_surrogate_escape_is_refused_at_its_cell(tmp_path: Path, escape: str) -> None:
    """OOXML's _xHHHH_ can name half of a UTF-16 pair, which no YAML file can hold: an
    error at the cell, not an internal error when the record is written."""
    import zipfile

    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [[1, "公司", "工业源", "G101-1", "03", "类别",
                                                 "MARK", None]])
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(odd, "w") as dest:
        for entry in source.infolist():
            data = source.read(entry.filename).replace(b"MARK", escape.encode())
            dest.writestr(entry, data)
    outcome = import_workbook(odd, options(target))
    bad = [p for p in outcome.problems if p.code == "import.bad_character"]
    assert [(p.line, p.column) for p in bad] == [(6, 7)] and not outcome.written


def test_a_header_wrapped_by_hand_is_named_on_one_line(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [[1, "公司", "工业", "G101-1", "03", "类别", "错", None]])
    wb = load_workbook(book)
    wb.active["C4"] = "污染源\n类型"
    wb.save(book)
    outcome = import_workbook(book, options(target))
    (wrong,) = [p for p in outcome.problems if p.code == "schema.enum"]
    assert wrong.field == "Sheet1!C6（污染源类型）"


@pytest.mark.parametrize(("column", "value", "expected"), [
    (16, 4.109020011e17, None),  # an 18-digit 普查员号 typed as a number: digits already lost
    (16, 1.2345678901234567e16, None),
    (11, 1e-7, "0.0000001"),  # 生产规模: written as it would be typed, not 1e-07
    (11, 2.5e-10, "0.00000000025"),
    (11, 300000.0, "300000"),
])
def test_numbers_read_as_typed_or_refused_when_excel_lost_digits(
        tmp_path: Path, column: int, value: float, expected: str | None) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    row: list[Any] = list(G106_ROW)
    row[column] = value
    outcome = import_workbook(rough_annex1(tmp_path / "a1.xlsx", [row]),
                              options(target, reviewer=None, result="报省级", dry_run=True))
    typed = [p for p in outcome.problems if p.code == "import.cell_type"]
    if expected is None:
        assert [(p.line, p.column) for p in typed] == [(5, column + 1)]
        assert "15 位" in typed[0].message
    else:
        assert not typed and outcome.planned
        assert f'"{expected}"' in outcome.planned[0].text or f" {expected}\n" in (
            outcome.planned[0].text), outcome.planned[0].text


def test_a_copied_sheet_repeats_nothing_and_a_hidden_one_is_left(tmp_path: Path) -> None:
    """Move or Copy keeps the copy's 指导区域: its rows are the same rows (warned, written
    once, 附件1 too, which no rule of the tree would catch); a hidden sheet, most often an
    old copy, is left and named."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    a1 = rough_annex1(tmp_path / "a1.xlsx", [G106_ROW])
    book = _merged_books(tmp_path / "copies.xlsx", [(a1, "华龙区"), (a1, "华龙区 (2)"),
                                                    (a1, "旧表")])
    wb = load_workbook(book)
    wb["旧表"].sheet_state = "hidden"
    wb["旧表"]["B5"] = "隐藏表里的企业"
    wb.save(book)
    outcome = import_workbook(book, options(target, reviewer=None, result="报省级"))
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert len(outcome.written) == 1 and len(census_of(target).g106) == 1
    repeated = [p for p in outcome.problems if p.code == "import.duplicate_sheet"]
    assert len(repeated) == 1 and "华龙区" in repeated[0].message
    assert any(n.startswith("没有读取隐藏的工作表 “旧表”") for n in outcome.notes), outcome.notes


def test_force_writes_the_rows_above_where_a_table_ended(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [GOOD, ["二、农业源"], LATER], merges=["A7:H7"])
    outcome = import_workbook(book, options(target, force=True))
    assert [p.code for p in outcome.problems if p.severity == "error"] == [
        "import.rows_after_end"]
    assert [f.object_name for f in census_of(target).findings] == ["甲公司"]


def test_a_signature_line_below_the_note_is_no_data(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        GOOD, [NOTE], [None, "填表人：张三", "审核人：李四", "日期：2019-03-11"]],
        merges=["A7:H7"])
    outcome = import_workbook(book, options(target))
    assert outcome.ok and len(outcome.written) == 1, [str(p) for p in outcome.problems]


def test_an_integer_cell_of_any_length_is_read_exactly() -> None:
    """openpyxl reads a number cell without a point as an int, of any length (float() of
    one past 308 digits raised OverflowError: an internal error)."""
    from generator.tools.importer.records import cell_text

    assert cell_text(10 ** 400, "scale", None) == "1" + "0" * 400
    assert cell_text(610, "industry_code", 4) == "0610"
