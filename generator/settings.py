"""What one run is told, decided once by the command line and passed down: :class:`Settings`.

Takes the command's arguments and the environment the CLI was started in (only the CLI reads
``os.environ``: ``SOURCE_DATE_EPOCH``); gives a frozen value with the profile, the strictness,
the date of the data (数据截至, ``--as-of``), the "today" of a reproducible build and every path
the stages read or write (records, site, dist, mkdocs.yml, schemas/, site_templates/). No
module below the CLI reads the environment or a path found from the checkout by itself.

The date stamped into every output (:func:`stamp`): ``SOURCE_DATE_EPOCH`` when given (the
reproducible-builds convention: it is "today"), else the as-of date (``--as-of``, else the
last commit touching the records, else the end of the guidance period).
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from generator.errors import EXIT_ENVIRONMENT, EXIT_USAGE, GeneratorError

CHECKOUT = Path(__file__).resolve().parent.parent  # the source checkout, when run from one
PROJECT_PARTS = ("schemas", "site_templates", "mkdocs.yml")  # what makes a folder a project
# 2099-12-31T23:59:59Z: the years a record's date may lie in (records.domain), and well
# before the last second a zip entry (2107) or a gzip header (2106) can carry
LAST_EPOCH = 4102444799
PROFILES = ("internal", "public")


class SettingsError(GeneratorError):
    """A setting given in a form that cannot be used: a usage error (exit 2)."""

    exit_code = EXIT_USAGE


class ProjectError(GeneratorError):
    """No record format and templates next to the records nor in the program: exit 3."""

    exit_code = EXIT_ENVIRONMENT


def is_project(folder: Path) -> bool:
    """True when ``folder`` holds schemas/, site_templates/ and mkdocs.yml."""
    return all((folder / part).exists() for part in PROJECT_PARTS)


def project_root(records: Path) -> Path:
    """The repository ``records`` belongs to: the nearest folder above it that holds schemas/,
    site_templates/ and mkdocs.yml, so that an installed program (a wheel, no checkout) runs
    on the records' own repository; else the program's checkout when it is one. ProjectError
    (exit 3) when neither is."""
    try:
        where = records.resolve()
    except (OSError, RuntimeError):  # a link loop: the command reports it on reading
        where = Path(os.path.abspath(records))
    for folder in where.parents:
        if is_project(folder):
            return folder
    if is_project(CHECKOUT):
        return CHECKOUT
    raise ProjectError("build.no_project", records=records)


@dataclass(frozen=True)
class Paths:
    """Where the stages read and write. ``dist`` is None for the public profile (no annexes)."""

    records: Path
    site: Path
    dist: Path | None
    mkdocs_yml: Path = CHECKOUT / "mkdocs.yml"
    schemas: Path = CHECKOUT / "schemas"
    templates: Path = CHECKOUT / "site_templates"
    benchmarks: Path = CHECKOUT / "benchmarks" / "results.md"  # shown on the 性能 page


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on besides the records themselves."""

    paths: Paths
    profile: str = "internal"
    strict: bool = False
    as_of: date | None = None  # None: the last commit touching the records (see as_of_date)
    today: int | None = None  # SOURCE_DATE_EPOCH, seconds; None: the as-of date
    preview_downloads: bool = False  # serve: also the workbooks and report
    workers: int = 1  # processes that may read the records (the CLI: the cores it may use)

    @property
    def public(self) -> bool:
        return self.profile == "public"

    def outputs(self) -> dict[str, Path]:
        """The output folders by role: the site, and the downloads for the internal profile."""
        site = {"site": self.paths.site}
        return site if self.paths.dist is None else {**site, "dist": self.paths.dist}


def for_records(records: Path, *, profile: str = "internal", site: Path | None = None,
                dist: Path | None = Path("dist"), strict: bool = False,
                as_of: date | None = None, today: int | None = None,
                preview_downloads: bool = False, workers: int = 1) -> Settings:
    """Settings with the default paths: ``site`` (or ``site-public``) and ``dist`` in the
    working folder; mkdocs.yml, schemas/ and site_templates/ of the records' repository
    (project_root; ProjectError when there is none)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")  # argparse offers only PROFILES
    public = profile == "public"
    root = project_root(records)
    paths = Paths(records, site or Path("site-public" if public else "site"),
                  None if public else dist, root / "mkdocs.yml", root / "schemas",
                  root / "site_templates", root / "benchmarks" / "results.md")
    return Settings(paths, profile, strict, as_of, today, preview_downloads, workers)


def usable_cores() -> int:
    """The processor cores this process may run on: its affinity where the system has one,
    no more than a cgroup's CPU quota allows (a container given one CPU of many)."""
    if hasattr(os, "sched_getaffinity"):
        cores = max(1, len(os.sched_getaffinity(0)))
    else:
        cores = os.cpu_count() or 1
    try:
        quota = cgroup_cpus(Path("/proc/self/cgroup").read_text(encoding="ascii"),
                            Path("/sys/fs/cgroup"))
    except (OSError, ValueError):  # not Linux, or no cgroups
        quota = None
    return cores if quota is None else max(1, min(cores, math.ceil(quota)))


