"""Exit codes, and the refusal a command raises when its arguments or its surroundings are wrong.

Takes what a command was pointed at (a records folder, an OSError it met); gives a
:class:`Refused` (a :class:`generator.errors.GeneratorError`) carrying a message code of
:mod:`generator.text.workflow` and the exit code it stands for. The CLI (generator/cli/main.py)
prints it and exits with that code, so that 70 is left for our own bugs (the codes are
defined in generator/errors.py and repeated here for the commands that import them):

    0 success (warnings allowed)   1 problems in the records or a failed build
    2 wrong usage (arguments)      3 the environment: a path that is not a records folder,
                                     an unreadable file, an unwritable folder, a busy port
    70 an internal error (a bug)   130 interrupted
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

from generator.errors import (
    EXIT_BUG,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    GeneratorError,
)
from generator.text import render

__all__ = ["EXIT_BUG", "EXIT_ENVIRONMENT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PROBLEMS",
           "EXIT_USAGE", "Refused", "Terminated", "create_exclusive", "os_reason",
           "require_records", "shown", "stop_if_terminated", "terminate"]


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI timeout, `kill`): unwound like Ctrl+C, so that a build's ``finally``
    removes its staging folder and the previous outputs stay as they were; the CLI then dies
    of the signal."""


# Set by the SIGTERM handler, and left set: the exception it raises can be swallowed where it
# lands (an extension module being imported turns it into a failed import, and the library
# importing it carries on), but the request to stop is not forgotten (stop_if_terminated).
_TERMINATED = threading.Event()


def terminate(signum: int, frame: object) -> None:
    """The SIGTERM handler the CLI installs."""
    _TERMINATED.set()
    raise Terminated


def stop_if_terminated() -> None:
    """Raise :class:`Terminated` when a SIGTERM has arrived since the CLI started, whatever
    became of the exception its handler raised (called before outputs are swapped in)."""
    if _TERMINATED.is_set():
        raise Terminated


def armed() -> None:
    """A new command: no termination asked for yet (main() runs many times in one test process)."""
    _TERMINATED.clear()

# errno → the key of its Chinese reason in workflow_messages ("reason.EACCES" …)
_REASONS = {errno.EACCES: "EACCES", errno.EPERM: "EACCES", errno.EROFS: "EROFS",
            errno.ENOSPC: "ENOSPC", errno.EDQUOT: "EDQUOT", errno.ENOENT: "ENOENT",
            errno.ENOTDIR: "ENOTDIR", errno.EISDIR: "EISDIR", errno.EEXIST: "EEXIST",
            errno.ELOOP: "ELOOP", errno.ENAMETOOLONG: "ENAMETOOLONG", errno.EMFILE: "EMFILE",
            errno.EBUSY: "EBUSY"}


class Refused(GeneratorError):
    """A command that cannot run as asked, by default because of its surroundings (exit 3);
    ``code`` keys its Chinese message, ``exit_code`` may say 2 for wrong arguments."""

    exit_code = EXIT_ENVIRONMENT

    def __init__(self, code: str, exit_code: int = EXIT_ENVIRONMENT, **fields: object) -> None:
        super().__init__(code, exit_code=exit_code, **fields)


def os_reason(exc: OSError) -> str:
    """Why the system refused, in Chinese; its own words only for rare errors."""
    name = _REASONS.get(exc.errno or 0)
    return render(f"reason.{name}") if name else exc.strerror or type(exc).__name__


def shown(path: Path) -> str:
    """The path as people will click it; never fails (display_path resolves symlinks)."""
    from generator.records.load import display_path

    try:
        return display_path(path)
    except (OSError, RuntimeError):  # an unreadable link on the way, a loop
        return path.as_posix()


def create_exclusive(path: Path, text: str) -> bool:
    """Write a new file ``path`` (and its folders); False when it exists already, never
    overwriting it (two runs cannot both win). Any other refusal of the system is
    :class:`Refused` (exit 3), and a half-written file is removed again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused("env.unwritable", file=shown(path.parent), reason=os_reason(exc)) from None
    try:
        handle = path.open("x", encoding="utf-8", newline="\n")
    except FileExistsError:
        return False
    except OSError as exc:
        raise Refused("env.unwritable", file=shown(path), reason=os_reason(exc)) from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:  # disk full: no empty or truncated record left behind
        path.unlink(missing_ok=True)
        raise Refused("env.unwritable", file=shown(path), reason=os_reason(exc)) from None
    return True


def require_records(path: Path) -> None:
    """Raise :class:`Refused` unless ``path`` is a readable records folder: one holding
    city.yaml or at least one county folder with a county.yaml. Anything else (a file, /proc,
    the repository root by mistake) would only give a flood of misleading record problems."""
    folder = shown(path)
    if not path.exists():
        raise Refused("env.no_records", folder=folder)
    if not path.is_dir():
        raise Refused("env.not_a_folder", folder=folder)
    try:
        with os.scandir(path) as entries:
            children = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError as exc:
        raise Refused("env.unreadable", file=folder, reason=os_reason(exc)) from None
    if os.path.isfile(path / "city.yaml"):
        return
    if not any(os.path.isfile(os.path.join(child, "county.yaml")) for child in children):
        raise Refused("env.not_records", folder=folder)
