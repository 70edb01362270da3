"""Every built page shows text, never the syntax that should have made it.

The site is built for real (MkDocs, the project's mkdocs.yml) from the shipped records and from
the minimal case, in both profiles, and each HTML page is parsed back: no Markdown table row or
separator line, no Jinja delimiter and no Markdown marker survives as visible text. A template
whose whitespace control joins a table's lines into one paragraph (问题分析's G106-1 table did)
shows up here as ``| --- |`` in a paragraph.
"""

from __future__ import annotations

import html.parser
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO

from generator.pipeline import prepare
from generator.publish.staging import build

# Text in these elements is shown as written (code, examples) or is not shown at all.
VERBATIM = {"code", "pre", "script", "style", "svg", "title", "textarea"}
LEAKS = {
    "a Markdown table separator": re.compile(r"\|\s*:?-{3,}:?\s*\||^\s*:?-{3,}:?\s*\|"),
    "a Markdown table row": re.compile(r"^\s*\|[^|\n]*\|[^|\n]*\|", re.M),
    "a Jinja delimiter": re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"),
    "Markdown emphasis": re.compile(r"\*\*|__\S"),
    "a Markdown link or image": re.compile(r"\]\(|!\["),
    "a Markdown heading": re.compile(r"^#{1,6}\s", re.M),
    "an admonition or details marker": re.compile(r"^\s*(!!!|\?\?\?)", re.M),
    "an attribute list": re.compile(r"\{:"),
    "a backslash escape": re.compile(r"\\[\\`*_{}\[\]()#+\-.!|]"),
}


class _Text(html.parser.HTMLParser):
    """The visible text of a page, one string per run of text between tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.runs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VERBATIM:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VERBATIM and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.runs.append(data)


def visible_text(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return parser.runs


def leaks(page: str) -> list[tuple[str, str]]:
    """(what leaked, the text around it) for every run of visible text showing syntax."""
    found = []
    for run in visible_text(page):
        for what, pattern in LEAKS.items():
            match = pattern.search(run)
            if match:
                found.append((what, run[max(0, match.start() - 40):match.end() + 40]))
    return found


@cache
def built_site(source: str, profile: str, out: Path) -> dict[str, str]:
    """Every HTML page of a real build: page path → HTML."""
    records = {"shipped": REPO / "records", "minimal": MINIMAL}[source]
    prepared = prepare(records)
    assert prepared.census and prepared.figures
    public = profile == "public"
    site = out / f"{source}-{profile}" / "site"
    build(records, prepared.census, prepared.figures, prepared.checked.schemas, site,
          None if public else out / f"{source}-{profile}" / "dist", public=public)
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("built")


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["internal", "public"])
@pytest.mark.parametrize("source", ["shipped", "minimal"])
def test_no_markup_survives_as_text_on_any_built_page(source: str, profile: str,
                                                     out: Path) -> None:
    pages = built_site(source, profile, out)
    assert {"index.html", "analysis.html", "report.html"} <= pages.keys()
    found = {name: leaks(page) for name, page in pages.items()}
    assert {name: spots for name, spots in found.items() if spots} == {}


@pytest.mark.slow
@pytest.mark.parametrize("source", ["shipped", "minimal"])
def test_every_analysis_table_is_a_table(source: str, out: Path) -> None:
    """问题分析 has four tables (by form, by indicator, county × type, G106-1 by industry);
    each is an HTML table with a header row, whatever the records hold."""
    page = built_site(source, "internal", out)["analysis.html"]
    assert len(re.findall(r"<table>", page)) >= 4
    assert "无法填报 G106-1 问题（按行业大类）" in page
    after = page.split("无法填报 G106-1 问题（按行业大类）", 1)[1]
    assert re.match(r"(?s).*?</h2>\s*<table>\s*<thead>\s*<tr>\s*<th>行业大类</th>", after)


@pytest.mark.parametrize("text", [
    "| a | b |\n| --- | --- |", "x | --- | ---: | y", "{{ census }}", "{% raw %}", "**粗**",
    "[链接](x)", "# 标题", "!!! note", "??? note", "{: .x }", "a \\* b"])
def test_the_leak_check_sees_syntax(text: str) -> None:
    """The check itself: each kind of leaked syntax is found in a page's visible text, and
    the same text inside code is not."""
    assert leaks(f"<p>{text}</p>")
    assert not leaks(f"<p>正文</p><pre><code>{text}</code></pre>")