def cgroup_cpus(membership: str, root: Path) -> float | None:
    """The CPUs a cgroup quota gives this process, the smallest of its cgroup's and those
    above it, from ``membership`` (/proc/self/cgroup) and the cgroup file system at
    ``root``: cgroup v2's ``cpu.max``, v1's ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``.
    None without a quota. (A container's own cgroup is mounted at ``root``: the path it is
    listed under may not exist there, and the walk up reaches it.)"""
    found: list[float] = []
    for line in membership.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            base, read = root, _v2_quota
        elif "cpu" in controllers.split(","):
            base, read = root / "cpu", _v1_quota
        else:
            continue
        folder = base / path.strip("/")
        while True:
            cpus = read(folder)
            if cpus is not None:
                found.append(cpus)
            if folder == base or base not in folder.parents:
                break
            folder = folder.parent
    return min(found, default=None)


def _v2_quota(folder: Path) -> float | None:
    try:
        quota, period = (folder / "cpu.max").read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else _ratio(int(quota), int(period))
    except (OSError, ValueError):
        return None


def _v1_quota(folder: Path) -> float | None:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text(encoding="ascii"))
        period = int((folder / "cpu.cfs_period_us").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return _ratio(quota, period)


def _ratio(quota: int, period: int) -> float | None:
    """CPUs of a quota; None for none (v1 writes -1) or a value that makes no sense."""
    return quota / period if quota > 0 and period > 0 else None


def parse_source_date(given: str | None) -> int | None:
    """SOURCE_DATE_EPOCH as the CLI found it (None or "" when unset) → seconds, or None.
    A value that is not a whole number of seconds is refused (SettingsError)."""
    if given is None or not given.strip():
        return None
    value = given.strip()
    if not value.isascii() or not value.isdigit() or int(value) > LAST_EPOCH:
        raise SettingsError("build.source_date", value=given)
    return int(value)


def parse_as_of(given: str) -> date:
    """``--as-of YYYY-MM-DD`` → the date; anything else refused (SettingsError)."""
    from generator.records.domain import FIRST_YEAR, LAST_YEAR

    try:
        if len(given) == 10:
            day = date.fromisoformat(given)
            if FIRST_YEAR <= day.year <= LAST_YEAR:  # as a record's dates
                return day
    except ValueError:
        pass
    raise SettingsError("build.as_of", value=given)


def today_from(environ: Mapping[str, str]) -> int | None:
    """The one reading of the environment: SOURCE_DATE_EPOCH (called by the CLI only)."""
    return parse_source_date(environ.get("SOURCE_DATE_EPOCH"))


def as_of_date(settings: Settings, period_end: str) -> date:
    """The date of the data: ``--as-of``, else the date of the last commit touching the
    records, else the end of the guidance period (``period_end``, ISO)."""
    if settings.as_of is not None:
        return settings.as_of
    seconds = last_commit(settings.paths.records)
    if seconds is not None:
        return datetime.fromtimestamp(seconds, tz=UTC).date()
    return date.fromisoformat(period_end)


def stamp(settings: Settings, period_end: str) -> datetime:
    """The one date of a build's outputs (UTC): "today" when given, else the as-of date (the
    commit's own second when it comes from git, so that a rebuild of the same commit is the
    same to the second)."""
    if settings.today is not None:
        return datetime.fromtimestamp(settings.today, tz=UTC)
    if settings.as_of is None:
        seconds = last_commit(settings.paths.records)
        if seconds is not None:
            return datetime.fromtimestamp(seconds, tz=UTC)
    return datetime.combine(as_of_date(settings, period_end), time(), tzinfo=UTC)


def last_commit(records: Path) -> int | None:
    """Seconds of the last commit touching ``records``; None outside git or without git."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=records,
                              capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = done.stdout.strip()
    return int(out) if done.returncode == 0 and out.isdigit() else None
