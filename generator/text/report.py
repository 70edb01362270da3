"""The work report's (附件4) sentences on the rectification loop, keyed by code (the rest of
the report's text is still in generator/render/report/text.py). ``str.format`` templates;
numbers arrive formatted. A table's header is one template, its columns split on ``|``.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # 一（一）3 的整改进展（问题台账销号，generator/records/rectification.py）
    "report.progress": (
        "截至{as_of}（数据截至日），已发现的 {found} 处错误中当场整改 {on_the_spot} 处，当场整改率 "
        "{on_the_spot_rate}；逾期整改 {late} 处；已整改问题平均整改天数 {average_days} 天。尚未整改的 "
        "{open} 处中，逾期未整改 {overdue} 处。"),
    "report.progress_note": (
        "注：整改期限未写明的，为审核日期后 {days} 天；逾期未整改指尚未整改且整改期限早于数据截至日的"
        "问题，逾期整改指整改日期晚于整改期限的问题。"),
    "report.weeks_caption": "全市每周整改进展",
    "report.weeks_columns": "周次|起止日期|新发现|本周整改|周末未整改|其中逾期",
    "report.week_number": "第{n}周",
    "report.week_span": "{start}—{end}",
    "report.short_date": "{month}月{day}日",
}
