"""The rectification ledger (整改台账.xlsx), and the work report (.docx) after it, written beside
the rest of a build, in a second process.

Writing the ledger is a million XlsxWriter cell calls at city scale, a third of a whole build
when done in line. A build starts it as soon as the records are typed (:func:`started`) and
waits for it (:meth:`LedgerJob.wait`) only once MkDocs has built the site (the 下载 page
lists it by :attr:`LedgerJob.name` meanwhile): the annexes, the report, the pages and the
site are made on one core while the ledger is written on the other. The work report
(:class:`ReportJob`: the report's value, made by the parent, as JSON) is written there too,
once the ledger is, when the build gives it (a site built in line, and no more than
publish/late.REPORT_BESIDE_LEDGER errors): the two cores then end their work at about the same
time. The bytes are
those :func:`ledger.write_ledger` and ``report.write_docx`` write in one process.

The rows go to the child through a file in the staging folder: pickled chunks of plain tuples
(text, numbers, dates: read back by an unpickler that allows nothing else), a county's rows in
chunks of its own, read back a chunk at a time for each sheet; XlsxWriter's temporary files go
to the staging folder too. The child holds a few thousand rows and the snapshot's text, never
the census. It is a new interpreter (``python -c``, :data:`CHILD`; see generator/second.py)
on every system.

The job is told on the child's stdin (one line of JSON), and the outcome comes back on its
stdout (one line of JSON). The only file between them is the rows file: one swapped in a
shared output folder could change the ledger's rows, never run code. The child watches its
stdin: when it closes (the build ended, killed outright included, on every system) the child
ends at once. Leaving the
``with`` block without having waited (an error, SIGTERM, Ctrl+C) terminates it before the
staging folder goes. The child ignores Ctrl+C from its first line (Ctrl+C reaches the whole
process group): only the parent decides. An OSError in the child (a full disk) is raised again
in the parent as an OSError with the same number and file names, so the build gives its usual
message; anything else as a RuntimeError naming it, with the child's traceback as a note (an
internal error; generator/second.py ``failure`` and ``raised``). The block must wait for the ledger: leaving it without error and without
having waited is a RuntimeError, not a missing ledger.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from generator import second
from generator.records.model import Census
from generator.render.annexes.ledger import Sheet, write_book
from generator.render.annexes.ledger_rows import LedgerRow, county_findings, finding_rows
from generator.render.report.model import Report, from_plain, to_plain
from generator.text import ledger as T

CHUNK = 2000  # rows per pickled chunk: what the child holds at a time
ROWS_FILE = "ledger.rows"
# The child's program (generator/second.py: Ctrl+C ignored, the package on its path)
CHILD = second.program("generator.render.annexes.ledger_job", "child")
REPORT_FLAG = "--report"  # on the child's command line: it will be given a report to write
# A sheet as the child is told of it: region, row count, offsets of its chunks in the file.
Index = list[tuple[str, int, list[int]]]


class _RowsUnpickler(pickle.Unpickler):
    """Reads the rows file: tuples, lists, text, numbers, None and dates, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a ledger rows file")


def write_rows(census: Census, as_of: date, path: Path) -> Index:
    """The ledger's rows into ``path``, chunk by chunk, made as they are written (never all
    at once: at ten times city scale they would be a hundred megabytes); the sheets' index
    (全市 first, whose chunks are all of them, in order; then each county's)."""
    days = census.city.rectification_days
    counties: Index = []
    every: list[int] = []
    total = 0
    with open(path, "wb") as out:

        def dump(chunk: list[tuple[Any, ...]], offsets: list[int]) -> None:
            offsets.append(out.tell())
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)

        for name, findings in county_findings(census):
            offsets: list[int] = []
            chunk: list[tuple[Any, ...]] = []
            count = 0
            for finding in findings:
                for row in finding_rows(finding, days, as_of):
                    chunk.append(tuple(row))
                    if len(chunk) == CHUNK:
                        dump(chunk, offsets)
                        count, chunk = count + CHUNK, []
            if chunk:
                dump(chunk, offsets)
                count += len(chunk)
            every += offsets
            total += count
            if name is not None:
                counties.append((name, count, offsets))
    return [(T.CITY_SHEET, total, every), *counties]


def read_rows(source: IO[bytes], offsets: list[int]) -> Iterator[LedgerRow]:
    """The rows of the chunks at ``offsets`` of an open rows file, in order."""
    for offset in offsets:
        source.seek(offset)
        yield from map(LedgerRow._make, _RowsUnpickler(source).load())


def write_from_rows(path: Path, index: Index, issuer: str, out_dir: Path, as_of: date,
                    stamp: datetime, tmpdir: Path | None = None) -> Path:
    """The ledger written from a rows file and its index (what the child does)."""
    with open(path, "rb") as source:
        sheets = [Sheet(region, count, partial(read_rows, source, offsets))
                  for region, count, offsets in index]
        return write_book(sheets, issuer, out_dir, as_of, stamp, tmpdir)


@dataclass(frozen=True)
class ReportJob:
    """The work report the second process writes once the ledger is written: its value
    (report.report_sections'), the file, its date and author (report.write_docx's)."""

    report: Report
    path: Path
    when: datetime
    issuer: str

    def plain(self) -> dict[str, Any]:
        return {"value": to_plain(self.report), "path": str(self.path),
                "when": self.when.isoformat(), "issuer": self.issuer}


