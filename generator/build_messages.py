"""Every Chinese text the ``build`` command prints about its output folders, keyed by a
stable code; ``render`` appends the code, as ``[build.…]``, so a script can branch on it.

Kept apart from messages.py (the validator's) so the two change independently; same
convention: a ``str.format`` template per code.
"""

from __future__ import annotations

ROLES = {"site": "网站", "dist": "附件"}
PROFILES = {"internal": "内部版", "public": "公开版"}

MESSAGES: dict[str, str] = {
    # usage errors (exit 2), said before anything is validated or moved
    "build.source_date": (
        "环境变量 SOURCE_DATE_EPOCH 的值“{value}”无效：应为自 1970-01-01 起的整数秒数（如 1559174400，即 2019-05-30），"
        "或者不设置它（此时取 git 中记录的最后修改时间，没有 git 时取工作结束日）"),
    "build.as_of": "--as-of 的值“{value}”无效：应为日期 YYYY-MM-DD，如 2019-05-30",
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
