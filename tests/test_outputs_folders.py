"""Output folders: build replaces only a folder it made (its mark says so) or an empty or
missing one, and never one that holds, or sits inside, the records, the schemas, .git, the
repository or the other output. A refused choice is a usage error (exit 2) said in Chinese
before anything is validated, locked, moved or written."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli
from tests.conftest import MINIMAL, REPO, run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "1559174400"}


def files(root: Path) -> dict[str, str]:
    """Every file under ``root`` (marks and lock files included), with its SHA-256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def sandbox(root: Path) -> Path:
    """A small repository: records, schemas, .git, a person's folder and an empty one."""
    shutil.copytree(MINIMAL, root / "records")
    (root / "schemas").mkdir()
    (root / "schemas" / "finding.schema.json").write_text("{}", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "shared").mkdir()
    (root / "shared" / "会议纪要.docx").write_bytes(b"minutes")
    (root / "shared" / "sub").mkdir()
    (root / "shared" / "sub" / "keep.txt").write_text("keep", encoding="utf-8")
    (root / "empty").mkdir()
    return root


def refused(done_code: int, err: str, *expected: str) -> None:
    assert done_code == 2, err
    assert "Traceback" not in err and "内部错误" not in err, err
    assert "[build." in err, err  # a stable code
    for text in expected:
        assert text in err, err


def build_cli(root: Path, *args: str) -> tuple[int, str]:
    done = run_cli("build", "records", *args, cwd=root, env=EPOCH)
    return done.returncode, done.stderr


# --- the examples of the issue -------------------------------------------------------------

def test_dist_pointing_at_the_records_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    before = files(root)
    refused(*build_cli(root, "--site", "out/site", "--dist", "records"), "records")
    assert files(root) == before
    assert not (root / "out").exists()


@pytest.mark.parametrize("inside", ["records/hualong", "records/new", "schemas/out", ".git/x"])
def test_an_output_inside_a_protected_folder_is_refused(tmp_path: Path, inside: str) -> None:
    root = sandbox(tmp_path)
    before = files(root)
    refused(*build_cli(root, "--site", inside, "--dist", "out/dist"))
    assert files(root) == before


@pytest.mark.parametrize("around", [".", "..", "../.."])
def test_an_output_holding_the_repository_is_refused(tmp_path: Path, around: str) -> None:
    root = sandbox(tmp_path / "a" / "b" / "repo")
    before = files(root)
    refused(*build_cli(root, "--site", "out/site", "--dist", around))
    assert files(root) == before


