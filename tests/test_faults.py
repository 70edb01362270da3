"""Faults: a build that fails, is killed, cannot write or runs out of disk leaves the previous
site/ and dist/ exactly as they were, and says why in Chinese (exit 1, no traceback).

One good build of the shipped records is made per module; each test copies it next to where
its own build will run. Tests run as root in CI, where chmod does not stop writes: a read-only
folder is then a read-only bind mount in a private mount namespace (``unshare -m``), and a full
disk a tiny tmpfs there; where that is not permitted those variants are skipped and the
in-process fault injection still runs.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import cli
from tests.conftest import REPO, run_cli

RECORDS = REPO / "records"
EPOCH = {"SOURCE_DATE_EPOCH": "1559174400"}


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file under the roots, by path, with its SHA-256: same files, same bytes."""
    out = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[f"{root.name}/{path.relative_to(root).as_posix()}"] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return out


def staging(parent: Path) -> list[Path]:
    return sorted(parent.glob(".build-*"))


def assert_clear_failure(done: subprocess.CompletedProcess[str] | tuple[int, str],
                         *expected: str) -> None:
    code, stderr = (done.returncode, done.stderr) if not isinstance(done, tuple) else done
    assert code == 1, stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr, stderr
    for text in expected:
        assert text in stderr, stderr


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ and dist/ of a good build of the shipped records (build once, copy per test)."""
    out = tmp_path_factory.mktemp("good")
    done = run_cli("build", str(RECORDS), "--site", str(out / "site"), "--dist",
                   str(out / "dist"), env=EPOCH)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def outputs(good: Path, tmp_path: Path) -> Iterator[Path]:
    """A folder holding a copy of the good site/ and dist/ and nothing else."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(good / "site", out / "site")
    shutil.copytree(good / "dist", out / "dist")
    yield out


def _build_args(records: Path, out: Path) -> list[str]:
    return ["build", str(records), "--site", str(out / "site"), "--dist", str(out / "dist")]


# --- a bad record -------------------------------------------------------------------------

