"""Settings are decided once by the CLI and passed down: nothing below it reads the
environment, changes it, or leaves a process-wide switch (loggers, gc) changed."""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import os
import shutil
import warnings
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import settings as settings_module
from tests.conftest import MINIMAL, REPO, run_cli

PACKAGE = REPO / "generator"
# Only the command line reads the environment: the entry point and serve (GENERATOR_DEBUG,
# which decides whether a bug shows a traceback), validate's --format default
# (GITHUB_ACTIONS) and build's SOURCE_DATE_EPOCH; build.py sets MkDocs' variables around its call and
# restores them; diffing and tree_git pass git an environment of their own.
ENVIRON_ALLOWED = {"cli/main.py", "cli/commands/serve.py", "cli/commands/validate.py", "cli/commands/build.py",
                   "publish/mkdocs_run.py", "tools/diffing.py", "records/tree_git.py"}


def _environ_users() -> set[str]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv"):
                found.add(path.relative_to(PACKAGE).as_posix())
    return found


def test_only_the_command_line_reads_the_environment() -> None:
    assert _environ_users() <= ENVIRON_ALLOWED, _environ_users() - ENVIRON_ALLOWED


def test_no_module_switches_the_garbage_collector_for_good() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "gc.disable()" in text:  # only inside a context manager that re-enables it
            assert "gc.enable()" in text and "finally:" in text, path


def _core_created(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    return core.split("<dcterms:created", 1)[1].split(">", 1)[1].split("<", 1)[0]


def _build(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> set[str]:
    records = tmp_path / "records"
    if not records.exists():
        shutil.copytree(MINIMAL, records)  # outside git: the as-of date is the period's end
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    done = run_cli("build", str(records), "--site", str(out / "site"), "--dist",
                   str(out / "dist"), *extra, env=env)
    assert done.returncode == 0, done.stderr
    return {_core_created(p) for p in (out / "dist").iterdir() if p.suffix in (".xlsx", ".docx")}


@pytest.mark.slow
def test_as_of_dates_every_output_and_source_date_epoch_still_wins(tmp_path: Path) -> None:
    unset = {"SOURCE_DATE_EPOCH": ""}
    assert _build(tmp_path, env=unset) == {"2019-05-30T00:00:00Z"}
    assert _build(tmp_path, "--as-of", "2019-06-15", env=unset) == {"2019-06-15T00:00:00Z"}
    assert _build(tmp_path, "--as-of", "2019-06-15",
                  env={"SOURCE_DATE_EPOCH": "1559347200"}) == {"2019-06-01T00:00:00Z"}


@pytest.mark.parametrize("value", ["2019-6-1", "20190601", "2019-02-30", "明天", "", "2019-06-01x"])
def test_a_malformed_as_of_is_a_usage_error(tmp_path: Path, value: str) -> None:
    done = run_cli("build", str(MINIMAL), "--site", str(tmp_path / "site"), "--dist",
                   str(tmp_path / "dist"), "--as-of", value)
    assert done.returncode == 2, done.stderr
    assert "[build.as_of]" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_as_of_round_trips_every_date(day: date) -> None:
    """Every date of the years a record's date may lie in (tests/test_date_years.py has the
    others refused)."""
    from generator.settings import for_records, parse_as_of, stamp

    assert parse_as_of(day.isoformat()) == day
    settings = for_records(Path("nowhere"), as_of=day)
    assert stamp(settings, "2019-05-30") == datetime(day.year, day.month, day.day, tzinfo=UTC)


def test_paths_come_from_settings_not_from_the_checkout(tmp_path: Path) -> None:
    """A templates folder given in the settings is the one rendered (a copy with a marker)."""
    from generator import pipeline
    from generator.settings import for_records

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "site_templates", templates)
    (templates / "guide.md").write_text("# 填报指南\n\n另一份模板\n", encoding="utf-8")
    settings = for_records(MINIMAL, site=tmp_path / "site", dist=tmp_path / "dist",
                           today=1559174400)
    paths = settings.paths.__class__(settings.paths.records, settings.paths.site,
                                     settings.paths.dist, templates=templates)
    built = pipeline.build(settings.__class__(paths, today=settings.today))
    assert built.outputs is not None
    assert "另一份模板" in (tmp_path / "site" / "guide.html").read_text("utf-8")


def test_a_build_leaves_the_loggers_the_environment_and_gc_as_it_found_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    with warnings.catch_warnings():  # jieba sets its own logger up when first imported
        warnings.simplefilter("ignore")
        importlib.import_module("jieba")
    names = ("mkdocs", "jieba")
    before = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate,
                  list(logging.getLogger(n).handlers)) for n in names}
    environ = dict(os.environ)
    assert gc.isenabled()
    assert cli.main(["build", str(MINIMAL), "--site", str(tmp_path / "site"), "--dist",
                     str(tmp_path / "dist")]) == 0
    after = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate,
                 list(logging.getLogger(n).handlers)) for n in names}
    assert after == before and dict(os.environ) == environ and gc.isenabled()
    assert gc.get_freeze_count() == 0  # heap.kept_out_of_collections: the census let go


