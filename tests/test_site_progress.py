"""The rectification loop on the site (issue 14): the 整改进展 page, 首页's summary by county,
each county's own overdue list and weeks, 数据截至 in every page footer; the public build
shows counts and weeks but names no object and no owner. Page text from the renderer, and the
built site in Chromium (the harness of tests/test_site_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import test_site_browser as harness
from conftest import REPO, SHIPPED_AS_OF, run_cli
from test_site_browser import Watched

from generator.pipeline import Prepared, prepare
from generator.render.site import pages as site

chromium = harness.browser  # the harness' Chromium fixture, shared under this name
AS_OF = SHIPPED_AS_OF


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    prepared = prepare(REPO / "records", as_of=lambda end: AS_OF)
    assert prepared.census and prepared.figures
    return prepared


def _pages(prepared: Prepared, docs: Path, public: bool = False) -> dict[str, str]:
    assert prepared.census and prepared.figures
    site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, [],
                     "# 工作报告\n", public=public)
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs.rglob("*.md")) if "assets" not in p.parts}


def _overdue_rows(page: str) -> list[list[str]]:
    """The rows of the overdue list: table rows whose last cell names a record's error."""
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in page.splitlines() if re.search(r"` 第 \d+ 处 \|$", line)]


def test_the_progress_page_lists_the_city_overdue_sorted_by_days(shipped: Prepared,
                                                                  tmp_path: Path) -> None:
    page = _pages(shipped, tmp_path)["progress.md"]
    assert "数据截至 **2019-05-24**" in page
    rows = _overdue_rows(page)
    days = [int(r[7]) for r in rows]
    assert days == sorted(days, reverse=True) and days[0] == 51 and len(rows) == 6
    assert rows[0][2] == "清丰县农业农村局（县级农业源综合表）" and rows[0][8] == "岳德胜"
    assert "| **全市** | **132** | **104** | **77** | **58.3%** | **28** | **6** | **4** |" in page
    assert "| 2019-05-20 至 2019-05-24 | 0 | 0 | 28 | 6 |" in page  # the last week ends 数据截至
    assert '<figure class="chart-figure" data-chart="progress"' in page
    assert '<figure class="chart-figure" data-chart="overdue"' in page
    right = '<td style="text-align: right;">'
    row = "<tr><td>2019-04-28</td>" + "".join(f"\n{right}{n}</td>" for n in (132, 102, 30, 2))
    assert row + "</tr>" in page  # the progress chart's table: cumulative found vs fixed


def test_home_shows_the_as_of_date_and_the_overdue_per_county(shipped: Prepared,
                                                              tmp_path: Path) -> None:
    page = _pages(shipped, tmp_path)["index.md"]
    assert "### 整改进展（数据截至 2019-05-24）" in page
    assert "| [清丰县](counties/qingfeng.md) | 13 | 10 | 8 | 61.5% | 3 | 1 | 0 | 0.20 |" in page


def test_each_county_page_has_its_own_overdue_list_and_weeks(shipped: Prepared,
                                                             tmp_path: Path) -> None:
    pages = _pages(shipped, tmp_path)
    hualong = pages["counties/hualong.md"]
    assert [r[9] for r in _overdue_rows(hualong)] == ["`hl-20190313-x3n` 第 2 处",
                                                      "`hl-20190312-c9e` 第 2 处"]
    assert "| 2019-03-11 至 2019-03-17 | 19 | 14 | 5 | 0 |" in hualong
    assert _overdue_rows(pages["counties/kaifaqu.md"]) == []
    assert "### 逾期未整改问题\n\n（无）" in pages["counties/kaifaqu.md"]


def test_the_public_pages_show_counts_and_weeks_but_no_object_or_owner(
        shipped: Prepared, tmp_path: Path) -> None:
    assert shipped.census
    pages = _pages(shipped, tmp_path, public=True)
    names = {f.object_name for f in shipped.census.findings}
    owners = {e.owner for f in shipped.census.findings for e in f.errors if e.owner}
    assert len(owners) >= 9
    for name in ("progress.md", "index.md", "counties/hualong.md", "counties/qingfeng.md"):
        page = pages[name]
        assert not [n for n in names | owners if n in page], name
        assert _overdue_rows(page) == []
    progress = pages["progress.md"]
    assert "逾期未整改 6 处；公开版不列出普查对象和整改责任人" in progress
    assert "| 2019-05-20 至 2019-05-24 | 0 | 0 | 28 | 6 |" in progress


# --- the built site in Chromium ---------------------------------------------------------

@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("progress")
    built = {}
    for profile in ("internal", "public"):
        result = run_cli("build", str(REPO / "records"), "--profile", profile, "--as-of",
                         AS_OF.isoformat(), "--site", str(out / profile), "--dist",
                         str(out / "dist"))
        assert result.returncode == 0, result.stdout + result.stderr
        built[profile] = out / profile
    return built


@pytest.mark.browser
@pytest.mark.slow
def test_progress_and_county_overdue_render_in_chromium(chromium: object,
                                                        sites: dict[str, Path]) -> None:
    w = Watched(chromium, "file")
    w.page.goto((sites["internal"] / "progress.html").as_uri())
    assert w.page.locator("h1").inner_text().startswith("整改进展")
    assert w.page.locator(".chart-figure[data-chart=progress] table tbody tr").count() == 13
    overdue = w.page.locator("table:has(th:text-is('逾期天数')) tbody tr")
    assert overdue.count() == 6
    assert overdue.first.locator("td").nth(7).inner_text() == "51"
    assert "数据截至 2019-05-24" in w.page.locator("footer").inner_text()
    w.page.goto((sites["internal"] / "counties" / "hualong.html").as_uri())
    rows = w.page.locator("table:has(th:text-is('逾期天数')) tbody tr")
    assert rows.count() == 2 and "濮阳市龙都机械制造有限公司" in rows.first.inner_text()
    assert "数据截至 2019-05-24" in w.page.locator("footer").inner_text()
    assert w.errors == [] and w.outside == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_public_progress_page_names_no_object_in_chromium(chromium: object,
                                                              sites: dict[str, Path]) -> None:
    prepared = prepare(REPO / "records")
    assert prepared.census
    names = {f.object_name for f in prepared.census.findings}
    owners = {e.owner for f in prepared.census.findings for e in f.errors if e.owner}
    w = Watched(chromium, "file")
    for page in ("progress.html", "index.html", "counties/hualong.html"):
        w.page.goto((sites["public"] / page).as_uri())
        shown = w.page.locator("body").inner_text()
        assert not [n for n in names | owners if n in shown], page
    w.page.goto((sites["public"] / "progress.html").as_uri())
    assert w.page.locator(".chart-figure[data-chart=progress] table tbody tr").count() == 13
    assert w.page.locator("table:has(th:text-is('逾期天数'))").count() == 0
    assert w.errors == [] and w.outside == []
