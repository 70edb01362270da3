"""Record text is data: what a record says is what every reader of an output sees.

Round trips, from text in a record to the text a consumer shows, for every free-text field of
every record kind (the minimal tree; each file rewritten with the texts and read back through
the real loader and validator):

- site pages: Markdown through the very extensions mkdocs.yml configures (and, to stay safe
  when someone enables them, the common pymdownx inline and block extensions), parsed with an
  HTML parser: each block of text (paragraph, cell, heading, list item) equals the block made
  from harmless marker text with each marker replaced by the record's text;
- the annex workbooks: every cell read back with openpyxl (decoding OOXML's ``_xHHHH_`` as
  Excel does) and with LibreOffice (one conversion per run, all examples batched) equals the
  text; sheet names as LibreOffice reads them equal openpyxl's; no record text reaches a
  header, footer, comment or data validation;
- the Word report, converted by LibreOffice to plain text, shows the narrative as written.

Compared texts are normalised as the outputs legitimately change them: control characters
dropped (pages, report) or shown as U+FFFD (workbooks); on pages and in the report white space
is left out of the comparison (a page may strip the blanks around a value).
"""

from __future__ import annotations

import copy
import csv
import html.parser
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import MINIMAL, dump_record, need_tool, prepared_clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.records import yamlsafe
from generator.records.schemas import ecma_pattern, load_schemas, walk_properties
from generator.render.annexes import excel
from generator.render.report import report
from generator.render.site import pages as site_pages

Key = tuple[str, tuple[str | int, ...]]
FILES = {
    "city": "city.yaml",
    "county": "hualong/county.yaml",
    "finding": "hualong/findings/hl-20190311-aaa.yaml",
    "g106": "hualong/g106/hl-g-20190312-aaa.yaml",
    "verification": "hualong/verifications/hl-v-20190416-01.yaml",
    "assistance": "hualong/assistance.yaml",
}
# Text a consumer of an output might read as something other than text.
HOSTILE = [
    # OOXML's escape for characters XML cannot hold: Excel and LibreOffice decode it
    "_x0041_", "_x005F_", "_x005f_x0041_", "a_x000a_b", "_x000D_", "_x0009_", "_x001F_",
    "_x0041_x0042_", "__x0030__", "_X0041_", "_x4E2D_文", "_xD83D_", "_xFFFF_", "_x00",
    # spreadsheet formulas and page-setup codes
    "=1+2", "+1", "-1", "@SUM(A1:A2)", "\t=1", "＝1+1", "=cmd|'/c calc'!A0", "&P页&N", "&&", "&\"宋体\"",
    # Markdown, HTML and the extensions MkDocs sites use
    "| a | b |", "| --- | --- |", "x | --- | y", "<b>粗</b>", "<script>alert(1)</script>",
    "`代码`", "*强调*", "**粗**", "_x_", "[链接](javascript:x)", "![图](x.png)", "<https://x.y>",
    "{{ census }}", "{% raw %}", "{# c #}", "---", "***", "===", "# 标题", "标题 #", "## x ##",
    "!!! note", "!!! danger \"标题\"", "??? note", "???+ note", "~~~", "```", "[TOC]",
    "{: .x }", "标题 {: #id }", '<div markdown="1">*x*</div>', "==标记==", "++ctrl+alt++",
    "^^插入^^", "~~删除~~", "~下标~", "^上标^", ":smile:", ":material-home:",
    '--8<-- "/etc/passwd"', ';--8<-- "x.md"', "$x^2$", "[^1]", "*[HTML]: x", ": 定义",
    "1. 列表", "1) 列表", "- 列表", "+ 列表", "> 引用", "    缩进", "a  \nb", "行\r# 标题",
    "&amp;", "&#60;b&#62;", "\\*", "a\\", "x\u2028y", "\ufeff", "\u200b", "控制\x01字\x7f",
]
_chars = st.characters(blacklist_categories=("Cs",))
TEXTS = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(_chars, min_size=1, max_size=20),
    st.from_regex(r"\A_[xX][0-9A-Fa-f]{4}_\Z"),
    st.tuples(st.sampled_from(HOSTILE), st.text(_chars, max_size=6),
              st.sampled_from(HOSTILE)).map("".join),
)


# --- the records ---------------------------------------------------------------------------

@cache
def _templates() -> dict[str, Any]:
    return {kind: yamlsafe.parse((MINIMAL / name).read_text(encoding="utf-8"))
            for kind, name in FILES.items()}


