"""Charts as data (generator/render/site/charts.py, site/chart_pages.py), without a browser.

A chart's HTML block carries its ECharts option as JSON and a table of the same figures:
any text (record text included, however hostile) comes back from the JSON and the table as
the same text, nothing in it can end the script block, the site's own Markdown leaves the
block alone, the same chart is the same bytes, and the site's charts hold the aggregated
figures. The vendored library is the one vendor/README.md names, byte for byte.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import re
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import MINIMAL, REPO, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import domain
from generator.render.site import chart_pages as site_charts
from generator.render.site import charts
from generator.render.site.charts import Chart, Series

HOSTILE = ["</script><img src=x onerror=alert(1)>", "</SCRIPT >", "<!--", "<!-- x -->",
           "<script>", "]]>", "&amp;", "&#60;", "\\u003c/script>", '"},{"a":1', "\\", "'",
           "\u2028", "\u2029", "a\x00b", "{{ x }}", "| a |", "**b**", "\ufeff"]
TEXTS = st.one_of(st.sampled_from(HOSTILE),
                  st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Figure(html.parser.HTMLParser):
    """The parts of a chart block as a browser reads them: the script's raw text (where
    the browser ends it), the caption, the table's rows of cell texts, the box's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.caption = ""
        self.rows: list[list[str]] = []
        self.box: dict[str, str | None] | None = None
        self.tags: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append("")
        if tag == "div" and ("class", "chart-box") in attrs:
            self.box = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self.rows[-1].append("")
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "figcaption":
            self.caption += data
        elif self._in in ("td", "th"):
            self.rows[-1][-1] += data


def parse(block: str) -> _Figure:
    found = _Figure()
    found.feed(block)
    found.close()
    return found


def clean(text: str) -> str:
    """What a name becomes: one line, no control characters."""
    return _CONTROL.sub("", re.sub(r"\s*[\r\n]+\s*|\t", " ", text))


def chart_of(categories: list[str], names: list[str], kind: charts.Kind = "bar") -> Chart:
    series = tuple(Series(n, tuple(range(i, i + len(categories)))) for i, n in enumerate(names))
    return Chart("test", "标题", "县（区）", tuple(categories), series, kind)


@settings(max_examples=150, deadline=None)
@given(categories=st.lists(TEXTS, min_size=1, max_size=5), names=st.lists(TEXTS, min_size=1,
                                                                            max_size=3),
       kind=st.sampled_from(["bar", "stacked", "line"]))
def test_any_text_comes_back_as_the_same_text_from_the_option_and_the_table(
        categories: list[str], names: list[str], kind: charts.Kind) -> None:
    chart = chart_of(categories, names, kind)
    block = charts.figure(chart)
    found = parse(block)
    assert len(found.scripts) == 1 and found.tags.count("img") == 0
    raw = found.scripts[0]
    assert not re.search(r"[<>&]", raw)  # nothing that could end the block or open a comment
    option = json.loads(raw)
    axis = option["yAxis" if kind != "line" else "xAxis"]
    assert axis["data"] == [clean(c) for c in categories]
    assert [s["name"] for s in option["series"]] == [clean(n) for n in names]
    header, *rows = found.rows
    assert header == ["县（区）", *[clean(n) for n in names]]
    assert [r[0] for r in rows] == [clean(c) for c in categories]
    assert [r[1:] for r in rows] == [[str(s.values[i]) for s in chart.series]
                                     for i in range(len(categories))]


@cache
def _site_markdown() -> tuple[tuple[str, ...], dict[str, Any]]:
    """The Markdown extensions and settings as MkDocs loads the project's mkdocs.yml."""
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory() as docs, warnings.catch_warnings():
        # Material's search plugin imports jieba, which imports the deprecated pkg_resources.
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        config = load_config(str(REPO / "mkdocs.yml"), docs_dir=docs)
        return tuple(config["markdown_extensions"]), dict(config["mdx_configs"])


