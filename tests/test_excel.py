"""The annex workbooks: a text dump against golden files, formula safety, byte-reproducibility,
and LibreOffice headless printing them (A4 landscape, 附件2 one page wide)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, check_golden, need_tool
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.etree import xmlfile
from openpyxl import Workbook, load_workbook
from openpyxl.cell._writer import lxml_write_cell
from openpyxl.worksheet.worksheet import Worksheet

from generator.pipeline import prepare
from generator.render.annexes import excel, sheetxml
from generator.render.annexes import sheets as excel_sheets
from generator.render.annexes.layout import FILES, Cell, SheetSpec

GOLDEN = Path(__file__).resolve().parent / "golden" / "excel"
HOSTILE = {
    "object_name": '=HYPERLINK("http://x")',
    "indicator_name": "+1",
    "reason": "-2",
    "remark": "@x",
    "summary": "<script>alert(1)</script>",
    "enterprise": "=1+1",
    "treatment": "\t=cmd",
}


def build(records: Path, out: Path) -> list[Path]:
    prepared = prepare(records)
    assert prepared.census and prepared.figures, [str(p) for p in prepared.checked.problems]
    return excel.write_annexes(prepared.census, prepared.figures, out)


def _font(ws: Worksheet, coordinate: str) -> str:
    f = ws[coordinate].font
    return f"{coordinate} {f.name} {f.sz:g}{' bold' if f.b else ''}"


def _first(ws: Worksheet, role_row: int) -> str:
    cell = next(c for c in ws[role_row] if c.value is not None)
    return str(cell.coordinate)


def dump_sheet(ws: Worksheet) -> list[str]:
    setup, props = ws.page_setup, ws.sheet_properties.pageSetUpPr
    out = [f"== {ws.title} ({ws.dimensions})",
           "widths: " + " ".join(f"{k}={d.width:g}" for k, d in sorted(ws.column_dimensions.items())),
           "heights: " + " ".join(f"{k}={d.height:g}" for k, d in sorted(ws.row_dimensions.items())
                                  if d.height),
           "merged: " + " ".join(str(r) for r in sorted(ws.merged_cells.ranges,
                                                        key=lambda r: (r.min_row, r.min_col))),
           f"freeze: {ws.freeze_panes}  print titles: {ws.print_title_rows}",
           f"print: {setup.orientation} paper={setup.paperSize} fitToWidth={setup.fitToWidth} "
           f"fitToHeight={setup.fitToHeight} fitToPage={props.fitToPage if props else None} "
           f"scale={setup.scale} "
           f"centred={ws.print_options.horizontalCentered}",
           "row breaks: " + (" ".join(str(b.id) for b in ws.row_breaks.brk) or "none")]
    header_row = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
    body_row = int(str(ws.freeze_panes)[1:])
    fonts = [_font(ws, "A1"), _font(ws, _first(ws, header_row)), _font(ws, f"A{body_row}")]
    if ws["A2"].value:
        fonts.insert(1, _font(ws, "A2"))
    out.append("fonts: " + "; ".join(fonts))
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                text = "@" if cell.number_format == "@" else ""
                out.append(f"{cell.coordinate} {cell.data_type}{text} {cell.value!r}")
            if cell.comment:
                out.append(f"{cell.coordinate} comment {cell.comment.text!r}")
    for chart in ws._charts:
        title = "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
        out.append(f"chart: {chart.tagname} {chart.type} {title!r} at {chart.anchor._from.row + 1}")
    return out


def dump(path: Path) -> str:
    wb = load_workbook(path)
    lines = [f"# {path.name}: {wb.properties.title} / {wb.properties.creator} / "
             f"{wb.properties.created} / {wb.properties.modified}"]
    for ws in wb.worksheets:
        lines += dump_sheet(ws)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def minimal_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("annexes")
    paths = build(MINIMAL, out)
    return {p.name.split("_")[0]: p for p in paths}


def test_writes_exactly_the_three_files(minimal_books: dict[str, Path]) -> None:
    assert sorted(p.name for p in minimal_books.values()) == sorted(FILES.values())
    assert not list(next(iter(minimal_books.values())).parent.glob("*.partial"))


@pytest.mark.parametrize("annex", ["附件1", "附件2", "附件3"])
def test_golden_dump(minimal_books: dict[str, Path], annex: str, update_golden: bool) -> None:
    check_golden(GOLDEN / f"{annex}.txt", dump(minimal_books[annex]), update_golden)


def test_shipped_records_layout(tmp_path: Path) -> None:
    books = {p.name.split("_")[0]: load_workbook(p) for p in build(REPO / "records", tmp_path)}
    prepared = prepare(REPO / "records")
    assert prepared.census
    names = [c.name for c in prepared.census.counties]
    assert books["附件1"].sheetnames == ["全市", *names]
    assert books["附件2"].sheetnames == ["全市", "全市汇总", *names]
    key = [c.name for c in prepared.census.counties if c.key_assistance]
    # each key county: its record table, then its 普查骨干 table on a sheet of its own
    assert books["附件3"].sheetnames == [s for n in key for s in (n, f"{n}-骨干指导")]
    city = books["附件2"]["全市"]
    errors = sum(len(f.errors) for f in prepared.census.findings)
    assert city.cell(6 + errors, 1).value == "注：污染源类型：工业源、农业源、集中式、生活源、移动源"
    assert len(books["附件2"]["全市汇总"]._charts) == 1


def _hostile_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "records"
    shutil.copytree(MINIMAL, tree)
    finding = tree / "hualong/findings/hl-20190311-aaa.yaml"
    text = finding.read_text(encoding="utf-8")
    text = text.replace("object_name: 测试化工有限公司", f"object_name: '{HOSTILE['object_name']}'")
    text = text.replace("indicator_name: 行业类别", "indicator_name: '+1'")
    text = text.replace("reason: 行业代码与产品不符", "reason: '-2'")
    finding.write_text(text + "remark: '@x'\n", encoding="utf-8")
    g106 = tree / "hualong/g106/hl-g-20190312-aaa.yaml"
    text = g106.read_text(encoding="utf-8")
    text = text.replace("summary: 系数手册中无对应产品", "summary: '<script>alert(1)</script>'")
    text = text.replace("enterprise: 测试化工有限公司", "enterprise: '=1+1'")
    g106.write_text(text.replace("treatment: 生化处理", 'treatment: "\\t=cmd"'), encoding="utf-8")
    return tree


def test_record_text_is_never_a_formula(tmp_path: Path) -> None:
    paths = build(_hostile_tree(tmp_path), tmp_path / "out")
    seen: set[str] = set()
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in HOSTILE.values():
                        assert cell.data_type == "s", (ws.title, cell.coordinate)
                        if str(cell.value)[:1] in "=+-@\t":
                            assert cell.quotePrefix, (ws.title, cell.coordinate)
                        seen.add(str(cell.value))
    assert seen == set(HOSTILE.values())


def test_text_xml_cannot_carry_becomes_a_replacement_character(tmp_path: Path) -> None:
    """A YAML escape can put U+FFFE or a control character in a record: shown as U+FFFD."""
    spec = SheetSpec("t", (10,))
    spec.put(1, 1, Cell("a\ufffeb\uffffc\x01d"))
    path = tmp_path / "t.xlsx"
    excel.save(excel.workbook([spec], "t", "t", excel.MIN_ZIP_TIME), path, excel.MIN_ZIP_TIME)
    assert load_workbook(path).active["A1"].value == "a\ufffdb\ufffdc\ufffdd"


def _tricky_sheet() -> SheetSpec:
    """A sheet with what the hand-written cell XML (sheetxml.write_cells) must get right."""
    spec = SheetSpec("难", (14, 12, 8))
    spec.put(1, 1, Cell("附件2", "label"))
    spec.merge(2, 1, 2, 3, Cell("标题", "title", centre=True))
    spec.put(3, 1, Cell(" 前后有空格 ", text=True))
    spec.put(3, 2, Cell("一行\n两行"))
    spec.put(3, 3, Cell(42, centre=True))
    spec.put(4, 1, Cell("=1+1"))
    spec.put(4, 2, Cell("&<>\"' \U0001F600 x\r\ny"))
    spec.put(4, 3, Cell(None, text=True))  # an empty styled cell
    spec.merge(5, 1, 5, 2, Cell("\t=cmd\x01", comment="注释"))  # C5: in the table, no cell
    spec.tables.append((3, 1, 5, 3))
    spec.put(6, 1, Cell("", "note"))
    return spec


def test_cells_read_back_as_written(tmp_path: Path) -> None:
    """Every cell of a sheet with hostile text, outer spaces, a line break, a number, empty
    bordered cells and merged ranges, read back: value, type and style."""
    path = tmp_path / "t.xlsx"
    excel.save(excel.workbook([_tricky_sheet()], "t", "t", excel.MIN_ZIP_TIME), path,
               excel.MIN_ZIP_TIME)
    ws = load_workbook(path)["难"]
    # coordinate: value, data type, font, bordered (the top edge: openpyxl redraws the other
    # edges of a merged range from its top-left cell when it reads one), format, quotePrefix
    expected = {
        "A1": ("附件2", "s", "黑体 12", False, "General", False),
        "A2": ("标题", "s", "宋体 16 bold", False, "General", False),
        "A3": (" 前后有空格 ", "s", "宋体 11", True, "@", False),
        "B3": ("一行\n两行", "s", "宋体 11", True, "General", False),
        "C3": (42, "n", "宋体 11", True, "General", False),
        "A4": ("=1+1", "s", "宋体 11", True, "General", True),
        "B4": ("&<>\"' \U0001F600 x\r\ny", "s", "宋体 11", True, "General", False),
        "C4": (None, "n", "宋体 11", True, "@", False),
        "A5": ("\t=cmd\ufffd", "s", "宋体 11", True, "General", True),
        "B5": (None, "n", "Calibri 11", True, "General", False),
        "C5": (None, "n", "Calibri 11", True, "General", False),
        "A6": (None, "inlineStr", "宋体 10", False, "General", False),  # "": no <is>, so None
    }
    seen = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.has_style or cell.value is not None:
                font = f"{cell.font.name} {cell.font.sz:g}{' bold' if cell.font.b else ''}"
                seen[cell.coordinate] = (cell.value, cell.data_type, font,
                                         cell.border.top.style == "thin", cell.number_format,
                                         bool(cell.quotePrefix))
    assert seen == expected
    assert ws.dimensions == "A1:C6"
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A2:C2", "A5:B5"]
    assert ws["C3"].alignment.horizontal == "center" and ws["A3"].alignment.wrap_text
    assert ws["A5"].comment is not None and ws["A5"].comment.text == "注释"
    assert [ws.row_dimensions[r].height for r in range(1, 7)] == [None, None, 34, 49, 20, 20]


def test_every_part_is_well_formed_xml(tmp_path: Path) -> None:
    paths = build(_hostile_tree(tmp_path), tmp_path / "out")
    book = tmp_path / "t.xlsx"
    excel.save(excel.workbook([_tricky_sheet()], "t", "t", excel.MIN_ZIP_TIME), book,
               excel.MIN_ZIP_TIME)
    sheets = 0
    for path in [*paths, book]:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels", ".vml")):
                    root = ET.fromstring(archive.read(name))
                if name.startswith("xl/worksheets/sheet"):
                    sheets += 1
                    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
                    assert len(root.findall("m:sheetData", ns)) == 1, name
                    merges = root.findall("m:mergeCells", ns)
                    assert len(merges) <= 1, name
                    for m in merges:
                        assert int(m.get("count", "")) == len(m), name
    assert sheets == 1 + sum(len(load_workbook(p).sheetnames) for p in paths)


_xml_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(
    lambda t: excel.ILLEGAL.sub("", t))


@settings(max_examples=300, deadline=None)
@given(_xml_text)
def test_string_cells_are_the_xml_openpyxl_writes(text: str) -> None:
    """The text of a string cell, escaped by hand, is byte for byte what openpyxl's own
    writer (through lxml) makes of it: entities, character references, xml:space."""
    ws = Workbook().active
    cell = ws.cell(row=1, column=1, value=text)
    cell.data_type = "s"
    out = io.BytesIO()
    with xmlfile(out) as xf:
        lxml_write_cell(xf, ws, cell)
    content, _ = sheetxml._text(text)
    assert ('<c r="A1" t="inlineStr">' + content).encode("ascii", "xmlcharrefreplace") == \
        out.getvalue()


def test_codes_stay_text(minimal_books: dict[str, Path]) -> None:
    ws = load_workbook(minimal_books["附件1"])["华龙区"]
    code = next(c for c in ws[5] if c.value == "2662")
    assert code.data_type == "s" and code.number_format == "@"
    ws2 = load_workbook(minimal_books["附件2"])["华龙区"]
    assert [ws2.cell(r, 5).value for r in (6, 7)] == ["03", "07"]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(MINIMAL, tmp_path / "one")
    second = build(MINIMAL, tmp_path / "two")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
        with zipfile.ZipFile(a) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2019, 3, 8, 0, 0, 0)}
            assert b"2019-03-08T00:00:00Z" in archive.read("docProps/core.xml")


def test_the_date_given_sets_the_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build decides the date once and passes it; the environment is not read here."""
    from datetime import UTC, datetime

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    path = excel.write_annexes(prepared.census, prepared.figures, tmp_path,
                               when=datetime.fromtimestamp(1559174400, tz=UTC))[0]  # 2019-05-30
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2019, 5, 30, 0, 0, 0)}


