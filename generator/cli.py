"""Command line: argument parsing, printing and exit codes (with generator/commands/).

Exit codes: 0 success (warnings allowed), 1 problems in the records or a failed build,
2 wrong usage, 70 an internal error (a bug), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import threading
from collections.abc import Sequence

from generator import __version__, commands

EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 2, 70, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: 用法错误：{message}\n")
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m generator",
                     description="普查质量提升指导：校验记录，生成网站、附件表格和工作报告。")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"generator.commands.{info.name}").register(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a CI timeout, `kill`): unwind like Ctrl+C, so the build's ``finally`` removes
    its staging folder and the previous output stays as it was; then die of the signal."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except _Terminated:
        sys.stderr.write("已终止。\n")
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(f"内部错误（程序缺陷，请把这条信息报告给市普查办技术组）：{type(exc).__name__}: {exc}\n"
                         "设置环境变量 GENERATOR_DEBUG=1 后重试可看到详细信息。\n")
        return EXIT_BUG
