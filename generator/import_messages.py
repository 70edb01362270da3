"""Every Chinese text the ``import`` command prints, keyed by a stable code.

Kept apart from messages.py so the validator's messages and the importer's can change
independently. Placeholders are ``str.format`` fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # problems (RecordError codes), located in the workbook
    "import.read": "无法打开工作簿：{reason}",
    "import.too_large": "工作簿太大（{size} 字节，上限 {limit} 字节）",
    "import.not_annex": "没有找到附件1（无法填报 G106-1 问题表）或附件2（集中审核普查表情况明细表）的表头：请用本系统导出的表格填写，不要改动表头",
    "import.no_sheet": "工作簿里没有“{county}”的工作表，也没有带“县（区）”列的全市表：请按县（区）名称命名工作表",
    "import.column_missing": "表头里找不到“{header}”列",
    "import.cell_type": "单元格是{kind}，这里应填文字{hint}",
    "import.county_blank": "全市表中此行的“县（区）”未填",
    "import.object_conflict": "同一普查对象（序号 {seq}）各行的“{header}”不一致：{first} 与 {other}",
    "import.duplicate_row": "与第 {row} 行重复，已忽略",
    # notes: printed, not problems
    "note.sheet": "读取工作表“{sheet}”（{kind}），第 {rows} 行",
    "note.other_county": "跳过其他县（区）的 {n} 行：{counties}",
    "note.exists": "{where}：{what}：已存在（{record}），跳过",
    "note.ignored_column": "工作表“{sheet}”的“{header}”列不属于附件表头，已忽略",
    "note.plan": "写入 {path}（{what}）",
    "note.plan_dry": "将写入 {path}（{what}）",
    "note.nothing": "没有需要导入的新记录。",
    "note.written": "导入完成：写入 {n} 个文件，跳过已有的 {skipped} 行。",
    "note.dry_run": "试运行（--dry-run）：以上 {n} 个文件没有写入。",
    "note.blocked": "有错误，没有写入任何文件。改正工作簿后重新导入，或用 --force 只写入没有错误的记录。",
    "note.forced": "有错误（--force）：写入了 {n} 个没有错误的记录，{bad} 个有错误的记录没有写入。",
    "what.finding": "{name}，{n} 处错误，第 {rows} 行",
    "what.g106": "{name}，第 {rows} 行",
    # usage errors (exit code 2)
    "usage.bad_slug": "县（区）代号 {county} 不合规：只能用小写字母、数字和“-”，如 hualong（是 {records} 下的文件夹名）",
    "usage.county": "找不到县（区）“{county}”：{records} 下没有 {county}/county.yaml",
    "usage.workbook": "找不到工作簿 {path}",
    "usage.required": "导入{annex}需要 {options}（附件表格里没有这些内容）",
    "usage.date": "{value} 不是有效日期：请写成 YYYY-MM-DD，如 2019-03-11",
}

KIND_NAMES = {"finding": "附件2 集中审核普查表情况明细表", "g106": "附件1 无法填报 G106-1 问题表"}
TYPE_NAMES = {"datetime": "日期或时间", "bool": "逻辑值（TRUE/FALSE）", "formula": "公式"}
DATE_HINT = "。Excel 把输入当成了日期：请先把单元格设为“文本”格式再输入"


def render(code: str, **fields: object) -> str:
    return MESSAGES[code].format(**fields)
