"""A second interpreter running a function of this package: the command that starts it.

The build hands work to a second process in two places: reading half of a large records tree
(records/load_parallel.py) and writing the ledger (render/annexes/ledger_job.py). Each is a
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

import sys
from pathlib import Path

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
