"""The publish stage: checked output folders, a staging folder swapped in at the end, MkDocs.

Takes the outputs of a build (Settings) and what the render stage writes into the staging
folder; pipeline.py calls it in order (see pipeline.publish). Everything is gathered and
written first; only a complete build replaces the previous output, so a failed or
interrupted build leaves the last good site and workbooks in place. Only folders this tool
made (or empty ones) are replaced (build_outputs.check_outputs); site and dist are replaced
together or not at all. One build at a time per output folder (a lock file); a build that
finds the leftovers of one of the same profile that was killed outright (SIGKILL, a power
cut) puts back what it had moved aside before it starts. MkDocs itself is run by
mkdocs_run.py.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.publish.marks import (
    MARK,
    BuildError,
    BuildUsageError,
    check_outputs,
    reason,
    write_mark,
)
from generator.publish.swap import (
    STAGE_MARK,
    STAGE_PREFIX,
    clear_stage,
    new_stage,
    recover,
    swap,
    write_failed,
)
from generator.settings import Settings, parse_source_date
from generator.text import render

if TYPE_CHECKING:
    from generator.records.aggregate import Figures
    from generator.records.model import Census
    from generator.records.schemas import Schemas

__all__ = ["MARK", "STAGE_MARK", "STAGE_PREFIX", "BuildError", "BuildUsageError", "Outputs",
           "Stage", "build", "check_outputs", "parse_source_date", "recover_outputs", "staging",
           "write_mark"]

LOCK_NAME = ".build.lock"


@dataclass
class Outputs:
    site: Path
    dist: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was found and repaired, in Chinese


def _outputs(site: Path, dist: Path | None) -> dict[str, Path]:
    """The outputs of a build by role; a moved-aside copy is named after its role
    (``old-site``), so two outputs with the same folder name cannot be confused."""
    return {"site": site} if dist is None else {"site": site, "dist": dist}


@contextmanager
def _exclusive(parents: list[Path]) -> Iterator[list[str]]:
    """Hold the lock of every output folder (in a fixed order): a second build into any of
    them is refused, not interleaved. Yields notes: a file system without locks (some
    network shares) is used unlocked, and said so."""
    notes: list[str] = []
    with ExitStack() as stack:
        for parent in sorted(set(parents)):
            try:
                handle = stack.enter_context(open(parent / LOCK_NAME, "a+b"))
            except OSError as exc:
                raise BuildError("build.lock_failed", parent=parent, reason=reason(exc)) from None
            try:
                _lock(handle.fileno())
            except OSError as exc:
                if exc.errno not in _LOCKED:
                    notes.append(render("build.no_lock", parent=parent))
                    continue
                raise BuildError("build.busy", parent=parent) from None
            stack.callback(_unlock, handle.fileno())
        yield notes


_LOCKED = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLOCK", -1)}


def _lock(fd: int, take: bool = True) -> None:
    """Take (without waiting) or release the lock on a lock file. Released explicitly:
    Windows frees a lock only some time after its file is closed."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
        msvcrt.locking(fd, msvcrt.LK_NBLCK if take else msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if take else fcntl.LOCK_UN)


def _unlock(fd: int) -> None:
    with suppress(OSError):  # closing the file releases it anyway
        _lock(fd, take=False)


def recover_outputs(site: Path, dist: Path | None, profile: str = "internal") -> list[str]:
    """What ``build`` does first, for a caller that may not reach it (records with errors):
    put back outputs that a killed build of the same profile left moved aside. Returns
    notes, in Chinese."""
    parent = site.parent.resolve()
    if not parent.is_dir():
        return []
    with _exclusive([parent]) as notes:
        try:
            return notes + recover(parent, _outputs(site, dist), profile)
        except OSError as exc:
            raise BuildError("build.cleanup_failed", parent=parent, reason=reason(exc)) from None


@dataclass
class Stage:
    """A staging folder being filled: ``folder/site`` (built by MkDocs from ``folder/docs``)
    and, for the internal profile, ``folder/dist``; swapped in by :meth:`publish`."""

    folder: Path
    outputs: dict[str, Path]
    profile: str
    notes: list[str]

    def publish(self) -> None:
        """Every output replaced by its new copy, together (build_stage.swap)."""
        swap(self.folder, self.outputs)

    def result(self, files: list[Path]) -> Outputs:
        """Where the outputs now are; ``files``, the downloads as written into the stage."""
        out = self.outputs.get("dist", self.outputs["site"])
        return Outputs(self.outputs["site"], out, [out / f.name for f in files], self.notes)


@contextmanager
def staging(settings: Settings) -> Iterator[Stage]:
    """The output folders checked (BuildUsageError before anything is made or moved), locked,
    cleared of a killed build's leftovers; an empty marked staging folder beside them, removed
    afterwards whatever happens (an old output in it is never deleted with it). A write that
    fails inside the block becomes a BuildError saying what became of each output."""
    outputs = settings.outputs()
    check_outputs(settings.paths.records, outputs, settings.profile)
    parents = _parents(outputs)
    with _exclusive(parents) as notes:
        try:
            notes += recover(parents[0], outputs, settings.profile)
            folder = new_stage(parents[0], outputs, settings.profile)
        except OSError as exc:
            raise BuildError("build.stage_failed", parent=settings.paths.site.parent,
                             reason=reason(exc)) from None
        try:
            yield Stage(folder, outputs, settings.profile, notes)
        except OSError as exc:
            raise write_failed(exc, folder, outputs) from None
        finally:
            clear_stage(folder, outputs, settings.profile)


def build(records: Path, census: Census, figures: Figures, schemas: Schemas,
          site: Path, dist: Path | None, public: bool = False,
          epoch: int | None = None) -> Outputs:
    """The render and publish stages for records already checked and typed (pipeline.publish
    with default paths): the site into ``site`` and, for the internal profile, the downloads
    into ``dist``; ``epoch``, the date stamped into every output (seconds), else the as-of
    date. Kept for callers that hold a census already (tests, benchmarks)."""
    from generator import pipeline
    from generator.settings import for_records

    settings = for_records(records, profile="public" if public else "internal", site=site,
                           dist=dist, today=epoch)
    return pipeline.publish(settings, census, figures, schemas)


def _parents(outputs: dict[str, Path]) -> list[Path]:
    """The folders holding the outputs (site's first), made if missing, absolute (MkDocs
    resolves a relative docs_dir against mkdocs.yml, not the cwd) and on one disk (the
    outputs are swapped in by renaming)."""
    site = outputs["site"]
    try:
        for target in outputs.values():
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError("build.mkdir_failed", parent=site.parent, reason=reason(exc)) from None
    parents = [t.parent.resolve() for t in outputs.values()]
    if len(parents) > 1 and os.stat(parents[1]).st_dev != os.stat(parents[0]).st_dev:
        raise BuildError("build.other_disk", site=site, dist=outputs["dist"])
    return parents
