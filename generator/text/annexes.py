"""The Chinese text of the annex workbooks (附件1/2/3, the 全市汇总 sheet): file names, titles,
labels, the column headers by record field, notes, the print footer and the author of cell
notes; and the full-width signs an East Asian input method types at the start of a formula.

Used by render/annexes/: layout.py builds its columns from HEADERS (and the importer,
tools/importer/read.py, recognises the headers through those columns), sheets.py and
templates.py write the titles and notes, excel.py the footer and notes, sheetxml.py the
formula signs. The fill-in templates' and the as-of line's templates are messages of
generator/text/build.py (``annex.*``).
"""

from __future__ import annotations

# File names (DESIGN.md, 'Where the outputs go') and titles, as the seed prints them.
FILES = {
    "annex1": "附件1_无法填报G106-1问题表.xlsx",
    "annex2": "附件2_集中审核普查表情况明细表.xlsx",
    "annex3": "附件3_重点帮扶情况记录表.xlsx",
}
LABELS = {"annex1": "附件1", "annex2": "附件2", "annex3": "附件3"}
TITLES = {
    "annex1": "濮阳市第二次全国污染源普查无法填报 G106-1 问题表",
    "annex2": "濮阳市第二次全国污染源普查质量提升指导集中审核普查表情况明细表",
    "annex3": "濮阳市第二次全国污染源普查重点帮扶情况记录表",
}
REGION_PREFIX = "指导区域："
CITY_SHEET = "全市"
CITY_REGION = "全市"
SUMMARY_SHEET = "全市汇总"
SUMMARY_TITLE = "濮阳市第二次全国污染源普查质量提升指导集中审核情况汇总"
SUMMARY_CHART_TITLE = "各县（区）集中审核问题数"
SUMMARY_CHART_Y_TITLE = "问题数"
ANNEX2_NOTE = "注：污染源类型：工业源、农业源、集中式、生活源、移动源"
ANNEX2_GROUP = "普查表填报错误明细"
ANNEX3_HEADERS = ("指导内容", "内容", "实际情况及存在问题")
ANNEX3_TRAINING_TITLE = "对县（区）普查骨干质量提升指导情况"
ANNEX3_TRAINING_HEADERS = ("日期", "形式", "参加人数", "指导内容")
MISSING_TEXT = "（待填写）"
NO_KEY_COUNTY = "本次没有列入重点帮扶的县（区）。"
PRODUCT_CODE_NOTE = ("原附件1表头此列重复为“产品名称”。本表按行业列“名称/代码”的格式，"
                     "把第二个“产品名称”列理解为产品代码。")

# The header of each column, by the record field it shows (render/annexes/layout.py places
# them: 附件1, 附件2 and the 全市汇总 sheet; a field's header is the same in every table).
HEADERS = {
    "seq": "序号",
    "county": "县（区）",
    # 附件1
    "enterprise": "涉及企业",
    "summary": "问题简述",
    "industry_name": "涉及行业名称",
    "industry_code": "涉及行业代码",
    "product_name": "产品名称",
    "product_code": "产品代码",
    "product_unit": "产品计量单位",
    "material_name": "原料名称",
    "material_unit": "原料计量单位",
    "process_name": "生产工艺名称",
    "scale": "生产规模",
    "scale_unit": "生产规模计量单位",
    "pollutant": "污染物指标",
    "pollutant_unit": "污染物计量单位",
    "treatment": "末端治理技术名称",
    "enumerator_id": "普查员号（必填）",
    # 附件2
    "object_name": "普查对象名称",
    "source_type": "污染源类型",
    "form": "普查表号",
    "indicator_code": "指标代码",
    "indicator_name": "指标名称",
    "reason": "普查表填报错误的原因",
    "remark": "备注",
    # 全市汇总
    "reviewed": "审核对象数",
    "problem_objects": "问题对象数",
    "errors": "问题数",
    "error_rate": "差错率",
    "rectification_rate": "整改率",
}

COMMENT_AUTHOR = "市普查办技术组"  # the author Excel and WPS show with a cell's note
PAGE_FOOTER = "第 &P 页，共 &N 页"  # the print footer's centre: &P page, &N pages
# ＝ ＋ － ＠: what an East Asian input method may type for = + - @, which Excel also reads
# as the start of a formula when a cell is edited
FULL_WIDTH_FORMULA_SIGNS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
# shown for the underscore of an _xHHHH_ in a sheet name, which nothing would decode
FULL_WIDTH_UNDERSCORE = "\uff3f"
