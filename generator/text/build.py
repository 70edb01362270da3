"""Every Chinese text the ``build`` command prints about its output folders, keyed by a
stable code; ``render`` appends the code, as ``[build.…]``, so a script can branch on it.

Kept apart from records.py (the validator's) so the two change independently; same
convention: a ``str.format`` template per code.
"""

from __future__ import annotations

import errno

ROLES = {"site": "网站", "dist": "附件"}
PROFILES = {"internal": "内部版", "public": "公开版"}

MESSAGES: dict[str, str] = {
    # usage errors (exit 2), said before anything is validated or moved
    "build.source_date": (
        "环境变量 SOURCE_DATE_EPOCH 的值“{value}”无效：应为自 1970-01-01 起的整数秒数（如 1559174400，即 2019-05-30；"
        "至多到 2099 年底），"
        "或者不设置它（此时取 git 中记录的最后修改时间，没有 git 时取工作结束日）"),
    "build.no_project": "找不到记录格式和网站模板：{records} 所在的文件夹及其上级文件夹中没有同时包含 "
                        "schemas/、site_templates/ 和 mkdocs.yml 的仓库。请在记录所在的仓库中运行，"
                        "或用 --records 指向仓库中的 records 文件夹",
    "build.as_of": "--as-of 的值“{value}”无效：应为 2000–2099 年间的日期 YYYY-MM-DD，如 2019-05-30",
    "build.output_same": "网站 {site} 和附件 {dist} 不能是同一个文件夹：请分别指定 --site 和 --dist",
    "build.output_nested": (
        "网站 {site} 和附件 {dist} 不能一个在另一个里面（替换一个会删掉另一个）：请分别指定两个并列的文件夹"),
    "build.output_protected": (
        "{role}输出文件夹 {path} {relation}{what} {protected}：生成时会整个替换输出文件夹，"
        "请另选一个文件夹（如默认的 site、dist）"),
    "build.output_symlink": "{role}输出文件夹 {path} 是一个符号链接：请直接指定它指向的实际文件夹，或另选一个文件夹",
    "build.output_not_folder": "{role}输出文件夹 {path} 已存在，但它是一个文件而不是文件夹：请另选一个位置",
    "build.output_unreadable": (
        "无法查看{role}输出文件夹 {path} 里有什么（没有访问权限）：看不到里面的文件就不能替换它，请检查权限，或另选一个文件夹"),
    "build.output_foreign": (
        "{role}输出文件夹 {path} 里已有文件，但它不是本工具生成的（没有 {mark} 标记）。"
        "生成时会整个替换这个文件夹，为免误删其中的文件，本次没有生成。"
        "请另选一个空的或不存在的文件夹；如确认其中没有要保留的文件（例如旧版本生成的网站），可以手动删除它后再运行"),
    "build.output_other": (
        "{role}输出文件夹 {path} 是{their_profile}{their_role}的输出，不能用作{profile}{role}的输出"
        "（会把它整个替换掉）：请另选一个文件夹"),
    # relations and protected things, for build.output_protected
    "build.is": "就是",
    "build.inside": "位于",
    "build.holds": "包含了",
    "build.records": "记录文件夹",
    "build.schemas": "格式说明文件夹 schemas",
    "build.git": "git 仓库数据 .git",
    "build.repo": "仓库根目录",
    # notes and failures of the swap and of recovery
    "build.restored": "上一次生成中途被终止：已恢复原有的 {target}",
    "build.left_other": (
        "上一次生成（{profile}，{outputs}）中途被终止，留下的 {stale} 中的 {copies} 不属于本次生成，未恢复也未删除："
        "用当时的 --profile 和输出文件夹再运行一次 build 会自动恢复；不需要时可以检查后手动删除"),
    "build.left_unknown": "上一次生成留下的 {stale} 中有 {copies}，请检查后手动删除",
    "build.write_failed": "写出文件失败{where}：{reason}；{outcome}",
    "build.where": "（{file}）",
    "build.outcome_sep": "，",
    "build.list_sep": "、",
    "build.unchanged_all": "原有的网站和附件未被改动",
    "build.updated": "{role} {target} 已更新",
    "build.unchanged": "{role} {target} 未改动",
    "build.kept_aside": "{role} {target} 原有的版本暂存在 {stale}，下次运行 build 时会自动恢复",
}