def _free_text(node: dict[str, Any]) -> bool:
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    return "string" in types and "enum" not in node and "format" not in node


@cache
def fields() -> dict[Key, dict[str, Any]]:
    """Every free-text field of every kind (list positions expanded over the template's
    items, lists of strings too) → its schema node."""
    out: dict[Key, dict[str, Any]] = {}
    for kind in FILES:
        data = _templates()[kind]
        for path, node in walk_properties(load_schemas().documents[kind]):
            items = node.get("items")
            if isinstance(items, dict) and _free_text(items):
                node, path = items, path + (0,)
            elif not _free_text(node):
                continue
            if node.get("pattern") and not ecma_pattern(node["pattern"]).search(marker(0)):
                continue  # a code (credit code, form number): not free text
            if 0 not in path:
                out[(kind, path)] = node
                continue
            at = path.index(0)
            for i in range(len(_get(data, path[:at]) or [])):
                out[(kind, path[:at] + (i,) + path[at + 1:])] = node
    return out


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _set(data: Any, path: tuple[str | int, ...], value: str) -> None:
    for step in path[:-1]:
        data = data.setdefault(step, {}) if isinstance(step, str) else data[step]
    data[path[-1]] = value


def fits(key: Key, text: str) -> bool:
    """Whether the schema takes the text in that field (as the validator reads patterns)."""
    node = fields()[key]
    pattern = node.get("pattern")
    return (len(text) >= node.get("minLength", 1) and len(text) <= node.get("maxLength", 10**9)
            and (pattern is None or ecma_pattern(pattern).search(text) is not None))


def marker(n: int) -> str:
    return f"标记{n}号"


def markers() -> dict[Key, str]:
    return {key: marker(n) for n, key in enumerate(fields())}


def unrefused(texts: dict[Key, str]) -> dict[Key, str]:
    """``texts`` with each publishable field that validate refuses for naming a confidential
    value (every field may draw the same hostile text, a person's name among them) given
    its marker instead: the privacy rule is tested elsewhere, syntax here."""
    from generator.pipeline import check

    numbers = {key: n for n, key in enumerate(fields())}
    texts = dict(texts)
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            records = write_tree(Path(tmp), texts)
            problems = [p for p in check(records).problems
                        if p.code == "rule.confidential_in_public_text"]
            refused = {(kind, p.path) for p in problems for kind, name in FILES.items()
                       if p.file.endswith("records/" + name)}
        if not refused:
            return texts
        for key in refused & set(texts):
            texts[key] = marker(numbers[key])
    return texts


@st.composite
def field_texts(draw: st.DrawFn) -> dict[Key, str]:
    """A text for every field; where the schema refuses the drawn one, that field's marker."""
    out = {}
    for n, key in enumerate(fields()):
        text = draw(TEXTS)
        # text with nothing visible in it may show as a dash: not a case of syntax
        out[key] = text if fits(key, text) and normal(text) else marker(n)
    return unrefused(out)


def rotated(offset: int) -> dict[Key, str]:
    """Each field a different hostile text; over all offsets, every text in every field."""
    texts = {}
    for n, key in enumerate(fields()):
        text = HOSTILE[(n + offset) % len(HOSTILE)]
        texts[key] = text if fits(key, text) else marker(n)
    return unrefused(texts)


def write_tree(target: Path, texts: dict[Key, str]) -> Path:
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


def grouped(texts: dict[Key, str]) -> dict[Key, str]:
    """Marker texts, equal where ``texts`` are equal: equal texts group rows (by indicator,
    by reason), so the marker pages have the same blocks as the real ones. A confidential
    field never shares its marker with a publishable one: a text the privacy rule lets pass
    (too short to count) would become a marker it refuses."""
    first: dict[tuple[bool, str], str] = {}
    return {key: first.setdefault((bool(fields()[key].get("x-confidential")), text), marker(n))
            for n, (key, text) in enumerate(texts.items())}


# --- pages -----------------------------------------------------------------------------------

BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd",
          "caption", "summary", "div", "details", "blockquote", "pre", "table", "tr", "ul",
          "ol", "title", "text", "hr", "br", "body", "html", "head", "nav", "header", "footer",
          "main", "article", "section", "label", "aside"}
