"""Records → the site's detail tables (附件2, 附件1) as raw HTML, every value escaped.

Raw HTML spares MkDocs the Markdown parsing of thousands of rows. A table comes in one of two
forms:

* small (``paged`` False): every row in the HTML, searchable as the text of its section
  (or, over site.DEFER_LIMIT rows, kept out of the search plugin like a large one);
* large (``paged`` True, over site.SEARCH_LIMIT rows): the first ``PAGE_ROWS`` rows in the
  HTML and every row as JSON data beside them; tables.js shows the table a page at a time,
  filters and sorts the data, and renders every row before printing. A browser lays out a
  hundred rows, not thousands, so the page is usable at once at city scale. Such a table is
  kept out of the search index (``data-search-exclude``); site_search indexes its objects
  one entry each instead.

Each cell is a tuple of parts (text lines, status badges, links, codes), rendered to HTML here
and to JSON for tables.js, which draws them the same way. Cells are separated by a newline,
so that the search index and copied text keep cell boundaries ("工业源 G101-1 03", never
"工业源G101-103"). The first row of each object carries its anchor (``f-<id>``, ``g-<id>``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from generator.records import domain
from generator.records.model import Finding, G106Problem
from generator.render.markup import html_text as h
from generator.render.site.memo import memo
from generator.text import site as T

# the badge of each state, in the vocabulary's order: done, under way, open
BADGES = ("status-ok", "status-wip", "status-open")
STATUS_CLASS = dict(zip(domain.RECTIFICATION, BADGES, strict=True))
RESULT_CLASS = dict(zip(domain.REVIEW_RESULTS, BADGES, strict=True))
TO_VERIFY = domain.REVIEW_RESULTS[1]  # 需现场核查: its 现场核查 cell says it is still to come
PAGE_ROWS = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # as markup.html_text drops them

FINDING_HEADERS = T.FINDING_HEADERS
# Column kinds, which extra.css sizes: num (narrow, nowrap), code (nowrap), name and long
# (wrap, given room), short (wrap at need), status (a badge that never wraps).
FINDING_KINDS = ("num", "name", "short", "code", "code", "short", "long", "status", "code",
                 "short", "code")
G106_HEADERS = T.G106_HEADERS
G106_KINDS = ("num", "name", "long", "short", "short", "short", "short", "short", "short",
              "short", "code", "status", "code")


class Part(NamedTuple):
    """One piece of a cell: plain text, or a status badge (``badge``: its CSS class), a link
    (``href``) or a code (``code``). A named tuple, not a dataclass: a 1x build makes
    hundreds of thousands, and a tuple is made several times faster."""

    text: str
    badge: str = ""
    href: str = ""
    code: bool = False


Cell = tuple[Part, ...]


@dataclass(frozen=True)
class Row:
    anchor: str  # "" for an object's second and later rows
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    kind: str  # "findings" or "g106": the CSS class detail-table--<kind>
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[Row, ...]


def _plain(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    # most text holds no control character: the C check spares the regex
    return text if text.isprintable() else _CONTROL.sub("", text)


@memo(maxsize=1 << 14, typed=True)  # typed: 1 and True are not one text
def _text_part(text: str) -> Part:
    """A plain-text part; the same values (types, forms, dates) come back in many rows."""
    return Part(_plain(text))


def _cell(*parts: Part | str | None) -> Cell:
    return tuple(p if isinstance(p, Part) else _text_part(p) for p in parts if p)


def finding_rows(records: Iterable[Finding]) -> tuple[Row, ...]:
    """附件2: one row per error, the object repeated so that rows sort and filter alone."""
    return tuple(row for number, f in enumerate(records, start=1)
                 for row in _object_rows(number, f))


# serve renders every county page on every save; a finding's rows, their HTML and their data
# depend on the finding and its number alone, so the unchanged ones are made once (bounded).
@memo(maxsize=1 << 16, rerender=True)
def _object_rows(number: int, f: Finding) -> tuple[Row, ...]:
    rows = []
    for i, e in enumerate(f.errors):
        status = Part(_plain(e.status), badge=STATUS_CLASS.get(e.status, "status"))
        cells = (_cell(str(number)), _cell(f.object_name), _cell(f.source_type),
                 _cell(e.form), _cell(e.indicator_code), _cell(e.indicator_name),
                 _cell(e.reason), _cell(status, e.date, e.note), _cell(f.reviewed_on),
                 _cell(f.remark), (Part(_plain(f.id), code=True),))
        rows.append(Row("" if i else f"f-{f.id}", cells))
    return tuple(rows)


def g106_rows(records: Iterable[G106Problem]) -> tuple[Row, ...]:
    """附件1: one row per enterprise, with the review result and the linked verification."""
    rows = []
    for number, g in enumerate(records, start=1):
        check: Part | str = T.PENDING_CHECK if g.result == TO_VERIFY else "—"
        if g.verification:
            check = Part(_plain(g.verification), href=f"../verifications.html#{g.verification}")
        result = Part(_plain(g.result), badge=RESULT_CLASS.get(g.result, "status"))
        cells = (_cell(str(number)), _cell(g.enterprise), _cell(g.summary),
                 _cell(f"{_plain(g.industry_code)} {_plain(g.industry_name)}"),
                 _cell(T.WITH_UNIT.format(name=_plain(g.product_name), unit=_plain(g.product_unit))),
                 _cell(T.WITH_UNIT.format(name=_plain(g.material_name),
                                          unit=_plain(g.material_unit))),
                 _cell(g.process_name), _cell(f"{_plain(g.scale)} {_plain(g.scale_unit)}"),
                 _cell(T.WITH_UNIT.format(name=_plain(g.pollutant), unit=_plain(g.pollutant_unit))),
                 _cell(g.treatment), _cell(g.enumerator_id), _cell(result, g.review_note),
                 _cell(check))
        rows.append(Row(f"g-{g.id}", cells))
    return tuple(rows)


def findings(records: Iterable[Finding], paged: bool) -> str:
    """附件2 as a web table (see the module docstring), or （无） without a row."""
    return render(Table("findings", FINDING_HEADERS, FINDING_KINDS, finding_rows(records)), paged)


def g106(records: Iterable[G106Problem], paged: bool) -> str:
    """附件1 as a web table (see the module docstring), or （无） without a row."""
    return render(Table("g106", G106_HEADERS, G106_KINDS, g106_rows(records)), paged)


def _part_html(part: Part) -> str:
    if part.badge:
        return f'<span class="{part.badge}">{h(part.text)}</span>'
    if part.href:
        return f'<a href="{h(part.href)}">{h(part.text)}</a>'
    return f"<code>{h(part.text)}</code>" if part.code else h(part.text)


@memo(maxsize=1 << 17, rerender=True)
def _row_html(row: Row) -> str:
    anchor = f' id="{h(row.anchor)}"' if row.anchor else ""
    cells = "\n".join("<td>" + "<br>".join(_part_html(p) for p in cell) + "</td>"
                      for cell in row.cells)
    return f"<tr{anchor}>\n{cells}\n</tr>"


def _part_data(part: Part) -> object:
    if part.badge:
        return {"b": part.text, "c": part.badge}
    if part.href:
        return {"a": part.text, "h": part.href}
    return {"k": part.text} if part.code else part.text


def table_data(table: Table) -> list[dict[str, object]]:
    """The rows as tables.js reads them: ``{"id": anchor, "c": cells}``, a cell a list of
    parts, a part a string or ``{"b", "c"}`` (badge), ``{"a", "h"}`` (link), ``{"k"}`` (code)."""
    return [_row_data(r) for r in table.rows]


def _row_data(row: Row) -> dict[str, object]:
    return {"id": row.anchor, "c": [[_part_data(p) for p in cell] for cell in row.cells]}


@memo(maxsize=1 << 17, rerender=True)
def _row_json(row: Row) -> str:
    return json.dumps(_row_data(row), ensure_ascii=False, separators=(",", ":"))


def _script_json(rows: Sequence[Row]) -> str:
    """The rows' data as JSON (what json.dumps gives for table_data, built a row at a time)
    safe inside <script>: no "<", ">" or "&" that could close or open markup."""
    text = "[" + ",".join(_row_json(r) for r in rows) + "]"
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(table: Table, paged: bool, searched: bool | None = None) -> str:
    """The table as HTML: every row, or the first page and the data (``paged``); kept out of
    the search plugin unless ``searched`` (default: when not paged), its objects being
    indexed one by one (site_search)."""
    if not table.rows:
        return T.NO_ROWS
    head = "\n".join(f'<th class="col-{k}">{h(x)}</th>' for x, k in zip(table.headers,
                                                                         table.kinds, strict=True))
    shown: Sequence[Row] = table.rows[:PAGE_ROWS] if paged else table.rows
    body = "\n".join(_row_html(r) for r in shown)
    searched = not paged if searched is None else searched and not paged
    attrs = ("" if searched else " data-search-exclude") + (
        f' data-paged="{PAGE_ROWS}"' if paged else "")
    data = (f'\n<script type="application/json" class="table-data">{_script_json(table.rows)}'
            "</script>") if paged else ""
    return (f'<div class="detail-table detail-table--{table.kind}"{attrs} markdown="0">\n<table>\n'
            f"<thead><tr>\n{head}\n</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>{data}\n</div>")