@pytest.mark.slow
def test_bad_record_leaves_the_previous_outputs(outputs: Path, tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    before = snapshot(outputs / "site", outputs / "dist")
    finding = next(iter(sorted((records / "hualong" / "findings").glob("*.yaml"))))
    finding.write_text(finding.read_text(encoding="utf-8").replace(
        "source_type: 工业源", "source_type: 工业"), encoding="utf-8")
    done = run_cli(*_build_args(records, outputs), env=EPOCH)
    assert_clear_failure(done, "原有输出保持不变")
    assert "source_type" in done.stdout
    assert snapshot(outputs / "site", outputs / "dist") == before
    assert staging(outputs) == []


@pytest.mark.slow
@pytest.mark.parametrize("where", ["workbooks", "pages", "MkDocs"])
def test_disk_full_midway_gives_a_clear_message_and_keeps_outputs(
        where: str, outputs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC injected in-process at one stage of generator.publish.staging.build, through cli.main."""
    import pathlib

    import mkdocs.utils

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))

    target = {"workbooks": (pathlib.Path, "write_bytes"), "pages": (pathlib.Path, "write_text"),
              "MkDocs": (mkdocs.utils, "write_file")}[where]
    monkeypatch.setattr(*target, full)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    before = snapshot(outputs / "site", outputs / "dist")
    code = cli.main(_build_args(RECORDS, outputs))
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert_clear_failure((code, err), "写出文件失败", "原有的网站和附件未被改动")
    assert snapshot(outputs / "site", outputs / "dist") == before
    assert staging(outputs) == []


@pytest.mark.slow
def test_disk_full_message_says_why_in_chinese(outputs: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import pathlib

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pathlib.Path, "write_bytes", full)
    code = cli.main(_build_args(RECORDS, outputs))
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 1
    assert "磁盘" in err and os.strerror(errno.ENOSPC) not in err and "（）" not in err, err


def _may_unshare() -> str | None:
    """Why a private mount namespace is not available here, or None if it is."""
    if sys.platform != "linux" or not shutil.which("unshare"):
        return "needs Linux with unshare(1)"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, text=True, check=False)
    return None if probe.returncode == 0 else f"mount namespaces not permitted: {probe.stderr}"


HASH_SCRIPT = """
import hashlib, json, sys
from pathlib import Path
out = {}
for name in ("site", "dist"):
    root = Path(sys.argv[1]) / name
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[f"{name}/{p.relative_to(root).as_posix()}"] = hashlib.sha256(p.read_bytes()).hexdigest()
out["staging"] = sorted(p.name for p in Path(sys.argv[1]).glob(".build-*"))
print(json.dumps(out))
"""


def _in_namespace(mount: str, out: Path, good: Path, tmp_path: Path, then: str = "true",
                  ) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    """In a private mount namespace (it vanishes with the shell): ``mount``, copy the good
    outputs into ``out``, run ``then``, build into ``out`` and hash what is there."""
    hashes = tmp_path / "hashes.json"
    build = " ".join([sys.executable, "-m", "generator", *_build_args(RECORDS, out)])
    script = (f"set -e; {mount}; cp -a {good}/site {good}/dist {out}/; {then}; "
              f"rc=0; {build} || rc=$?; "
              f"{sys.executable} -c '{HASH_SCRIPT}' {out} > {hashes}; exit $rc")
    env = {**os.environ, "PYTHONPATH": str(REPO), **EPOCH}
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    return done, json.loads(hashes.read_text() or "{}")


@pytest.mark.slow
def test_real_full_disk_gives_a_clear_message_and_keeps_outputs(
        good: Path, tmp_path: Path) -> None:
    reason = _may_unshare()
    if reason:
        pytest.skip(reason)
    mount = tmp_path / "small"
    mount.mkdir()
    used = sum(-(-p.stat().st_size // 4096) * 4096 for p in good.rglob("*") if p.is_file())
    size = used + 512 * 1024  # room for the old outputs, not for a new build beside them
    done, after = _in_namespace(f"mount -t tmpfs -o size={size} tmpfs {mount}", mount, good,
                                tmp_path)
    assert_clear_failure(done, "原有的网站和附件未被改动")
    assert after.pop("staging") == []
    assert after == snapshot(good / "site", good / "dist")


# --- folders that cannot be written -------------------------------------------------------

@pytest.mark.slow
def test_read_only_output_folder_gives_a_clear_message(good: Path, tmp_path: Path) -> None:
    """The folder holding site/ and dist/ is read-only (a read-only bind mount when root)."""
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:
        shutil.copytree(good / "site", out / "site")
        shutil.copytree(good / "dist", out / "dist")
        before = snapshot(out / "site", out / "dist")
        out.chmod(0o555)
        try:
            done = run_cli(*_build_args(RECORDS, out), env=EPOCH)
        finally:
            out.chmod(0o755)
        after = snapshot(out / "site", out / "dist")
    else:
        reason = _may_unshare()
        if reason:
            pytest.skip(f"running as root, where chmod does not stop writes, and {reason}")
        done, after = _in_namespace(f"mount --bind {out} {out}", out, good, tmp_path,
                                    then=f"mount -o remount,ro,bind {out}")
        after.pop("staging")
        before = snapshot(good / "site", good / "dist")
    assert_clear_failure(done, str(out), "临时文件夹")
    assert after == before


def test_output_folder_that_cannot_be_made_gives_a_clear_message(tmp_path: Path) -> None:
    """--site below a regular file: mkdir fails for root too."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    done = run_cli("build", str(REPO / "tests" / "cases" / "valid" / "minimal" / "records"),
                   "--site", str(blocker / "site"), "--dist", str(tmp_path / "dist"), env=EPOCH)
    assert_clear_failure(done, str(blocker))
    assert not (tmp_path / "dist").exists()


# --- a build killed halfway ---------------------------------------------------------------

def _start_build(out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.Popen([sys.executable, "-m", "generator", *_build_args(RECORDS, out)],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(out: Path, moment: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Until the build has made its staging folder (``staging``) or MkDocs has begun writing
    the new site in it (``mkdocs``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = staging(out)
        if found and (moment == "staging" or (found[0] / "site").exists()):
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before reaching {moment}")
        time.sleep(0.005)
    proc.kill()
    pytest.fail(f"the build did not reach {moment} within {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["staging", "mkdocs"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_build_leaves_the_previous_outputs(outputs: Path, moment: str,
                                                  sig: signal.Signals) -> None:
    before = snapshot(outputs / "site", outputs / "dist")
    proc = _start_build(outputs)
    _wait_for(outputs, moment, proc)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert proc.returncode == -sig
    assert snapshot(outputs / "site", outputs / "dist") == before
    # and the next build recovers: it replaces the outputs
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert (outputs / "site" / "index.html").is_file()
    assert staging(outputs) == []  # and it cleared what the killed one left


@pytest.mark.parametrize("stage", ["generator.render.annexes.excel.write_annexes",
                                   "generator.render.site.pages.write_pages",
                                   "generator.publish.mkdocs_run.run_mkdocs"])
def test_a_sigterm_a_library_swallowed_still_stops_the_build(
        outputs: Path, stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SIGTERM handler's exception can land in an extension module's import, which turns
    it into a failed import that the importing library shrugs off (lxml under openpyxl, seen
    once in ten builds): the build then ran on and replaced the outputs. The request to stop
    outlives its exception: no swap, the previous outputs stay, the staging folder goes."""
    import importlib

    from generator import exits, pipeline
    from generator.settings import for_records

    module_name, name = stage.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)

    def swallowed(*args: object, **kwargs: object) -> object:
        try:
            exits.terminate(signal.SIGTERM, None)
        except KeyboardInterrupt:
            pass  # what the library did with it
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, swallowed)
    before = snapshot(outputs / "site", outputs / "dist")
    settings = for_records(RECORDS, site=outputs / "site", dist=outputs / "dist", today=1559174400)
    try:
        with pytest.raises(exits.Terminated):
            pipeline.build(settings)
    finally:
        exits.armed()
    assert snapshot(outputs / "site", outputs / "dist") == before
    assert staging(outputs) == []


@pytest.mark.slow
def test_terminated_build_removes_its_staging_folder(outputs: Path) -> None:
    proc = _start_build(outputs)
    _wait_for(outputs, "mkdocs", proc)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert staging(outputs) == []


# --- leftovers of a build killed outright, and two builds at once --------------------------

def _stale_stage(out: Path, site: Path | None = None, dist: Path | None = None) -> Path:
    """What an internal build into out/site and out/dist (or ``site``, ``dist``) killed
    outright leaves: its staging folder, marked with the profile and targets it was building."""
    from generator.publish.swap import mark_stage

    stale = out / ".build-killed"
    stale.mkdir()
    mark_stage(stale, {"site": site or out / "site", "dist": dist or out / "dist"}, "internal")
    return stale

def test_build_after_a_kill_between_renames_restores_then_clears(outputs: Path,
                                                                 tmp_path: Path) -> None:
    """Killed after moving the old site aside and before moving the new one in: site/ is
    missing and the old copy sits in the staging folder. The next build puts it back before
    anything else, so even a build stopped by a bad record leaves the previous site in place."""
    before = snapshot(outputs / "site", outputs / "dist")
    stale = _stale_stage(outputs)
    (outputs / "site").rename(stale / "old-site")
    (stale / "docs").mkdir()  # half-written pages of the killed build
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    bad = next(records.glob("*/findings/*.yaml"))
    bad.write_text(bad.read_text(encoding="utf-8").replace("source_type:", "source_typo:"),
                   encoding="utf-8")
    done = run_cli(*_build_args(records, outputs), env=EPOCH)
    assert done.returncode == 1  # the bad record stops the build, but only after recovery
    assert "已恢复原有的" in done.stderr and str(outputs / "site") in done.stderr
    assert staging(outputs) == []
    assert snapshot(outputs / "site", outputs / "dist") == before
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert "已恢复原有的" not in done.stderr
    assert snapshot(outputs / "site", outputs / "dist") == before  # same records, same bytes


def test_restored_site_survives_a_build_that_then_fails(outputs: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pipeline import prepare
    from generator.publish.staging import BuildError, build
    from generator.render.site import pages as site_pages
    before = snapshot(outputs / "site")
    stale = _stale_stage(outputs)
    (outputs / "site").rename(stale / "old-site")
    prepared = prepare(RECORDS)
    assert prepared.census and prepared.figures

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(site_pages, "write_pages", full_disk)
    with pytest.raises(BuildError) as raised:
        build(RECORDS, prepared.census, prepared.figures, prepared.checked.schemas,
              outputs / "site", outputs / "dist")
    assert raised.value.code == "build.write_failed"
    assert "磁盘空间不足" in str(raised.value)  # the reason is said, not the system's English
    assert snapshot(outputs / "site") == before
    assert staging(outputs) == []


def test_stale_staging_folder_with_unknown_contents_is_kept_and_named(outputs: Path) -> None:
    stale = _stale_stage(outputs)
    (stale / "old-elsewhere").mkdir()
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert "old-elsewhere" in done.stderr and "请检查后手动删除" in done.stderr
    assert (stale / "old-elsewhere").is_dir()


def test_second_build_into_the_same_folder_is_refused(outputs: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("the lock is tested with fcntl here")
    import fcntl

    with open(outputs / ".build.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        before = snapshot(outputs / "site", outputs / "dist")
        done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
        assert_clear_failure(done, "另一个生成正在向", str(outputs))
        assert snapshot(outputs / "site", outputs / "dist") == before
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr


def test_same_folder_name_for_site_and_dist_is_not_confused(tmp_path: Path) -> None:
    """--site a/out --dist b/out: a copy moved aside is named by its role, not its folder."""
    from generator.publish.swap import recover

    site, dist = tmp_path / "a" / "out", tmp_path / "b" / "out"
    dist.mkdir(parents=True)
    (tmp_path / "a").mkdir()
    stale = _stale_stage(tmp_path / "a", site, dist)
    (stale / "old-site").mkdir()
    (stale / "old-site" / "index.html").write_text("old", encoding="utf-8")
    notes = recover(tmp_path / "a", {"site": site, "dist": dist}, "internal")
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    assert notes and not stale.exists()


def test_an_old_copy_whose_output_was_replaced_goes_with_its_staging_folder(
        outputs: Path) -> None:
    """Killed after the new site moved in, before the old copy was deleted."""
    before = snapshot(outputs / "site", outputs / "dist")
    stale = _stale_stage(outputs)
    shutil.copytree(outputs / "site", stale / "old-site")
    (stale / "old-site" / "index.html").write_text("older", encoding="utf-8")
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert "请检查后手动删除" not in done.stderr and "已恢复" not in done.stderr
    assert staging(outputs) == []
    assert snapshot(outputs / "site", outputs / "dist") == before


def test_recovery_leaves_folders_it_did_not_make(outputs: Path) -> None:
    mine = outputs / ".build-notes"  # a person's folder that happens to share the prefix
    mine.mkdir()
    (mine / "keep.txt").write_text("x", encoding="utf-8")
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert (mine / "keep.txt").is_file()


def test_a_staging_folder_killed_before_its_mark_is_cleared(outputs: Path) -> None:
    """Killed between making its staging folder and marking it, a build leaves an empty
    unmarked ``.build-*``: it holds nothing of anyone's, so the next build removes it (a
    person's non-empty folder with the prefix stays, as above)."""
    for name in (".build-abc123", ".build-x"):
        (outputs / name).mkdir()
    done = run_cli(*_build_args(RECORDS, outputs), env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert staging(outputs) == []


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_a_stage_that_cannot_be_marked_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  stop: BaseException) -> None:
    """SIGTERM (raised as KeyboardInterrupt) or a full disk while the mark is written."""
    from generator.publish import swap as build_stage
    def fail(*args: object) -> None:
        raise stop

    monkeypatch.setattr(build_stage, "mark_stage", fail)
    with pytest.raises(type(stop)):
        build_stage.new_stage(tmp_path, {"site": tmp_path / "site"}, "internal")
    assert list(tmp_path.iterdir()) == []


def test_interrupt_between_the_renames_puts_the_old_output_back(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    """Ctrl-C after the old site was moved aside and before the new one moved in."""
    from generator.publish.swap import swap

    target, trash = tmp_path / "site", tmp_path / "trash"
    new = trash / "site"
    for folder in (target, trash, new):
        folder.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    real_rename = Path.rename

    def rename(self: Path, to: Path) -> Path:
        if self == new:
            raise KeyboardInterrupt
        return real_rename(self, to)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        swap(trash, {"site": target})
    monkeypatch.undo()
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
