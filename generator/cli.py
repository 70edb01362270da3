"""Command line: argument parsing, printing and exit codes (with generator/commands/).

Exit codes (generator/exits.py): 0 success (warnings allowed), 1 problems in the records or
a failed build, 2 wrong usage, 3 the environment (a path that is not a records folder, an
unreadable file, an unwritable folder, a busy port), 70 an internal error (a bug), 130
interrupted. A command refuses with :class:`generator.exits.Refused`; an OSError that no
command expected is still the system refusing, so it is reported as 3 with its file, never
as a bug.
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
from pathlib import Path

from generator import __version__, commands
from generator.exits import EXIT_BUG, EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_USAGE, Refused
from generator.workflow_messages import render


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
    except Refused as exc:
        text = exc.message()
        if exc.exit_code == EXIT_USAGE:
            text = f"{parser.prog} {args.command}: " + render("usage.prefix", message=text)
        sys.stderr.write(text + "\n")
        return exc.exit_code
    except _Terminated:
        sys.stderr.write("已终止。\n")
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return EXIT_INTERRUPTED
    except OSError as exc:  # the system refused something no command foresaw: not a bug
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(_os_error(exc) + "\n")
        return EXIT_ENVIRONMENT
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(f"内部错误（程序缺陷，请把这条信息报告给市普查办技术组）：{type(exc).__name__}: {exc}\n"
                         "设置环境变量 GENERATOR_DEBUG=1 后重试可看到详细信息。\n")
        return EXIT_BUG


def _os_error(exc: OSError) -> str:
    from generator.exits import os_reason, shown

    if exc.filename is None:
        return render("env.os_error_nofile", reason=os_reason(exc))
    return render("env.os_error", file=shown(Path(os.fsdecode(exc.filename))), reason=os_reason(exc))
