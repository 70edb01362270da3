"""Detail tables, paged tables' search entries and download links on the site's pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.site import pages as site
from generator.render.site import search as site_search
from generator.render.site import tables as site_tables
from generator.render.site.tables import Part, Row, Table


def _table(names: list[str], errors: int = 2) -> Table:
    rows = []
    for i, name in enumerate(names):
        for e in range(errors):
            cells = ((Part(str(i + 1)),), (Part(name),), (Part("工业源"),), (Part("G101-1"),),
                     (Part("03"),), (Part("行业类别"),), (Part(f"原因{e}"),),
                     (Part("已整改", badge="status-ok"), Part("2019-03-18")), (Part("2019-03-11"),),
                     (), (Part(f"id{i}", code=True),))
            rows.append(Row("" if e else f"f-id{i}", cells))
    return Table("findings", site_tables.FINDING_HEADERS, site_tables.FINDING_KINDS, tuple(rows))


def _data(html: str) -> list[dict[str, object]]:
    match = re.search(r'<script type="application/json" class="table-data">(.*?)</script>', html,
                      re.S)
    assert match, html[:300]
    return list(json.loads(match.group(1)))


@pytest.mark.parametrize("paged", [False, True])
def test_cells_never_run_together(paged: bool) -> None:
    """Search excerpts and copied text read "工业源 G101-1 03", never "工业源G101-103"."""
    html = site_tables.render(_table(["甲公司", "乙公司"]), paged)
    assert "</td><td>" not in html and "</th><th>" not in html
    assert re.search(r"工业源</td>\s+<td>G101-1</td>\s+<td>03</td>", html)


def test_a_small_table_holds_every_row_and_is_searched_as_page_text() -> None:
    html = site_tables.render(_table([f"公司{i}" for i in range(150)]), paged=False)
    assert html.count("<tr") == 301 and "data-search-exclude" not in html
    assert "table-data" not in html and 'id="f-id149"' in html


def test_a_paged_table_holds_one_page_of_rows_and_all_rows_as_data() -> None:
    table = _table([f"公司{i}" for i in range(150)])
    html = site_tables.render(table, paged=True)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    assert body.count("<tr") == site_tables.PAGE_ROWS
    assert "data-search-exclude" in html and f'data-paged="{site_tables.PAGE_ROWS}"' in html
    data = _data(html)
    assert len(data) == 300 and data[-2]["id"] == "f-id149" and data[-1]["id"] == ""
    assert data[0]["c"][7] == [{"b": "已整改", "c": "status-ok"}, "2019-03-18"]  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_record_text_in_table_data_cannot_leave_its_script(text: str) -> None:
    html = site_tables.render(_table([text, "</script><script>alert(1)</script>"]), paged=True)
    start = html.index('class="table-data">') + len('class="table-data">')
    inside = html[start:html.index("</script>", start)]
    assert "<" not in inside and ">" not in inside and "&" not in inside
    names = [row["c"][1] for row in json.loads(inside)]  # type: ignore[index]
    assert names[0] == [text]  # JSON escapes what it must; the text comes back whole


def test_each_object_of_a_paged_table_gets_one_search_entry(tmp_path: Path) -> None:
    table = _table(["濮阳华龙富宇新型建材有限公司", "乙公司"], errors=3)
    docs = site_search.object_docs("counties/hualong.html", "findings", table.rows)
    assert [d["location"] for d in docs] == ["counties/hualong.html#f-id0",
                                             "counties/hualong.html#f-id1"]
    assert docs[0]["title"] == "濮阳华龙富宇新型建材有限公司"
    assert docs[0]["text"].count("G101-1 03 行业类别") == 3 and "原因2" in docs[0]["text"]
    assert "2019-03-11" not in docs[0]["text"]  # what people search for, not dates

    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    index.write_text(json.dumps({"config": {}, "docs": [{"location": "a.html", "title": "A",
                                                          "text": ""}]}), encoding="utf-8")
    (tmp_path / "search" / "search_index.js").write_text("var __index = {}", encoding="utf-8")
    site_search.merge(tmp_path, docs)
    once = index.read_bytes()
    site_search.merge(tmp_path, docs)  # again (the preview re-applies it): nothing changes
    assert index.read_bytes() == once
    merged = json.loads(once)["docs"]
    assert len(merged) == 3 and "\u200b" in merged[1]["title"]  # segmented as Material does
    offline = (tmp_path / "search" / "search_index.js").read_text(encoding="utf-8")
    assert offline == "var __index = " + once.decode("utf-8")


def test_a_large_county_table_is_paged_and_its_objects_go_to_the_search_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "SEARCH_LIMIT", 0)
    prepared = prepared_clean(MINIMAL)
    assert prepared.census and prepared.figures
    deferred = site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas,
                                tmp_path / "docs", [], "# 报告\n")
    tables = deferred["counties/hualong.html"]
    # the overdue list, large too, is deferred as well (test_site_fast.py), but not paged
    assert set(tables) == {"<!-- detail-table:findings -->", "<!-- detail-table:g106 -->",
                           "<!-- detail-table:overdue -->"}
    assert all("table-data" in html for mark, html in tables.items() if "overdue" not in mark)
    docs = json.loads(deferred[site_search.SEARCH_INDEX][site.SEARCH_DOCS])
    names = {f.object_name for f in prepared.census.findings}
    assert names <= {d["title"] for d in docs}
    assert all(d["location"].startswith("counties/hualong.html#") for d in docs)


def _download(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"0" * 3000)
    return path


def test_report_and_county_pages_link_their_downloads(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    dist = tmp_path / "dist"
    dist.mkdir()
    files = [_download(dist, n) for n in ("附件1_无法填报G106-1问题表.xlsx",
                                          "附件3_重点帮扶情况记录表.xlsx", "附件1-模板.xlsx",
                                          "工作报告.docx")]
    docs = tmp_path / "docs"
    site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, files,
                     "# 工作报告\n\n正文\n")
    report = (docs / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# 工作报告\n\n") and "](downloads/工作报告.docx)" in report
    key = (docs / "counties" / "hualong.md").read_text(encoding="utf-8")
    other = (docs / "counties" / "qingfeng.md").read_text(encoding="utf-8")
    assert "](../downloads/附件1_无法填报G106-1问题表.xlsx)" in key
    assert "](../downloads/附件3_重点帮扶情况记录表.xlsx)" in key  # 华龙区 is 重点帮扶
    assert "](../downloads/附件1_无法填报G106-1问题表.xlsx)" in other
    assert "附件3" not in other.split("## 审核情况")[0]
    assert "模板" not in key and "模板" not in other  # blank templates are for the 下载 page


def test_the_public_site_links_no_download(tmp_path: Path) -> None:
    prepared = prepared_clean(REPO / "records")
    assert prepared.census and prepared.figures
    docs = tmp_path / "docs"
    site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, [],
                     "# 工作报告\n", public=True)
    for page in [docs / "report.md", *sorted((docs / "counties").glob("*.md"))]:
        assert "downloads/" not in page.read_text(encoding="utf-8"), page
