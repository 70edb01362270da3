"""The Chinese words of the site's pages that are not messages: the navigation, the detail
tables' headers, the 记录格式 page's words. Used by render/site (pages.py, tables.py,
schema_page.py); the templates in site_templates/ hold the pages' own text.
"""

from __future__ import annotations

from generator.text.annexes import HEADERS as HEADERS_BY_FIELD

# the navigation (pages.nav); 整改进展 and 维护 are messages (build.nav_*)
NAV_HOME = "首页"
NAV_COUNTIES = "县（区）"
NAV_ANALYSIS = "问题分析"
NAV_VERIFICATIONS = "现场核查"
NAV_REPORT = "工作报告"
NAV_DOWNLOADS = "下载"
NAV_GUIDE_SECTION = "填报说明"
NAV_GUIDE = "填报指南"
NAV_SCHEMA = "记录格式"
NAV_PERFORMANCE = "性能"
GUIDE_FALLBACK = f"# {NAV_GUIDE}\n"  # the 填报指南 page when site_templates/ has no guide.md

# the city team's roles as the home page counts them, in this order (city.yaml members[].role)
TEAM_ROLES = ("普查办人员", "第三方技术支持", "专家")

# the detail tables (tables.py): 附件2 and 附件1 as web tables. A column that shows one
# record field is headed as in the workbooks (annexes.HEADERS); the site's own columns
# join fields (a product with its unit) or add what only the site shows.
_A = HEADERS_BY_FIELD
FINDING_HEADERS = (_A["seq"], _A["object_name"], _A["source_type"], _A["form"],
                   _A["indicator_code"], _A["indicator_name"], _A["reason"], "整改情况",
                   "审核日期", _A["remark"], "记录编号")
G106_HEADERS = (_A["seq"], _A["enterprise"], _A["summary"], "涉及行业", "产品（计量单位）",
                "原料（计量单位）", "生产工艺", _A["scale"], "污染物指标（计量单位）",
                "末端治理技术", "普查员号", "集中审核结论", NAV_VERIFICATIONS)
WITH_UNIT = "{name}（{unit}）"  # a product, material or pollutant with its unit
PENDING_CHECK = "待现场核查"  # 现场核查 of a G106-1 problem still to be checked
NO_ROWS = "（无）"  # a table without a row

# the 记录格式 page (schema_page.py)
PUBLIC_TEXT = {"confidential": "不公开（保密）", "publishable": "原样公开", "code": "公开",
               "withheld": "仅内部版"}
TYPE_OR = "或"  # between a field's types
EACH_ITEM = "（每项为{type}）"  # a list's item type
LIST_SEPARATOR = "、"  # between allowed values
DATE_VALUE = "日期 YYYY-MM-DD"