def test_sheet_names_are_valid_and_unique() -> None:
    from generator.render.annexes.layout import sheet_name

    taken: set[str] = set()
    names = [sheet_name("a/b:c*d?e[f]g\\h" + "长" * 40, taken) for _ in range(3)]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len(set(names)) == 3


# ------------------------------------------------------------------ LibreOffice


def _soffice(tmp_path: Path, files: list[Path], target: str, out: Path) -> list[Path]:
    soffice = need_tool("soffice")
    profile = tmp_path / "lo-profile"  # unique per test: soffice runs concurrently elsewhere
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", target, "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    made = sorted(out.glob(f"*.{target.split(':')[0]}"))
    assert len(made) == len(files), (result.stdout, result.stderr)
    return made


def _pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, from the MediaBox entries (no poppler needed)."""
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]",
                       data)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    sizes = [(float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in boxes]
    assert sizes and pages
    return sizes[:1] * pages if len(set(sizes)) == 1 else sizes


@pytest.mark.libreoffice
def test_libreoffice_prints_every_workbook_on_a4_landscape(tmp_path: Path) -> None:
    paths = build(REPO / "records", tmp_path / "xlsx")
    for pdf in _soffice(tmp_path, paths, "pdf", tmp_path / "pdf"):
        for width, height in _pages(pdf):
            assert abs(width - 841.9) < 1 and abs(height - 595.3) < 1, pdf.name


@pytest.mark.libreoffice
def test_libreoffice_fits_a_county_annex2_sheet_to_one_page_width(tmp_path: Path) -> None:
    prepared = prepare(MINIMAL)
    assert prepared.census
    rows = [("华龙区", f) for f in prepared.census.findings]
    spec = excel_sheets.annex2_sheet("华龙区", "华龙区", rows, False)
    path = tmp_path / "华龙区.xlsx"
    excel.save(excel.workbook([spec], "t", "t", excel.MIN_ZIP_TIME), path, excel.MIN_ZIP_TIME)
    ws = load_workbook(path).active
    assert (ws.page_setup.fitToWidth, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, True)
    (pdf,) = _soffice(tmp_path, [path], "pdf", tmp_path / "pdf")
    assert _pages(pdf) == [(pytest.approx(841.9, abs=1), pytest.approx(595.3, abs=1))]


@pytest.mark.libreoffice
def test_libreoffice_does_not_evaluate_record_text(tmp_path: Path) -> None:
    paths = build(_hostile_tree(tmp_path), tmp_path / "xlsx")
    annex2 = next(p for p in paths if p.name.startswith("附件2"))
    (csv,) = _soffice(tmp_path, [annex2], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    text = csv.read_text(encoding="utf-8")
    for value in ('=HYPERLINK(""http://x"")', "+1", "-2", "@x"):
        assert value in text, value


def test_sheet_merges_never_overlap() -> None:
    """excel writes merged ranges without openpyxl's (quadratic) overlap check: the specs must
    not need it."""
    from generator.pipeline import prepare
    from generator.render.annexes import sheets as excel_sheets
    prepared = prepare(REPO / "records")
    assert prepared.census and prepared.figures
    specs = [*excel_sheets.annex1_sheets(prepared.census),
             *excel_sheets.annex2_sheets(prepared.census, prepared.figures),
             *excel_sheets.annex3_sheets(prepared.census)]
    merged = 0
    for spec in specs:
        seen: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for merge in spec.merges:
            r1, c1, r2, c2 = merge
            for cell in ((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
                assert cell not in seen, (spec.name, merge, seen[cell])
                seen[cell] = merge
        merged += len(spec.merges)
    assert merged > 50
