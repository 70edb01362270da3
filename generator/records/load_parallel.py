"""Record files parsed by two processes at once: the same sources and problems as one gives.

Reading a records tree is mostly libyaml parsing one file after another, on one core. For a
large tree (:data:`MIN_FILES` files or more) and ``workers`` of 2 or more, :func:`parsed`
hands the last files (some 40 %, see :data:`MINE`) to a second interpreter
(generator/second.py) while this process parses the others. The helper is started first, so
that its start-up overlaps the reading; it is given the files' paths (or, for a tree not on
disk, their bytes), pickled, on its stdin, reads and parses them, and gives back each file's
source and problems, pickled, on its stdout. The results come in the tree's order, exactly
as :func:`load.parse_source` gives them one by one.

Nothing is lost when the helper fails: if it cannot start, dies, or says something that
cannot be read, this process parses its files itself (a bug in parsing then shows here, as
it would without a helper; the helper's error output is dropped for that reason). Its
channel is a pipe from a process of ours, not a file anyone else can write: its pickles are
trusted as our own. The helper lives as long as its job: this process gone, it stops at the
end of its stdin or at its first write to its stdout; this process failing or interrupted
kills it on the way out.
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from generator import second
from generator.errors import RecordError
from generator.records.load import Source, collector_paused, parse_source
from generator.records.load_tree import FolderSource
from generator.records.tree import Placed

MIN_FILES = 2000  # below this, starting a second interpreter costs more than it saves
# The share of the files this process parses: a little over half, as the helper first starts
# (0.15 s) and its results come back pickled (measured at city scale, benchmarks/run).
MINE = 0.58
CHILD = second.program("generator.records.load_parallel", "child")

# A file to parse: where its bytes come from (its path in a FolderSource, read as it reads it;
# or a function giving them, or why they cannot be read), its name as shown, its place.
Job = tuple[Path | Callable[[], bytes | RecordError], str, Placed]
Sent = tuple[Path | bytes, str, Placed]  # a job as the helper gets it: a path or the bytes
Parsed = tuple[Source, list[RecordError]]
_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(RecordError))


def _content(where: Path | bytes | Callable[[], bytes | RecordError],
             file: str) -> bytes | RecordError:
    if isinstance(where, Path):
        return FolderSource.read_path(where, file)
    return where if isinstance(where, bytes) else where()


def parsed(jobs: Sequence[Job], workers: int = 1) -> Iterator[Parsed]:
    """Each job's file read and parsed, in order. With ``workers`` of 2 or more and at
    least MIN_FILES jobs, the last ones in a second process meanwhile: files on disk are
    read there too, the others read here and sent."""
    if workers < 2 or len(jobs) < MIN_FILES:
        for where, file, placed in jobs:
            yield parse_source(_content(where, file), file, placed)
        return
    split = round(len(jobs) * MINE)
    helper: _Helper | None = None
    try:
        helper = _Helper()
        theirs: list[tuple[Path | bytes | RecordError, str, Placed]] = [
            (where if isinstance(where, Path) else where(), file, placed)
            for where, file, placed in jobs[split:]]
        helper.give([(w, f, p) for w, f, p in theirs if not isinstance(w, RecordError)])
        for where, file, placed in jobs[:split]:
            yield parse_source(_content(where, file), file, placed)
        done = helper.results()
        for got, file, placed in theirs:
            if isinstance(got, RecordError):  # could not be read: said as it is
                yield parse_source(got, file, placed)
            elif done is not None:
                yield next(done)
            else:  # the helper failed: its files parsed here
                yield parse_source(_content(got, file), file, placed)
    finally:
        if helper is not None:
            helper.close()


class _Helper:
    """The second process: started at once, given its files, asked for what it made."""

    def __init__(self) -> None:
        self._sender: threading.Thread | None = None
        self._count = 0
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                second.command(CHILD), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
        except (OSError, TypeError):  # no second interpreter to be had (sys.executable may be
            self._process = None      # None when embedded): this process reads it all

    def give(self, jobs: list[Sent]) -> None:
        """Send ``jobs`` from a thread of its own: the pipe takes them only as fast as the
        helper reads, and this process has its own half to parse meanwhile."""
        self._count = len(jobs)
        if self._process is None:
            return
        data = pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL)
        stdin = self._process.stdin
        assert stdin is not None

        def send() -> None:
            # the helper gone (results() says so, and we parse), or its pipe closed by close()
            with suppress(OSError, ValueError):
                stdin.write(data)
                stdin.close()

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()

    def results(self) -> Iterator[Parsed] | None:
        """What the helper made of the files it was given, in order, or None when it failed."""
        process = self._process
        if process is None or process.stdout is None:
            return None
        if self._sender is not None:
            self._sender.join()
        try:
            made = pickle.load(process.stdout)
        except Exception:  # noqa: BLE001 - it died or said nothing readable: we parse its files
            return None
        if process.wait() != 0 or not isinstance(made, list) or len(made) != self._count:
            return None
        return ((source, [RecordError(**dict(zip(_PROBLEM_FIELDS, p, strict=True)))
                          for p in problems]) for source, problems in made)

    def close(self) -> None:
        """The helper stopped if it still runs (this process failed, or was interrupted):
        killed first, so that nothing waits on a pipe it no longer reads; then its pipes
        closed once the sender is done with them."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        if self._sender is not None:
            self._sender.join()  # its write fails at once: the reader is gone
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with suppress(OSError, ValueError):
                    pipe.close()


def child() -> None:
    """The helper: its files from stdin, each parsed, what it made to stdout, one pickle
    each way. Problems travel as their fields (an exception's pickle keeps only its
    arguments)."""
    made: list[tuple[Source, list[tuple[Any, ...]]]] = []
    with collector_paused():  # millions of new objects, no cycles (as in load)
        jobs: list[Sent] = pickle.load(sys.stdin.buffer)
        for where, file, placed in jobs:
            source, problems = parse_source(_content(where, file), file, placed)
            made.append((source, [tuple(getattr(p, name) for name in _PROBLEM_FIELDS)
                                  for p in problems]))
        pickle.dump(made, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.flush()
