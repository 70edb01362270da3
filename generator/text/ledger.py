"""The Chinese text of the rectification ledger (整改台账.xlsx): its file name, sheet names,
header row, title area and print header/footer. The writer (render/annexes/ledger.py) and the
importer (tools/ledger/read.py) both take the header texts from here, so they cannot drift apart.
"""

from __future__ import annotations

FILE = "整改台账.xlsx"
CITY_SHEET = "全市"
LIST_SHEET = "整改状态"  # hidden: the dropdown's list lives here, not in the validation
# hidden and locked: the five editable values of every error as exported, so an import
# changes only what the clerk edited (tools/ledger/compare.py)
SNAPSHOT_SHEET = "导出时的值"
# A1 of the snapshot sheet: names its packed layout (render/annexes/ledger_snapshot.py)
SNAPSHOT_PACKED = "导出时的值（JSON，每格若干行，各行字段依次为右侧各列）"
TITLE = "第二次全国污染源普查质量提升指导 问题整改台账（{region}）"
AS_OF = "数据截至 {as_of}"
HINT = ("填写说明：只改白底的 整改期限、整改责任人、整改状态、整改日期、整改说明 五列；"
        "灰字的整改期限是按默认天数推算的；日期写成 2019-03-25；改完后原样发回市普查办")
HEADER = "&L&\"宋体\"{title}&R数据截至 {as_of}"
FOOTER = "&L{sheet}&C第 &P 页，共 &N 页&R数据截至 {as_of}"
SUBJECT = "问题台账销号"

# the header row, exactly as the issue gives it; the order is the column order
HEADERS = {
    "seq": "序号",
    "record": "记录编号",
    "error_no": "错误序号",
    "object_name": "普查对象名称",
    "form": "普查表号",
    "indicator_code": "指标代码",
    "indicator_name": "指标名称",
    "reason": "普查表填报错误的原因",
    "reviewed_on": "审核日期",
    "due": "整改期限",
    "owner": "整改责任人",
    "status": "整改状态",
    "date": "整改日期",
    "note": "整改说明",
    "overdue": "逾期天数",
}

STATUS_ERROR = "请从下拉列表中选择：未整改、整改中或已整改"
DATE_ERROR = "请输入日期，如 2019-03-25"
FONT = "宋体"
CELL = "{sheet}!{at}（{header}）"  # where a problem is, as people find it: 华龙区!J12（整改期限）
# a date as people type it: 2019-3-5, 2019/03/05, 2019.3.5, 2019年3月5日 (after NFKC)
DATE_PATTERN = r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$"
