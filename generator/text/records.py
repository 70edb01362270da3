"""Every Chinese message the validator prints, keyed by a stable code.

Tests and tools branch on the code; the text may be improved freely. Placeholders are
``str.format`` fields; values are quoted by :func:`quote` before they are put in.
"""

from __future__ import annotations

import errno
import json
import stat

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
    "yaml.duplicate_key": "键 {key} 重复出现（第一次在第 {first_line} 行）：同一个键只能写一次，请删去一个",
    "yaml.too_deep": "嵌套超过 {limit} 层：记录不应这么深，请检查缩进",
    "yaml.multi_document": "一个文件只能有一条记录（发现了多个“---”文档）",
    "yaml.not_mapping": "记录应是“键: 值”的映射，这里是{kind}",
    "yaml.key_not_text": (
        "键 {key} 会被读成{kind}而不是文字：记录的键只能是文字（如 object_name），"
        "请改正；确实要这样写时请加引号"
    ),
    "yaml.encoding_gbk": "，看起来是 GBK/GB2312 编码（WPS、记事本“ANSI”的默认编码）",
    "yaml.parser_words": "（解析器原文：{detail}）",  # libyaml's words, as a hint
    "yaml.code_point": "（U+{code:04X}）",
    "yaml.number_too_large": "数字 {value} 太大，超出能处理的范围：这里要填文字时请加引号",
    # The records tree (load_tree.py, load.py)
    "load.not_folder": "不是文件夹或不存在",
    "load.dir_unreadable": "无法读取这个文件夹：{reason}。里面的记录都没有检查",
    "load.entry_unreadable": "无法读取：{reason}",
    "load.not_regular": "这不是普通文件，而是{what}：记录只能是普通的 .yaml 文件，请删除它",
    "load.git_link": "在 git 版本中这是一个符号链接：比较时不读取它指向的内容，请换成实际文件",
    "load.git_submodule": "在 git 版本中这是一个子模块（submodule）：记录只能是普通的 .yaml 文件，请删除它",
    "load.link_outside": (
        "这是指向记录文件夹以外的符号链接：记录必须放在记录文件夹里，此链接不读取；"
        "请把文件本身放进来，或删除这个链接"
    ),
    "load.link_loop": "这个符号链接形成循环（指回所在的文件夹或它的上级）：不读取，请删除它",
    "load.link_broken": "这个符号链接指向的文件或文件夹不存在：请删除它，或换成实际文件",
    "load.hidden": "名称以点开头，不读取（多数系统把这样的文件和文件夹当作隐藏的）：如果这是记录，请去掉名称开头的点",
    "load.name_clash": (
        "名称与同一文件夹里的 {other} 只差大小写或字符写法（如全角、半角）：在 Windows、macOS "
        "上它们是同一个名字，会丢失其中一个；请改名"
    ),
    "load.id_case": (
        "记录编号 {id} 与 {where} 的编号 {other} 只差大小写：同类记录的编号全市唯一，"
        "不区分大小写（Windows、macOS 的文件名也不区分）；请改名"
    ),
    # JSON Schema keywords (validate.py); one template per keyword used in schemas/
    "schema.required": "缺少必填项“{title}”（{name}）",
    "schema.additionalProperties": "不认识的键 {name}：{suggestion}",
    "schema.type": "应为{expected}，这里是{actual} {value}{hint}",
    "schema.enum": "{value} 不是允许的取值；可选：{allowed}",
    "schema.const": "应为 {expected}，这里是 {value}",
    "schema.pattern": "{value} 格式不符：{hint}{quote}{width}",
    # for a schema property marked "x-quote": true (codes, numbers people type with zeros)
    "schema.quote": "（请加引号）",
    "schema.format": "{value} 不是有效的{format}",
    "schema.date_years": "{value} 的年份不在 {first}–{last} 年之间：多半是年份写错了",
    "schema.minLength": "不能为空",
    "schema.maxLength": "{value} 太长：有 {length} 个字，最多 {limit} 个字",
    "schema.minItems": "至少需要 {limit} 项",
    "schema.maxItems": "最多 {limit} 项",
    "schema.uniqueItems": "列表中有重复的项",
    "schema.minimum": "{value} 太小：不能小于 {limit}",
    "schema.maximum": "{value} 太大：不能大于 {limit}",
    # the pieces of the schema messages above (validate.py)
    "field.label": "{path}（{title}）",  # errors[1].form（普查表号）
    "schema.hint_width": "。这里用了全角字符，请切换到半角输入",
    "schema.hint_quote_number": '。代码、编号和电话要加引号，如 "0610"',
    "schema.hint_quote_boolean": "。要写文字请加引号",
    "schema.hint_unquote_number": "。数字不要加引号",
    "schema.hint_boolean": "。是/否只能写 true 或 false",
    "schema.did_you_mean": "是不是想写 {name}？",
    "schema.allowed_keys": "这里允许的键有 {names}",
    "schema.pattern_plain": "应符合 {pattern}",  # a pattern without an x-hint
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
    "rule.due_order": "整改期限 {due} 早于审核日期 {reviewed_on}：这条错误一发现就逾期了，请核对期限",
    "rule.date_period": "{date} 不在工作时间安排 {start} 至 {end} 之内",
    "rule.period_order": "开始日期 {start} 晚于结束日期 {end}",
    "rule.awaiting_verification": "集中审核结论为“需现场核查”，但还没有关联现场核查记录（verification）",
    "rule.reviewed_missing": "{source_type}有 {n} 个问题对象，但审核对象数 reviewed.{name} 未填或为 0：差错率无法计算",
    "rule.reviewed_exceeded": "{source_type}问题对象数 {n} 大于审核对象数 {reviewed}：请核对 reviewed.{name}",
    "rule.assistance_not_key": "本县（区）未列入重点帮扶（key_assistance: false），却有重点帮扶记录",
    "rule.assistance_missing": "本县（区）列入重点帮扶，但还没有 assistance.yaml：工作报告中该部分将显示（待填写）",
    "rule.duplicate_object": (
        "与 {other} 记录的是同一普查对象（{why}）：一个普查对象只能有一个集中审核明细文件，"
        "否则问题对象数、差错率等各项统计都会重复计算；请把填报错误合并到其中一个文件，删除另一个"
    ),
    "rule.id_prefix": (
        "记录编号 {id} 的前缀 {prefix} 不是本县（区）的编号前缀（{expected}）{belongs}："
        "是否放错了县（区）文件夹，或复制记录后忘了改文件名？"
    ),
    "rule.same_credit_code": "统一社会信用代码同为 {code}",  # why of rule.duplicate_object
    "rule.same_name": "普查对象名称相同，不计空格、全角半角和大小写",
    "rule.prefix_belongs": "（{prefix} 是 {counties} 的编号前缀）",  # belongs of rule.id_prefix
    "rule.narrative_empty": "工作报告的“{part}”部分（{name}）还没有填写：报告中将显示（待填写）",
    "rule.confidential_in_public_text": (
        "这段文字会原样发布到公开版网站，却含有{what} {value}：请改写，"
        "不要写出普查对象或企业名称、人员姓名、电话、统一社会信用代码和普查员号"
    ),
    # Writing the outputs (render/annexes/excel.py)
    "render.cell_too_long": (
        "{book} 工作表“{sheet}”的 {cell} 单元格有 {length} 个字，超过 Excel 单元格的上限 {limit} 个字："
        "写入会被截断，因此没有生成附件。请在记录中缩短这段文字，或分成几条写"
    ),
}

