"""The words of the site's charts (titles, axes, series), keyed by a stable ``chart.…`` code.

Kept apart from build.py (the ``build`` command's messages): these are page text, not
messages, and never carry a ``[code]`` tag. Same convention: a ``str.format`` template per code.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "chart.status.title": "各县（区）集中审核发现的问题数及整改情况",
    "chart.types.title": "{area}各污染源类型的问题对象数",
    "chart.forms.title": "问题数最多的普查表（前 {n} 张）",
    "chart.axis.county": "县（区）",
    "chart.axis.type": "污染源类型",
    "chart.axis.form": "普查表号",
    "chart.series.objects": "问题对象数",
    "chart.series.errors": "问题数",
    "chart.total": "合计",
    "chart.progress.title": "全市累计发现与累计整改的问题数（按周）",
    "chart.overdue.title": "各县（区）未整改问题数（数据截至日）",
    "chart.axis.week": "周末",
    "chart.series.found_total": "累计发现",
    "chart.series.fixed_total": "累计整改",
    "chart.series.open": "未整改",
    "chart.series.overdue": "其中逾期",
    "chart.series.open_in_time": "未到期",
}