def test_a_shared_folder_with_files_is_refused_with_what_to_do(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    before = files(root)
    code, err = build_cli(root, "--site", "shared", "--dist", "out/dist")
    refused(code, err, "shared", "手动删除", "另选")
    assert files(root) == before


@pytest.mark.parametrize(("site", "dist"), [("out", "out"), ("out", "out/dist"),
                                            ("out/site", "out"), ("out/./x", "out/y/../x")])
def test_site_and_dist_may_not_be_one_folder_or_nested(tmp_path: Path, site: str,
                                                        dist: str) -> None:
    root = sandbox(tmp_path)
    before = files(root)
    refused(*build_cli(root, "--site", site, "--dist", dist), "网站", "附件")
    assert files(root) == before
    assert not (root / "out").exists()


def test_a_site_of_the_previous_version_without_a_mark_is_refused(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("old site", encoding="utf-8")
    before = files(root)
    refused(*build_cli(root, "--site", "site", "--dist", "dist"), ".census-output", "手动删除")
    assert files(root) == before


def test_a_file_in_place_of_an_output_folder_is_refused(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    (root / "dist").write_text("a file", encoding="utf-8")
    before = files(root)
    refused(*build_cli(root, "--site", "site", "--dist", "dist"), "dist")
    assert files(root) == before


@pytest.mark.parametrize("to", ["empty", "site", "records"])
def test_an_output_that_is_a_symbolic_link_is_refused(tmp_path: Path, to: str) -> None:
    root = sandbox(tmp_path)
    (root / "site").symlink_to(root / to, target_is_directory=True)  # "site": a loop
    before = files(root)
    refused(*build_cli(root, "--site", "site", "--dist", "dist"))
    assert files(root) == before and (root / "site").is_symlink()


def test_every_problem_is_said_at_once_before_validation(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    bad = next((root / "records").glob("*/findings/*.yaml"))
    bad.write_text("source_type: [", encoding="utf-8")  # would fail validation
    code, err = build_cli(root, "--site", "shared", "--dist", "records")
    refused(code, err, "shared", "records")
    assert err.count("[build.") >= 2
    assert not (root / ".build.lock").exists()


def test_an_output_of_the_other_profile_is_not_replaced(tmp_path: Path) -> None:
    """An internal site named as the public one: the public build would erase it."""
    root = sandbox(tmp_path)
    code, err = build_cli(root, "--site", "site", "--dist", "dist")
    assert code == 0, err
    mark = json.loads((root / "site" / ".census-output").read_text(encoding="utf-8"))
    assert (mark["role"], mark["profile"]) == ("site", "internal")
    before = files(root)
    refused(*build_cli(root, "--profile", "public", "--site", "site"), "内部版")
    refused(*build_cli(root, "--site", "dist", "--dist", "site"), "附件")
    assert files(root) == before


def test_marked_and_empty_folders_are_replaced(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    for _ in range(2):  # the first time into an empty folder, the second into its own
        code, err = build_cli(root, "--site", "empty", "--dist", "out/dist")
        assert code == 0, err
    assert (root / "empty" / "index.html").is_file()
    assert json.loads((root / "out" / "dist" / ".census-output").read_text(encoding="utf-8")) \
        == {"profile": "internal", "role": "dist", "tool": "python -m generator build"}


def test_the_mark_is_not_in_the_search_index_or_the_sitemap(tmp_path: Path) -> None:
    root = sandbox(tmp_path)
    code, err = build_cli(root, "--site", "site", "--dist", "dist")
    assert code == 0, err
    for name in ("search/search_index.json", "sitemap.xml"):
        assert ".census-output" not in (root / "site" / name).read_text(encoding="utf-8")
    assert ".census-output" not in (root / "site" / "downloads.html").read_text(encoding="utf-8")


def test_the_library_entry_refuses_too(tmp_path: Path) -> None:
    """generator.publish.staging.build, called without the CLI, checks the folders the same way."""
    from generator.pipeline import prepare
    from generator.publish.staging import BuildUsageError, build

    root = sandbox(tmp_path)
    prepared = prepare(root / "records")
    assert prepared.census and prepared.figures
    before = files(root)
    with pytest.raises(BuildUsageError, match="build.output_"):
        build(root / "records", prepared.census, prepared.figures, prepared.checked.schemas,
              root / "shared", root / "out")
    assert files(root) == before


def test_the_repository_itself_is_protected() -> None:
    """The repository this tool lives in, its records/, schemas/ and .git (no build runs)."""
    from generator.publish.staging import BuildUsageError, check_outputs

    for site in (REPO, REPO / "records", REPO / "schemas" / "x", REPO / ".git", REPO.parent):
        with pytest.raises(BuildUsageError):
            check_outputs(MINIMAL, {"site": site}, "public")


# --- the class: any choice of folders ------------------------------------------------------

CHOICES = ["site", "dist", "empty", "shared", "shared/sub", "records", "records/hualong",
           "records/x", "schemas", ".git", ".", "out", "out/site", "out/dist", "site/dist",
           "dist/site", "records/../site", "empty/../shared"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.tuples(st.sampled_from(CHOICES), st.sampled_from(CHOICES),
                               st.sampled_from(["internal", "public"])), min_size=1, max_size=3))
def test_no_file_the_tool_did_not_make_is_ever_deleted_or_changed(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], runs: list[tuple[str, str, str]]) -> None:
    root = sandbox(tmp_path_factory.mktemp("repo"))
    theirs = files(root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    for site, dist, profile in runs:
        extra = ["--dist", dist] if profile == "internal" else []
        code = cli.main(["build", "records", "--profile", profile, "--site", site, *extra])
        err = capsys.readouterr().err
        assert code in (0, 2), err
        assert "Traceback" not in err and "内部错误" not in err, err
        now = files(root)
        assert {k: now.get(k) for k in theirs} == theirs, (runs, err)


@pytest.mark.parametrize("where", ["locked/site", "locked"])
def test_an_output_folder_that_cannot_be_looked_into_is_a_clear_usage_error(
        tmp_path: Path, where: str) -> None:
    """A folder without any permission (root obeys it once its override is dropped)."""
    import os
    import subprocess
    import sys

    from tests.test_outputs_recovery import _without_override

    root = sandbox(tmp_path)
    (root / "locked").mkdir()
    (root / "locked" / "x.txt").write_text("x", encoding="utf-8")
    prefix = _without_override()
    (root / "locked").chmod(0)
    env = {**os.environ, "PYTHONPATH": str(REPO), **EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    try:
        done = subprocess.run([*prefix, sys.executable, "-m", "generator", "build", "records",
                               "--site", where, "--dist", "out/dist"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
    finally:
        (root / "locked").chmod(0o755)
    refused(done.returncode, done.stderr, "locked", "没有访问权限")
    assert (root / "locked" / "x.txt").read_text(encoding="utf-8") == "x"