@settings(max_examples=100, deadline=None)
@given(categories=st.lists(TEXTS, min_size=1, max_size=4), name=TEXTS)
def test_the_sites_markdown_passes_the_block_through_unchanged(categories: list[str],
                                                                name: str) -> None:
    block = charts.figure(chart_of(categories, [name], "stacked"))
    extensions, configs = _site_markdown()
    page = markdown.Markdown(extensions=list(extensions), extension_configs=configs).convert(
        f"# 页\n\n段落。\n\n{block}\n\n## 后面\n")
    before, after = parse(block), parse(page)
    assert after.scripts == before.scripts
    assert after.rows == before.rows and after.caption == before.caption


def test_the_same_chart_is_the_same_bytes_with_sorted_keys() -> None:
    make = lambda: chart_of(["甲", "乙"], ["已整改", "未整改"], "stacked")  # noqa: E731
    first, second = charts.figure(make()), charts.figure(make())
    assert first == second
    raw = charts.option_json(make())
    assert raw == json.dumps(json.loads(raw), ensure_ascii=False, sort_keys=True,
                             separators=(",", ":"))


@pytest.mark.parametrize("kind", ["bar", "stacked", "line"])
def test_each_kind_draws_as_it_says(kind: charts.Kind) -> None:
    chart = Chart("k", "标题", "周", ("一", "二", "三"),
                  (Series("发现", (3, 0, 5)), Series("整改", (1, None, 2))), kind)
    option = charts.option(chart)
    assert option["animation"] is False and option["legend"]["show"] is True
    category, value = ("yAxis", "xAxis") if kind != "line" else ("xAxis", "yAxis")
    assert option[category]["type"] == "category" and option[value]["type"] == "value"
    assert option[category].get("inverse", False) is (kind != "line")
    types = {s["type"] for s in option["series"]}
    assert types == {"line" if kind == "line" else "bar"}
    stacks = [s.get("stack") for s in option["series"]]
    assert stacks == (["total", "total"] if kind == "stacked" else [None, None])
    if kind == "stacked":  # a zero has no label, which would sit on its neighbour's
        assert option["series"][0]["data"][1] == {"value": 0, "label": {"show": False}}
    else:
        assert option["series"][1]["data"] == [1, None, 2]


def test_one_series_has_no_legend_and_the_sites_colour() -> None:
    option = charts.option(chart_of(["甲"], ["问题数"]))
    assert option["legend"]["show"] is False
    assert option["series"][0]["itemStyle"] == {"color": charts.PRIMARY}


def test_the_table_shows_a_total_column_and_a_dash_for_no_figure() -> None:
    chart = Chart("t", "标题", "县（区）", ("甲", "乙"),
                  (Series("a", (1, None)), Series("b", (2, None))), "stacked", total="合计")
    header, *rows = parse(charts.table(chart)).rows
    assert header == ["县（区）", "a", "b", "合计"]
    assert rows == [["甲", "1", "2", "3"], ["乙", "—", "—", "—"]]


@pytest.mark.parametrize("make", [
    lambda: Chart("ok", "t", "a", ("x", "y"), (Series("s", (1,)),)),  # too few values
    lambda: Chart("ok", "t", "a", ("x",), ()),  # no series
    lambda: Chart("Bad Key", "t", "a", ("x",), (Series("s", (1,)),)),
    lambda: Chart('x" onload="y', "t", "a", ("x",), (Series("s", (1,)),)),
])
def test_a_malformed_chart_is_a_bug_caught_where_it_is_made(make: Any) -> None:
    with pytest.raises(ValueError):
        make()


def test_the_box_is_hidden_until_drawn_and_sized_for_its_rows() -> None:
    small, large = chart_of(["甲"], ["a"]), chart_of([str(i) for i in range(20)], ["a"])
    box = parse(charts.figure(small)).box
    assert box is not None and "hidden" in box and box["aria-hidden"] == "true"
    assert small.height() < large.height()
    assert chart_of(["1", "2"], ["a"], "line").height() == charts.LINE_H


# --- the site's charts ---------------------------------------------------------------------

