"""The rectification ledger (整改台账.xlsx) written beside the rest of a build, in a second process.

Writing the ledger is a million XlsxWriter cell calls at city scale, a third of a whole build
when done in line. A build starts it as soon as the records are typed (:func:`started`) and
waits for it (:meth:`LedgerJob.wait`) only when the site's 下载 page is written, the last of
the pages: the annexes, the report and the other pages are made on one core while the ledger
is written on the other. The bytes are those :func:`ledger.write_ledger` writes in one process.

The rows go to the child through a file in the staging folder: pickled chunks of plain tuples,
a county's rows in chunks of its own, which the child reads back a chunk at a time for each
sheet. So the child holds a few thousand rows, never the census, whatever the scale. It is a
new interpreter (``python -c``, :data:`CHILD`) on every system: a fork of the process holding the
census would copy its memory page by page as the child touched it, Windows has no fork, and
multiprocessing's spawn would run the caller's main script again in the child.

The job is the build's to stop: leaving the ``with`` block without having waited (an error, a
SIGTERM, Ctrl+C) terminates the child before the staging folder it writes into is removed. The
child ignores Ctrl+C (it reaches the whole process group), so that only the parent decides.
An error in the child is raised again in the parent, with the child's traceback as a note: an
OSError (a full disk) becomes the build's usual message, anything else an internal error.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from generator.records.model import Census
from generator.render.annexes.ledger import Sheet, write_book
from generator.render.annexes.ledger_rows import LedgerRow, county_rows
from generator.text import ledger as T

CHUNK = 2000  # rows per pickled chunk: what the child holds at a time
PR_SET_PDEATHSIG = 1  # linux/prctl.h
ROWS_FILE, JOB_FILE, RESULT_FILE = "ledger.rows", "ledger.job", "ledger.result"
PACKAGE_ROOT = Path(__file__).resolve().parents[3]  # the folder holding generator/
# The child's program: the package's folder first on its path, in place of the working folder
CHILD = ("import sys; sys.path[0] = sys.argv[1]; "
         "from generator.render.annexes.ledger_job import child; child(sys.argv[2])")
# A sheet as the child is told of it: region, row count, offsets of its chunks in the file.
Index = list[tuple[str, int, list[int]]]


def write_rows(census: Census, as_of: date, path: Path) -> Index:
    """The ledger's rows into ``path``, chunk by chunk; the sheets' index (全市 first, whose
    chunks are all of them, in order; then each county's)."""
    counties: Index = []
    every: list[int] = []
    total = 0
    with open(path, "wb") as out:
        for name, rows in county_rows(census, as_of):
            offsets = []
            for start in range(0, len(rows), CHUNK):
                offsets.append(out.tell())
                pickle.dump([tuple(r) for r in rows[start:start + CHUNK]], out,
                            protocol=pickle.HIGHEST_PROTOCOL)
            every += offsets
            total += len(rows)
            if name is not None:
                counties.append((name, len(rows), offsets))
    return [(T.CITY_SHEET, total, every), *counties]


def read_rows(source: IO[bytes], offsets: list[int]) -> Iterator[LedgerRow]:
    """The rows of the chunks at ``offsets`` of an open rows file, in order."""
    for offset in offsets:
        source.seek(offset)
        yield from map(LedgerRow._make, pickle.load(source))


def write_from_rows(path: Path, index: Index, issuer: str, out_dir: Path, as_of: date,
                    stamp: datetime) -> Path:
    """The ledger written from a rows file and its index (what the child does)."""
    with open(path, "rb") as source:
        sheets = [Sheet(region, count, partial(read_rows, source, offsets))
                  for region, count, offsets in index]
        return write_book(sheets, issuer, out_dir, as_of, stamp)


def child(job_file: str) -> None:
    """The second process: writes the ledger its job file describes, then leaves how it went
    in the job's result file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides (see the module's doc)
    with open(job_file, "rb") as job:
        parent, rows, index, issuer, out_dir, as_of, stamp, result = pickle.load(job)
    _die_with(parent)
    try:
        book = write_from_rows(rows, index, issuer, out_dir, as_of, stamp)
        outcome: tuple[Any, ...] = ("done", book, "")
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        outcome = ("failed", exc, traceback.format_exc())
    try:
        data = pickle.dumps(outcome)
    except Exception:  # an exception that does not pickle: its text does
        data = pickle.dumps(("failed", RuntimeError(f"{type(outcome[1]).__name__}: "
                                                    f"{outcome[1]}"), outcome[2]))
    partial_result = result.with_name(result.name + ".partial")
    try:
        partial_result.write_bytes(data)
        os.replace(partial_result, result)  # whole or absent: never half a result
    except OSError:  # the build's folder is gone: nobody is left to tell
        sys.exit(1)


def _die_with(parent: int) -> None:
    """On Linux, have the kernel end this process when the build's process ends, killed
    outright included (prctl PR_SET_PDEATHSIG); a process orphaned already ends now. Elsewhere
    a build killed outright leaves its ledger's process to finish writing into the build's
    staging folder, which the next build clears."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


class LedgerJob:
    """The child writing the ledger; :meth:`wait` for its path."""

    def __init__(self, process: subprocess.Popen[bytes], result: Path) -> None:
        self._process, self._result = process, result
        self._book: Path | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def wait(self) -> Path:
        """The ledger's path once the child has written it; its error raised again here."""
        if self._book is not None:
            return self._book
        code = self._process.wait()
        try:
            outcome, value, told = pickle.loads(self._result.read_bytes())
        except FileNotFoundError:  # killed (out of memory, a signal) before it could say
            raise RuntimeError(f"the process writing the ledger ended with exit code {code} "
                               "and no result") from None
        if outcome != "done":
            value.add_note(f"in the process writing the ledger:\n{told}")
            raise value
        self._book = book = Path(value)
        return book

    def close(self) -> None:
        """Stop the child if it is still running."""
        if self.running:
            self._process.terminate()
            self._process.wait()


@contextmanager
def started(census: Census, out_dir: Path, as_of: date, stamp: datetime,
            scratch: Path) -> Iterator[LedgerJob]:
    """The ledger of ``census`` being written into ``out_dir`` by a second process, its rows
    and its job handed over through files in ``scratch`` (a folder of the build's own, removed
    with it); stopped on leaving the block unless waited for."""
    rows, job, result = (scratch / name for name in (ROWS_FILE, JOB_FILE, RESULT_FILE))
    index = write_rows(census, as_of, rows)
    with open(job, "wb") as out:
        pickle.dump((os.getpid(), rows, index, census.city.issuer, out_dir, as_of, stamp,
                     result), out)
    # A process of its own, not multiprocessing's: nothing of the caller's main script runs
    # again in it. The package is the one this process runs, whatever the working folder.
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(PACKAGE_ROOT), str(job)],
                               stdin=subprocess.DEVNULL)
    ledger = LedgerJob(process, result)
    try:
        yield ledger
    finally:
        ledger.close()
        for path in (rows, job, result):
            with suppress(OSError):
                path.unlink()