# Why a file or folder could not be read, by errno (never the system's English text).
OS_REASONS = {
    errno.EACCES: "没有读取权限（请检查文件权限和所有者）",
    errno.EPERM: "没有读取权限（请检查文件权限和所有者）",
    errno.ENOENT: "不存在（可能在读取时被移走或删除）",
    errno.ELOOP: "符号链接形成循环",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "名称太长",
    errno.EIO: "磁盘读取出错",
}

# What a non-regular file is, by its type bits.
FILE_KINDS = (
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISSOCK, "套接字（socket）"),
    (stat.S_ISCHR, "字符设备文件"),
    (stat.S_ISBLK, "块设备文件"),
    (stat.S_ISDIR, "文件夹"),
)

# libyaml's problem strings (PyYAML's C parser) → what they mean for a record author. Only the
# Chinese is shown; a string missing here gets YAML_UNKNOWN, with libyaml's words as a hint.
_DIRECTIVE = "以“%”开头的行是 YAML 指令，记录里不需要：请删除这一行，或给值加引号"
_TAG = "以“!”开头的是类型标记，记录里不允许：需要文字时请给整个值加引号"
_TAB = "缩进里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格"
_BYTES = "文件里有无效的字符编码：请用 UTF-8 编码另存"
_ESCAPE = "双引号里的反斜杠“\\”转义写错了：请直接写出字符，或改用单引号"
CONTROL_CHARACTERS = "文件里有不可见的控制字符，请删除"
YAML_PROBLEMS = {
    "mapping values are not allowed in this context":
        "冒号“:”用错了位置；值里含有“: ”时请给整个值加引号",
    "found unexpected ':'": "冒号“:”用错了位置；值里含有“:”时请给整个值加引号",
    "could not find expected ':'": "缺少冒号“:”，或上一行的引号没有闭合",
    "did not find expected key": "缩进不一致，或上面某行的引号没有成对：同一层的键要对齐",
    "expected <block end>": "缩进不一致：同一层的键要对齐",
    "did not find expected '-' indicator": "列表项缩进不一致：同一列表的“- ”要对齐",
    "block sequence entries are not allowed in this context":
        "这里不能开始“- ”列表：列表要另起一行，写在键的下一行并缩进",
    "mapping keys are not allowed in this context": "这里不能用“? ”：请写成“键: 值”",
    "did not find expected ',' or ']'": "方括号“[ ]”没有闭合，或列表项之间缺少逗号“,”",
    "did not find expected ',' or '}'": "花括号“{ }”没有闭合，或各项之间缺少逗号“,”",
    "did not find expected node content": "这里缺少内容：请检查多余的“,”“-”“?”或没有写完的括号",
    "found unexpected end of stream": "引号或括号没有闭合",
    "found unexpected document indicator": "行首的“---”或“...”表示文档分隔：引号里的文字换行后请缩进",
    "found unknown escape character": "双引号里的反斜杠“\\”需要写成“\\\\”，或改用单引号",
    "found invalid Unicode character escape code": _ESCAPE,
    "did not find expected hexdecimal number": _ESCAPE,
    "control characters are not allowed": CONTROL_CHARACTERS,
    "invalid Unicode character": "文件里有不允许的字符，请删除",
    "found character that cannot start any token":
        "这里有不能出现在开头的字符（如 @、`、%），请给值加引号",
    "did not find expected comment or line break":
        "值后面有多余的内容：“#”注释前要空一格；值里有特殊字符时请给整个值加引号",
    "did not find expected whitespace": "这里缺少空格",
    "did not find expected whitespace or line break": "这里缺少空格或换行",
    "found an indentation indicator equal to 0": "“|”或“>”后面的缩进数字不能是 0",
    "did not find expected alphabetic or numeric character":
        "“&”“*”“!”后面缺少名字：记录里不允许锚点、别名和类型标记，需要文字时请加引号",
    "did not find expected <document start>": _DIRECTIVE,
    "found unknown directive name": _DIRECTIVE,
    "could not find expected directive name": _DIRECTIVE,
    "found incompatible YAML document": _DIRECTIVE,
    "found duplicate %YAML directive": _DIRECTIVE,
    "found duplicate %TAG directive": _DIRECTIVE,
    "did not find expected version number": _DIRECTIVE,
    "found extremely long version number": _DIRECTIVE,
    "did not find expected digit or '.' character": _DIRECTIVE,
    "found undefined tag handle": _TAG,
    "did not find expected tag URI": _TAG,
    "did not find URI escaped octet": _TAG,
    "did not find expected '!'": _TAG,
    "did not find the expected '>'": _TAG,
    "found unexpected non-alphabetical character": _TAG,
    "found an incorrect leading UTF-8 octet": _TAG,
    "found an incorrect trailing UTF-8 octet": _TAG,
    "found undefined alias": "不允许使用别名“*”：请把内容直接写出来",
    "found a tab character where an indentation space is expected": _TAB,
    "found a tab character that violates indentation": _TAB,
    "invalid leading UTF-8 octet": _BYTES,
    "invalid trailing UTF-8 octet": _BYTES,
    "invalid length of a UTF-8 sequence": _BYTES,
    "unexpected low surrogate area": _BYTES,
    "input is too long": "文件太长",
}
YAML_UNKNOWN = "无法解析这一处：请检查引号、括号、冒号和缩进"

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

LIST_SEP = "、"  # between the items of a list in a sentence (甲、乙、丙)
OR = "或"  # between the types a value may have (文字或整数)
# a list or a mapping where a value or a key was expected, as a message shows it
LIST_SHOWN = "（列表）"
MAPPING_SHOWN = "（映射）"


def quote(value: object) -> str:
    """A value as the person typed it, in double quotes where it is text."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, (dict, list)):
        return LIST_SHOWN if isinstance(value, list) else MAPPING_SHOWN
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


def os_reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in Chinese."""
    known = OS_REASONS.get(exc.errno or 0)
    return known or f"系统错误（errno {exc.errno}）"


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (a FIFO, a socket, a device …)."""
    return next((name for test, name in FILE_KINDS if test(mode)), "特殊文件")


def yaml_problem(problem: str) -> str | None:
    """libyaml's problem string in Chinese; None for one not known here."""
    return YAML_PROBLEMS.get(problem.strip())
