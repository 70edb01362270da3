"""The record vocabulary that is data: the Chinese words records hold and the code compares
with, and the names of the census's categories, verbatim from the documents they come from.

Not messages: records.py and the schemas use these exact strings as values (a finding's
``source_type: 工业源``, a rectification ``status: 已整改``), so changing one changes what
records mean. records/domain.py builds the census facts from them (source types, form letters,
states, results, industry divisions, the rows of 附件3); records/aggregate.py, rules.py and
model.py, the importer (tools/importer/) and ``diff`` (tools/diffing.py) compare with them.
The last part holds the words of the public-text check (records/privacy.py).
"""

from __future__ import annotations

# The five source types (污染源类型), in the order of the forms and every table
INDUSTRIAL = "工业源"
AGRICULTURAL = "农业源"
CENTRALIZED = "集中式"
DOMESTIC = "生活源"
MOBILE = "移动源"
SOURCE_TYPES = (INDUSTRIAL, AGRICULTURAL, CENTRALIZED, DOMESTIC, MOBILE)
# a form number's letter → its source type (G101-1 is a form of 工业源)
FORM_LETTERS = {"G": INDUSTRIAL, "N": AGRICULTURAL, "J": CENTRALIZED, "S": DOMESTIC, "Y": MOBILE}
# the rule.form_prefix hint: the letters as people learn them
FORM_LETTERS_HINT = "G 工业源、N 农业源、J 集中式、S 生活源、Y 移动源"

# A filled-in error's rectification status (整改情况), in the order of the ledger's dropdown
RECTIFIED = "已整改"
IN_PROGRESS = "整改中"
NOT_RECTIFIED = "未整改"
RECTIFICATION = (RECTIFIED, IN_PROGRESS, NOT_RECTIFIED)

# A G106-1 problem's central review result (集中审核结论)
RESOLVED = "已解决"
NEEDS_VERIFICATION = "需现场核查"
TO_PROVINCE = "报省级"
REVIEW_RESULTS = (RESOLVED, NEEDS_VERIFICATION, TO_PROVINCE)

# What each kind of record is called where a rule names it (rule.ref_missing)
KIND_NAMES = {
    "finding": "集中审核明细",
    "g106": "G106-1 问题",
    "verification": "现场核查",
}

# city.yaml's narrative parts of the work report, by key (rule.narrative_empty)
CITY_PARTS = {
    "experience": "全市普查工作经验",
    "problems": "存在问题",
    "suggestions": "下一步工作建议",
}
RECTIFICATION_DATE = "整改日期"  # the field rule.date_order names for a rectification
# county.yaml fields that must be unique across counties (rule.duplicate_county)
COUNTY_CODE = "行政区划代码"
COUNTY_NAME = "名称"

# The four kinds of check of the guidance (审核类别), by their key in the records
CHECK_TITLES = {"completeness": "完整性", "conformity": "规范性",
                "authenticity": "真实性、可靠性", "reasonableness": "合理性"}

CITY = "全市"  # the city as an area of the figures, beside the counties
NOT_INDUSTRIAL = "（非工业行业）"  # an industry code outside the industrial divisions

