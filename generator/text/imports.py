"""Every Chinese text the ``import`` command prints, keyed by a stable code.

Kept apart from records.py so the validator's messages and the importer's can change
independently. Placeholders are ``str.format`` fields.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # problems (RecordError codes), located in the workbook
    "import.too_large": "工作簿太大（{size} 字节，上限 {limit} 字节）：请只保留附件1或附件2 的表格后再导入",
    "import.unpacked_too_large": "工作簿解压后超过 {limit} 字节，不像附件表格：请只保留附件1或附件2 的表格后再导入",
    "import.too_many_rows": (
        "工作表“{sheet}”超过 {limit} 行，不像附件表格（可能有大量重复的行，或只设了格式的空行）："
        "请删去多余的行后再导入"
    ),
    "import.merged_too_far": (
        "工作表“{sheet}”的合并单元格 {ref} 一直延伸到第 {rows} 行（整列或整行合并），"
        "工作表因此大得不像附件表格（每表至多 {limit} 行）：请取消这个合并（只合并表格里需要的单元格）后再导入"),
    "import.too_many_cells": "工作簿超过 {limit} 个单元格，不像附件表格：请只保留附件1或附件2 的表格后再导入",
    "import.empty": "文件是空的（0 字节）：请选择填好的附件1或附件2（.xlsx）",
    "import.encrypted": "工作簿设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码，另存为 .xlsx 后再导入",
    "import.xls": "这是旧版 Excel 97–2003 工作簿（.xls）：请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入",
    "import.xlsb": "这是 Excel 二进制工作簿（.xlsb）：请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入",
    "import.ods": "这是 OpenDocument 表格（.ods）：请在 WPS 或 LibreOffice 中“另存为”Excel 工作簿（.xlsx）后再导入",
    "import.text": (
        "这是文本文件（如 .csv、.txt，或网页导出的“.xls”），不是 Excel 工作簿："
        "请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（.xlsx）再导入"
    ),
    "import.zip": "这是 zip 压缩包或其他 Office 文档，不是 Excel 工作簿（.xlsx）：请选择填好的附件1或附件2",
    "import.not_workbook": "无法识别这个文件，它不是 Excel 工作簿（.xlsx）：请选择填好的附件1或附件2",
    "import.damaged": "工作簿已损坏，无法读取（{detail}）：请在 Excel 或 WPS 中打开，确认内容后重新另存为 .xlsx",
    "import.exists": "{file} 在导入过程中被别人创建了，没有覆盖：请重新导入，已有的记录会被跳过",
    "import.unwritable": "无法写入 {file}：{reason}",
    "import.outside": "没有写入 {file}：它的文件夹经链接指向记录文件夹以外（{target}）",
    "import.not_annex": "没有找到附件1（无法填报 G106-1 问题表）或附件2（集中审核普查表情况明细表）的表头：请用本系统导出的表格填写，不要改动表头",
    "import.rows_after_end": (
        "表格到第 {end} 行（{what}）就结束了，下面还有 {n} 行数据（第 {first} 行起）没有读取："
        "请删去第 {end} 行，或把这些数据移到它上面"),
    "import.blank_run": "连续 {n} 行以上的空行",
    "import.ended_at": "“{text}”",
    "import.no_sheet": "工作簿里没有“{county}”的工作表，也没有带“县（区）”列的全市表：请按县（区）名称命名工作表",
    "import.column_missing": "表头里找不到“{header}”列",
    "import.cell_type": "单元格是{kind}，这里应填文字{hint}",
    "import.unknown_county": "“{county}”不是记录库里任何一个县（区）的名称：请写全称，如“{county_name}”，这一行没有导入",
    "import.bad_character": "文字里有无法保存的字符（来自 _xD800_ 之类的代码）：请删去后重新输入",
    "import.county_blank": "全市表中此行的“县（区）”未填",
    "import.object_conflict": "同一普查对象（序号 {seq}）各行的“{header}”不一致：{first} 与 {other}",
    "import.duplicate_row": "与第 {row} 行重复，已忽略",
    "import.duplicate_sheet": "与工作表“{sheet}”第 {row} 行重复，已忽略",
    "import.code_as_number": (
        "“{header}”是以数字输入的，读作 {text}：Excel 会去掉数字开头的 0，若原来的代码以 0 开头，"
        "请先把单元格设为“文本”格式，再重新输入完整的代码"),
    "detail.zip": "文件不完整，或压缩结构损坏",
    "detail.content": "工作簿内部的内容格式有误",
    # the rectification ledger (整改台账.xlsx): problems located at sheet!cell（列名）
    "ledger.unknown_record": "记录编号“{record}”不存在：这一行没有导入（台账可能来自别的记录库，或记录已改名），请用最新的整改台账",
    "ledger.invalid_record": "记录“{record}”（{record_file}）本身有错误，这一行没有比较：请先改正这条记录（它的错误也列在这里）",
    "ledger.no_error": "记录 {record} 没有第 {n} 处错误（共 {total} 处）：这一行没有导入，台账导出后记录改过，请用最新的整改台账",
    "ledger.stale": (
        "记录 {record} 的第 {n} 处错误现在是 {form} 表 {indicator} 指标，与这一行的 {row_form} 表 {row_indicator} 指标不一致"
        "（台账导出后记录改过）：这一行没有导入，请用最新的整改台账"),
    "ledger.bad_number": "错误序号应为正整数，这里是“{value}”",
    "ledger.merged": "单元格 {ref} 合并了几列：请取消合并，每个单元格分别填写",
    "ledger.merged_down": "单元格 {ref} 合并了几行，最上面一格不是台账的数据行：请取消合并，每个单元格分别填写",
    "ledger.blank": "“{header}”不能为空",
    "ledger.bad_date": "“{value}”不是日期：请写成 YYYY-MM-DD，如 2019-03-25",
    "ledger.conflict": "与 {other} 填的不一致（是同一处错误）：这一行没有导入，请只在一个工作表里改",
    "ledger.reopened": "记录 {record} 第 {n} 处错误的整改状态从“已整改”改回“{status}”，请确认",
    "ledger.city_differs": "与本县（区）工作表 {other} 所在行填的不一致：以县（区）工作表为准，这一行没有导入",
    "ledger.edit_conflict": (
        "台账导出后，记录 {record} 第 {n} 处错误的“{header}”在记录里已从“{exported}”改为“{now}”，"
        "台账里又填了“{value}”：两处都改了，这一行没有导入，请核对后在最新的整改台账上重填"),
    "ledger.no_snapshot": (
        "整改台账里没有导出时的值（隐藏的“{sheet}”工作表不在了，或不是本系统导出的）："
        "只能按记录现在的内容比对，导出后在记录里改过的整改情况会被台账里的旧值覆盖，请用 --dry-run 核对"),
    "ledger.snapshot_rows": (
        "{n} 行在导出时的值（隐藏的“{sheet}”工作表）里找不到：这些行按记录现在的内容比对"),
    "ledger.changed": "{file} 在导入过程中被改动了，没有写入：请重新导入",
    "ledger.column_missing": "整改台账的表头里找不到“{header}”列：请用本系统导出的整改台账，不要改动表头",
    # notes of a ledger import
    "ledger.note.read": "读取整改台账：{sheets} 个工作表，共 {rows} 行",
    "ledger.note.plan": "更新 {path}（{n} 处错误的整改情况）",
    "ledger.note.plan_dry": "将更新 {path}（{n} 处错误的整改情况）",
    "ledger.note.written": "导入完成：更新 {n} 个文件（{rows} 处错误），{unchanged} 行没有变化。",
    "ledger.note.nothing": "没有需要更新的整改情况（{unchanged} 行没有变化）。",
    "ledger.note.dry_run": "试运行（--dry-run）：以上 {n} 个文件没有写入，将作的改动如下：",
    "ledger.note.unwritable": "有 {bad} 个文件没有更新（见上），更新了 {n} 个：请处理上面说的问题后重新导入，已更新的不会重复更新。",
    "ledger.note.blocked": "有错误，没有写入任何文件。改正整改台账后重新导入，或用 --force 只导入没有错误的行。",
    "ledger.note.forced": "有错误（--force）：更新了 {n} 个文件；有错误的 {bad} 行没有导入。",
    "usage.county_needed": "导入附件1或附件2需要 --county（县（区）文件夹名，如 hualong）；导入整改台账不需要",
    # where a problem is, as people find it: 华龙区!J12（普查表号）, 华龙区 第 12 行
    "where.cell": "{sheet}!{cell}（{header}）",
    "where.row": "{sheet} 第 {row} 行",
    # notes: printed, not problems
    "note.sheet": "读取工作表“{sheet}”（{kind}），第 {rows} 行",
    "note.other_county": "跳过其他县（区）的 {n} 行：{counties}",
    "note.exists": "{where}：{what}：已存在（{record}），跳过",
    "note.left_sheet": "“{sheet}”",
    "note.left_hidden": "没有读取隐藏的工作表 {sheets}：要导入请先取消隐藏",
    "note.left_city": "没有读取全市表 {sheets}：已读取{county}自己的工作表",
    "note.left_region": "没有读取其他县（区）的工作表 {sheets}",
    "note.left_unnamed": "没有读取工作表 {sheets}：没有填写指导区域，也不以{county}命名",
    "note.ignored_column": "工作表“{sheet}”的“{header}”列不属于附件表头，已忽略",
    "note.plan": "写入 {path}（{what}）",
    "note.plan_dry": "将写入 {path}（{what}）",
    "note.nothing": "没有需要导入的新记录。",
    "note.written": "导入完成：写入 {n} 个文件，跳过已有的 {skipped} 行。",
    "note.dry_run": "试运行（--dry-run）：以上 {n} 个文件没有写入。",
    "note.blocked": "有错误，没有写入任何文件。改正工作簿后重新导入，或用 --force 只写入没有错误的记录。",
    "note.unwritable": (
        "有 {bad} 个文件无法写入（见上），写入了 {n} 个：请检查文件夹权限和磁盘空间后重新导入，"
        "已写入的行会被跳过。"
    ),
    "note.forced": "有错误（--force）：写入了 {n} 个没有错误的记录，{bad} 个有错误的记录没有写入。",
    "note.county_rows": "{county} {n} 行",
    "what.finding": "{name}，{n} 处错误，第 {rows} 行",
    "what.g106": "{name}，第 {rows} 行",
    # usage errors (exit code 2)
    "usage.bad_slug": "县（区）代号 {county} 不合规：只能用小写字母、数字和“-”，如 hualong（是 {records} 下的文件夹名）",
    "usage.county": "找不到县（区）“{county}”：{records} 下没有 {county}/county.yaml",
    "usage.workbook": "找不到工作簿 {path}",
    "usage.workbook_folder": "{path} 是文件夹，不是工作簿：请写填好的附件1或附件2（.xlsx）文件的路径",
    "usage.required": "导入{annex}需要 {options}（附件表格里没有这些内容）",
    "usage.and": " 和 ",
    "annex.finding": "附件2",
    "annex.g106": "附件1",
    "usage.date": "{value} 不是有效日期：请写成 YYYY-MM-DD，如 2019-03-11",
}

KIND_NAMES = {"finding": "附件2 集中审核普查表情况明细表", "g106": "附件1 无法填报 G106-1 问题表"}
TYPE_NAMES = {"datetime": "日期或时间", "bool": "逻辑值（TRUE/FALSE）", "formula": "公式",
              "error": "公式算出的错误值", "surrogate": "",
              "long_number": "超过 15 位的数字（Excel 只保留 15 位，后面的数字已变成 0）"}
# a cell that is not of a kind import.cell_type names: its own problem code
CELL_CODES = {"surrogate": "import.bad_character"}
DATE_HINT = "。Excel 把输入当成了日期：请先把单元格设为“文本”格式再输入"
# what to do about a cell of that kind (TYPE_NAMES' keys)
TYPE_HINTS = {"datetime": DATE_HINT,
              "error": "。这是公式没能算出结果时显示的值（如 #N/A、#REF!）：请改成实际要填的内容",
              "long_number": "：请先把单元格设为“文本”格式，再重新输入完整的号码"}

# Reading the annex (tools/importer/read.py): the header that tells which annex a sheet is (a
# row with 序号 and one of these), the words that start the notes below the table, the marker
# of a required column, and the county cell left as the template has it
SEQ_HEADER = "序号"
SIGNATURES = {"g106": "涉及企业", "finding": "普查对象名称"}
TRAILER_STARTS = ("注", "说明", "填表", "制表", "审核人", "联系")
REQUIRED_MARK = "(必填)"
REGION_UNFILLED = "县（区）"


def render(code: str, **fields: object) -> str:
    return MESSAGES[code].format(**fields)
