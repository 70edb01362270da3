"""Records → the site's detail tables as raw HTML, every value escaped.

Raw HTML spares MkDocs the Markdown parsing of thousands of rows; the tables carry no class
so tables.js makes them sortable and filterable. ``exclude`` keeps a large table out of the
search index (``data-search-exclude``), so the index stays small at city scale.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.records.model import Finding, G106Problem
from generator.render.markup import html_text as h

STATUS_CLASS = {"已整改": "status-ok", "整改中": "status-wip", "未整改": "status-open"}
RESULT_CLASS = {"已解决": "status-ok", "需现场核查": "status-wip", "报省级": "status-open"}


def _table(headers: Iterable[str], rows: list[str], exclude: bool) -> str:
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    attr = " data-search-exclude" if exclude else ""
    body = "\n".join(rows)
    return (f'<div class="detail-table"{attr} markdown="0">\n<table>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>")


def _badge(text: str, classes: dict[str, str]) -> str:
    return f'<span class="{classes.get(text, "")}">{h(text)}</span>'


def findings(records: Iterable[Finding], exclude: bool) -> str:
    """附件2 as a web table: one row per error, the object repeated so rows sort on their own."""
    rows = []
    for number, f in enumerate(records, start=1):
        for e in f.errors:
            rectification = _badge(e.status, STATUS_CLASS)
            if e.date:
                rectification += f"<br>{h(e.date)}"
            if e.note:
                rectification += f"<br>{h(e.note)}"
            cells = [str(number), h(f.object_name), h(f.source_type), h(e.form),
                     h(e.indicator_code), h(e.indicator_name), h(e.reason), rectification,
                     h(f.reviewed_on), h(f.remark or ""), f'<code>{h(f.id)}</code>']
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    headers = ("序号", "普查对象名称", "污染源类型", "普查表号", "指标代码", "指标名称",
               "普查表填报错误的原因", "整改情况", "审核日期", "备注", "记录编号")
    return _table(headers, rows, exclude) if rows else "（无）"


def g106(records: Iterable[G106Problem], exclude: bool) -> str:
    """附件1 as a web table, with the review result and the linked verification."""
    rows = []
    for number, g in enumerate(records, start=1):
        verification = (f'<a href="../verifications.html#{h(g.verification)}">{h(g.verification)}</a>'
                        if g.verification else ("待现场核查" if g.result == "需现场核查" else "—"))
        result = _badge(g.result, RESULT_CLASS)
        if g.review_note:
            result += f"<br>{h(g.review_note)}"
        cells = [str(number), h(g.enterprise), h(g.summary),
                 f"{h(g.industry_code)} {h(g.industry_name)}",
                 f"{h(g.product_name)}（{h(g.product_unit)}）",
                 f"{h(g.material_name)}（{h(g.material_unit)}）", h(g.process_name),
                 f"{h(g.scale)} {h(g.scale_unit)}", f"{h(g.pollutant)}（{h(g.pollutant_unit)}）",
                 h(g.treatment), h(g.enumerator_id), result, verification]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    headers = ("序号", "涉及企业", "问题简述", "涉及行业", "产品（计量单位）", "原料（计量单位）",
               "生产工艺", "生产规模", "污染物指标（计量单位）", "末端治理技术", "普查员号",
               "集中审核结论", "现场核查")
    return _table(headers, rows, exclude) if rows else "（无）"
