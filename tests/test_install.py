"""The program installed from a wheel runs on a records repository it was not built from.

Schemas, templates and mkdocs.yml are the records' repository's (settings.project_root), so
an installed program needs no source checkout; without a repository around the records the
commands say so in Chinese (exit 3) instead of failing on a missing file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import settings
from generator.settings import ProjectError, for_records, project_root
from tests.cli_helpers import main_in_process
from tests.conftest import MINIMAL, REPO


def _project(at: Path, records: Path = MINIMAL) -> Path:
    """A records repository at ``at``: records, schemas, templates and mkdocs.yml."""
    shutil.copytree(records, at / "records")
    shutil.copytree(REPO / "schemas", at / "schemas")
    shutil.copytree(REPO / "site_templates", at / "site_templates")
    shutil.copy2(REPO / "mkdocs.yml", at / "mkdocs.yml")
    return at


def test_the_nearest_repository_above_the_records_wins(tmp_path: Path) -> None:
    outer = _project(tmp_path / "outer")
    inner = _project(outer / "records" / "nested", MINIMAL)
    assert project_root(outer / "records") == outer.resolve()
    assert project_root(inner / "records") == inner.resolve()
    paths = for_records(inner / "records").paths
    assert paths.schemas == inner.resolve() / "schemas"
    assert paths.templates == inner.resolve() / "site_templates"
    assert paths.mkdocs_yml == inner.resolve() / "mkdocs.yml"


@pytest.mark.parametrize("missing", settings.PROJECT_PARTS)
def test_a_folder_missing_a_part_is_not_a_repository(tmp_path: Path, missing: str) -> None:
    project = _project(tmp_path / "p")
    target = project / missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    assert project_root(project / "records") == settings.CHECKOUT  # the program's own


def test_without_any_repository_the_commands_say_so(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CHECKOUT", tmp_path / "installed")  # as from a wheel
    shutil.copytree(MINIMAL, tmp_path / "records")
    with pytest.raises(ProjectError):
        project_root(tmp_path / "records")
    for argv in (["validate", str(tmp_path / "records")],
                 ["build", str(tmp_path / "records"), "--site", str(tmp_path / "s"),
                  "--dist", str(tmp_path / "d")]):
        code, out, err = main_in_process(argv)
        assert code == 3, (argv, out, err)
        assert "[build.no_project]" in err and "schemas/" in err and "Traceback" not in err
    assert not (tmp_path / "s").exists() and not (tmp_path / "d").exists()


@pytest.mark.slow
def test_a_wheel_builds_the_site_of_a_repository_elsewhere(tmp_path: Path) -> None:
    """``pip wheel .``, the wheel unpacked as pip installs it, then ``python -m generator``
    run in a records repository that is not the checkout: validate and build work."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path / "wheels"),
                            str(REPO)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp_path / "installed")
    project = _project(tmp_path / "repo", REPO / "records")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "installed")}
    env.pop("GITHUB_ACTIONS", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=900)

    where = run("-c", "import generator; print(generator.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "installed"), where
    checked = run("-m", "generator", "validate", "records")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    done = run("-m", "generator", "build", "--as-of", "2019-05-24")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "site" / "index.html").is_file()
    assert sorted(p.suffix for p in (project / "dist").iterdir() if p.suffix) >= [".docx"]


@pytest.mark.parametrize("make", ["loop", "self", "dangling"])
def test_a_records_link_that_cannot_be_resolved_still_finds_the_repository(
        tmp_path: Path, make: str) -> None:
    """Path.resolve raises on a link loop: the repository is still found from the path as
    written, and the command reports the link itself (exit 3), never an internal error."""
    project = _project(tmp_path / "p")
    link = project / "linked"
    if make == "loop":
        (project / "other").symlink_to(link)
        link.symlink_to(project / "other")
    elif make == "self":
        link.symlink_to(link)
    else:
        link.symlink_to(project / "missing")
    assert project_root(link) == project
    code, out, err = main_in_process(["validate", str(link)])
    assert code == 3, (out, err)
    assert "内部错误" not in err and "Traceback" not in err
