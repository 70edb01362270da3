"""A second interpreter running a function of this package: the command that starts it.

The build hands work to a second process in three places: reading half of a large records
tree (records/load_parallel.py), writing the ledger (render/annexes/ledger_job.py) and building
the site (publish/site_job.py). Each is a
fresh interpreter started with ``python -c`` on every system: not a fork (the child would copy
the parent's memory page by page as it touched it, and Windows has no fork), not
multiprocessing (its spawn runs the caller's main script again, which fails under a script
without a ``__main__`` guard).

The program ignores Ctrl+C from its first line (Ctrl+C reaches the whole process group: only
the parent decides when the child stops), takes the working folder (which ``-c`` puts first)
off its path, and puts the package's folder first unless it is already on the path (installed:
site-packages keeps its place after the standard library).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.errors import GeneratorError

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the folder holding generator/


def program(module: str, function: str) -> str:
    """The ``-c`` program that calls ``module.function()`` (both names of this package's)."""
    return ("import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "sys.path[:1] = [] if sys.path[:1] == [''] else sys.path[:1]; "
            "sys.path[:0] = [] if sys.argv[1] in sys.path else [sys.argv[1]]; "
            f"from {module} import {function}; {function}()")


def command(code: str) -> list[str]:
    """The command line running ``code`` (see :func:`program`) in a second interpreter of the
    Python running this one, with this package."""
    return [sys.executable, "-c", code, str(PACKAGE_ROOT)]


# --- a job's outcome: one line of JSON from the child, raised again in the parent ----------

def failure(exc: BaseException) -> dict[str, Any]:
    """What the child says of its failure ``exc`` (JSON-ready, :func:`said`): one of the
    program's own errors (its classes, code, fields and exit code, and the problems joined to
    it), an OSError's number and file names, or anything else's type, text and traceback.
    Never fails itself: an error that cannot be described is named by its type."""
    try:
        return _failure(exc)
    except Exception:  # noqa: BLE001 - a failure must reach the parent, however odd
        return {"error": type(exc).__name__, "text": "", "traceback": ""}


def _failure(exc: BaseException) -> dict[str, Any]:
    from generator.errors import GeneratorError

    outcome: dict[str, Any] = {"error": type(exc).__name__, "text": _text(exc),
                               "traceback": traceback.format_exc()}
    if isinstance(exc, GeneratorError):
        outcome["generator"] = _plain_error(exc)
    elif isinstance(exc, OSError):
        outcome.update(errno=exc.errno, strerror=_name(exc.strerror),
                       filename=_name(exc.filename), filename2=_name(exc.filename2))
    return outcome


def said(outcome: dict[str, Any]) -> str:
    """An outcome as the child's one line of JSON (ASCII: any code page carries it)."""
    return json.dumps(outcome, ensure_ascii=True, default=str) + "\n"


def _text(exc: BaseException) -> str:
    for shown in (str, repr):
        try:
            return shown(exc)
        except Exception:  # noqa: BLE001 - a message that cannot be made: try the next
            continue
    return type(exc).__name__


def _plain_error(exc: Any) -> dict[str, Any]:
    from generator.errors import GeneratorError

    return {"classes": [_qualified(c) for c in type(exc).__mro__
                        if isinstance(c, type) and issubclass(c, GeneratorError)],
            "code": exc.code, "exit_code": exc.exit_code,
            "fields": {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
                       for k, v in exc.fields.items()},
            "also": [_plain_error(p) for p in exc.also if isinstance(p, GeneratorError)]}


def _qualified(kind: type) -> str:
    return f"{kind.__module__}:{kind.__qualname__}"


def _name(filename: object) -> str | None:
    """An OSError's file name (or text) as JSON carries it."""
    if filename is None:
        return None
    return os.fsdecode(filename) if isinstance(filename, (str, bytes)) else str(filename)


def raised(outcome: dict[str, Any], doing: str) -> BaseException:
    """The child's failure as the parent raises it: one of the program's own errors as itself
    (the user sees the same Chinese message and exit code), an OSError as itself (its
    subclass too: OSError(ENOENT, …) is a FileNotFoundError), anything else as a RuntimeError
    naming it, with the child's traceback as a note (``doing``: what the child was for)."""
    error: BaseException
    if isinstance(outcome.get("generator"), dict):
        return _error_of(outcome["generator"])
    if "errno" in outcome and outcome["errno"] is not None:
        error = OSError(outcome["errno"], outcome["strerror"], outcome["filename"], None,
                        outcome["filename2"])
    elif "errno" in outcome:  # an OSError without a number: still the disk's, not a bug
        error = OSError(outcome["text"])
    else:
        error = RuntimeError(f"{outcome['error']}: {outcome['text']}")
    error.add_note(f"in the process {doing}:\n{outcome['traceback']}")
    return error


def _error_of(plain: dict[str, Any]) -> GeneratorError:
    """The error as the nearest of its classes this process knows and makes as the base does
    (GeneratorError itself at the least: the message is its code's, with its fields). Only
    classes already loaded here are looked up: nothing is imported by what a child says."""
    from generator.errors import GeneratorError

    known = {_qualified(c): c for c in _subclasses(GeneratorError)}
    kind = next((known[name] for name in plain["classes"]
                 if name in known and _made_as_base(known[name])), GeneratorError)
    error = kind(plain["code"], exit_code=plain["exit_code"], **plain["fields"])
    error.also = [_error_of(p) for p in plain["also"]]
    return error


def _made_as_base(kind: type) -> bool:
    """Whether ``kind`` is made as GeneratorError is: its code, then ``exit_code`` and the
    fields by name (Refused is; YamlProblem, which takes a line and a column, is not)."""
    import inspect

    try:
        parameters = list(inspect.signature(kind).parameters.values())
    except (TypeError, ValueError):
        return False
    names = {p.name: p.kind for p in parameters}
    return (len(parameters) >= 3 and parameters[0].kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            and names.get("exit_code") in (inspect.Parameter.KEYWORD_ONLY,
                                           inspect.Parameter.POSITIONAL_OR_KEYWORD)
            and parameters[-1].kind is inspect.Parameter.VAR_KEYWORD
            and all(p.default is not inspect.Parameter.empty for p in parameters[1:-1]))


def _subclasses(kind: type[GeneratorError]) -> list[type[GeneratorError]]:
    found = [kind]
    for sub in kind.__subclasses__():
        found += _subclasses(sub)
    return found


def stop(process: subprocess.Popen[str], kill: bool = False) -> None:
    """A child stopped if it still runs, and let go: its stdin closed first (its watch,
    :func:`end_with_stdin`, then ends it at once; on Windows a venv's python is a launcher,
    and terminating the launcher does not end the interpreter it started), killed at once
    too with ``kill`` (a child not yet watching: one still starting up), waited for, then
    terminated if it has not ended within five seconds."""
    if process.stdin is not None:
        with suppress(OSError):
            process.stdin.close()
    if kill:
        with suppress(OSError):
            process.kill()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()
    if process.stdout is not None:
        with suppress(OSError):
            process.stdout.close()


def end_with_stdin() -> None:
    """A child's watch on its parent (run in a thread): stdin closes when the build ends,
    however it ends, killed outright included, on every system; the child then ends at once."""
    sys.stdin.read()
    os._exit(1)
