"""Every Chinese message the validator prints, keyed by a stable code.

Tests and tools branch on the code; the text may be improved freely. Placeholders are
``str.format`` fields; values are quoted by :func:`quote` before they are put in.
"""

from __future__ import annotations

import json

MESSAGES: dict[str, str] = {
    # Reading and parsing (load.py)
    "yaml.read": "无法读取文件：{reason}",
    "yaml.too_large": "文件有 {size} 字节，超过上限 {limit} 字节；一个文件只放一条记录，请拆分",
    "yaml.encoding": (
        "文件不是 UTF-8 编码{guess}。请在 VS Code 或记事本中“另存为”，编码选 UTF-8 后保存"
    ),
    "yaml.empty": "文件是空的：请填写记录内容，或删除此文件",
    "yaml.tab": "行首缩进里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格",
    "yaml.syntax": "YAML 格式错误：{problem}{hint}",
    "yaml.anchor": "不允许使用锚点“&{name}”：请把内容直接写出来",
    "yaml.alias": "不允许使用别名“*{name}”：请把内容直接写出来",
    "yaml.tag": "不允许使用类型标记“{tag}”：需要文字时请加引号",
    "yaml.duplicate_key": "键 {key} 重复出现（上一次在第 {first_line} 行）：后一个会悄悄覆盖前一个，请删去一个",
    "yaml.too_deep": "嵌套超过 {limit} 层：记录不应这么深，请检查缩进",
    "yaml.multi_document": "一个文件只能有一条记录（发现了多个“---”文档）",
    "yaml.not_mapping": "记录应是“键: 值”的映射，这里是{kind}",
    # JSON Schema keywords (validate.py); one template per keyword used in schemas/
    "schema.required": "缺少必填项“{title}”（{name}）",
    "schema.additionalProperties": "不认识的键 {name}：{suggestion}",
    "schema.type": "应为{expected}，这里是{actual} {value}{hint}",
    "schema.enum": "{value} 不是允许的取值；可选：{allowed}",
    "schema.const": "应为 {expected}，这里是 {value}",
    "schema.pattern": "{value} 格式不符：{hint}",
    "schema.format": "{value} 不是有效的{format}",
    "schema.minLength": "不能为空",
    "schema.maxLength": "{value} 太长：最多 {limit} 个字",
    "schema.minItems": "至少需要 {limit} 项",
    "schema.maxItems": "最多 {limit} 项",
    "schema.uniqueItems": "列表中有重复的项",
    "schema.minimum": "{value} 太小：不能小于 {limit}",
    "schema.maximum": "{value} 太大：不能大于 {limit}",
    "schema.other": "不符合填报规则（{keyword}）：{detail}",
    "schema.unexplained": ("记录不符合记录格式，但无法指出是哪个字段（两道校验的结论不一致，"
                           "这是本工具的问题）：请把此文件交给技术组"),
    # Where records lie (rules.py)
    "rule.city_missing": "缺少市级文件 city.yaml",
    "rule.county_missing": "县（区）文件夹 {folder} 里没有 county.yaml",
    "rule.county_slug": "文件夹名 {folder} 不合规：只能用小写字母、数字和“-”，如 hualong",
    "rule.stray_file": "这个位置不该有文件：记录放在 <县区>/findings/、<县区>/g106/、<县区>/verifications/ 下，或为 county.yaml、assistance.yaml",
    "rule.yml_extension": "扩展名应为 .yaml（不是 .yml）：请改名，否则不会被读取",
    "rule.id_format": "记录编号（文件名）{id} 不合规：只能用字母、数字、“-”和“_”",
    "rule.duplicate_id": "记录编号 {id} 与 {other} 重复：同类记录的编号全市唯一",
    "rule.duplicate_county": "县（区）{what} {value} 与 {other} 重复",
    # Cross-record rules (rules.py)
    "rule.ref_missing": "引用的{kind}记录 {id} 不存在",
    "rule.ref_not_back": "现场核查记录 {verification} 的 about.g106 里没有列出本问题 {id}",
    "rule.form_prefix": "普查表号 {form} 属于{form_type}，与污染源类型“{source_type}”不符（{letters}）",
    "rule.form_unknown": "普查表号 {form} 不在已知普查表目录中：请核对表号",
    "rule.industry_range": "行业代码 {code} 的大类 {major} 不是工业行业（06–46）：G106-1 只适用于工业源",
    "rule.credit_check": "统一社会信用代码 {code} 校验位不对：按 GB 32100 应为 {expected}，请核对是否抄错",
    "rule.credit_region": "统一社会信用代码 {code} 的第 3–8 位应为行政区划代码（6 位数字）",
    "rule.rectified_date": "整改情况为“已整改”时必须填写整改日期 date",
    "rule.date_order": "{what} {date} 早于审核日期 {reviewed_on}",
    "rule.date_period": "{date} 不在工作时间安排 {start} 至 {end} 之内",
    "rule.period_order": "开始日期 {start} 晚于结束日期 {end}",
    "rule.awaiting_verification": "集中审核结论为“需现场核查”，但还没有关联现场核查记录（verification）",
    "rule.reviewed_missing": "{source_type}有 {n} 个问题对象，但审核对象数 reviewed.{name} 未填或为 0：差错率无法计算",
    "rule.reviewed_exceeded": "{source_type}问题对象数 {n} 大于审核对象数 {reviewed}：请核对 reviewed.{name}",
    "rule.assistance_not_key": "本县（区）未列入重点帮扶（key_assistance: false），却有重点帮扶记录",
    "rule.assistance_missing": "本县（区）列入重点帮扶，但还没有 assistance.yaml：工作报告中该部分将显示（待填写）",
    "rule.narrative_empty": "工作报告的“{part}”部分（{name}）还没有填写：报告中将显示（待填写）",
    "rule.confidential_in_public_text": (
        "这段文字会原样发布到公开版网站，却含有{what} {value}：请改写，"
        "不要写出普查对象或企业名称、人员姓名、电话、统一社会信用代码和普查员号"
    ),
}

TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否（true 或 false）",
    "array": "列表",
    "object": "键值映射",
    "null": "空值",
}

FORMAT_NAMES = {"date": "日期（YYYY-MM-DD）"}


def quote(value: object) -> str:
    """A value as the person typed it, in double quotes where it is text."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, (dict, list)):
        return "（列表）" if isinstance(value, list) else "（映射）"
    return json.dumps(value, ensure_ascii=False)


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return TYPE_NAMES["boolean"]
    if isinstance(value, int):
        return TYPE_NAMES["integer"]
    if isinstance(value, float):
        return TYPE_NAMES["number"]
    if value is None:
        return TYPE_NAMES["null"]
    if isinstance(value, list):
        return TYPE_NAMES["array"]
    if isinstance(value, dict):
        return TYPE_NAMES["object"]
    return TYPE_NAMES["string"]


def render(message_code: str, **fields: object) -> str:
    return MESSAGES[message_code].format(**fields)
