"""Hostile text in every free-text field of a finding and a G106-1 problem comes out as text:
the site pages gain no tag or attribute (compared with the same pages made from plain text),
the annex workbooks store it as string cells; and aggregation ignores the order files are read.

Starts from tests/cases/valid/minimal/records; the modified records are written with
yaml.safe_dump and go through the real loader and validator, so only text that a person could
put in a record is tried.
"""

from __future__ import annotations

import copy
import html.parser
import re
import shutil
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from generator.records import privacy, yamlsafe
from generator.records.aggregate import aggregate
from generator.records.load import load
from generator.records.model import build_census
from generator.records.schemas import (
    CONFIDENTIAL,
    PUBLISHABLE,
    Schemas,
    ecma_pattern,
    field_classes,
    load_schemas,
    walk_properties,
)
from generator.render import markup
from generator.render.annexes import excel
from generator.render.report import report
from generator.render.site import pages as site_pages
from tests.conftest import MINIMAL, REPO, dump_record, prepared_clean

Path_ = tuple[str | int, ...]
FILES = {"finding": "hualong/findings/hl-20190311-aaa.yaml",
         "g106": "hualong/g106/hl-g-20190312-aaa.yaml"}
TRIMMED = r"^\S(.*\S)?$"  # the schema's pattern for free text without outer blanks
MD_EXTENSIONS = ["tables", "attr_list", "md_in_html"]
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '" onmouseover="alert(1)',
    "' onfocus='alert(1)", "{: onclick=alert(1) }", "{: .admonition #x }", "text {: data-x=1 }",
    "[点我](javascript:alert(1))", "![x](x.png)", "<https://example.com>", "<div markdown=\"1\">*x*",
    "</td></tr></table><script>x</script>", "</div><iframe src=x>", "<!-- c -->", "<?php ?>",
    "<![CDATA[x]]>", "&lt;script&gt;", "&#x3C;script&#x3E;", "&amp;", "\\<b>x\\</b>", "`<b>`",
    "*强调* **粗** _x_", "| 列 | 列 |", "# 标题", "- 列表", "1. 列表", "> 引用", "    缩进代码",
    "=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@SUM(A1:A2)", "=cmd|'/c calc'!A0",
    "{{ census }}", "{% raw %}", "<style>*{}</style>", "<svg onload=alert(1)>", "<a href=x>a</a>",
    "javascript:alert(1)", "a\nb\n\n# c", "x\u2028y", "line\r\nnext", "行\r# 标题", "续\r| 伪 | 行 |", "x\r\r---", "tab\there", "\u200b",
    "控制\x01字\x1f符\x7f", "\ufeffBOM", "全角＜script＞", "％７Ｃ",
]


# --- the records and their free-text fields ------------------------------------------------

@cache
def _templates() -> dict[str, dict[str, Any]]:
    return {kind: yamlsafe.parse((MINIMAL / name).read_text(encoding="utf-8"))
            for kind, name in FILES.items()}


def _text_paths(kind: str) -> list[Path_]:
    """Every free-text field of a kind (no enum, format or code pattern), optional ones too,
    each list position expanded over the items of the template record."""
    root = load_schemas().documents[kind]
    data = _templates()[kind]
    paths: list[Path_] = []
    for path, node in walk_properties(root):
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        if "string" not in types or "enum" in node or "format" in node:
            continue
        if node.get("pattern") not in (None, TRIMMED):
            continue
        if 0 in path:
            at = path.index(0)
            items = _get(data, path[:at]) or []
            paths.extend(path[:at] + (i,) + path[at + 1:] for i in range(len(items)))
        else:
            paths.append(path)
    return paths


def _get(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: Path_, value: str) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {}) if isinstance(step, str) else data[step]
    data[path[-1]] = value


FIELDS = [(kind, path) for kind in FILES for path in _text_paths(kind)]


def _fits(path: Path_, text: str) -> bool:
    if path[-1] == "enumerator_id":
        return ecma_pattern(TRIMMED).search(text) is not None  # as the validator reads it
    return text != ""


_chars = st.characters(blacklist_categories=("Cs",))
_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(_chars, min_size=1, max_size=30),
    st.tuples(st.sampled_from(HOSTILE), st.text(_chars, max_size=8),
              st.sampled_from(HOSTILE)).map("".join),
)


@st.composite
def field_texts(draw: st.DrawFn) -> dict[tuple[str, Path_], str]:
    out = {}
    for kind, path in FIELDS:
        text = draw(_text)
        out[(kind, path)] = text if _fits(path, text) else f"文本{len(out)}"
    return _private(out)


@cache
def _class(kind: str, path: Path_) -> str:
    general = tuple(0 if isinstance(p, int) else p for p in path)
    return field_classes(_schemas().documents[kind]).get(general, "")


