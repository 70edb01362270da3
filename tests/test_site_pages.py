"""The site's Markdown pages: golden files from the shipped records, escaping of hostile text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import markdown
import pytest
from conftest import MINIMAL, REPO, SHIPPED_AS_OF, check_golden

from generator.pipeline import prepare
from generator.render.site import deferred
from generator.render.site import pages as site

GOLDEN = Path(__file__).parent / "golden" / "site"
HOSTILE = '<script>alert("x")</script>|a|b *em* [link](javascript:alert(1)) `code` # =1+1'


def _pages(records: Path, docs: Path) -> dict[str, str]:
    prepared = prepare(records, as_of=lambda end: SHIPPED_AS_OF)  # the goldens' 数据截至
    assert prepared.census and prepared.figures, [str(p) for p in prepared.checked.problems]
    fake = docs.parent / "附件9_示例.xlsx"
    fake.write_bytes(b"0" * 2048)
    site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, [fake],
                     "# 工作报告\n")
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs.rglob("*.md")) if "assets" not in p.parts}


def test_pages_match_golden_files(tmp_path: Path, update_golden: bool) -> None:
    pages = _pages(REPO / "records", tmp_path / "docs")
    assert {"index.md", "analysis.md", "verifications.md", "downloads.md", "schema.md",
            "counties/hualong.md", "counties/shifanqu.md"} <= set(pages)
    for name, text in pages.items():
        if name in ("guide.md", "report.md", "performance.md"):  # owned by their own tests
            continue
        check_golden(GOLDEN / name, text, update_golden)


def test_schema_page_lists_every_field(tmp_path: Path) -> None:
    page = _pages(MINIMAL, tmp_path / "docs")["schema.md"]
    for field in ("`errors[].form`", "`industry_code`", "`checks.reasonableness.ok`",
                  "`capacity_building[].participants`", "`team.members[].role`"):
        assert field in page


def _hostile_tree(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    path = records / "hualong/findings/hl-20190311-aaa.yaml"
    text = path.read_text(encoding="utf-8")
    quoted = HOSTILE.replace('"', '\\"')
    text = text.replace("object_name: 测试化工有限公司", f'object_name: "{quoted}"')
    text = text.replace("reason: 计量单位不一致", f'reason: "{quoted}"')
    path.write_text(text, encoding="utf-8")
    return records


def _html(page: str) -> str:
    return markdown.markdown(page, extensions=["tables", "attr_list", "md_in_html", "toc"])


def test_hostile_text_stays_text_on_every_page(tmp_path: Path) -> None:
    pages = _pages(_hostile_tree(tmp_path), tmp_path / "docs")
    for name, page in pages.items():
        html = _html(page)
        assert "<script>" not in html, name
        assert not re.search(r'href="javascript:', html), name
        assert "<em>em</em>" not in html, name
    county = _html(pages["counties/hualong.md"])
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|a|b *em*" in county


def test_markdown_tables_keep_their_columns_with_pipes(tmp_path: Path) -> None:
    pages = _pages(_hostile_tree(tmp_path), tmp_path / "docs")
    html = _html(pages["analysis.md"])
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
        assert len(widths) == 1, widths


@pytest.mark.parametrize("text", ["1. 第一", "- 列表", "# 标题", "> 引用", "a\n\n# b"])
def test_line_start_markup_is_neutralised(text: str) -> None:
    from generator.render.markup import md_escape

    html = _html(f"前文 {md_escape(text)}\n\n{md_escape(text)}")
    assert not re.search(r"<(ol|ul|h1|blockquote)>", html), html


def _site_files(site_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site_dir)): p.read_bytes() for p in sorted(site_dir.rglob("*"))
            if p.is_file()}


def test_large_tables_skip_mkdocs_and_land_in_the_built_page_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables over SEARCH_LIMIT rows go round MkDocs (a placeholder in the Markdown, spliced
    into the HTML afterwards); the site must be byte for byte the one MkDocs gives inline."""
    from functools import partial

    from generator.publish.staging import build

    monkeypatch.setattr(site, "SEARCH_LIMIT", 0)  # every non-empty table counts as large
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1560000000")
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    schemas = prepared.checked.schemas
    docs = tmp_path / "docs"
    deferred = site.write_pages(prepared.census, prepared.figures, schemas, docs, [], "# 报告\n")
    page = (docs / "counties" / "hualong.md").read_text(encoding="utf-8")
    assert "<!-- detail-table:findings -->" in page and "detail-table\"" not in page
    assert "counties/hualong.html" in deferred

    build(MINIMAL, prepared.census, prepared.figures, schemas, tmp_path / "a" / "site", None)
    spliced = _site_files(tmp_path / "a" / "site")
    monkeypatch.setattr(site, "write_pages", partial(site.write_pages, defer=False))
    build(MINIMAL, prepared.census, prepared.figures, schemas, tmp_path / "b" / "site", None)
    inline = _site_files(tmp_path / "b" / "site")
    assert spliced.keys() == inline.keys()
    assert [name for name in spliced if spliced[name] != inline[name]] == []
    html = spliced["counties/hualong.html"].decode("utf-8")
    assert "detail-table:" not in html and "测试化工有限公司" in html
    assert "测试化工有限公司" not in spliced["search/search_index.json"].decode("utf-8")


def test_splice_refuses_a_page_that_lost_its_placeholder(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text("<p>no mark</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match="found 0 times"):
        deferred.splice(tmp_path, {"p.html": {"<!-- detail-table:x -->": "<table></table>"}})


def test_performance_page_shows_the_last_benchmark_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "results.md"
    results.write_text("# Benchmarks\n\nTaken on a test machine.\n\n## Ratios\n\n"
                       "| ratio | value |\n| --- | ---: |\n| validate ÷ floor (1×) | 1.11× |\n",
                       encoding="utf-8")
    monkeypatch.setattr(site, "BENCHMARK_RESULTS", results)
    page = _pages(MINIMAL, tmp_path / "docs")["performance.md"]
    assert page.startswith("# 性能\n") and "# Benchmarks" not in page
    assert "### Ratios" in page and "| validate ÷ floor (1×) | 1.11× |" in page
    html = _html(page)
    assert ">1.11×</td>" in html and "尚无结果" not in page

    monkeypatch.setattr(site, "BENCHMARK_RESULTS", tmp_path / "missing.md")
    page = _pages(MINIMAL, tmp_path / "docs2")["performance.md"]
    assert "尚无结果" in page and "benchmarks/run" in page


def test_performance_page_is_for_maintainers_not_in_the_clerks_guide() -> None:
    prepared = prepare(MINIMAL)
    assert prepared.census
    nav = {k: v for entry in site.nav(prepared.census) for k, v in entry.items()}
    assert {"性能": "performance.md"} in nav["维护"]
    assert all("performance.md" not in item.values() for item in nav["填报说明"])
    assert nav["填报说明"][0] == {"填报指南": "guide.md"}  # clerks look for help first
