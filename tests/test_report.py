"""The work report (附件4): its Markdown against a golden file, the .docx reopened with
python-docx (outline order, figures, fonts, page), placeholders, hostile text, byte-stable
builds, and LibreOffice converting it to PDF."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import markdown
import pytest
from conftest import MINIMAL, REPO, SHIPPED_AS_OF, check_golden, need_tool
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from lxml import etree

from generator.pipeline import prepare
from generator.records.aggregate import Figures, aggregate
from generator.records.model import Census
from generator.render.report.docx import title_lines
from generator.render.report.docx_page import sign_off_layout
from generator.render.report.report import report_markdown, report_sections, write_docx

GOLDEN = Path(__file__).parent / "golden" / "report.md"
# 附件4 提纲, as the seed prints it; the (三) parts repeat for each key-assistance county.
OUTLINE = ["一、质量提升指导工作开展情况", "（一）数据集中审核情况", "1. 市级数据质量整体情况",
           "2. 集中审核发现的问题", "3. 集中审核发现的问题解决情况", "（二）现场核实情况",
           "（三）重点帮扶情况"]
# under each numbered county heading (1. 华龙区重点帮扶情况), so the fourth level: （1）
KEY_PARTS = ["（1）县（区）数据质量整体情况", "（2）省级数据审核反馈结果整改情况",
             "（3）县（区）组织开展数据审核情况", "（4）档案管理情况",
             "（5）对县（区）普查骨干质量提升指导情况"]
CLOSING = ["二、全市普查工作经验及存在问题", "三、下一步工作建议"]
HEADING_FONTS = {"Heading 1": "黑体", "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312",
                 "Heading 4": "仿宋_GB2312"}


@pytest.fixture(scope="module")
def shipped() -> tuple[Census, Figures]:
    prepared = prepare(REPO / "records", as_of=lambda end: SHIPPED_AS_OF)  # the golden's 数据截至
    assert prepared.census and prepared.figures, prepared.checked.problems
    return prepared.census, prepared.figures


@pytest.fixture(scope="module")
def document(shipped: tuple[Census, Figures], tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("report") / "工作报告.docx"
    write_docx(*shipped, path)
    return docx.Document(str(path))


def _eastasia(element: object) -> str | None:
    rpr = element.find(qn("w:rPr"))  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _expected_headings(figures: Figures) -> list[str]:
    keys = [part for _ in figures.key_counties for part in KEY_PARTS]
    return OUTLINE + keys + CLOSING


def _in_order(expected: list[str], actual: list[str]) -> bool:
    """Each expected heading appears, in this order (other headings may sit between)."""
    rest = iter(actual)
    return all(any(a == e for a in rest) for e in expected)


# --- Markdown ------------------------------------------------------------------------------

def test_markdown_matches_golden(shipped: tuple[Census, Figures], update_golden: bool) -> None:
    check_golden(GOLDEN, report_markdown(*shipped), update_golden)


def test_markdown_headings_follow_the_outline(shipped: tuple[Census, Figures]) -> None:
    text = report_markdown(*shipped)
    headings = [re.sub(r"\\(.)", r"\1", line.lstrip("#").strip())
                for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "濮阳市第二次全国污染源普查质量提升指导工作报告"
    assert _in_order(_expected_headings(shipped[1]), headings)


def test_quotable_sentence_uses_the_aggregation(shipped: tuple[Census, Figures]) -> None:
    census, figures = shipped
    total = figures.city.total
    quoted = (f"全市共审核普查对象 {total.reviewed} 个，发现存在填报错误的对象 {total.problem_objects} 个、"
              f"错误 {total.errors} 处，差错率 {total.error_rate}，平均每个对象 {total.average_errors} 处。")
    report = report_sections(census, figures)
    paragraphs = [b.text for s in report.walk() for b in s.blocks if b.kind == "paragraph"]
    assert quoted in paragraphs


def test_sign_off_is_issuer_and_period_end(shipped: tuple[Census, Figures]) -> None:
    report = report_sections(*shipped)
    assert (report.issuer, report.date) == ("濮阳市第二次全国污染源普查领导小组办公室", "2019年5月30日")


def test_public_profile_names_no_census_object(shipped: tuple[Census, Figures],
                                               tmp_path: Path) -> None:
    census, figures = shipped
    page = report_markdown(census, figures, public=True)
    names = ({f.object_name for f in census.findings} | {g.enterprise for g in census.g106}
             | {v.object_name for v in census.verifications})
    assert not [n for n in names if n in page]
    assert "典型原因" not in page and "核查结论" not in page
    headings = [line.lstrip("#").strip().replace("\\", "") for line in page.splitlines()
                if line.startswith("#")]
    assert _in_order(_expected_headings(figures), headings)
    write_docx(census, figures, tmp_path / "public.docx", public=True)
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "public.docx")).paragraphs)
    assert not [n for n in names if n in text]


def _hostile(census: Census) -> Census:
    """The shipped census with markup, pipes and control characters in record text."""
    first_open = next(f for f in census.findings if any(e.status != "已整改" for e in f.errors))
    errors = tuple(dataclasses.replace(e, indicator_name="a|b *x* [l](http://x)")
                   for e in first_open.errors)
    finding = dataclasses.replace(first_open, object_name="<script>alert(1)</script>\x07\ud800",
                                  errors=errors)
    findings = tuple(finding if f is first_open else f for f in census.findings)
    counties = tuple(dataclasses.replace(c, name=c.name + "|<b>x</b>\n# 标题") if i == 0 else c
                     for i, c in enumerate(census.counties))
    city = dataclasses.replace(census.city, experience=("1. *强调* `code` & <i>", "|||"))
    return dataclasses.replace(census, findings=findings, counties=counties, city=city)


def test_hostile_text_renders_as_text(shipped: tuple[Census, Figures]) -> None:
    census = _hostile(shipped[0])
    text = report_markdown(census, aggregate(census))
    page = markdown.markdown(text, extensions=["tables", "attr_list", "md_in_html"])
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<em>" not in page and "<code>" not in page and "<a " not in page
    for table in re.findall(r"<table>.*?</table>", page, flags=re.S):
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table,
                                                                            flags=re.S)}
        assert len(widths) == 1, table
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "a|b *x* [l](http://x)" in shown


def test_hostile_text_does_not_break_the_docx(shipped: tuple[Census, Figures],
                                              tmp_path: Path) -> None:
    census = _hostile(shipped[0])
    path = tmp_path / "r.docx"
    write_docx(census, aggregate(census), path)
    cells = [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]
    assert "<script>alert(1)</script>" in cells


def test_missing_written_parts_show_placeholder(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    city = records / "city.yaml"
    text = city.read_text(encoding="utf-8")
    city.write_text(re.sub(r"(?ms)^experience:\n.*?(?=^problems:)", "", text), encoding="utf-8")
    (records / "taiqian" / "assistance.yaml").unlink()
    prepared = prepare(records)
    assert prepared.census and prepared.figures
    codes = {p.code for p in prepared.checked.problems}
    assert {"rule.narrative_empty", "rule.assistance_missing"} <= codes  # validate warns too
    page = report_markdown(prepared.census, prepared.figures)
    assert re.search(r"### （一）工作经验\n\n\*\*（待填写）\*\*\n", page)
    taiqian = page[page.index("台前县重点帮扶情况"):page.index("## 二、")]
    assert taiqian.count("（待填写）") == 13 + 1  # every annex-3 row, and the training list
    path = tmp_path / "r.docx"
    write_docx(prepared.census, prepared.figures, path)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert texts[texts.index("（一）工作经验") + 1] == "（待填写）"


# --- Word document -------------------------------------------------------------------------

def test_docx_headings_follow_the_outline(document: Document,
                                          shipped: tuple[Census, Figures]) -> None:
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert _in_order(_expected_headings(shipped[1]), headings)
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text.replace("\n", "") == (
        "濮阳市第二次全国污染源普查质量提升指导工作报告")


def test_docx_figures_equal_the_aggregation(document: Document,
                                            shipped: tuple[Census, Figures]) -> None:
    figures = shipped[1]
    total = figures.city.total
    quoted = next(p.text for p in document.paragraphs if p.text.startswith("全市共审核普查对象"))
    for value in (total.reviewed, total.problem_objects, total.errors, total.error_rate,
                  total.average_errors):
        assert f" {value} " in quoted or f" {value}，" in quoted or f" {value}。" in quoted
    by_county = next(t for t in document.tables if t.rows[0].cells[0].text == "县（区）"
                     and t.rows[0].cells[4].text == "差错率")
    rows = {r.cells[0].text: r.cells[4].text for r in by_county.rows[1:]}
    assert rows == {**{a.name: str(a.total.error_rate) for a in figures.counties},
                    "全市": str(total.error_rate)}


def test_docx_page_is_a4_with_official_margins(document: Document) -> None:
    section = document.sections[0]

    def mm(*lengths: object) -> tuple[float, ...]:  # stored in twips: compare to 0.1 mm
        return tuple(round(length.mm, 1) for length in lengths)  # type: ignore[attr-defined]

    assert mm(section.page_width, section.page_height) == (210.0, 297.0)
    assert mm(section.top_margin, section.bottom_margin) == (37.0, 35.0)
    assert mm(section.left_margin, section.right_margin) == (28.0, 26.0)
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert any(i.text.strip() == "PAGE" for i in footer._p.iter(qn("w:instrText")))


def test_docx_fonts_are_set_for_chinese_text(document: Document) -> None:
    normal = document.styles["Normal"]
    assert _eastasia(normal.element) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Twips(579)  # 28.95 pt: 22 lines a page
    assert normal.paragraph_format.first_line_indent == Pt(32)
    title = document.paragraphs[0]  # 小标宋 is heavy by design: never bolded
    assert _eastasia(title.runs[0]._r) == "方正小标宋简体" and title.style.font.size == Pt(22)
    assert not title.runs[0].bold and not title.style.font.bold
    assert document.styles["Heading 3"].font.bold and not document.styles["Heading 4"].font.bold
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert _eastasia(run._r), f"run without an East Asian font: {run.text!r}"
        if paragraph.style.name in HEADING_FONTS:
            assert _eastasia(paragraph.runs[0]._r) == HEADING_FONTS[paragraph.style.name]
    assert _eastasia(document.styles["Heading 1"].element) == "黑体"
    rfonts = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and rfonts.get(qn("w:eastAsiaTheme")) is None


def test_docx_names_a_fallback_for_each_office_font(tmp_path: Path,
                                                    shipped: tuple[Census, Figures]) -> None:
    path = tmp_path / "r.docx"
    write_docx(*shipped, path)
    with zipfile.ZipFile(path) as z:
        fonts = etree.fromstring(z.read("word/fontTable.xml"))
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
           for f in fonts.iter(qn("w:font")) if f.find(qn("w:altName")) is not None}
    assert alt == {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}


def test_docx_grid_and_page_numbers_on_the_outer_side(document: Document) -> None:
    section = document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    assert odd.paragraph_format.right_indent == even.paragraph_format.left_indent == Pt(14)
    for footer in (odd, even):
        assert footer.text == "— 1 —" and {_eastasia(r._r) for r in footer.runs} == {"宋体"}
        assert footer.style.font.size == Pt(14)


def test_docx_tables_have_borders_and_repeated_header(document: Document) -> None:
    assert len(document.tables) >= 6
    for table in document.tables:
        assert table.style.name == "Table Grid"
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        cell = table.rows[1].cells[0].paragraphs[0]
        assert cell.style.name == "Table Text" and cell.style.font.size == Pt(10.5)
        assert _eastasia(cell.runs[0]._r) == "仿宋_GB2312"


def test_docx_ends_with_right_aligned_sign_off(document: Document) -> None:
    issuer, date = document.paragraphs[-2:]
    assert (issuer.text, date.text) == ("濮阳市第二次全国污染源普查领导小组办公室", "2019年5月30日")
    assert issuer.style.name == date.style.name == "Signature"
    # GB/T 9704 7.3.5.2, no seal: the issuer 右空二字, the date two characters right of it
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert issuer._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert date.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert date._p.pPr.ind.get(qn("w:leftChars")) == str((28 - 2 - len(issuer.text) + 2) * 100)


@pytest.mark.parametrize(("issuer", "date", "expected"), [
    ("濮阳市第二次全国污染源普查领导小组办公室", "2019年5月30日", ((2, 2), (0, 8))),
    ("市普查办", "2019年12月31日", ((2, 7.0), (2, 2))),  # a date longer than the issuer
    ("甲乙丙丁戊己", "2019年1月1日", ((2, 4.0), (2, 2))),  # date start = issuer start + 2
])
def test_sign_off_layout(issuer: str, date: str, expected: object) -> None:
    layout = sign_off_layout(issuer, date)
    assert tuple((int(side), indent) for side, indent in layout) == expected


def test_two_builds_are_byte_identical(shipped: tuple[Census, Figures], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    write_docx(*shipped, first)
    write_docx(*shipped, second)
    assert first.read_bytes() == second.read_bytes()
    props = docx.Document(str(first)).core_properties
    assert (props.author, props.revision) == ("濮阳市第二次全国污染源普查领导小组办公室", 1)
    assert props.created.isoformat().startswith("2019-05-30")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # not read: the build passes its one date
    write_docx(*shipped, first, when=datetime.fromtimestamp(1559347200, tz=UTC))  # 2019-06-01
    assert docx.Document(str(first)).core_properties.modified.isoformat().startswith("2019-06-01")


def test_a_census_with_nothing_found_still_reads(shipped: tuple[Census, Figures],
                                                  tmp_path: Path) -> None:
    census = shipped[0]
    counties = tuple(dataclasses.replace(c, key_assistance=False,
                                         reviewed=dict.fromkeys(c.reviewed))
                     for c in census.counties)
    empty = dataclasses.replace(census, findings=(), g106=(), verifications=(), assistance={},
                                counties=counties)
    page = report_markdown(empty, aggregate(empty))
    for sentence in ("全市审核普查对象数未填报", "集中审核未发现普查表填报错误。", "本阶段未开展现场核查。",
                     "本阶段未确定重点帮扶县（区）。", "各县（区）未上报无法填报 G106-1 问题。"):
        assert sentence in page.replace("\\", "")
    write_docx(empty, aggregate(empty), tmp_path / "empty.docx")


def test_minimal_tree_gives_a_report(tmp_path: Path) -> None:
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    assert "## 三、下一步工作建议" in report_markdown(prepared.census, prepared.figures)
    write_docx(prepared.census, prepared.figures, tmp_path / "minimal.docx")


def test_long_titles_break_after_pucha() -> None:
    assert title_lines("濮阳市第二次全国污染源普查质量提升指导工作报告") == [
        "濮阳市第二次全国污染源普查", "质量提升指导工作报告"]
    assert title_lines("短标题") == ["短标题"]
    assert "".join(title_lines("甲" * 45)) == "甲" * 45


@pytest.mark.libreoffice
def test_libreoffice_converts_the_docx_to_pdf(shipped: tuple[Census, Figures],
                                              tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    source = tmp_path / "工作报告.docx"
    write_docx(*shipped, source)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"  # own profile: other tests run soffice too
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "工作报告.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), result.stdout + result.stderr