@cache
def _schemas() -> Schemas:
    return load_schemas()


def _private(texts: dict[tuple[str, Path_], str]) -> dict[tuple[str, Path_], str]:
    """Since rule.confidential_in_public_text, a publishable text may not contain a
    confidential one of the records nor look like a phone number or a credit code: such a
    text is replaced by plain text, as a text the schema refuses is."""
    words: dict[str, str] = {}
    for (kind, path), text in texts.items():
        value = privacy.normal(text).strip()
        if _class(kind, path) == CONFIDENTIAL and len(value) >= privacy.MIN_LENGTH:
            words[value] = ""
            words.update(dict.fromkeys(privacy.name_fragments(value, ()), ""))
    needles = privacy.Needles(words)
    return {(kind, path): f"文本{i}号" if _class(kind, path) == PUBLISHABLE
            and any(needles.found(text)) else text
            for i, ((kind, path), text) in enumerate(texts.items())}


def write_tree(target: Path, texts: dict[tuple[str, Path_], str]) -> Path:
    """The minimal tree with the texts set; returns the records folder."""
    records = target / "records"
    shutil.copytree(MINIMAL, records)
    for kind, name in FILES.items():
        data = copy.deepcopy(_templates()[kind])
        for (k, path), text in texts.items():
            if k == kind:
                _set(data, path, text)
        (records / name).write_text(dump_record(data), encoding="utf-8")
    return records


prepared = prepared_clean


def pattern(texts: dict[tuple[str, Path_], str]) -> tuple[int, ...]:
    """Which fields hold the same text: equal texts group rows (by indicator, by reason)."""
    first: dict[str, int] = {}
    return tuple(first.setdefault(texts[key], len(first)) for key in FIELDS)


def plain(same: tuple[int, ...]) -> dict[tuple[str, Path_], str]:
    """Harmless texts, equal where the fuzzed ones are equal."""
    return {key: f"文本{n}号" for key, n in zip(FIELDS, same)}  # 号: 文本1 is in 文本12


# --- the site -------------------------------------------------------------------------------

class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[(tag, tuple(sorted(name for name, _ in attrs)))] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags[("!--", ())] += 1

    def handle_pi(self, data: str) -> None:
        self.tags[("?", ())] += 1

    def unknown_decl(self, data: str) -> None:
        self.tags[("![", ())] += 1


def site_html(records: Path, out: Path) -> dict[str, _Tags]:
    """Each Markdown page of the site, through Python-Markdown, parsed back."""
    done = prepared(records)
    census, figures = done.census, done.figures
    assert census is not None and figures is not None
    docs = out / "docs"
    site_pages.write_pages(census, figures, done.checked.schemas, docs, [],
                           report.report_markdown(census, figures))
    pages = {}
    for page in sorted(docs.rglob("*.md")):
        parsed = _Tags()
        parsed.feed(markdown.markdown(page.read_text(encoding="utf-8"),
                                      extensions=MD_EXTENSIONS))
        parsed.close()
        pages[page.relative_to(docs).as_posix()] = parsed
    return pages


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", markup._text(text)).strip()


@cache
def _plain_site(same: tuple[int, ...]) -> dict[str, Counter[tuple[str, tuple[str, ...]]]]:
    with tempfile.TemporaryDirectory() as tmp:
        pages = site_html(write_tree(Path(tmp), plain(same)), Path(tmp))
    return {name: parsed.tags for name, parsed in pages.items()}


@cache
def _shown_on_site() -> frozenset[tuple[str, Path_]]:
    """The fields the site shows somewhere (a field it leaves out cannot inject anything)."""
    texts = {key: f"标记{i}号" for i, key in enumerate(FIELDS)}
    with tempfile.TemporaryDirectory() as tmp:
        pages = site_html(write_tree(Path(tmp), texts), Path(tmp))
    everything = "".join("".join(p.text) for p in pages.values())
    return frozenset(key for key, text in texts.items() if text in everything)


def rotated(offset: int) -> dict[tuple[str, Path_], str]:
    """Each field a different hostile string; over all offsets, every string in every field."""
    texts = {}
    for i, key in enumerate(FIELDS):
        text = HOSTILE[(i + offset) % len(HOSTILE)]
        texts[key] = text if _fits(key[1], text) else f"文本{i}"
    return _private(texts)


