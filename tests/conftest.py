"""Shared fixtures: the repository paths, the CLI through its real entry point, golden files,
and tools (Chromium, LibreOffice) that may be missing on a user's machine but never in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from generator.pipeline import Prepared

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
MINIMAL = CASES / "valid" / "minimal" / "records"
# 数据截至 of the shipped 2019 example (README, Makefile, .ci): the goldens are built on it
SHIPPED_AS_OF = date(2019, 5, 24)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output (review the diff!)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m generator ARGS`` in a child process, as a user would run it."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or REPO,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """``generator.cli.main(args)`` in this process, as ``run_cli`` runs it in a child: in
    ``cwd`` (default the checkout), with ``env`` added to the environment and GITHUB_ACTIONS
    removed; both restored afterwards. Much faster than a child per call; keep ``run_cli``
    for what only a real process shows (signals, the entry point, another user)."""
    from tests.cli_helpers import main_in_process

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.pop("GITHUB_ACTIONS", None)
    os.environ.update(env or {})
    try:
        os.chdir(cwd or REPO)
        code, out, err = main_in_process(list(args))
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["generator", *args], code, out, err)


def need_tool(name: str) -> str:
    """Path of an external program; skip visibly when missing, but fail under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} is not installed (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file; rewrite it only with --update-golden."""
    if update or not path.exists():
        if not update and os.environ.get("CI") == "true":
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden and review")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path} was missing and has been written; review and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path}; if intended, rerun with --update-golden"


@pytest.fixture
def minimal_tree(tmp_path: Path) -> Path:
    """A copy of the minimal valid records tree, to break one thing in."""
    target = tmp_path / "records"
    shutil.copytree(MINIMAL, target)
    return target


GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    """``git ARGS`` in ``repo`` with a fixed identity and no user configuration; its output."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV}, check=True)
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit (tag ``base``) is the minimal records tree."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root / "records")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    return root


def dump_record(data: object) -> str:
    """A record as YAML that reads back as exactly ``data`` (through the project's loader)."""
    import yaml

    from generator.records import yamlsafe
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
    if yamlsafe.parse(dumped) != data:  # PyYAML writes NEL (\x85) raw, which reads as a
        dumped = yaml.safe_dump(data, sort_keys=False, width=10**6)  # break: escape all
    assert yamlsafe.parse(dumped) == data  # what was written is what will be read
    return dumped


def prepared_clean(records: Path) -> Prepared:
    """The records checked, typed and counted; fails the test, naming every error, if any."""
    from generator.pipeline import prepare

    done = prepare(records)
    errors = [str(p) for p in done.checked.problems if p.severity == "error"]
    assert done.census is not None and done.figures is not None, errors
    return done
