"""The Chinese text of the command line itself (generator/cli/main.py) and of the problem reports
(generator/errors.py): a stable code, a ``str.format`` template, as in the other catalogs."""

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
    # the last line of every problem report (errors.py)
    "report.passed": "检查了 {files} 个文件：全部通过。",
    "report.summary": "检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。",
    "report.warning": "警告：",
}
