"""Large generated lists go round MkDocs as detail tables do: the overdue lists (整改进展, each
county) over SEARCH_LIMIT rows become a placeholder in the Markdown and HTML spliced into the
built page, the same HTML Markdown makes of the small ones; the site search still finds every
object by name, form and reason, and every G106-1 problem."""

from __future__ import annotations

import functools
import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import markdown
import pytest
from conftest import MINIMAL, REPO, SHIPPED_AS_OF
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pipeline import Prepared, prepare
from generator.records.rectification import Overdue
from generator.render import markup
from generator.render.site import pages as site
from generator.render.site import progress as site_progress
from generator.render.site import search as site_search

MARK = "<!-- detail-table:overdue -->"


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    prepared = prepare(REPO / "records", as_of=lambda end: SHIPPED_AS_OF)
    assert prepared.census and prepared.figures
    return prepared


@functools.cache
def _converter() -> markdown.Markdown:
    """Python-Markdown with the site's extensions (mkdocs.yml), as MkDocs sets it up."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"), docs_dir=str(REPO / "site_templates"))
    return markdown.Markdown(extensions=config.markdown_extensions,
                             extension_configs=config.mdx_configs)


def _markdown_html(items: list[Overdue]) -> str:
    """The overdue list as the template writes it in Markdown, converted as MkDocs does:
    the HTML the small lists get."""
    return _converter().reset().convert(_template().render(items=items))


@functools.cache
def _template() -> jinja2.Template:
    return markup.environment().from_string('{% import "progress_tables.md.j2" as t %}'
                                            "{{ t.overdue(items, 0) }}")


class _Events(HTMLParser):
    """HTML as a list of tags and text (references resolved, white space collapsed, none
    between tags): two documents a browser shows alike give the same list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("<", tag, *(f"{k}={v}" for k, v in sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append((">", tag))

    def handle_data(self, data: str) -> None:
        data = re.sub(r"[ \t\n\r\f]+", " ", data)  # a browser collapses white space
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def _events(html: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return [e for e in parser.events if e[0] != "text" or e[1].strip()]


def test_the_overdue_table_is_byte_for_byte_what_markdown_makes(shipped: Prepared) -> None:
    assert shipped.figures
    items = list(shipped.figures.rectification.city.overdue)
    assert len(items) == 6
    assert site_progress.overdue_html(items) == _markdown_html(items)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, _TEXT, _TEXT, st.none() | _TEXT,
                          st.integers(0, 999)), min_size=1, max_size=3))
def test_record_text_in_the_overdue_table_shows_as_markdown_shows_it(
        values: list[tuple[str, str, str, str, str, str | None, int]]) -> None:
    items = [Overdue(county, "hl-20190311-abc", 1, name, form, indicator, status,
                     date(2019, 3, 26), days, owner)
             for county, name, form, indicator, status, owner, days in values]
    assert _events(site_progress.overdue_html(items)) == _events(_markdown_html(items))


def test_a_large_overdue_list_is_spliced_not_parsed_by_mkdocs(
        shipped: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shipped.census and shipped.figures
    monkeypatch.setattr(site, "SEARCH_LIMIT", 3)  # the city's 6 are large, 华龙区's 2 are not
    docs = tmp_path / "docs"
    deferred = site.write_pages(shipped.census, shipped.figures, shipped.checked.schemas, docs,
                                [], "# 报告\n")
    progress = (docs / "progress.md").read_text(encoding="utf-8")
    assert MARK in progress and "` 第 " not in progress
    table = deferred["progress.html"][MARK]
    assert "清丰县农业农村局（县级农业源综合表）" in table and "data-search-exclude" in table
    hualong = (docs / "counties" / "hualong.md").read_text(encoding="utf-8")
    assert MARK not in hualong and "`hl-20190313-x3n` 第 2 处" in hualong


def _index(site_dir: Path) -> list[dict[str, str]]:
    data = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [{k: str(v).replace("\u200b", "") for k, v in d.items()} for d in data["docs"]]


@pytest.mark.parametrize(("limit", "defer"), [(0, 50), (400, 0), (400, 50)])
def test_site_search_finds_every_object_and_g106_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, defer: int) -> None:
    """Whether a table is paged (limit 0), spliced whole (defer 0) or inline, every object is
    found by its name, every error by its form and reason, every G106-1 problem by its
    enterprise and summary; a long overdue list adds nothing to the index (its objects are
    found on their county)."""
    from generator.publish.staging import build

    monkeypatch.setattr(site, "SEARCH_LIMIT", limit)
    monkeypatch.setattr(site, "DEFER_LIMIT", defer)
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    build(MINIMAL, prepared.census, prepared.figures, prepared.checked.schemas,
          tmp_path / "site", None)
    county = (tmp_path / "site" / "counties" / "hualong.html").read_text(encoding="utf-8")
    assert ("table-data" in county) == (limit == 0)  # paged: rows as data for tables.js
    assert (county.count("data-search-exclude") >= 2) == (limit == 0 or defer == 0)
    assert all(f'id="f-{f.id}"' in county for f in prepared.census.findings
               if f.county == "hualong")  # every object's row, paged or not
    docs = _index(tmp_path / "site")
    text = "\n".join(d["title"] + " " + d["text"] for d in docs)
    for f in prepared.census.findings:
        assert f.object_name in text
        for e in f.errors:
            assert e.form in text and " ".join(e.reason.split()) in text
    for g in prepared.census.g106:
        assert g.enterprise in text and " ".join(g.summary.split()) in text
    if limit:  # not paged: every cell is found as before it went round MkDocs
        for f in prepared.census.findings:
            assert f.id in text and (not f.remark or " ".join(f.remark.split()) in text)
            for e in f.errors:
                assert not e.note or " ".join(e.note.split()) in text, e.note
        for g in prepared.census.g106:
            assert g.enumerator_id in text
    progress = "\n".join(d["text"] for d in docs if d["location"].startswith("progress.html"))
    named = [o.object_name for o in prepared.figures.rectification.city.overdue]
    assert named and (not any(n in progress for n in named)) == (limit == 0)


SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）《》“”‘’【】()]+"  # mkdocs.yml's


# The same as the search client (JavaScript) reads it: its \s is not Python's (no U+0085, no
# U+001C–U+001F; U+FEFF), which the tidier must not take for a separator the client sees.
JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


def _words(text: str) -> list[str]:
    separator = SEPARATOR.replace(r"\s", JS_SPACE[1:-1])
    return [w for w in re.split(separator, text) if w]


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("普查对象燃料消耗量未填报 ，。（）-、|aB1\u3000\u200b\n\x85\x1c"), max_size=30))
def test_search_text_keeps_its_words_without_needless_word_breaks(text: str) -> None:
    """An object's search text has no U+200B beside another separator (3 bytes each in an
    index every page reads) and splits into the words Material's segmentation gives."""
    segmented = site_search._segmenter()(text)
    tidy = site_search._tidier(SEPARATOR)(segmented)
    assert _words(tidy) == _words(segmented)
    beside = JS_SPACE[:-1] + "，。（）\\-、]"
    assert not re.search(f"\u200b(?={beside})|(?<={beside})\u200b", tidy)
    assert not tidy.startswith("\u200b") and not tidy.endswith("\u200b")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("普查对象燃料消耗量 ，。（）-、|aB1\u3000\u200b\n\t\x85\x1c    "),
               max_size=40),
       st.sampled_from([SEPARATOR, r"[\s\u200b]+", r"[ \u200b、]+"]))
def test_a_text_indexed_space_by_space_is_the_text_indexed_whole(text: str,
                                                                 separator: str) -> None:
    """The merge indexes an entry's text space by space (each cell once, memoised); that must
    give what indexing the whole text gives, for every separator it does so with."""
    assert site_search._by_spaces(separator)
    whole = site_search._tidier(separator)(site_search._segmenter()(text))
    assert site_search._indexed(text, separator) == whole


@pytest.mark.parametrize("separator", [
    r"[\s\-]+", r"[\u200b、]+", r"\s+|[\u200b]", "[", None,
    r"[^\S\u200b]+",  # a space, but not U+200B: a negated class naming it
    r"[\\u200b ]+",  # "\u200b" in the text, but an escaped backslash: no U+200B
])
def test_a_separator_the_pieces_might_not_agree_with_indexes_whole_texts(
        separator: str | None) -> None:
    assert not site_search._by_spaces(separator)
    text = "普查对象 燃料消耗量\u200b 未填报"
    assert site_search._indexed(text, separator) == site_search._tidier(separator)(
        site_search._segmenter()(text))


def test_the_built_index_has_no_needless_word_breaks(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.staging import build

    monkeypatch.setattr(site, "SEARCH_LIMIT", 0)
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    build(MINIMAL, prepared.census, prepared.figures, prepared.checked.schemas,
          tmp_path / "site", None)
    data = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text("utf-8"))
    objects = [d for d in data["docs"] if "#f-" in d["location"] or "#g-" in d["location"]]
    assert objects and not [d for d in objects if re.search(r"\u200b | \u200b", d["text"])]


def _objects(site_dir: Path) -> tuple[list[dict[str, str]], str]:
    """The objects' entries of a site's search index, and whether its offline copy matches."""
    index = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    offline = (site_dir / "search" / "search_index.js").read_text(encoding="utf-8")
    entries = [d for d in json.loads(index)["docs"] if "#f-" in d["location"]
               or "#g-" in d["location"]]
    return sorted(entries, key=lambda d: d["location"]), offline.removeprefix("var __index = ")


@pytest.mark.parametrize(("old", "new"), [
    ("reviewed_on:", "remark: 只改备注\nreviewed_on:"),  # entries unchanged: the index kept
    ("测试化工有限公司", "改名后的化工有限公司"),  # an entry changed: the index merged again
])
def test_the_preview_search_index_after_an_edit_is_a_fresh_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from generator import pipeline
    from generator.preview.session import Session
    from generator.settings import for_records

    monkeypatch.setattr(site, "SEARCH_LIMIT", 0)  # every table paged: objects have entries
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)

    def session(name: str) -> Session:
        return Session(for_records(records), tmp_path / name / "docs",
                       tmp_path / name / "site", "http://127.0.0.1:1/")

    mine = session("p")
    pipeline.refresh(mine, None)
    finding = records / "hualong" / "findings" / "hl-20190311-aaa.yaml"
    text = finding.read_text(encoding="utf-8")
    assert old in text
    finding.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert pipeline.refresh(mine, {finding}).census is not None
    pipeline.refresh(session("fresh"), None)
    (entries, offline), (fresh, _) = _objects(tmp_path / "p" / "site"), _objects(
        tmp_path / "fresh" / "site")
    assert entries == fresh
    titles = [d["title"].replace("\u200b", "") for d in entries]
    assert ("改名后的化工有限公司" in titles) == ("改名" in new)
    assert offline == (tmp_path / "p" / "site" / "search" / "search_index.json").read_text(
        encoding="utf-8")
