"""One reader of the records tree: a folder, a git revision and a mapping in memory give the
same sources and the same problems for the same tree; the git revision reports what it will
not read (symbolic links, submodules, blobs too large) instead of reading it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.records.load import FolderSource, Loaded, MemorySource, load
from generator.records.tree import MAX_BYTES, Place, classify
from generator.records.tree_git import GitError, GitSource

GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

COUNTIES = ["hualong", "HuaLong", "nanle", "qing feng"]
FOLDERS = ["findings", "g106", "verifications", "misc"]
NAMES = ["hl-1.yaml", "HL-1.yaml", "hl-2.yaml", "hl_2.yaml", "a.yml", ".gitkeep", "README.md",
         "ｈｌ-1.yaml", ".hl-3.yaml"]
PLACES: list[Place] = [("city.yaml",), ("notes.txt",), (".hidden", "x.yaml"), ("city.yml",),
                       (".hidden", "county.yaml"), (".city.yaml",)]
PLACES += [(c, f) for c in COUNTIES for f in ("county.yaml", "assistance.yaml", ".gitkeep")]
PLACES += [(c, d, n) for c in COUNTIES for d in FOLDERS for n in NAMES]
CONTENTS = [b"name: \xe7\x94\xb2\n", b"a: [\n", b"", "名称: 甲\n".encode("gbk"), b"- 1\n",
            b"a: 1\na: 2\n", b"\xef\xbb\xbfname: x\n", b"code: 0123\nowners: ['@a']\n"]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV}, check=True)
    return result.stdout.strip()


def need_git() -> None:
    if not shutil.which("git"):
        pytest.skip("git is not installed")


def write_tree(root: Path, files: dict[Place, bytes]) -> None:
    for place, raw in files.items():
        path = root.joinpath(*place)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)


def commit(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "tree")


def summary(loaded: Loaded) -> tuple[object, ...]:
    """What a load gives, in an order that does not depend on the source."""
    return (sorted((s.file, s.kind, s.county or "", s.id, repr(s.data)) for s in loaded.sources),
            sorted((p.file, p.line or 0, p.column or 0, p.code, p.message)
                   for p in loaded.problems),
            loaded.counties, loaded.n_files)


trees = st.dictionaries(st.sampled_from(PLACES), st.sampled_from(CONTENTS), max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=trees)
def test_folder_git_and_memory_give_the_same_load(tmp_path_factory: pytest.TempPathFactory,
                                                  files: dict[Place, bytes]) -> None:
    need_git()
    repo = tmp_path_factory.mktemp("repo")
    records = repo / "records"
    records.mkdir()
    write_tree(records, files)
    commit(repo)
    from_folder = summary(load(FolderSource(records)))
    assert summary(load(GitSource(records, "HEAD"))) == from_folder
    assert summary(load(MemorySource(files, records))) == from_folder
    assert summary(load(records)) == from_folder  # the folder as callers have always passed it


@settings(max_examples=40, deadline=None)
@given(files=trees, extra=trees)
def test_a_mapping_laid_over_a_tree_is_the_union_with_the_mapping_winning(
        files: dict[Place, bytes], extra: dict[Place, bytes]) -> None:
    root = Path("records")
    union = summary(load(MemorySource({**files, **extra}, root)))
    laid = summary(load(MemorySource(files, root), extra))  # type: ignore[arg-type]
    assert laid[0] == union[0] and laid[3] == union[3]


def test_the_shipped_fixture_reads_alike_from_all_three(tmp_path: Path) -> None:
    need_git()
    shutil.copytree(MINIMAL, tmp_path / "records")
    commit(tmp_path)
    records = tmp_path / "records"
    files = {p.relative_to(records).parts: p.read_bytes() for p in records.rglob("*")
             if p.is_file()}
    expected = summary(load(records))
    assert expected[0] and not expected[1]
    assert summary(load(GitSource(records, "HEAD"))) == expected
    assert summary(load(MemorySource(files, records))) == expected


@pytest.mark.parametrize("place", [("city.yaml",), ("hualong", "county.yaml"),
                                   ("hualong", "findings", "x-1.yaml"),
                                   ("hualong", "g106", "x.yml"), ("x", "y", "z", "w.yaml")])
def test_classify_is_the_one_placement(place: Place) -> None:
    """diff places a file by the loader's own classifier: no second reading of the tree."""
    from generator.tools import diffing
    assert diffing.classify("/".join(place)) == classify(place)


# --- what a git revision does not read ----------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    need_git()
    shutil.copytree(MINIMAL, tmp_path / "records")
    return tmp_path


def codes_at(loaded: Loaded, code: str) -> list[str]:
    return [p.file for p in loaded.problems if p.code == code]


def test_a_symbolic_link_in_a_revision_is_reported_not_read(repo: Path) -> None:
    link = repo / "records" / "hualong" / "findings" / "hl-20190311-bbb.yaml"
    link.symlink_to("/etc/passwd")
    commit(repo)
    loaded = load(GitSource(repo / "records", "HEAD"))
    assert [Path(f).name for f in codes_at(loaded, "load.git_link")] == [link.name]
    assert "hl-20190311-bbb" not in {s.id for s in loaded.sources}
    assert not any("root:" in s.text for s in loaded.sources)


def test_a_submodule_in_a_revision_is_reported_not_read(repo: Path) -> None:
    commit(repo)
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},records/hualong/g106/sub")
    git(repo, "commit", "-q", "-m", "submodule")
    loaded = load(GitSource(repo / "records", "HEAD"))
    assert [Path(f).name for f in codes_at(loaded, "load.git_submodule")] == ["sub"]


def test_a_blob_too_large_is_refused_by_its_size(repo: Path) -> None:
    big = repo / "records" / "hualong" / "findings" / "hl-20190311-big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    commit(repo)
    loaded = load(GitSource(repo / "records", "HEAD"))
    assert [Path(f).name for f in codes_at(loaded, "yaml.too_large")] == [big.name]


def test_a_revision_without_the_records_folder_is_an_empty_tree(repo: Path) -> None:
    (repo / "other.txt").write_text("x", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-q", "-m", "first")
    loaded = load(GitSource(repo / "records", "HEAD"))
    assert not loaded.sources and [p.code for p in loaded.problems] == ["rule.city_missing"]


@pytest.mark.parametrize("ref", ["nosuchref", "--output=x", "HEAD~5"])
def test_a_ref_that_is_no_commit_is_refused(repo: Path, ref: str) -> None:
    commit(repo)
    with pytest.raises(GitError) as caught:
        GitSource(repo / "records", ref).scan("/".join)
    assert caught.value.code == "diff.bad_ref"
    assert not (repo / "x").exists()
