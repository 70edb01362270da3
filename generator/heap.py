"""Free memory handed back to the system between the stages of a build.

Each stage of a build (the workbooks, the report, the pages, MkDocs) makes and drops
hundreds of megabytes of small objects and strings at ten times city scale. CPython frees
them as the stage ends, but glibc's allocator keeps the freed pages of its heap for later
use instead of returning them: after the workbooks some 300 MB stayed so held, and each
later stage's peak came on top of it. ``malloc_trim(0)`` returns them. Where the C library
has no such call (Windows, macOS, musl) nothing is done: only the resident size depends on
it, never an output.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the process's C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter itself uses
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def give_back(collect: bool = False) -> bool:
    """Return the free pages of the C heap to the system; whether there was a way to. With
    ``collect``, collect the cyclic garbage first: a stage that made documents (openpyxl's,
    python-docx's and lxml's objects hold reference cycles) leaves tens of thousands of
    unreachable objects that only a full collection frees, and the pages stage pauses the
    collector: at ten times city scale they held 150 MiB through the pages, MkDocs and the
    splice. A full collection walks the census too (0.7 s at ten times city scale)."""
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextmanager
def kept_out_of_collections() -> Iterator[None]:
    """Every object alive now left out of the cyclic collector's scans for the duration of
    a block (``gc.freeze``), then in them again (``gc.unfreeze``). A build calls it around
    the workbooks: the census and its figures live until the build ends, and each full
    collection that openpyxl's cycles set off walked all of them again, a third of a second
    of a city build. Objects made in the block are collected as ever; one of before that
    dies in a cycle meanwhile is freed when the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