HIDDEN = {"script", "style"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Blocks(html.parser.HTMLParser):
    """The visible text of a page cut at block boundaries (each block's text, in order)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def _cut(self) -> None:
        text = normal("".join(self.current))
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        if tag in BLOCKS:
            self._cut()

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in BLOCKS:
            self._cut()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self._cut()


def normal(text: str) -> str:
    """Text as compared: no control characters and no white space (where a page strips or
    keeps the blanks around a value is layout, not content)."""
    return re.sub(r"\s+", "", _CONTROL.sub("", text))


def blocks(page_html: str) -> Counter[str]:
    parser = _Blocks()
    parser.feed(page_html)
    parser.close()
    return Counter(parser.blocks)


def expected_blocks(marked: Counter[str], texts: dict[Key, str],
                    marks: dict[Key, str]) -> Counter[str]:
    """The marker page's blocks with each marker replaced by its field's text."""
    by_mark = {marks[key]: normal(texts[key]) for key in texts}
    swap = re.compile("|".join(re.escape(m) for m in sorted(by_mark, key=len, reverse=True)))
    out: Counter[str] = Counter()
    for block, n in marked.items():
        out[normal(swap.sub(lambda m: by_mark[m.group(0)], block))] += n
    return out


@cache
def mkdocs_markdown() -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]:
    """The Markdown extensions and their settings exactly as MkDocs loads mkdocs.yml."""
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory() as docs:
        config = load_config(str(Path(__file__).resolve().parent.parent / "mkdocs.yml"),
                             docs_dir=docs)
        return (tuple(config["markdown_extensions"]),
                tuple((k, v) for k, v in config["mdx_configs"].items()))


# Extensions Material sites commonly add; record text must stay text under them too.
PYMDOWNX = ("pymdownx.mark", "pymdownx.caret", "pymdownx.tilde", "pymdownx.keys",
            "pymdownx.emoji", "pymdownx.snippets", "pymdownx.magiclink", "pymdownx.critic",
            "pymdownx.arithmatex", "pymdownx.superfences", "pymdownx.inlinehilite",
            "def_list", "abbr", "footnotes", "pymdownx.tasklist")


def markdown_pages(records: Path, out: Path, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Each page of the site (internal profile), through the site's Markdown: name → HTML."""
    done = prepared(records)
    assert done.census is not None and done.figures is not None
    docs = out / "docs"
    site_pages.write_pages(done.census, done.figures, done.checked.schemas, docs, [],
                           report.report_markdown(done.census, done.figures), defer=False)
    extensions, configs = mkdocs_markdown()
    settings_ = dict(configs)
    if "pymdownx.snippets" in extra:  # what a snippet could read: a file beside the pages
        settings_["pymdownx.snippets"] = {"base_path": [str(docs)], "check_paths": False}
        (docs / "x.md").write_text("片段文件的内容\n", encoding="utf-8")
    pages = {}
    for page in sorted(docs.rglob("*.md")):
        if "assets" in page.parts:
            continue
        md = markdown.Markdown(extensions=[*extensions, *extra], extension_configs=settings_)
        pages[page.relative_to(docs).as_posix()] = md.convert(page.read_text(encoding="utf-8"))
    return pages


@cache
def _marked_blocks(marks: tuple[str, ...], extra: tuple[str, ...]) -> dict[str, Counter[str]]:
    """The blocks of each page made from marker texts (the same for every example that has
    the same fields equal)."""
    with tempfile.TemporaryDirectory() as tmp:
        texts = dict(zip(fields(), marks))
        pages = markdown_pages(write_tree(Path(tmp), texts), Path(tmp), extra)
    return {name: blocks(page) for name, page in pages.items()}


def check_pages(texts: dict[Key, str], extra: tuple[str, ...] = ()) -> None:
    marks = grouped(texts)
    with tempfile.TemporaryDirectory() as tmp:
        real = markdown_pages(write_tree(Path(tmp), texts), Path(tmp), extra)
    plain = _marked_blocks(tuple(marks.values()), extra)
    assert real.keys() == plain.keys()
    for name in real:
        want, got = expected_blocks(plain[name], texts, marks), blocks(real[name])
        assert got == want, (name, sorted((want - got).elements())[:5],
                             sorted((got - want).elements())[:5])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field_texts())
def test_record_text_shows_as_itself_on_every_page(texts: dict[Key, str]) -> None:
    check_pages(texts)