def _figures(records: Path) -> Any:
    return prepared_clean(records).figures


def _option_and_rows(block: str) -> tuple[dict[str, Any], list[list[str]]]:
    found = parse(block)
    return json.loads(found.scripts[0]), found.rows[1:]


@pytest.mark.parametrize("records", [REPO / "records", MINIMAL])
def test_the_status_chart_holds_each_countys_findings_by_status(records: Path) -> None:
    figures = _figures(records)
    option, rows = _option_and_rows(site_charts.status(figures))
    assert option["yAxis"]["data"] == [a.name for a in figures.counties]
    assert [s["name"] for s in option["series"]] == list(domain.RECTIFICATION)

    def value(point: Any) -> int:
        return point["value"] if isinstance(point, dict) else point

    for i, area in enumerate(figures.counties):
        t = area.total
        assert [value(s["data"][i]) for s in option["series"]] == [t.rectified, t.in_progress,
                                                                  t.open]
        assert rows[i] == [area.name, str(t.rectified), str(t.in_progress), str(t.open),
                           str(t.errors)]


@pytest.mark.parametrize("records", [REPO / "records", MINIMAL])
def test_the_type_and_form_charts_hold_the_aggregated_figures(records: Path) -> None:
    figures = _figures(records)
    for area in (figures.city, *figures.counties):
        option, rows = _option_and_rows(site_charts.types(area))
        expected = [[t, str(r.problem_objects)] for t, r in area.by_type.items()]
        assert rows == expected
        assert option["series"][0]["data"] == [r.problem_objects for r in area.by_type.values()]
    option, rows = _option_and_rows(site_charts.forms(figures))
    top = figures.by_form[:site_charts.TOP_FORMS]
    assert rows == [[f.form, str(f.errors)] for f in top]
    assert option["yAxis"]["data"] == [f.form for f in top]


def test_the_pages_carry_charts_not_hand_drawn_bars(tmp_path: Path) -> None:
    from generator.render.site import pages as site
    done = prepared_clean(REPO / "records")
    site.write_pages(done.census, done.figures, done.checked.schemas, tmp_path, [], "# 报告\n")
    expected = {"index.md": ["status", "types"], "analysis.md": ["forms"],
                "counties/hualong.md": ["types"]}
    for page, keys in expected.items():
        text = (tmp_path / page).read_text(encoding="utf-8")
        assert re.findall(r'data-chart="([a-z-]+)"', text) == keys, page
        assert "<svg" not in text, page
    assert (tmp_path / "assets" / "javascripts" / "charts.js").is_file()
    assert (tmp_path / "assets" / "vendor" / "echarts" / "echarts.common.min.js").is_file()


# --- the vendored library ------------------------------------------------------------------

VENDOR = REPO / "site_templates" / "assets" / "vendor"


def test_the_vendored_files_are_the_ones_the_readme_names() -> None:
    """vendor/README.md lists each file's sha256: a file changed or added by hand fails."""
    listed = dict((path, digest) for digest, path in re.findall(
        r"^([0-9a-f]{64})  (\S+)$", (VENDOR / "README.md").read_text(encoding="utf-8"), re.M))
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*")
               if p.is_file() and p.name != "README.md"}
    assert present == set(listed)
    for path, digest in listed.items():
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path
    assert {"echarts/echarts.common.min.js", "echarts/LICENSE", "echarts/NOTICE"} <= present


def test_the_chart_script_loads_the_vendored_library_and_nothing_else() -> None:
    script = (REPO / "site_templates" / "assets" / "javascripts" / "charts.js").read_text(
        encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", script, flags=re.S))
    urls = re.findall(r'"([^"]*\.js)"', code)
    assert urls == ["../vendor/echarts/echarts.common.min.js"]
    assert (REPO / "site_templates" / "assets" / "javascripts" / urls[0]).resolve().is_file()
    assert "innerHTML" not in code and "eval(" not in code and "JSON.parse(" in code
    assert 'renderer: "svg"' in code and 'locale: "ZH"' in code