def render(code: str, **fields: object) -> str:
    """The message of ``code`` with its fields filled in, followed by ``[code]``."""
    return f"{MESSAGES[code].format(**fields)} [{code}]"


def text(code: str, **fields: object) -> str:
    """A fragment of a message (no code appended)."""
    return MESSAGES[code].format(**fields)


# Failures of the build itself, printed as they always were: without a ``[code]`` at the end.
PLAIN: dict[str, str] = {
    "build.mkdocs_failed": "MkDocs 生成网站失败：{detail}",
    "build.lock_failed": "无法在 {parent} 建立临时文件夹和锁文件：{reason}",
    "build.busy": "另一个生成正在向 {parent} 输出，请等它结束后再试",
    "build.cleanup_failed": "无法清理 {parent} 中上一次生成留下的文件：{reason}",
    "build.stage_failed": "无法在 {parent} 建立临时文件夹：{reason}",
    "build.mkdir_failed": "无法建立输出文件夹 {parent}：{reason}",
    "build.other_disk": (
        "网站 {site} 和附件 {dist} 的输出文件夹须在同一磁盘上（生成完成后一次性替换，跨磁盘做不到），"
        "请换一个位置"),
    "build.reason_other": "系统错误 {detail}",
    "build.detail_sep": "；",
    "build.no_lock": "{parent} 所在的文件系统不支持加锁：请勿同时运行两个生成",
    "build.report_file": "工作报告.docx",
    # the annex workbooks (render/annexes/)
    "annex.as_of": "数据截至：{year}年{month}月{day}日",
    "annex.training_sheet": "{county}-骨干指导",
    "annex.template_file": "{label}_填报模板.xlsx",
    "annex.template_title": "{title}（填报模板）",
    "annex.lists_sheet": "填报选项",
    "annex.template_hint_annex1": "填表说明：每个问题一行，代码按文本填写（保留前导零）；填好后用 python -m generator import 导入。",
    "annex.template_hint_annex2": (
        "填表说明：同一普查对象有多处填报错误时每处一行，序号、普查对象名称、污染源类型只在第一行填写；"
        "污染源类型和普查表号从下拉列表中选择；填好后用 python -m generator import 导入。"),
    # the site: every page's footer (MkDocs' copyright line) and the rectification page
    "build.as_of_footer": "数据截至 {date}",
    "build.nav_progress": "整改进展",
    "build.nav_maintenance": "维护",
    # the overdue list as HTML (render/site/progress.py; the Markdown one: progress_tables.md.j2)
    "build.overdue_headers": "序号|县（区）|普查对象名称|普查表号|指标|整改状态|整改期限|逾期天数|整改责任人|记录编号",
    "build.overdue_number": " 第 {number} 处",
    # the build command's own lines (commands/build.py)
    "build.usage_line": "用法错误：{line}",
    "build.note": "提示：{note}",
    "build.blocked": "记录有错误，未生成网站和附件；原有输出保持不变。",
    "build.site": "网站：{path}",
    "build.download": "下载：{path}",
}

# Why a write failed, by errno (build_outputs.reason); the system's own words only for others.
WRITE_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
    errno.EDQUOT: "磁盘配额已用完，请清理后重试",
    errno.EACCES: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EPERM: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EROFS: "文件夹是只读的，请换一个输出文件夹",
    errno.ENOTDIR: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
    errno.EEXIST: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
}

# Where a workbook header too wide for its column may be broken (render/annexes/widths.py):
# before one of these words, the word starting the second line; and the punctuation that
# never starts a line (closing) or ends one (opening), as Chinese typesetting has it.
HEADER_BREAKS = ("计量单位", "技术名称", "名称", "代码", "类型", "指标", "简述", "（")
NO_LINE_START = "）》」』】，。、；：？！"
NO_LINE_END = "（《「『【"
