"""Command line: argument parsing, printing and exit codes. The only module that prints or exits.

Exit codes: 0 success (warnings allowed), 1 problems in the records or a failed build,
2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import __version__
from generator.errors import REPORTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: 用法错误：{message}\n")
        sys.exit(EXIT_USAGE)


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.pipeline import check

    checked = check(Path(args.records), strict=args.strict)
    reporter = REPORTERS[args.format]
    sys.stdout.write(reporter(checked.problems, checked.loaded.n_files))
    return EXIT_OK if checked.ok else EXIT_PROBLEMS


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m generator",
        description="普查质量提升指导：校验记录，生成网站、附件表格和工作报告。",
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser(
        "validate",
        help="校验 records/ 下的全部记录，报告每一处问题",
        description="校验全部记录：文件、行、列、字段和中文说明。",
    )
    p.add_argument("records", nargs="?", default="records", help="记录文件夹（默认 records）")
    p.add_argument("--strict", action="store_true", help="把警告也当作错误")
    p.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        default=_default_format(),
        help="输出格式：text（默认）、json，或 github（拉取请求中的行内批注）",
    )
    p.set_defaults(func=cmd_validate)
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"validate": cmd_validate}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(
            f"内部错误（程序缺陷，请把这条信息报告给市普查办技术组）：{type(exc).__name__}: {exc}\n"
            "设置环境变量 GENERATOR_DEBUG=1 后重试可看到详细信息。\n"
        )
        return 70
