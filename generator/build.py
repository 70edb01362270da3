"""Checked records → site/ and dist/, built in a staging folder and swapped in at the end.

Everything is gathered and written first; only a complete build replaces the previous
output, so a failed or interrupted build leaves the last good site and workbooks in place.
Only folders this tool made (or empty ones) are replaced (build_outputs.check_outputs);
site and dist are replaced together or not at all. One build at a time per output folder (a
lock file); a build that finds the leftovers of one of the same profile that was killed
outright (SIGKILL, a power cut) puts back what it had moved aside before it starts.
The date stamped into every output is decided once (source_date) and passed down.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.aggregate import Figures
from generator.build_outputs import (
    MARK,
    BuildError,
    BuildUsageError,
    check_outputs,
    reason,
    write_mark,
)
from generator.build_stage import (
    STAGE_MARK,
    STAGE_PREFIX,
    clear_stage,
    new_stage,
    recover,
    swap,
    write_failed,
)
from generator.model import Census
from generator.schemas import REPO, Schemas
from generator.text import render

__all__ = ["MARK", "MKDOCS_YML", "STAGE_MARK", "STAGE_PREFIX", "BuildError", "BuildUsageError",
           "Outputs", "build", "check_outputs", "parse_source_date", "recover_outputs",
           "source_date"]

MKDOCS_YML = REPO / "mkdocs.yml"
LOCK_NAME = ".build.lock"
LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime can hold


@dataclass
class Outputs:
    site: Path
    dist: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was found and repaired, in Chinese


def parse_source_date(given: str | None) -> int | None:
    """SOURCE_DATE_EPOCH as the caller found it (None or "" when unset) → seconds, or None.
    A value that is not a whole number of seconds is refused (BuildUsageError)."""
    if given is None or not given.strip():
        return None
    value = given.strip()
    if not value.isascii() or not value.isdigit() or int(value) > LAST_EPOCH:
        raise BuildUsageError("build.source_date", value=given)
    return int(value)


def source_date(records: Path, census: Census, given: int | None) -> int:
    """The one date of a build, in seconds: ``given`` (SOURCE_DATE_EPOCH), else the last
    commit touching the records, else the end of the period."""
    if given is not None:
        return given
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=records,
                              capture_output=True, text=True, timeout=20, check=False)
        if done.returncode == 0 and done.stdout.strip().isdigit():
            return int(done.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    end = datetime.fromisoformat(census.city.period_end).replace(tzinfo=UTC)
    return int(end.timestamp())


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore each one (MkDocs
    reads SOURCE_DATE_EPOCH from the environment; nothing here leaks into the next build)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in before.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _mkdocs_build(config: Any) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    mkdocs_build(config)


def _mkdocs(docs: Path, site: Path, nav: list[dict[str, object]], epoch: int) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _quiet_logs()
    collected = _WarningCollector()
    logging.getLogger("mkdocs").addHandler(collected)
    quiet = {"NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}
    try:
        with _environ(SOURCE_DATE_EPOCH=str(epoch), **quiet):
            config = load_config(str(MKDOCS_YML), docs_dir=str(docs), site_dir=str(site),
                                 nav=nav, strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                _mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
    except (Abort, ConfigurationError) as exc:
        detail = render("build.detail_sep").join(collected.messages[:10]) or str(exc)
        raise BuildError("build.mkdocs_failed", detail=detail) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(collected)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet_logs() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("mkdocs").propagate = False
    with warnings.catch_warnings():  # jieba imports pkg_resources where setuptools exists
        warnings.simplefilter("ignore")
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)
        except ImportError:
            pass


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


def _annexes(census: Census, figures: Figures, out: Path, when: datetime) -> list[Path]:
    from generator.render import excel, report

    out.mkdir()
    files = excel.write_annexes(census, figures, out, when=when)
    docx = out / render("build.report_file")
    report.write_docx(census, figures, docx, when=when)
    write_mark(out, "dist", "internal")
    return [*files, docx]


def build(records: Path, census: Census, figures: Figures, schemas: Schemas,
          site: Path, dist: Path | None, public: bool = False,
          epoch: int | None = None) -> Outputs:
    """Build the site into ``site`` and, for the internal profile, the downloads into ``dist``.
    The public profile (``public=True``) names no census object and no person anywhere, and
    makes no annex workbook. ``epoch`` is the date stamped into every output (seconds; see
    source_date, which decides it when None). Refuses (BuildUsageError) output folders that
    check_outputs does not allow, before anything is made or moved."""
    profile = "public" if public else "internal"
    outputs = _outputs(site, None if public else dist)
    check_outputs(records, outputs, profile)
    parents = _parents(outputs)
    parent = parents[0]
    when = datetime.fromtimestamp(source_date(records, census, epoch), tz=UTC)
    with _exclusive(parents) as notes:
        try:
            notes += recover(parent, outputs, profile)
            stage = new_stage(parent, outputs, profile)
        except OSError as exc:
            raise BuildError("build.stage_failed", parent=site.parent, reason=reason(exc)) from None
        built = _build_in(stage, _Job(census, figures, schemas, outputs, profile, when))
    built.notes[:0] = notes
    return built


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


@dataclass(frozen=True)
class _Job:
    """What one build makes: from the census, into these outputs, for this profile and date."""

    census: Census
    figures: Figures
    schemas: Schemas
    outputs: dict[str, Path]
    profile: str
    when: datetime


def _build_in(stage: Path, job: _Job) -> Outputs:
    from generator import leakscan
    from generator.render import report
    from generator.render import site as site_pages

    files: list[Path] = []
    public = job.profile == "public"
    try:
        if "dist" in job.outputs:
            files = _annexes(job.census, job.figures, stage / "dist", job.when)
        docs = stage / "docs"
        deferred = site_pages.write_pages(job.census, job.figures, job.schemas, docs, files,
                                          report.report_markdown(job.census, job.figures,
                                                                 public=public),
                                          public=public)
        _mkdocs(docs, stage / "site", site_pages.nav(job.census), int(job.when.timestamp()))
        site_pages.splice(stage / "site", deferred)
        write_mark(stage / "site", "site", job.profile)
        if public:  # the last line: no confidential value in any file, or no swap
            leakscan.refuse_leaks(stage / "site", job.census, job.schemas)
        swap(stage, job.outputs)
    except OSError as exc:
        raise write_failed(exc, stage, job.outputs) from None
    finally:
        clear_stage(stage, job.outputs, job.profile)  # an old output is never deleted with it
    out = job.outputs.get("dist", job.outputs["site"])
    return Outputs(job.outputs["site"], out, [out / f.name for f in files])