def test_a_failed_build_leaves_no_object_kept_out_of_collections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The census is kept out of the collector's scans while the workbooks are made; a
    build that fails meanwhile puts it back too (serve and tests run builds in one process)."""
    from generator import pipeline
    from generator.publish.marks import BuildError
    from generator.settings import for_records

    seen: list[int] = []

    def failing(*args: object, **kwargs: object) -> None:
        seen.append(gc.get_freeze_count())
        raise BuildError("build.mkdocs_failed", detail="x")

    monkeypatch.setattr(pipeline, "_render_downloads", failing)
    settings = for_records(MINIMAL, site=tmp_path / "site", dist=tmp_path / "dist")
    with pytest.raises(BuildError):
        pipeline.build(settings)
    assert seen and seen[0] > 0 and gc.get_freeze_count() == 0


def _cgroup_files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="ascii")
    return root


@pytest.mark.parametrize(("membership", "files", "cpus"), [
    ("0::/\n", {}, None),  # no quota files at all
    ("0::/app\n", {"app/cpu.max": "max 100000\n"}, None),  # v2, no limit
    ("0::/app\n", {"app/cpu.max": "150000 100000\n"}, 1.5),
    ("0::/a/b\n", {"a/cpu.max": "100000 100000\n", "a/b/cpu.max": "300000 100000\n"}, 1.0),
    # a container's own cgroup is mounted at the root: the listed path is not there
    ("0::/docker/x\n", {"cpu.max": "200000 100000\n"}, 2.0),
    ("4:cpu,cpuacct:/docker/x\n", {"cpu/cpu.cfs_quota_us": "50000\n",
                                   "cpu/cpu.cfs_period_us": "100000\n"}, 0.5),
    ("4:cpu,cpuacct:/\n", {"cpu/cpu.cfs_quota_us": "-1\n",
                           "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ("0::/app\n", {"app/cpu.max": "garbage\n"}, None),  # unreadable: as no quota
    ("not a cgroup line\n4:memory:/m\n", {"cpu.max": "100000 100000\n"}, None),
    # v1 and v2 both listed (hybrid): the smaller wins
    ("4:cpu:/\n0::/\n", {"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n",
                         "cpu.max": "100000 100000\n"}, 1.0),
], ids=["none", "v2-max", "v2-1.5", "v2-parent-smaller", "v2-container", "v1-half", "v1-none",
        "v2-garbage", "other-lines", "hybrid"])
def test_cgroup_quota_is_read(tmp_path: Path, membership: str, files: dict[str, str],
                              cpus: float | None) -> None:
    assert settings_module.cgroup_cpus(membership, _cgroup_files(tmp_path, files)) == cpus


@pytest.mark.parametrize(("quota", "cores"), [(0.5, 1), (1.0, 1), (1.5, 2), (64.0, 64)])
def test_usable_cores_respects_a_quota(monkeypatch: pytest.MonkeyPatch, quota: float,
                                       cores: int) -> None:
    """No more than the quota allows (rounded up), and never more than the affinity."""
    monkeypatch.setattr(settings_module.os, "sched_getaffinity", lambda pid: set(range(8)),
                        raising=False)
    monkeypatch.setattr(settings_module, "cgroup_cpus", lambda membership, root: quota)
    assert settings_module.usable_cores() == min(cores, 8)
    monkeypatch.setattr(settings_module, "cgroup_cpus", lambda membership, root: None)
    assert settings_module.usable_cores() == 8
