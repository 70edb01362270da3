"""The blank 附件1/附件2 fill-in templates (a county fills one in Excel or WPS and it is imported
through the real CLI), and 数据截至 in every annex sheet's title area."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, prepared_clean, run_cli
from openpyxl import load_workbook

from generator.records import domain
from generator.render.annexes import excel
from generator.render.annexes import templates as excel_templates
from generator.render.annexes.layout import FILES
from generator.tools.importer.read import known_headers, norm

STAMP = excel.MIN_ZIP_TIME


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    paths = excel_templates.write_templates(out, "测试", STAMP)
    return {p.name.split("_")[0]: p for p in paths}


def test_two_templates_in_the_official_layout(templates: dict[str, Path]) -> None:
    assert sorted(p.name for p in templates.values()) == ["附件1_填报模板.xlsx", "附件2_填报模板.xlsx"]
    for annex, kind, header_row in (("附件1", "g106", 4), ("附件2", "finding", 5)):
        ws = load_workbook(templates[annex]).worksheets[0]
        assert ws["A1"].value == annex and ws["A3"].value == "指导区域：县（区）"
        shown = {norm(c.value) for r in range(4, header_row + 1) for c in ws[r] if c.value}
        assert set(known_headers(kind)) - {"县(区)"} <= shown, annex  # what import reads
        blank = ws.cell(header_row + 1, 2)
        assert blank.value is None and blank.number_format == "@" and blank.border.top.style
        assert ws.print_title_rows and ws.page_setup.orientation == "landscape"


def test_annex2_dropdowns_list_source_types_and_known_forms(templates: dict[str, Path]) -> None:
    wb = load_workbook(templates["附件2"])
    sheet, lists = wb.worksheets
    assert lists.sheet_state == "hidden" and sheet.sheet_state == "visible"
    columns = {norm(c.value): c.column_letter for c in sheet[4] if c.value}
    columns.update({norm(c.value): c.column_letter for c in sheet[5] if c.value})
    checks = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for header, values, style in (("污染源类型", list(domain.SOURCE_TYPES), "stop"),
                                  ("普查表号", excel_templates.known_forms(), "warning")):
        letter = columns[header]
        check = checks[f"{letter}6:{letter}{5 + excel_templates.TEMPLATE_ROWS}"]
        assert check.type == "list" and check.errorStyle == style
        sheet_name, cells = check.formula1.split("!")
        assert sheet_name.strip("'") == lists.title
        listed = [c.value for row in lists[cells.replace("$", "")] for c in row]
        assert listed == values
    assert set(excel_templates.known_forms()) == domain.KNOWN_FORMS
    assert excel_templates.known_forms()[:2] == ["G101-1", "G101-2"]


def _fill_annex2(path: Path, target: Path) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    rows = [
        (1, "濮阳市新填报化工有限公司", "工业源", "G101-1", "03", "行业类别", "行业代码与产品不符", None),
        (None, None, None, "G106-1", "07", "产品产量", "计量单位未换算", None),
        (2, "濮阳市新填报加油站", "移动源", "Y102", "04", "柴油年销售量", "数值明显偏大", "待复核"),
    ]
    for r, values in enumerate(rows, 6):
        for c, value in enumerate(values, 1):
            ws.cell(r, c, value)
    wb.save(target)


def _fill_annex1(path: Path, target: Path) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    values = [1, "濮阳市新填报化工有限公司", "系数手册中无对应工艺", "专项化学用品制造", "2662", "聚合氯化铝",
              "251105010/0", "吨", "铝酸钙粉", "吨", "酸溶—聚合", "30000", "吨/年", "颗粒物",
              "千克/吨-产品", "袋式除尘", "HL-0999"]
    for c, value in enumerate(values, 1):
        ws.cell(5, c, value)
    wb.save(target)


def test_filled_templates_import_through_the_cli(templates: dict[str, Path], minimal_tree: Path,
                                                 tmp_path: Path) -> None:
    annex2, annex1 = tmp_path / "附件2.xlsx", tmp_path / "附件1.xlsx"
    _fill_annex2(templates["附件2"], annex2)
    _fill_annex1(templates["附件1"], annex1)
    before = prepared_clean(minimal_tree).census
    assert before
    for book in (annex2, annex1):
        done = run_cli("import", str(book), "--county", "hualong", "--records", str(minimal_tree),
                       "--reviewer", "乙成员", "--reviewed-on", "2019-03-20")
        assert done.returncode == 0, done.stdout + done.stderr
    assert run_cli("validate", str(minimal_tree)).returncode == 0
    after = prepared_clean(minimal_tree).census
    assert after
    new = {f.object_name: f for f in after.findings} .keys() - {f.object_name for f in before.findings}
    assert new == {"濮阳市新填报化工有限公司", "濮阳市新填报加油站"}
    chemical = next(f for f in after.findings if f.object_name == "濮阳市新填报化工有限公司")
    assert [(e.form, e.indicator_code) for e in chemical.errors] == [("G101-1", "03"), ("G106-1", "07")]
    (problem,) = [g for g in after.g106 if g.enterprise == "濮阳市新填报化工有限公司"]
    assert problem.product_code == "251105010/0" and problem.industry_code == "2662"


def test_as_of_is_in_every_sheets_title_area(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    paths = excel.write_annexes(prepared.census, prepared.figures, tmp_path,
                                as_of=date(2019, 5, 30))
    sheets = 0
    for path in paths:
        for ws in load_workbook(path).worksheets:
            top = [c.value for row in ws.iter_rows(max_row=3) for c in row if c.value]
            assert "数据截至：2019年5月30日" in top, (path.name, ws.title)
            sheets += 1
    assert sheets > 20
    without = excel.write_annexes(prepared.census, prepared.figures, tmp_path / "none")
    for path in without:
        ws = load_workbook(path).worksheets[0]
        assert not any("数据截至" in str(c.value) for row in ws.iter_rows(max_row=3) for c in row)


def test_annexes_with_as_of_still_import(tmp_path: Path) -> None:
    """The as-of date shares row 3 with 指导区域: the importer still finds the county."""
    prepared = prepared_clean(MINIMAL)
    assert prepared.census and prepared.figures
    paths = excel.write_annexes(prepared.census, prepared.figures, tmp_path / "out",
                                as_of=date(2019, 3, 31))
    target = tmp_path / "records"
    (target / "hualong").mkdir(parents=True)
    for name in ("city.yaml",):
        (target / name).write_bytes((MINIMAL / name).read_bytes())
    for county in MINIMAL.glob("*/county.yaml"):
        (target / county.parent.name).mkdir(exist_ok=True)
        (target / county.parent.name / "county.yaml").write_bytes(county.read_bytes())
    book = next(p for p in paths if p.name == FILES["annex2"])
    done = run_cli("import", str(book), "--county", "hualong", "--records", str(target),
                   "--reviewer", "乙成员", "--reviewed-on", "2019-03-11")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(prepared_clean(target).census.findings) == len(  # type: ignore[union-attr]
        [f for f in prepared.census.findings if f.county == "hualong"])


def test_build_lists_the_templates_on_the_downloads_page(tmp_path: Path) -> None:
    done = run_cli("build", str(MINIMAL), "--site", str(tmp_path / "site"),
                   "--dist", str(tmp_path / "dist"), "--as-of", "2019-03-31")
    assert done.returncode == 0, done.stdout + done.stderr
    names = {p.name for p in (tmp_path / "dist").iterdir()}
    assert {"附件1_填报模板.xlsx", "附件2_填报模板.xlsx"} <= names
    page = (tmp_path / "site" / "downloads.html").read_text(encoding="utf-8")
    assert "附件1 填报模板" in page and "附件2 填报模板" in page
    ws = load_workbook(tmp_path / "dist" / FILES["annex2"]).worksheets[0]
    assert any(c.value == "数据截至：2019年3月31日" for c in ws[3])