@pytest.mark.parametrize("offset", range(0, len(HOSTILE), 4))
def test_each_hostile_text_shows_as_itself_on_every_page(offset: int) -> None:
    check_pages(rotated(offset))


@pytest.mark.parametrize("offset", range(0, len(HOSTILE), 9))
def test_record_text_stays_text_with_pymdownx_extensions(offset: int) -> None:
    check_pages(rotated(offset), PYMDOWNX)


def test_the_page_check_sees_consumed_syntax() -> None:
    """The comparison itself: Markdown that was interpreted no longer equals its text."""
    for source, text in (("*x*", "*x*"), ("!!! note\n    a", "!!! note a"), ("a\n{: .x }", "a {: .x }"),
                         ("~~~\nx\n~~~", "~~~ x ~~~")):
        assert blocks(markdown.Markdown(extensions=list(mkdocs_markdown()[0])).convert(source)) \
            != Counter([text])


# --- the real build (MkDocs) ----------------------------------------------------------------

@pytest.mark.slow
def test_record_text_shows_as_itself_in_the_built_site(tmp_path: Path) -> None:
    """Once through MkDocs itself (theme, plugins, search index): the built pages' blocks."""
    from generator.publish.staging import build

    texts = rotated(1)
    marks = grouped(texts)
    built = {}
    for name, given_texts in (("real", texts), ("plain", marks)):
        records = write_tree(tmp_path / name, given_texts)
        done = prepared(records)
        assert done.census and done.figures
        site = tmp_path / name / "site"
        build(records, done.census, done.figures, done.checked.schemas, site,
              tmp_path / name / "dist")
        built[name] = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
                       for p in site.rglob("*.html")}
    for page, real in built["real"].items():
        if page == "downloads.html":  # the files' sizes differ with the text in them
            continue
        want = expected_blocks(blocks(built["plain"][page]), texts, marks)
        got = blocks(real)
        assert got == want, (page, sorted((want - got).elements())[:5],
                             sorted((got - want).elements())[:5])


# --- workbooks ---------------------------------------------------------------------------------

_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")
# What Excel, WPS or LibreOffice may read as a formula when the cell is edited.
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def ooxml_text(stored: str) -> str:
    """A string as Excel shows it: ECMA-376 ST_Xstring's ``_xHHHH_`` decoded, left to right."""
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), stored)


def excel_text(text: str) -> str:
    """What a workbook must show for record text: characters XML cannot hold as U+FFFD."""
    return excel.ILLEGAL.sub("\ufffd", text)


Place = tuple[str, int, str]  # file, sheet (by position: names hold county names), cell


def workbook_cells(paths: Iterable[Path]) -> dict[Place, Any]:
    """Every non-empty cell through openpyxl; a text that looks like a formula must be a text
    cell with quotePrefix (so that editing it in Excel or WPS keeps it text)."""
    cells: dict[Place, Any] = {}
    for path in paths:
        for n, sheet in enumerate(load_workbook(path).worksheets):
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    cells[(path.name, n, cell.coordinate)] = cell.value
                    assert cell.data_type in ("s", "n", "b"), (path.name, cell.coordinate)
                    if isinstance(cell.value, str) and ooxml_text(cell.value).startswith(
                            FORMULA_LIKE):
                        assert cell.quotePrefix, (path.name, sheet.title, cell.coordinate)
    return cells


@cache
def workbook_places() -> dict[Key, list[tuple[Place, str]]]:
    """Where the annexes show each field: (cell, the cell's text with the marker in it)."""
    marks = markers()
    with tempfile.TemporaryDirectory() as tmp:
        done = prepared(write_tree(Path(tmp), marks))
        assert done.census and done.figures
        cells = workbook_cells(excel.write_annexes(done.census, done.figures, Path(tmp) / "x"))
    places: dict[Key, list[tuple[Place, str]]] = {}
    for key, mark in marks.items():
        for at, value in cells.items():
            if isinstance(value, str) and mark in value:
                places.setdefault(key, []).append((at, value))
    return places


def expected_cell(template: str, key: Key, texts: dict[Key, str]) -> str:
    return excel_text(template.replace(markers()[key], texts[key]))


def check_workbook(cells: dict[Place, Any], texts: dict[Key, str], decode: bool) -> None:
    """Each field's cells (read by openpyxl, ``decode``: as Excel decodes, or LibreOffice)."""
    for key, spots in workbook_places().items():
        for at, template in spots:
            if any(m in template for k, m in markers().items() if k != key):
                continue  # a cell showing several fields: checked through each alone below
            value = cells.get(at)
            shown = ooxml_text(value) if decode and isinstance(value, str) else value
            assert shown == expected_cell(template, key, texts), (key, texts[key], at, value)


