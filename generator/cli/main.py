"""Command line: argument parsing, printing and exit codes (with generator/cli/commands/).

Exit codes (generator/exits.py): 0 success (warnings allowed), 1 problems in the records or
a failed build, 2 wrong usage, 3 the environment (a path that is not a records folder, an
unreadable file, an unwritable folder, a busy port), 70 an internal error (a bug), 130
interrupted. A command stops with a :class:`generator.errors.GeneratorError` (Refused,
BuildError, the importer's UsageError …): it knows its code, fields and exit code, and
:meth:`~generator.errors.GeneratorError.show` formats it; this module prints it and exits
with its code. An OSError that no command expected is still the system refusing, so it is
reported as 3 with its file, never as a bug.
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

from generator import __version__, exits
from generator.cli import commands
from generator.errors import (
    EXIT_BUG,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    GeneratorError,
)
from generator.text import render


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: " + render("usage.prefix", message=message) + "\n")
        sys.exit(EXIT_USAGE)


# The subcommands, listed when the package is imported: the folder must be readable then
# anyway, and a run that has since lost the right to list it (a process that dropped its
# privileges, a checkout under a private folder) still knows its commands.
COMMANDS = tuple(sorted(info.name for info in pkgutil.iter_modules(commands.__path__)))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m generator",
                     description=render("cli.description"))
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar=render("cli.metavar"), parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"generator.cli.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        exits.armed()
        signal.signal(signal.SIGTERM, exits.terminate)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except GeneratorError as exc:
        sys.stderr.write(exc.show(f"{parser.prog} {args.command}") + "\n")
        return exc.exit_code
    except exits.Terminated:
        sys.stderr.write(render("cli.terminated") + "\n")
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write(render("cli.interrupted") + "\n")
        return EXIT_INTERRUPTED
    except OSError as exc:  # the system refused something no command foresaw: not a bug
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(_os_error(exc) + "\n")
        return EXIT_ENVIRONMENT
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        sys.stderr.write(render("cli.bug", kind=type(exc).__name__, detail=exc) + "\n")
        return EXIT_BUG


def _os_error(exc: OSError) -> str:
    from generator.exits import os_reason, shown

    if exc.filename is None:
        return render("env.os_error_nofile", reason=os_reason(exc))
    return render("env.os_error", file=shown(Path(os.fsdecode(exc.filename))), reason=os_reason(exc))