def _write_report(job: dict[str, Any]) -> Path:
    from generator.render.report.docx import write_report

    path = Path(job["path"])
    write_report(from_plain(job["value"]), path, datetime.fromisoformat(job["when"]),
                 job["issuer"])
    return path


def child() -> None:
    """The second process: reads its job from stdin, writes the ledger (and the report, when
    asked), prints the outcome."""
    if REPORT_FLAG in sys.argv[2:]:  # a report to write: python-docx imported meanwhile
        import generator.render.report.docx  # noqa: F401  (while the parent writes the rows)
    job = json.loads(sys.stdin.readline())
    threading.Thread(target=second.end_with_stdin, daemon=True).start()
    try:
        book = write_from_rows(
            Path(job["rows"]), [(r, c, o) for r, c, o in job["index"]], job["issuer"],
            Path(job["out"]), date.fromisoformat(job["as_of"]),
            datetime.fromisoformat(job["stamp"]), Path(job["tmp"]))
        outcome: dict[str, Any] = {"book": str(book)}
        if job.get("report"):
            outcome["report"] = str(_write_report(job["report"]))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        outcome = second.failure(exc)
    sys.stdout.write(second.said(outcome))
    sys.stdout.flush()


class LedgerJob:
    """The child writing the ledger (and the report, when given one); :meth:`wait` for its
    path, :meth:`made` for every file it wrote."""

    def __init__(self, process: subprocess.Popen[str], report: ReportJob | None = None) -> None:
        self._process = process
        self._report = report
        self._book: Path | None = None
        self._made: list[Path] = []
        self._failed: BaseException | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def name(self) -> str:
        """The name of the ledger it writes (in the job's ``out_dir``), known before it is."""
        return T.FILE

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the files it writes, in the order :meth:`made` gives them (the 下载
        page's: the report, then the ledger)."""
        return ((self._report.path.name,) if self._report else ()) + (T.FILE,)

    def made(self) -> list[Path]:
        """The files it wrote, as :attr:`names` orders them, once written (see :meth:`wait`)."""
        self.wait()
        return list(self._made)

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def wait(self) -> Path:
        """The ledger's path once the child has written it; its error raised again here (and
        again if asked again)."""
        if self._book is not None:
            return self._book
        if self._failed is not None:
            raise self._failed
        assert self._process.stdout is not None
        said = self._process.stdout.read()  # until the child ends (or closes its stdout)
        code = self._process.wait()
        try:
            outcome = json.loads(said.splitlines()[-1])
        except (IndexError, ValueError):  # killed (out of memory, a signal) before a word
            self._failed = RuntimeError(f"the process writing the ledger ended with exit code "
                                        f"{code} and no outcome")
            raise self._failed from None
        if "book" not in outcome:
            self._failed = second.raised(outcome, "writing the ledger")
            raise self._failed
        if self._report is not None and "report" not in outcome:
            self._failed = RuntimeError("the process writing the ledger wrote no report")
            raise self._failed
        self._book = book = Path(outcome["book"])
        self._made = ([Path(outcome["report"])] if self._report else []) + [book]
        return book

    @property
    def waited(self) -> bool:
        return self._book is not None or self._failed is not None

    def close(self) -> None:
        """Stop the child if it is still running, and let it go. Its stdin is closed first:
        the child's own watch then ends it (on Windows, a venv's python is a launcher, and
        terminating the launcher does not wait for the interpreter it started)."""
        second.stop(self._process)


@contextmanager
def started(census: Census, out_dir: Path, as_of: date, stamp: datetime,
            scratch: Path, report: ReportJob | None = None) -> Iterator[LedgerJob]:
    """The ledger of ``census`` being written into ``out_dir`` by a second process, its rows
    and XlsxWriter's temporary files in ``scratch`` (a folder of the build's own, removed with
    it), then ``report`` when given; stopped on leaving the block unless waited for."""
    rows = scratch / ROWS_FILE
    ledger: LedgerJob | None = None
    try:
        # A process of its own, not multiprocessing's: nothing of the caller's main script
        # runs again in it. The package is the one this process runs, whatever the folder.
        # Started before the rows are written: it starts up meanwhile.
        process = subprocess.Popen(
            second.command(CHILD) + ([REPORT_FLAG] if report else []), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, encoding="utf-8", errors="replace")
        ledger = LedgerJob(process, report)
        index = write_rows(census, as_of, rows)
        job = {"rows": str(rows), "index": index, "issuer": census.city.issuer,
               "out": str(out_dir), "as_of": as_of.isoformat(), "stamp": stamp.isoformat(),
               "tmp": str(scratch), "report": report.plain() if report else None}
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(job, ensure_ascii=True) + "\n")
            process.stdin.flush()  # stdin stays open: its closing tells the child to stop
        except OSError:  # the child died before reading it (it could not start)
            raise RuntimeError("the process writing the ledger ended with exit code "
                               f"{process.wait()} before reading its job") from None
        yield ledger
        if not ledger.waited:  # a bug: the ledger would be missing and nothing would say so
            raise RuntimeError("the ledger's process was left without being waited for")
    finally:
        if ledger is not None:
            ledger.close()
        with suppress(OSError):
            rows.unlink()