# GB/T 4754-2017 industrial divisions (大类): 06–12 mining, 13–43 manufacturing, 44–46 utilities.
INDUSTRY_DIVISION_NAMES = {
    6: "煤炭开采和洗选业",
    7: "石油和天然气开采业",
    8: "黑色金属矿采选业",
    9: "有色金属矿采选业",
    10: "非金属矿采选业",
    11: "开采专业及辅助性活动",
    12: "其他采矿业",
    13: "农副食品加工业",
    14: "食品制造业",
    15: "酒、饮料和精制茶制造业",
    16: "烟草制品业",
    17: "纺织业",
    18: "纺织服装、服饰业",
    19: "皮革、毛皮、羽毛及其制品和制鞋业",
    20: "木材加工和木、竹、藤、棕、草制品业",
    21: "家具制造业",
    22: "造纸和纸制品业",
    23: "印刷和记录媒介复制业",
    24: "文教、工美、体育和娱乐用品制造业",
    25: "石油、煤炭及其他燃料加工业",
    26: "化学原料和化学制品制造业",
    27: "医药制造业",
    28: "化学纤维制造业",
    29: "橡胶和塑料制品业",
    30: "非金属矿物制品业",
    31: "黑色金属冶炼和压延加工业",
    32: "有色金属冶炼和压延加工业",
    33: "金属制品业",
    34: "通用设备制造业",
    35: "专用设备制造业",
    36: "汽车制造业",
    37: "铁路、船舶、航空航天和其他运输设备制造业",
    38: "电气机械和器材制造业",
    39: "计算机、通信和其他电子设备制造业",
    40: "仪器仪表制造业",
    41: "其他制造业",
    42: "废弃资源综合利用业",
    43: "金属制品、机械和设备修理业",
    44: "电力、热力生产和供应业",
    45: "燃气生产和供应业",
    46: "水的生产和供应业",
}

# 附件3 重点帮扶情况记录表: its two sections, the item with sub-items, and each row's text by
# its dotted key in assistance.yaml (the order is the annex's row order)
ANNEX3_DATA_REVIEW = "（一）数据审核情况"
ANNEX3_ARCHIVES = "（二）档案管理情况"
ANNEX3_DATABASE_QUALITY = "数据库质量情况"
ANNEX3_TEXTS = {
    "data_review.database_quality.directory": "普查名录库全面性情况",
    "data_review.database_quality.industrial": "工业源报表质量情况",
    "data_review.database_quality.centralized": "集中式报表质量情况",
    "data_review.database_quality.domestic": "生活源报表质量情况",
    "data_review.database_quality.mobile": "移动源报表质量情况",
    "data_review.database_quality.g106": "G106 表的填报情况",
    "data_review.provincial_feedback": "省级数据审核反馈结果整改情况",
    "data_review.city_county_review": "市县数据审核工作开展情况",
    "data_review.sampling_recheck": "县区级开展数据抽样复核情况",
    "archives.classification": "工作档案分类整理情况（纸质、电子）",
    "archives.chronicle": "大事记材料整理情况",
    "archives.one_file_per_object": "普查对象“一企一档”管理情况",
    "archives.closed_enterprises": "关闭企业建档情况",
}

# --- the public-text check (records/privacy.py) ------------------------------------------------
# Title words of confidential fields whose values are organisation names (fragments apply).
NAMED_BY = ("普查对象名称", "涉及企业", "核查对象名称")
# The legal forms an organisation name is split at, longest first where one contains another
# (有限责任公司 before 公司): the regex alternation tries them in this order.
LEGAL_FORMS = ("有限责任公司", "股份有限公司", "有限公司", "公司", "专业合作社", "合作社")
# The last character of an administrative place name (濮阳市, 华龙区), and of the county names
# whose stem is a place name too (濮阳县 → 濮阳)
ADMIN_SUFFIXES = "省市县区"
COUNTY_SUFFIXES = ("市", "县", "区")
CITY_SUFFIX = "市"
# Full-width and half-width parentheses, whose content is dropped from a name
OPENING_PARENTHESES = "（("
CLOSING_PARENTHESES = "）)"
# Name parts too common to say anything about who is meant
GENERIC = {"农业农村局", "管理委员会", "村民委员会", "居民委员会", "人民政府", "生态环境局",
           "污水处理厂", "加油站", "人民医院", "中心医院", "储油库", "养殖场", "有限公司"}
# What a number that looks confidential is called in the message
PHONE = "电话号码"
CREDIT_CODE = "统一社会信用代码"
PART_OF = "{what}“{value}”的一部分"  # a fragment of a name, said as what it is part of
