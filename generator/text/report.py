"""The work report's (附件4) Chinese text: its outline, the sentences filled with figures, the
table captions and headers, and the few words and signs the report's code joins text with.

Used by generator/render/report/ (parts.py, review.py, blocks.py, report.py, docx.py,
progress.py), which imports it as ``T``. ``str.format`` templates; numbers arrive already
formatted (``Rate`` prints itself). MESSAGES holds the sentences on the rectification loop,
keyed by code (a table's header is one template there, its columns split on ``|``); the rest
are named constants.
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

PLACEHOLDER = "（待填写）"
TITLE_SUFFIX = "报告"  # city.title 「…质量提升指导工作」 + 报告

# 附件4 的提纲，按顺序
H_WORK = "一、质量提升指导工作开展情况"
H_REVIEW = "（一）数据集中审核情况"
H_OVERALL = "1. 市级数据质量整体情况"
H_FOUND = "2. 集中审核发现的问题"
H_SOLVED = "3. 集中审核发现的问题解决情况"
H_FIELD = "（二）现场核实情况"
H_KEY = "（三）重点帮扶情况"
# 附件4 numbers these 1.–5.; under the numbered county headings they are the fourth level
H_KEY_PARTS = (
    "（1）县（区）数据质量整体情况",
    "（2）省级数据审核反馈结果整改情况",
    "（3）县（区）组织开展数据审核情况",
    "（4）档案管理情况",
    "（5）对县（区）普查骨干质量提升指导情况",
)
H_LESSONS = "二、全市普查工作经验及存在问题"
H_NEXT = "三、下一步工作建议"
OUTLINE = (H_WORK, H_REVIEW, H_OVERALL, H_FOUND, H_SOLVED, H_FIELD, H_KEY, *H_KEY_PARTS,
           H_LESSONS, H_NEXT)

# Sub-parts the outline leaves to the writer (它们不改变提纲的标题和顺序)
H_KEY_COUNTY = "{n}. {county}重点帮扶情况"  # the third level: 一、（一）1.（1）
H_EXPERIENCE = "（一）工作经验"
H_PROBLEMS = "（二）存在问题"
H_SHOWN = "（三）集中审核数据反映的问题"

CITY = "全市"
TOTAL = "合计"
ORDINAL_LEAD = "{ordinal}是"

OVERALL = ("{area}共审核普查对象 {reviewed} 个，发现存在填报错误的对象 {objects} 个、错误 {errors} 处，"
           "差错率 {rate}，平均每个对象 {average} 处。")
OVERALL_NO_DENOMINATOR = ("{area}审核普查对象数未填报，发现存在填报错误的对象 {objects} 个、"
                          "错误 {errors} 处，差错率无法计算。")
RATE_NOTE = ("注：差错率为存在填报错误的普查对象数占审核普查对象数的比例；平均每个对象错误数为错误处数"
             "与审核普查对象数之比；审核对象数未填报的，相应比率以“—”表示。")
CAP_BY_TYPE = "{area}集中审核情况（按污染源类型）"
CAP_BY_COUNTY = "各县（区）集中审核情况"
COLS_REVIEW = ("审核对象数", "问题对象数", "错误数", "差错率", "平均每个对象错误数")
COL_TYPE = "污染源类型"
COL_COUNTY = "县（区）"

FORMS_INTRO = "从普查表看，错误较多的普查表如下（按错误数排序）："
CAP_FORMS = "错误较多的普查表"
COLS_FORMS = ("普查表号", "污染源类型", "错误数", "涉及对象数", "已整改")
INDICATORS_INTRO = "从指标看，错误较多的指标及典型原因如下："
INDICATORS_INTRO_PUBLIC = "从指标看，错误较多的指标如下："
INDICATOR_LEAD = "（{n}）{form} 表“{code} {name}”："
INDICATOR_TEXT = "错误 {errors} 处，涉及普查对象 {objects} 个，分布在{counties}。"
INDICATOR_REASONS = "典型原因：{reasons}"
NO_ERRORS = "集中审核未发现普查表填报错误。"
G106_SUMMARY = ("各县（区）上报无法填报 G106-1 问题 {total} 个，经集中审核，已解决 {solved} 个，"
                "需现场核查 {field} 个，报省级 {province} 个。按行业大类分布如下：")
NO_G106 = "各县（区）未上报无法填报 G106-1 问题。"
CAP_INDUSTRY = "无法填报 G106-1 问题行业分布"
COLS_INDUSTRY = ("行业代码", "行业大类", "问题数", "已解决", "需现场核查", "报省级")

RECTIFIED = ("{area}集中审核发现的 {errors} 处错误中，已整改 {rectified} 处，整改中 {in_progress} 处，"
             "未整改 {open} 处，整改率 {rate}。")
CAP_RECTIFIED = "各县（区）问题整改情况"
COLS_RECTIFIED = ("错误数", "已整改", "整改中", "未整改", "整改率")
OPEN_INTRO = "尚未完成整改的问题如下（按县（区）列出），已纳入问题台账跟踪督办："
CAP_OPEN = "尚未完成整改的问题"
OPEN_LIMIT = 100  # a report lists the first ones; the complete list is 附件2
OPEN_MORE = "以上列出前 {shown} 处；其余 {rest} 处见附件2 中整改情况为“整改中”“未整改”的行。"
COLS_OPEN = ("县（区）", "普查对象", "普查表号", "指标", "整改情况")
OPEN_PUBLIC = "尚未完成整改的问题已纳入问题台账，由市普查办跟踪督办，各县（区）情况见上表。"
ALL_RECTIFIED = "集中审核发现的问题已全部整改。"
G106_OPEN = "无法填报 G106-1 问题中，报省级待答复 {province} 个；需现场核查的 {field} 个中，尚有 {awaiting} 个未开展现场核查。"

FIELD_SUMMARY = ("针对集中审核发现的生产工艺、G106-1 填报存疑等问题，工作组共开展现场核查 {count} 次，"
                 "核查普查对象 {objects} 个。需现场核查的 G106-1 问题 {needing} 个，已核查 {verified} 个，"
                 "核查比例 {share}，尚有 {awaiting} 个待核查。")
NO_FIELD = "本阶段未开展现场核查。"
CAP_FIELD = "现场核查情况"
COLS_FIELD_HEAD = ("核查日期", "县（区）", "普查对象")
CHECK_OK, CHECK_FAILED = "符合", "不符合"
MATERIALS_LEAD = "查阅资料："
# 工作方案「（二）现场核查」 names them in this order
MATERIALS_ORDER = ("入户调查记录", "普查表", "普查对象基本信息", "物料消耗记录", "原辅料凭证", "生产记录",
                   "治理设施运行记录", "污染物排放监测记录", "其他原始资料")
VERIFICATION_LEAD = "{object}（{county}，{date}）："
FINDINGS = "核查发现：{items}。"
FINDING_ITEM = "{title}方面，{note}"
CONCLUSION = "核查结论：{text}"
FOLLOW_UP = "后续处理：{text}"
LIST_SEP = "、"
CLAUSE_SEP = "；"

KEY_INTRO = ("工作组对{counties}开展重点帮扶，通过查阅资料、审核指导、座谈答疑等方式，了解县（区）数据审核、"
             "抽样复核和档案管理情况，指导县（区）普查骨干提高业务能力。")
NO_KEY = "本阶段未确定重点帮扶县（区）。"
KEY_G106 = "上报无法填报 G106-1 问题 {total} 个，其中已解决 {solved} 个，需现场核查 {field} 个，报省级 {province} 个。"
KEY_RECTIFIED = ("市级集中审核发现的 {errors} 处错误中，已整改 {rectified} 处，整改中 {in_progress} 处，"
                 "未整改 {open} 处，整改率 {rate}。")
TRAINING_INTRO = "工作组通过现场演示、座谈答疑、培训指导等传帮带形式，对县（区）普查骨干开展指导："
CAP_TRAINING = "{county}普查骨干指导情况"
COLS_TRAINING = ("日期", "形式", "内容", "参加人数")

SHOWN_FORMS = "错误集中在少数普查表。错误最多的普查表为 {forms}。"
SHOWN_FORM_ITEM = "{form} 表（{errors} 处）"
SHOWN_COUNTIES = "部分县（区）差错率偏高。差错率最高的为{counties}，全市为 {rate}。"
SHOWN_COUNTY_ITEM = "{county}（{rate}）"
SHOWN_OPEN = "部分问题尚未整改到位。全市整改中 {in_progress} 处、未整改 {open} 处，整改率 {rate}。"
SHOWN_G106 = "部分 G106-1 问题仍待解决。报省级待答复 {province} 个，需现场核查尚未核查 {awaiting} 个。"
SHOWN_NONE = "集中审核数据未反映出需要特别说明的问题。"

DATE = "{year}年{month}月{day}日"
CHINESE_DIGITS = "〇一二三四五六七八九"
SENTENCE_ENDS = "。！？；…"
CLOSING = "”’）)」』"
TABLE_CAPTION = "表{n} {caption}"

# the signs and words the report's code joins text with
TEN = "十"  # ordinal(): 十二, 二十
FULL_STOP = "。"  # sentence(): added where a text does not end like a sentence
NOTE_END = "。；"  # stripped from a note or a reason before it is joined with CLAUSE_SEP
LABEL_END = "："  # after a 附件3 row's label that leads a written text
TITLE_BREAK = "普查"  # a long title breaks after it, where the meaning breaks
