"""The Chinese text of the pull-request workflow commands (``new``, ``diff``, ``codeowners``).

Kept apart from :mod:`generator.text.records` (the validator's messages) so that the two can
change independently; same convention: a stable code, a ``str.format`` template.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # build --profile public: the last-line scan (leakscan.py)
    "build.leak": (
        "公开版网站中发现 {count} 处保密内容，本次生成未发布，原有的公开版网站未被改动：{shown}。"
        "请检查模板、页面和记录中可公开的文字"
    ),
    "build.leak_more": "；另有 {n} 处",
    "build.leak_item": "{file}（{value}）",
    "build.leak_sep": "；",
    # new
    "new.unknown_county": (
        "没有县（区）文件夹 {folder}。现有的县（区）：{known}。"
        "新建县（区）请先运行 python -m generator new county --county {slug}"
    ),
    "new.bad_slug": "县（区）代号 {slug} 不合规：只能用小写字母、数字和“-”，如 hualong",
    "new.no_records": "记录文件夹 {folder} 不存在",
    "new.exists": "{file} 已存在，不会覆盖：请直接编辑这个文件",
    "new.no_free_id": "找不到空闲的记录编号（{pattern}），请换一个日期（--date）",
    "new.bad_date": "日期 {value} 无效：应写成 YYYY-MM-DD，如 2019-03-11",
    "new.written": "已新建 {file}：请把每个 \"\"、\"YYYY-MM-DD\" 和空着的值换成实际内容，再运行 python -m generator validate",
    # scaffold comments (inside the new file)
    "scaffold.header": "# {title}：{description}",
    "scaffold.howto": (
        "# 填写方法：“#”开头的行是说明，可以保留。把每个 \"\"、\"YYYY-MM-DD\" 和空着的值换成实际内容；"
        "未填写的记录不能通过校验，也不能合并。"
    ),
    "scaffold.required": "必填",
    "scaffold.fill": "请填写；确实没有时整项删去",
    "scaffold.optional": "选填：需要时删去下一行开头的“# ”再填写",
    "scaffold.optional_list": "选填：没有时保留 []；有时把 [] 换成列表，每项以“- ”开头",
    "scaffold.item_fields": "每项包括 {fields}",
    "scaffold.enum": "可选：{values}",
    "scaffold.example": "例：{example}",
    "scaffold.boolean": "填 true（是）或 false（否）",
    "scaffold.integer": "填整数，不加引号",
    "scaffold.more_items": "有多项时照第一项的样子续写，每项以“- ”开头",
    # the pieces a field's comment is built from: # 标题：说明。可选：…。例：…。（必填）
    "scaffold.title": "{title}：{description}",
    "scaffold.sentence": "{text}。",
    "scaffold.status": "（{status}{extra}）",
    "scaffold.also": "；{text}",  # after the status: 必填；有多项时…
    # an item's fields in the comment of an optional list: date（日期，必填）；…
    "scaffold.item_field": "{name}（{title}，{note}{values}）",
    "scaffold.item_values": "：{values}",
    "scaffold.item_optional": "选填",
    "scaffold.item_sep": "；",
    "new.no_counties": "（无）",  # the list of existing counties, when there is none
    # diff
    "diff.git_missing": "找不到 git 命令：diff 需要安装 git",
    "diff.not_a_repo": "{folder} 不在 git 仓库里：diff 比较的是 git 中的两个版本",
    "diff.bad_ref": "git 中没有 {ref}：请写分支名、标签或提交号，如 origin/main（拉取请求的目标分支）",
    "diff.git_failed": "git 命令失败：{detail}",
    "diff.county": "{name}（{slug}）",
    "diff.labelled": "{label}：{value}",  # 已消除的问题：3; with no value, a list follows
    "diff.title": "本次变更（与 {base} 相比）",
    "diff.nothing": "记录没有变化。",
    "diff.city": "市级",
    "diff.added": "新增",
    "diff.changed": "修改",
    "diff.removed": "删除",
    "diff.new_problems": "新出现的问题",
    "diff.gone_problems": "已消除的问题",
    "diff.rectified": "新整改的填报错误",
    "diff.more_rows": "……另有 {n} 行未列出：在本地运行 python -m generator diff 可看到全部。",
    "diff.total": (
        "合计：新增 {added} 条，修改 {changed} 条，删除 {removed} 条记录；"
        "新出现 {errors} 个错误、{warnings} 个警告；消除 {gone} 个问题；新整改 {rectified} 处填报错误。"
    ),
    "diff.now_failing": "当前记录仍有 {errors} 个错误，不能合并：请按上面的批注修改。",
    "diff.now_passing": "当前记录校验通过。",
    "diff.note": (
        "两个版本都用当前的校验规则检查，所以“新出现的问题”是本次改动带来的；"
        "问题按文件、字段和说明比较，只挪了行号的不算新问题。"
    ),
    # the command line: wrong arguments (exit 2) and a refusing environment (exit 3)
    "env.no_records": "记录文件夹 {folder} 不存在：请写记录文件夹的路径，如 records",
    "env.not_a_folder": "{folder} 是文件，不是记录文件夹：请写记录文件夹的路径，如 records",
    "env.not_records": (
        "{folder} 不是记录文件夹：里面既没有 city.yaml，也没有带 county.yaml 的县（区）文件夹。"
        "请写记录文件夹的路径，如 records"
    ),
    "env.unreadable": "无法读取 {file}：{reason}",
    "env.unwritable": "无法写入 {file}：{reason}。没有改动任何已有文件",
    "env.os_error": "无法访问 {file}：{reason}。请检查路径和权限后重试",
    "env.os_error_nofile": "系统拒绝了操作：{reason}。请检查路径、权限和磁盘空间后重试",
    "reason.EACCES": "没有权限",
    "reason.EROFS": "文件夹是只读的",
    "reason.ENOSPC": "磁盘空间不足",
    "reason.EDQUOT": "磁盘配额已用完",
    "reason.ENOENT": "不存在",
    "reason.ENOTDIR": "路径中有一段是文件，不是文件夹",
    "reason.EISDIR": "这是文件夹，不是文件",
    "reason.EEXIST": "已有同名的文件或文件夹",
    "reason.ELOOP": "符号链接循环",
    "reason.ENAMETOOLONG": "路径太长",
    "reason.EMFILE": "打开的文件太多",
    "reason.EBUSY": "正被占用",
    "usage.prefix": "用法错误：{message}",
    # serve
    "serve.as_of_help": "数据截至日期（默认取 git 中 records/ 最后一次提交的日期，与 build 相同）",
    "serve.bad_port": "端口 {value} 无效：应是 1–65535 之间的整数，如 8000",
    "serve.bad_host": "监听地址 {value} 无效：请写 IP 地址，如 127.0.0.1（仅本机）或 localhost",
    "serve.port_busy": "端口 {port} 已被占用（可能已有一个预览在运行）：请换一个端口，如 --port {other}",
    "serve.port_denied": "没有权限使用端口 {port}（1024 以下的端口需要管理员权限）：请换一个端口，如 --port 8000",
    "serve.no_address": "本机没有地址 {host}：请用 127.0.0.1（仅本机），或本机网卡的地址",
    "serve.bind_failed": "无法在 {host}:{port} 上启动预览：{reason}",
    "serve.exposed": (
        "警告：监听地址 {host} 不只是本机，同一网络中的任何人都能打开预览，"
        "看到内部版网站（普查对象明细、信用代码、普查员号和人员信息）。只在本机预览请去掉 --host。"
    ),
    "serve.url": "预览地址：{url}  （Ctrl+C 退出）",
    "serve.changed": "检测到修改，重新生成……",
    "serve.updated": "[{time}] 预览已更新。",
    "serve.problems": "[{time}] 记录有错误：浏览器中显示问题清单，改正并保存后自动刷新。",
    "serve.failed": (
        "[{time}] 生成失败（程序缺陷，请把这条信息报告给市普查办技术组）：{detail}。"
        "浏览器中显示这条信息；继续监视修改。"
    ),
    "serve.page_title": "预览：记录有问题",
    "serve.page_problems": "记录有错误，网站没有更新。改正下面的问题并保存，页面会自动刷新。",
    "serve.page_failed": "记录通过了校验，但生成网站时出错（程序缺陷，请报告给市普查办技术组）。修改记录或程序后页面会自动刷新。",
    "serve.stopped": "预览已停止。",
    # codeowners
    "codeowners.header": (
        "# 由 python -m generator codeowners --write 根据各县（区）county.yaml 的 owners 生成，请勿手改。\n"
        "# 拉取请求改到哪个文件夹，就请哪个账号审核；后面的规则优先。"
    ),
    "codeowners.city": "# 市普查办技术组：记录格式、程序、网站模板、工作流程和市级记录",
    "codeowners.counties": "# 各县（区）普查办：本县（区）的记录",
    "codeowners.no_owners": "# {slug}：county.yaml 没有填写 owners，暂由市普查办技术组负责",
    "codeowners.bad_county": "{file} 无法读取或 owners 填写有误（{detail}）：请先运行 python -m generator validate",
    "codeowners.bad_slug": (
        "县（区）文件夹名 {file} 不合规（只能用小写字母、数字和“-”）：不能写进 CODEOWNERS，"
        "请先改名，再运行 python -m generator validate"
    ),
    "codeowners.in_sync": "{file} 与各县（区）county.yaml 的 owners 一致。",
    "codeowners.out_of_sync": (
        "{file} 与各县（区）county.yaml 的 owners 不一致：请运行 python -m generator codeowners --write，"
        "并把改动一起提交。"
    ),
    "codeowners.written": "已写入 {file}",
}

KIND_NAMES = {
    "city": "市级记录",
    "county": "县（区）信息",
    "assistance": "重点帮扶记录",
    "finding": "集中审核明细",
    "g106": "G106-1 问题",
    "verification": "现场核查",
}

# the column headings of the diff's Markdown tables (a pull request's job summary)
DIFF_COUNTY = "县（区）"  # the overview's first column; the others are diff.* counts
DIFF_CHANGE_HEADERS = ("变更", "类别", "文件", "名称")
DIFF_PROBLEM_HEADERS = ("位置", "字段", "问题")
DIFF_RECTIFIED_HEADERS = ("记录", "名称", "普查表号", "指标", "整改日期")


def render(code: str, **fields: object) -> str:
    return MESSAGES[code].format(**fields)
