"""The records tree as the loader walks it: nothing is skipped silently, nothing hangs.

Policy under test: a symbolic link is followed when its target lies inside the records folder
and refused (by path) when it leads outside, dangles or loops; a folder that cannot be read, a
FIFO, socket or device named like a record, and names that only differ by case or Unicode
spelling are each reported with a Chinese message and a stable code. Nothing here needs root:
the unreadable-folder tests drop privileges in a forked child, since root reads anything.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL, run_cli

from generator.records.load import Loaded, load

FINDING = "hualong/findings/hl-20190311-aaa.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "records")
    return tmp_path / "records"


def codes(loaded: Loaded) -> list[str]:
    return sorted(p.code for p in loaded.problems)


def problem_files(loaded: Loaded, code: str) -> list[str]:
    return sorted(p.file for p in loaded.problems if p.code == code)


def ids(loaded: Loaded) -> set[str]:
    return {s.id for s in loaded.sources}


def validate_cli(tree: Path) -> tuple[int, list[str], str]:
    """``validate records`` in a child process with a timeout: a hang fails the test."""
    done = run_cli("validate", tree.name, cwd=tree.parent, timeout=60)
    return done.returncode, done.stdout.splitlines(), done.stderr


# --- symbolic links ---------------------------------------------------------------------------


def test_county_folder_linked_inside_the_tree_is_followed(tree: Path) -> None:
    (tree / "hualong").rename(tree / ".real-hualong")
    (tree / "hualong").symlink_to(".real-hualong", target_is_directory=True)
    loaded = load(tree)
    assert codes(loaded) == []
    assert "hl-20190311-aaa" in ids(loaded) and loaded.counties == ["hualong"]


def test_findings_folder_linked_inside_the_tree_is_followed(tree: Path) -> None:
    findings = tree / "hualong" / "findings"
    findings.rename(tree / ".shared-findings")
    findings.symlink_to("../.shared-findings", target_is_directory=True)
    loaded = load(tree)
    assert codes(loaded) == [] and "hl-20190311-aaa" in ids(loaded)
    assert any(s.file.endswith(FINDING) for s in loaded.sources)


def test_record_file_linked_inside_the_tree_is_followed(tree: Path) -> None:
    record = tree / FINDING
    record.rename(tree / ".kept.yaml")
    record.symlink_to("../../.kept.yaml")
    loaded = load(tree)
    assert codes(loaded) == [] and "hl-20190311-aaa" in ids(loaded)


@pytest.mark.parametrize("what", ["county", "findings", "record"])
def test_link_leading_outside_the_tree_is_refused_by_path(tree: Path, tmp_path: Path,
                                                         what: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    if what == "county":
        shutil.move(tree / "hualong", outside / "hualong")
        (tree / "hualong").symlink_to(outside / "hualong", target_is_directory=True)
        link = tree / "hualong"
    elif what == "findings":
        shutil.move(tree / "hualong" / "findings", outside / "findings")
        link = tree / "hualong" / "findings"
        link.symlink_to(outside / "findings", target_is_directory=True)
    else:
        shutil.move(tree / FINDING, outside / "x.yaml")
        link = tree / FINDING
        link.symlink_to(outside / "x.yaml")
    loaded = load(tree)
    assert problem_files(loaded, "load.link_outside") == [link.as_posix()]
    assert "hl-20190311-aaa" not in ids(loaded)


def test_link_to_a_system_file_is_refused(tree: Path) -> None:
    (tree / "hualong" / "findings" / "x.yaml").symlink_to("/etc/passwd")
    (tree / "hualong" / "g106" / "y.yaml").symlink_to("/dev/zero")
    loaded = load(tree)
    assert len(problem_files(loaded, "load.link_outside")) == 2
    assert not {"x", "y"} & ids(loaded)


@pytest.mark.parametrize("target", ["..", ".", "../..", "../../hualong"])
def test_folder_link_back_up_the_tree_is_a_loop_reported_by_path(tree: Path,
                                                                 target: str) -> None:
    link = tree / "hualong" / "findings" / "again"
    link.symlink_to(target, target_is_directory=True)
    loaded = load(tree)
    assert problem_files(loaded, "load.link_loop") == [link.as_posix()]
    assert "hl-20190311-aaa" in ids(loaded)  # the real records are still read


def test_links_pointing_at_each_other_are_a_loop(tree: Path) -> None:
    (tree / "hualong" / "findings" / "a.yaml").symlink_to("b.yaml")
    (tree / "hualong" / "findings" / "b.yaml").symlink_to("a.yaml")
    loaded = load(tree)
    assert len(problem_files(loaded, "load.link_loop")) == 2


def test_dangling_link_is_reported(tree: Path) -> None:
    link = tree / "hualong" / "findings" / "gone.yaml"
    link.symlink_to("nowhere.yaml")
    loaded = load(tree)
    assert problem_files(loaded, "load.link_broken") == [link.as_posix()]


# --- files that are not regular files -----------------------------------------------------------


def test_fifo_named_like_a_record_is_reported_and_never_hangs(tree: Path) -> None:
    os.mkfifo(tree / "hualong" / "findings" / "hl-20190311-zzz.yaml")
    os.mkfifo(tree / "hualong" / "county.yaml.fifo")
    started = time.monotonic()
    loaded = load_in_child(tree, timeout=30)
    assert time.monotonic() - started < 30
    assert loaded["codes"].count("load.not_regular") == 2


def test_fifo_through_the_cli_exits_1_with_a_located_message(tree: Path) -> None:
    os.mkfifo(tree / "hualong" / "findings" / "hl-20190311-zzz.yaml")
    code, lines, stderr = validate_cli(tree)
    assert code == 1, stderr
    assert any("hl-20190311-zzz.yaml" in line and "[load.not_regular]" in line and "管道" in line
               for line in lines), lines


def test_socket_named_like_a_record_is_reported(shared_tree: Path) -> None:
    tree = shared_tree  # a short path: AF_UNIX paths are limited to about 100 bytes
    path = tree / "hualong" / "g106" / "hl-g-20190312-sss.yaml"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX on this machine")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        loaded = load(tree)
    assert problem_files(loaded, "load.not_regular") == [path.as_posix()]


def test_device_file_inside_the_tree_is_reported(tree: Path) -> None:
    path = tree / "hualong" / "findings" / "dev.yaml"
    try:
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device file here (needs CAP_MKNOD)")
    loaded = load_in_child(tree, timeout=30)
    assert loaded["codes"].count("load.not_regular") == 1


def test_codeowners_refuses_a_fifo_county_file_without_blocking(tree: Path) -> None:
    (tree / "hualong" / "county.yaml").unlink()
    os.mkfifo(tree / "hualong" / "county.yaml")
    done = run_cli("codeowners", "--records", str(tree), timeout=60)
    assert done.returncode == 1 and "命名管道" in done.stderr, done.stderr


def test_read_source_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    """read_source is also called directly (import): it must not block on open()."""
    from generator.records.load import read_source

    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _, found = read_source(fifo, "finding", "x", "x")
        os._exit(0 if [p.code for p in found] == ["load.not_regular"] else 3)
    assert wait_child(pid, timeout=30) == 0


# --- folders that cannot be read ----------------------------------------------------------------


@pytest.fixture
def shared_tree() -> Iterator[Path]:
    """A copy of the minimal tree that another user can reach (pytest's tmp_path is root-only)."""
    base = Path(tempfile.mkdtemp(prefix="loader-"))
    try:
        base.chmod(0o755)
        shutil.copytree(MINIMAL, base / "records")
        for path in [base / "records", *(base / "records").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield base / "records"
    finally:
        for path in base.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base)


def wait_child(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail(f"the loader did not finish within {timeout} s")


def load_in_child(tree: Path, timeout: float, user: int | None = None) -> dict[str, list[str]]:
    """load(tree) in a forked child (as ``user`` when given): codes, files and ids as JSON."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        status = 0
        try:
            if user is not None:
                os.setgid(user)
                os.setuid(user)
            loaded = load(tree)
            out = {"codes": [p.code for p in loaded.problems],
                   "files": [p.file for p in loaded.problems],
                   "messages": [p.message for p in loaded.problems],
                   "ids": sorted(ids(loaded))}
            os.write(write, json.dumps(out).encode())
        except BaseException:  # noqa: BLE001 - any exception is the failure being tested
            status = 3
        os._exit(status)
    os.close(write)
    assert wait_child(pid, timeout) == 0, "load() raised in the child"
    with os.fdopen(read, "rb") as handle:
        return json.loads(handle.read())  # type: ignore[no-any-return]


def as_nobody(tree: Path) -> dict[str, list[str]]:
    if os.geteuid() != 0:
        return load_in_child(tree, timeout=60)
    return load_in_child(tree, timeout=60, user=65534)


@pytest.mark.parametrize("folder", ["hualong", "hualong/findings", "hualong/g106"])
def test_unreadable_folder_is_reported_by_path(shared_tree: Path, folder: str) -> None:
    (shared_tree / folder).chmod(0o000)
    found = as_nobody(shared_tree)
    assert "load.dir_unreadable" in found["codes"], found
    where = found["files"][found["codes"].index("load.dir_unreadable")]
    assert where.endswith(folder)
    message = found["messages"][found["codes"].index("load.dir_unreadable")]
    assert "权限" in message and "Permission" not in message


def test_unreadable_record_file_reads_in_chinese(shared_tree: Path) -> None:
    (shared_tree / FINDING).chmod(0o000)
    found = as_nobody(shared_tree)
    assert "yaml.read" in found["codes"], found
    message = found["messages"][found["codes"].index("yaml.read")]
    assert "权限" in message and "Permission" not in message
    assert "hl-20190311-aaa" not in found["ids"]


# --- names that collide -------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [
    ("hl-20190311-aaa", "HL-20190311-AAA"),
    ("hl-20190311-aaa", "hl-20190311-aAa"),
    ("hl-20190311-aaa", "Hl-20190311-aaa"),
])
def test_ids_differing_only_in_case_in_one_folder_are_refused(tree: Path, first: str,
                                                              second: str) -> None:
    folder = tree / "hualong" / "findings"
    shutil.copyfile(folder / "hl-20190311-aaa.yaml", folder / f"{second}.yaml")
    if first != "hl-20190311-aaa":
        (folder / "hl-20190311-aaa.yaml").rename(folder / f"{first}.yaml")
    loaded = load(tree)
    expected = sorted((folder / f"{name}.yaml").as_posix() for name in (first, second))
    assert problem_files(loaded, "load.name_clash") == expected  # each names the other


def test_ids_differing_only_in_case_across_counties_are_refused(tree: Path) -> None:
    other = tree / "qingfeng"
    shutil.copytree(tree / "hualong", other)
    (other / "county.yaml").write_text(
        (other / "county.yaml").read_text(encoding="utf-8")
        .replace("华龙区", "清丰县").replace("410902", "410922"), encoding="utf-8")
    for path in other.rglob("*-*.yaml"):
        path.rename(path.with_name(path.name.upper().replace(".YAML", ".yaml")))
    loaded = load(tree)
    clashes = problem_files(loaded, "load.id_case")
    assert len(clashes) == 6, clashes
    assert sum("/qingfeng/" in f for f in clashes) == 3


def test_county_folders_differing_only_in_case_are_refused(tree: Path) -> None:
    shutil.copytree(tree / "hualong", tree / "Hualong")
    loaded = load(tree)
    assert problem_files(loaded, "load.name_clash") == sorted(
        [(tree / "Hualong").as_posix(), (tree / "hualong").as_posix()])
    assert problem_files(loaded, "rule.county_slug") == [(tree / "Hualong").as_posix()]


@pytest.mark.parametrize(("first", "second"), [
    ("hualong", "ｈualong"),  # full-width letter
    ("zé", "ze\u0301"),  # composed and decomposed é (macOS stores the second)
    ("ka", "\u212aa"),  # KELVIN SIGN, which folds to k
    ("ss", "SS"),
])
def test_look_alike_names_in_one_folder_are_refused(tree: Path, first: str, second: str) -> None:
    for name in (first, second):
        if not (tree / name).exists():
            shutil.copytree(tree / "hualong", tree / name)
    loaded = load(tree)
    assert problem_files(loaded, "load.name_clash") == sorted(
        (tree / name).as_posix() for name in (first, second))


def test_unreadable_root_is_one_problem_not_a_missing_city_file(shared_tree: Path) -> None:
    shared_tree.chmod(0o000)
    found = as_nobody(shared_tree)
    assert found["codes"] == ["load.dir_unreadable"], found
