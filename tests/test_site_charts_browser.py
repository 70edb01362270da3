"""The charts in a real headless Chromium (the harness of test_site_browser.py): each draws an
<svg> with a bar per figure, the table beside it holds the same figures, nothing is fetched
from outside the site (every request routed through a guard that aborts any other host),
ECharts loads only on pages with a chart, record text stays text even where it is markup, the
charts follow the window's size, the light/dark scheme and print, and without JavaScript the
tables remain."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import test_site_browser as harness
from conftest import MINIMAL, prepared_clean

# The shipped site, its local server and Chromium, as test_site_browser.py makes them.
browser, built, server = harness.browser, harness.built, harness.server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HOSTILE = "</script><img src=x onerror=alert(1)>"
ECHARTS = "/assets/vendor/echarts/echarts.common.min.js"

# Per chart block: its option as ECharts holds it, the table's rows, and the SVG's bars
# (paths filled with a series' colour; the legend's icons counted apart).
READ_CHARTS = """() => Array.from(document.querySelectorAll('figure.chart-figure')).map(f => {
  const box = f.querySelector('.chart-box');
  const chart = window.echarts && echarts.getInstanceByDom(box);
  const svg = box.querySelector('svg');
  const option = chart ? chart.getOption() : null;
  const axis = option ? (option.yAxis[0].type === 'category' ? option.yAxis[0] : option.xAxis[0])
                      : null;
  const fills = {};
  if (svg) svg.querySelectorAll('path').forEach(p => {
    const fill = (p.getAttribute('fill') || '').toLowerCase();
    fills[fill] = (fills[fill] || 0) + 1;
  });
  return {
    key: f.dataset.chart,
    hidden: box.hidden,
    svg: svg ? {width: Number(svg.getAttribute('width')),
                texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent)} : null,
    categories: axis ? axis.data : null,
    legend: option ? option.legend[0].show : null,
    series: option ? option.series.map(s => ({
      name: s.name, color: (s.itemStyle && s.itemStyle.color || '').toLowerCase(),
      values: s.data.map(d => (d !== null && typeof d === 'object') ? d.value : d)})) : null,
    fills: fills,
    rows: Array.from(f.querySelectorAll('.chart-table tr')).map(
      tr => Array.from(tr.children).map(c => c.textContent.trim())),
  };
})"""


class Guarded:
    """A page whose every request goes through a route: one leaving the site is recorded
    and aborted (so a test fails on it even if the page would have coped)."""

    def __init__(self, browser: Any, site: str, **context: Any):
        self.context = browser.new_context(**context)
        self.outside: list[str] = []
        self.loaded: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.site = site
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("requestfinished", lambda r: self.loaded.append(r.url))

    def _route(self, route: Any) -> None:
        url = urlparse(route.request.url)
        local = url.scheme == "file" if self.site == "file" else url.hostname == "127.0.0.1"
        if local or url.scheme in ("data", "blob", "about"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def charts(self, count: int) -> list[dict[str, Any]]:
        """The page's chart blocks, once ``count`` of them are drawn."""
        self.page.wait_for_function(
            f"() => document.querySelectorAll('.chart-box svg').length === {count}",
            timeout=20000)
        return self.page.evaluate(READ_CHARTS)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def guarded(browser: Any) -> Iterator[functools.partial[Guarded]]:
    made: list[Guarded] = []

    def make(site: str, **context: Any) -> Guarded:
        made.append(Guarded(browser, site, **context))
        return made[-1]

    yield make  # type: ignore[misc]
    for g in made:
        g.close()


def _check_agrees(chart: dict[str, Any]) -> None:
    """The drawn chart, its option and its table hold the same figures."""
    assert chart["svg"] is not None and not chart["hidden"], chart["key"]
    header, *rows = chart["rows"]
    series = chart["series"]
    assert header[1:1 + len(series)] == [s["name"] for s in series]
    assert [r[0] for r in rows] == chart["categories"]
    for i, row in enumerate(rows):
        assert row[1:1 + len(series)] == [str(s["values"][i]) for s in series], row
    for s in series:  # a bar per figure (a zero one too, zero wide), plus the legend's icon
        bars = sum(1 for v in s["values"] if v is not None) + (1 if chart["legend"] else 0)
        assert chart["fills"].get(s["color"], 0) == bars, (chart["key"], s["name"])


def test_home_charts_draw_a_bar_per_figure_and_the_table_agrees(guarded: Any,
                                                                server: str) -> None:
    g = guarded("http")
    g.page.set_viewport_size({"width": 1366, "height": 900})
    g.page.goto(server + "/index.html", wait_until="networkidle")
    charts = g.charts(2)
    assert [c["key"] for c in charts] == ["status", "types"]
    status = charts[0]
    assert [s["name"] for s in status["series"]] == ["已整改", "整改中", "未整改"]
    assert len(status["categories"]) == 9  # the shipped records: 9 counties
    for chart in charts:
        _check_agrees(chart)
    assert status["rows"][1][-1] == str(sum(s["values"][0] for s in status["series"]))  # 合计
    assert any(u.endswith(ECHARTS) for u in g.loaded)
    assert g.outside == [] and g.errors == []


@pytest.mark.parametrize(("page", "keys"), [("counties/fanxian.html", ["types"]),
                                            ("analysis.html", ["forms"])])
