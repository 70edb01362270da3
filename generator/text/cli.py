"""The Chinese text of the command line itself (generator/cli/main.py and the --help of each
command in generator/cli/commands/) and of the problem reports (generator/errors.py): a stable
code, a ``str.format`` template, as in the other catalogs."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "cli.description": "普查质量提升指导：校验记录，生成网站、附件表格和工作报告。",
    "cli.metavar": "命令",
    "cli.terminated": "已终止。",
    "cli.interrupted": "已中断。",
    "cli.bug": (
        "内部错误（程序缺陷，请把这条信息报告给市普查办技术组）：{kind}: {detail}\n"
        "设置环境变量 GENERATOR_DEBUG=1 后重试可看到详细信息。"
    ),
    # the commands' --help: a command's summary (help.<command>), description and options
    # (help.<command>.<option>); help.records is every command's RECORDS_DIR
    "help.records": "记录文件夹（默认 records）",
    "help.validate.strict": "把警告也当作错误",
    "help.validate.format": "问题的输出格式：text（默认）、json，或 github（拉取请求中的行内批注）",
    "help.validate": "校验 records/ 下的全部记录，报告每一处问题",
    "help.validate.description": "校验全部记录：文件、行、列、字段和中文说明，一次报告全部问题。",
    "help.build": "校验记录并生成网站 site/、附件表格和工作报告 dist/",
    "help.build.description": (
        "校验全部记录；没有错误时生成网站、附件1–3 和工作报告。有错误时不生成，"
        "原有的网站和附件保持不变。"
    ),
    "help.build.profile": (
        "internal（默认）：内部版，含明细和附件；public：公开版，"
        "不含任何普查对象、信用代码、普查员号和人员信息，不生成附件"
    ),
    "help.build.site": "网站输出文件夹（默认 内部版 site，公开版 site-public）",
    "help.build.dist": "附件和报告输出文件夹（默认 dist）",
    "help.build.as_of": (
        "数据截至日期，"
        "即各输出文件标注的日期（默认取 git 中 records/ 最后一次提交的日期，"
        "没有 git 时取工作结束日；"
        "设置了环境变量 SOURCE_DATE_EPOCH 时以它为准）"
    ),
    "help.diff": "与 git 中的某个版本比较：各县（区）新增、修改、删除了哪些记录，新出现哪些问题",
    "help.diff.description": (
        "把工作区的记录与 git 中 BASE_REF 版本比较："
        "按县（区）列出新增、修改、删除的记录，新出现和已消除的校验问题，以及新整改的填报错误。"
        "不会切换分支或改动文件。"
    ),
    "help.diff.base": "比较的基准：分支、标签或提交号，如 origin/main",
    "help.diff.format": "输出格式：text（默认）或 markdown（拉取请求的摘要）",
    "help.import": "把填好的附件1或附件2导入为一个县（区）的 YAML 记录，或导入整改台账",
    "help.import.description": (
        "读取填好的附件1（无法填报 G106-1 问题表）或附件2（集中审核普查表情况明细表），"
        "为一个县（区）写入新的记录并校验；或读取发回的整改台账（按表头识别），"
        "只更新各处错误的整改情况。已有的记录不会被覆盖，重复导入不会改变任何文件。"
    ),
    "help.import.workbook": "填好的工作簿（.xlsx）",
    "help.import.county": "县（区）文件夹名，如 hualong（导入附件1、附件2时必填）",
    "help.import.dry_run": "只检查并显示将写入的文件，不写入",
    "help.import.reviewer": "审核人（导入附件2时必填）",
    "help.import.reviewed_on": "审核日期 YYYY-MM-DD（必填；附件1 只用于记录编号）",
    "help.import.status": "附件2 各处错误的整改状态（默认 未整改；已整改时整改日期取审核日期）",
    "help.import.result": "附件1 各问题的集中审核结论（默认 需现场核查）",
    "help.import.force": "有错误时仍写入没有错误的记录（有错误的记录仍不写入）",
    "help.new": "新建一条记录：带中文说明和待填写项的模板，编号不会与别人的冲突",
    "help.new.description": (
        "新建一条记录并打印它的路径。模板列出每个字段的中文名称和说明；"
        "待填写项在填好之前通不过校验。已有的文件不会被覆盖。"
    ),
    "help.new.kind": (
        "finding（集中审核明细）、g106（G106-1 问题）、verification（现场核查）、"
        "assistance（重点帮扶记录）或 county（新建县（区））"
    ),
    "help.new.county": "县（区）文件夹名，如 hualong",
    "help.new.metavar_kind": "类别",
    "help.new.metavar_county": "县区代号",
    "help.new.date": "编号中的日期，一般是审核或核查的日期（默认今天）",
    "help.serve": "本地预览网站：修改记录后自动重新生成并刷新浏览器",
    "help.serve.description": "在本机启动预览服务器；记录改动后自动校验并刷新页面，记录有错误时浏览器中显示问题清单。",
    "help.serve.host": "监听地址（默认 127.0.0.1，仅本机；0.0.0.0 会让同一网络中的人都能看到内部版网站）",
    "help.serve.port": "端口 1–65535（默认 8000）",
    "help.serve.downloads": "预览中也生成附件表格、工作报告和整改台账（较慢；默认不生成，下载页为空）",
    "help.codeowners": "根据各县（区）county.yaml 的 owners 生成 .github/CODEOWNERS（审核人）",
    "help.codeowners.description": (
        "生成 CODEOWNERS："
        "各县（区）的记录由 county.yaml 中 owners 列出的账号审核，"
        "格式、程序、模板和市级记录由市普查办技术组审核。"
    ),
    "help.codeowners.write": "写入文件（默认只打印）",
    "help.codeowners.check": "只检查：文件与 county.yaml 不一致时退出码为 1",
    "help.codeowners.output": "CODEOWNERS 文件（默认为记录文件夹旁的 .github/CODEOWNERS）",
    # the last line of every problem report (errors.py)
    "report.passed": "检查了 {files} 个文件：全部通过。",
    "report.summary": "检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。",
    "report.warning": "警告：",
}


def render(code: str, **fields: object) -> str:
    return MESSAGES[code].format(**fields)