def check_site(texts: dict[tuple[str, Path_], str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pages = site_html(write_tree(Path(tmp), texts), Path(tmp))
    baseline = _plain_site(pattern(texts))
    assert pages.keys() == baseline.keys()
    for name, parsed in pages.items():
        assert parsed.tags == baseline[name], (
            f"{name}: tags made by record text: "
            f"{(parsed.tags - baseline[name]) + (baseline[name] - parsed.tags)}")
    everything = _normal("".join("".join(p.text) for p in pages.values()))
    for key in _shown_on_site():
        shown = _normal(texts[key])
        assert shown in everything, f"{key}: {texts[key]!r} is not shown as text"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field_texts())
def test_record_text_makes_no_tag_on_the_site(texts: dict[tuple[str, Path_], str]) -> None:
    check_site(texts)


@pytest.mark.parametrize("offset", range(len(HOSTILE)))
def test_each_hostile_text_in_each_field_makes_no_tag(offset: int) -> None:
    check_site(rotated(offset))


def test_the_site_check_sees_an_injected_tag() -> None:
    """The comparison itself: text that bypasses escaping does show as a new tag."""
    parsed = _Tags()
    parsed.feed(markdown.markdown("a <img src=x onerror=alert(1)> {: onclick=x }",
                                  extensions=MD_EXTENSIONS))
    assert ("img", ("onerror", "src")) in parsed.tags


# --- the workbooks -----------------------------------------------------------------------------

Cells = dict[tuple[str, str, str], tuple[str, Any]]


def workbook_cells(records: Path, out: Path) -> Cells:
    """(data_type, value) of every non-empty cell of the annex workbooks, by file, sheet and
    coordinate."""
    done = prepared(records)
    assert done.census is not None and done.figures is not None
    cells: Cells = {}
    for path in excel.write_annexes(done.census, done.figures, out / "dist"):
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        cells[(path.name, sheet.title, cell.coordinate)] = (cell.data_type,
                                                                            cell.value)
    return cells


@cache
def _workbook_places() -> dict[tuple[str, Path_], list[tuple[tuple[str, str, str], bool]]]:
    """Where the annexes show each field: the cells holding it, and whether it is the whole
    cell. Positions depend on the number of records, not on their text."""
    texts = {key: f"标记{i}号" for i, key in enumerate(FIELDS)}
    with tempfile.TemporaryDirectory() as tmp:
        cells = workbook_cells(write_tree(Path(tmp), texts), Path(tmp))
    places: dict[tuple[str, Path_], list[tuple[tuple[str, str, str], bool]]] = {}
    for key, text in texts.items():
        for at, (_, value) in cells.items():
            if isinstance(value, str) and text in value:
                places.setdefault(key, []).append((at, value == text))
    return places


def test_the_workbooks_show_the_text_fields() -> None:
    """The fuzzing below checks only fields the annexes show: make sure those are many."""
    places = _workbook_places()
    assert ("g106", ("enterprise",)) in places
    assert ("finding", ("errors", 0, "reason")) in places
    assert any(whole for spots in places.values() for _, whole in spots)


def check_workbooks(texts: dict[tuple[str, Path_], str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cells = workbook_cells(write_tree(Path(tmp), texts), Path(tmp))
    assert not [at for at, (kind, _) in cells.items() if kind == "f"], "a formula cell"
    for key, spots in _workbook_places().items():
        expected = excel.ILLEGAL.sub("\ufffd", texts[key])
        for at, whole in spots:
            kind, value = cells.get(at, (None, None))
            assert kind == "s", (key, texts[key], at, kind, value)
            value = unescape(value)  # as Excel reads it: "_x005F_x0041_" is "_x0041_"
            assert value == expected if whole else expected in value, (key, texts[key], value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field_texts())
def test_record_text_is_a_string_cell_in_the_workbooks(
        texts: dict[tuple[str, Path_], str]) -> None:
    check_workbooks(texts)


@pytest.mark.parametrize("offset", range(len(HOSTILE)))
def test_each_hostile_text_in_each_field_is_a_string_cell(offset: int) -> None:
    check_workbooks(rotated(offset))


# --- aggregation ignores file order -------------------------------------------------------

@cache
def _shipped() -> tuple[list[Any], str]:
    loaded = load(REPO / "records")
    assert not loaded.problems
    census = build_census(loaded.sources)
    return loaded.sources, repr((census, aggregate(census)))


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_aggregation_ignores_the_order_files_are_read(rnd: Any) -> None:
    sources, expected = _shipped()
    shuffled = list(sources)
    rnd.shuffle(shuffled)
    census = build_census(shuffled)
    assert repr((census, aggregate(census))) == expected


@pytest.mark.parametrize("kind", list(FILES))
def test_every_free_text_field_is_fuzzed(kind: str) -> None:
    names = {p[-1] for k, p in FIELDS if k == kind}
    expected = {"finding": {"object_name", "reviewer", "indicator_name", "reason", "note",
                            "remark"},
                "g106": {"enterprise", "summary", "product_name", "treatment", "enumerator_id",
                         "note", "scale"}}[kind]
    assert expected <= names, expected - names