def test_county_and_analysis_charts_agree_with_their_tables(guarded: Any, server: str,
                                                             page: str, keys: list[str]) -> None:
    g = guarded("http")
    g.page.goto(f"{server}/{page}", wait_until="networkidle")
    charts = g.charts(len(keys))
    assert [c["key"] for c in charts] == keys
    for chart in charts:
        _check_agrees(chart)
    assert g.outside == [] and g.errors == []


def test_pages_without_a_chart_do_not_load_echarts_and_page_weight_stays_small(
        guarded: Any, server: str, built: Path) -> None:
    """ECharts is most of a chart page's weight; other pages never fetch it."""
    g = guarded("http")
    sizes: dict[str, int] = {}
    g.page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()))
              if r.ok and r.request.method == "GET" else None)
    g.page.goto(server + "/guide.html", wait_until="networkidle")
    assert sizes and not any(u.endswith(ECHARTS) for u in sizes)
    g.page.goto(server + "/index.html", wait_until="networkidle")
    g.charts(2)
    library = (built / ECHARTS.lstrip("/")).stat().st_size
    assert sizes[server + ECHARTS] == library < 800_000
    index = sum(n for u, n in sizes.items() if "/guide.html" not in u)
    assert index < 2_000_000, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    assert g.outside == [] and g.errors == []


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal records with a county named like markup. validate refuses such a name
    (schema.pattern); the renderer must not depend on that, so the census is changed after
    validation and built as it is."""
    from generator.publish.staging import build
    from generator.records.aggregate import aggregate

    done = prepared_clean(MINIMAL)
    assert done.census is not None
    census = dataclasses.replace(done.census, counties=tuple(
        dataclasses.replace(c, name=HOSTILE) for c in done.census.counties))
    site = tmp_path_factory.mktemp("hostile") / "site"
    build(MINIMAL, census, aggregate(census), done.checked.schemas, site, None)
    return site


@pytest.mark.parametrize(("page", "count"), [("index.html", 2), ("counties/hualong.html", 1)])
def test_a_county_named_like_markup_stays_text_in_the_charts(guarded: Any, hostile_site: Path,
                                                             page: str, count: int) -> None:
    g = guarded("file")
    g.page.goto((hostile_site / page).as_uri(), wait_until="load")
    charts = g.charts(count)
    inside = "document.querySelectorAll('figure.chart-figure img, figure.chart-figure ~ img')"
    assert g.page.evaluate(f"{inside}.length") == 0
    assert g.page.locator("figure.chart-figure script").count() == count  # none added
    by_key = {c["key"]: c for c in charts}
    if "status" in by_key:  # the county's name: a category, a table cell, a label in the SVG
        status = by_key["status"]
        assert status["categories"] == [HOSTILE] and status["rows"][1][0] == HOSTILE
        shown = status["svg"]["texts"][0]  # cut to the label width, as text
        assert len(shown) > 6 and HOSTILE.startswith(shown.removesuffix("...")), shown
        _check_agrees(status)
    titles = g.page.eval_on_selector_all("figure.chart-figure figcaption",
                                         "els => els.map(e => e.textContent)")
    if page.startswith("counties/"):  # the types chart's title names the county
        assert titles == [HOSTILE + "各污染源类型的问题对象数"]
    assert g.outside == [] and g.errors == []


def test_a_county_named_like_markup_runs_no_script_anywhere_on_the_page(
        guarded: Any, hostile_site: Path) -> None:
    g = guarded("file")
    g.page.goto((hostile_site / "counties" / "hualong.html").as_uri(), wait_until="load")
    g.charts(1)
    g.page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert g.dialogs == []
    assert g.page.evaluate("document.querySelectorAll('img[onerror]').length") == 0


def test_charts_follow_the_window_the_colour_scheme_and_print(guarded: Any,
                                                             server: str) -> None:
    g = guarded("http")
    g.page.set_viewport_size({"width": 1366, "height": 900})
    g.page.goto(server + "/index.html", wait_until="networkidle")
    g.charts(2)
    width = "() => Number(document.querySelector('.chart-box svg').getAttribute('width'))"
    label = "() => document.querySelector('.chart-box svg text').getAttribute('fill')"
    wide, light = g.page.evaluate(width), g.page.evaluate(label)
    g.page.set_viewport_size({"width": 480, "height": 900})  # narrower than the chart was
    g.page.wait_for_function(f"() => ({width})() < {wide}", timeout=5000)
    narrow = g.page.evaluate(width)
    g.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    g.page.wait_for_function(f"() => ({label})() !== {light!r}", timeout=5000)
    dark = g.page.evaluate(label)
    g.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert g.page.evaluate(width) == 640 and g.page.evaluate(label) == light  # light on paper
    g.page.emulate_media(media="print")
    assert g.page.evaluate(
        "getComputedStyle(document.querySelector('.chart-box')).width") == "640px"
    g.page.emulate_media(media="screen")
    g.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert g.page.evaluate(width) == narrow and g.page.evaluate(label) == dark
    assert g.outside == [] and g.errors == []


def test_without_javascript_the_table_is_the_chart(guarded: Any, server: str) -> None:
    g = guarded("http", java_script_enabled=False)
    g.page.goto(server + "/index.html", wait_until="load")
    boxes = g.page.locator(".chart-box")
    assert boxes.count() == 2 and not boxes.first.is_visible()
    assert g.page.locator(".chart-box svg").count() == 0
    rows = g.page.locator("figure.chart-figure >> nth=0 >> .chart-table tbody tr")
    assert rows.count() == 9 and rows.first.is_visible()
    assert g.outside == []