def write_books(texts: dict[Key, str], out: Path) -> list[Path]:
    done = prepared(write_tree(out, texts))
    assert done.census and done.figures
    return excel.write_annexes(done.census, done.figures, out / "dist")


def test_the_workbooks_show_the_fields_of_every_kind() -> None:
    kinds = {key[0] for key in workbook_places()}
    assert {"finding", "g106", "assistance", "county"} <= kinds, kinds


def test_record_text_reaches_no_header_footer_comment_or_validation(tmp_path: Path) -> None:
    """Headers and footers read ``&`` codes, validation lists commas: no record text goes
    there. Comments and sheet names carry only fixed text or text made safe."""
    texts = rotated(0)
    marks = markers()
    for path in write_books(marks, tmp_path):
        book = load_workbook(path)
        for sheet in book.worksheets:
            parts = [sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter,
                     sheet.firstHeader, sheet.firstFooter]
            shown = " ".join(str(getattr(p, side).text or "") for p in parts
                             for side in ("left", "center", "right"))
            shown += " ".join(str(v.formula1 or "") for v in sheet.data_validations.dataValidation)
            shown += " ".join(c.comment.text for row in sheet.iter_rows() for c in row if c.comment)
            assert not [m for m in marks.values() if m in shown], (path.name, sheet.title)
    assert texts  # the rotation exists for the same fields


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field_texts())
def test_record_text_is_itself_in_every_cell_through_openpyxl(texts: dict[Key, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_workbook(workbook_cells(write_books(texts, Path(tmp))), texts, decode=True)


def libreoffice_cells(paths: list[Path], tmp: Path) -> dict[Place, Any]:
    """Every cell of every sheet as LibreOffice reads it (one conversion of all files to CSV,
    a file per sheet, named after the sheet as LibreOffice reads its name: each must be the
    name openpyxl reads)."""
    from openpyxl.utils import get_column_letter

    soffice = need_tool("soffice")
    out = tmp / "csv"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,-1", "--outdir", str(out), *map(str, paths)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    cells: dict[Place, Any] = {}
    for path in paths:
        titles = [ws.title for ws in load_workbook(path).worksheets]
        shown = sorted(p.stem[len(path.stem) + 1:] for p in out.glob(f"{path.stem}-*.csv"))
        assert shown == sorted(titles), (path.name, shown, titles)
        for n, title in enumerate(titles):
            with open(out / f"{path.stem}-{title}.csv", encoding="utf-8", newline="") as f:
                for r, row in enumerate(csv.reader(f), 1):
                    for c, value in enumerate(row, 1):
                        if value != "":
                            cells[(path.name, n, f"{get_column_letter(c)}{r}")] = value
    return cells


@pytest.mark.libreoffice
def test_record_text_is_itself_in_every_cell_through_libreoffice(tmp_path: Path) -> None:
    """Hypothesis makes the examples (each checked through openpyxl at once), a rotation adds
    every hostile text; LibreOffice then reads all their workbooks in one conversion."""
    made: list[tuple[set[str], dict[Key, str]]] = []
    batch = tmp_path / "batch"
    batch.mkdir()

    def add(texts: dict[Key, str]) -> None:
        n = len(made)
        books = write_books(texts, tmp_path / f"t{n}")
        check_workbook(workbook_cells(books), texts, decode=True)
        for book in books:  # one folder for the conversion: names must differ
            shutil.copyfile(book, batch / f"e{n}-{book.name}")
        made.append(({f"e{n}-{book.name}" for book in books}, texts))

    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(field_texts())
    def make(texts: dict[Key, str]) -> None:
        add(texts)

    make()
    for offset in range(0, len(HOSTILE), 7):
        add(rotated(offset))
    cells = libreoffice_cells(sorted(batch.glob("*.xlsx")), tmp_path)
    for names, texts in made:
        check_workbook({(f.split("-", 1)[1], s, c): v for (f, s, c), v in cells.items()
                        if f in names}, texts, decode=False)


# --- the Word report -----------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_the_report_shows_record_text_as_itself(tmp_path: Path) -> None:
    """工作报告.docx through LibreOffice: every narrative field of city.yaml, as written."""
    narrative = [key for key in fields() if key[0] == "city" and key[1][0] in
                 ("experience", "problems", "suggestions", "field_verification_summary")]
    assert narrative
    docs = []
    for offset in range(0, len(HOSTILE), max(1, len(HOSTILE) // 8)):
        texts = {**markers(), **{k: t for k, t in rotated(offset).items() if k in narrative}}
        done = prepared(write_tree(tmp_path / f"r{offset}", texts))
        assert done.census and done.figures
        path = tmp_path / "docx" / f"r{offset}.docx"
        path.parent.mkdir(exist_ok=True)
        report.write_docx(done.census, done.figures, path)
        docs.append((path, texts))
    soffice = need_tool("soffice")
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path / "txt"),
         *(str(p) for p, _ in docs)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    for path, texts in docs:
        shown = normal((tmp_path / "txt" / f"{path.stem}.txt").read_text(encoding="utf-8-sig"))
        for key in narrative:
            assert normal(texts[key]) in shown, (key, texts[key])



# --- text too long for a cell, and the way back in -----------------------------------------------

def _with_reason(census: Any, reasons: list[str]) -> Any:
    """The census with its first finding's error reasons replaced (no validation: the schema
    may well refuse such text first; the writer must hold even if it does not)."""
    import dataclasses

    first = census.findings[0]
    errors = tuple(dataclasses.replace(e, reason=r) for e, r in zip(first.errors, reasons))
    finding = dataclasses.replace(first, errors=errors + first.errors[len(errors):])
    return dataclasses.replace(census, findings=(finding, *census.findings[1:]))


def test_text_too_long_for_a_cell_is_refused_never_cut(tmp_path: Path) -> None:
    """Excel holds 32,767 characters in a cell: longer text stops the annexes with a Chinese
    message naming the workbook, sheet and cell of every such cell, not a cut or a crash."""
    from generator.publish.staging import BuildError

    done = prepared(MINIMAL)
    assert done.census and done.figures
    longest = "长" * excel.MAX_TEXT
    fine = _with_reason(done.census, [longest])
    paths = excel.write_annexes(fine, done.figures, tmp_path / "ok")
    cells = workbook_cells(p for p in paths if p.name.startswith("附件2"))
    assert longest in cells.values()  # exactly at the limit: written whole

    census = _with_reason(done.census, [longest + "长", longest + "长长"])
    with pytest.raises(BuildError) as raised:
        excel.write_annexes(census, done.figures, tmp_path / "long")
    lines = str(raised.value).splitlines()
    # each too-long reason on the city-wide sheet and on the county's sheet
    assert len(lines) == 4 and all(line.endswith("[render.cell_too_long]") for line in lines)
    assert "附件2_集中审核普查表情况明细表.xlsx 工作表“全市”" in lines[0]
    assert "32768 个字" in lines[0] and "32769 个字" in str(raised.value)
    assert not list((tmp_path / "long").glob("附件2*"))


@pytest.mark.parametrize("text", ["_x0041_", "_x005F_x0041_", "a_x000a_b", "_x0041_x0042_"])
def test_exported_text_imports_as_itself(text: str, tmp_path: Path) -> None:
    """附件2 written, then read by the importer: the OOXML escape is undone on the way in."""
    from generator.tools.importer.read import read_workbook

    texts = {**markers()}
    reason = next(k for k in fields() if k[0] == "finding" and k[1][-1] == "reason")
    texts[reason] = text
    books = write_books(texts, tmp_path)
    tables, problems = read_workbook(next(p for p in books if p.name.startswith("附件2")))
    assert not problems
    shown = [row.values.get("reason") for table in tables for row in table.rows]
    assert text in shown, shown


@given(st.text(st.sampled_from("_xX0aF5A9-文"), max_size=40) | TEXTS)
def test_ooxml_escape_reads_back_as_itself(text: str) -> None:
    """Whatever the text, decoding the escaped form as Excel does gives the text back."""
    assert ooxml_text(excel.ooxml_escape(text)) == text


@pytest.mark.parametrize("name", ["_x0041_区", "a_x005F_b", "控制\x01区", "_x0041_x0042_"])
def test_sheet_names_hold_nothing_a_reader_decodes(name: str) -> None:
    from generator.render.annexes.layout import sheet_name

    made = sheet_name(name, set())
    assert ooxml_text(made) == made and not excel.ILLEGAL.search(made) and len(made) <= 31
