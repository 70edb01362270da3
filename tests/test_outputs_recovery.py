"""Recovery and the final swap: a copy moved aside goes back only to the output, role and
profile it was taken from; site and dist are replaced together or not at all, and when even
putting back fails the message says exactly which output changed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO, run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "1559174400"}


def snapshot(*roots: Path) -> dict[str, str]:
    return {f"{root.name}/{p.relative_to(root).as_posix()}":
            hashlib.sha256(p.read_bytes()).hexdigest()
            for root in roots for p in sorted(root.rglob("*")) if p.is_file()}


def profile_of(site: Path) -> str:
    return str(json.loads((site / ".census-output").read_text(encoding="utf-8"))["profile"])


KILL_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
real = Path.rename
def rename(self, target):
    if self.name == "site" and self.parent.name.startswith(".build-"):
        os._exit(9)  # killed outright: after the old site moved aside, before the new moved in
    return real(self, target)
Path.rename = rename
from generator import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def killed_build(cwd: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), **EPOCH}
    done = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, "build", str(MINIMAL),
                           *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 9, done.stderr


def bad_records(tmp_path: Path) -> Path:
    records = tmp_path / "bad-records"
    shutil.copytree(MINIMAL, records)
    bad = next(records.glob("*/findings/*.yaml"))
    bad.write_text(bad.read_text(encoding="utf-8").replace("source_type:", "source_typo:"),
                   encoding="utf-8")
    return records


def test_a_killed_internal_build_is_never_restored_into_the_public_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("build", str(MINIMAL), cwd=out, env=EPOCH)
    assert done.returncode == 0, done.stderr
    internal = snapshot(out / "site")
    killed_build(out)  # internal, into out/site and out/dist
    assert not (out / "site").exists()
    # a public build whose records have errors: recovery runs, the build does not
    done = run_cli("build", str(bad_records(tmp_path)), "--profile", "public", cwd=out, env=EPOCH)
    assert done.returncode == 1
    assert not (out / "site-public").exists(), done.stderr
    # a public build that succeeds: its own site only; the internal copy still waits
    done = run_cli("build", str(MINIMAL), "--profile", "public", cwd=out, env=EPOCH)
    assert done.returncode == 0, done.stderr
    assert profile_of(out / "site-public") == "public"
    assert "内部版" in done.stderr  # says what it left alone and why
    # the internal build puts its own copy back, even when its records then fail
    done = run_cli("build", str(bad_records(tmp_path / "again")), cwd=out, env=EPOCH)
    assert done.returncode == 1
    assert "已恢复原有的" in done.stderr
    assert snapshot(out / "site") == internal
    assert not list(out.glob(".build-*"))


def test_a_copy_is_restored_only_to_the_folder_it_came_from(tmp_path: Path) -> None:
    """Same profile, same parent folder, another --site: the copy is not this build's."""
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("build", str(MINIMAL), "--site", "a", "--dist", "d", cwd=out, env=EPOCH)
    assert done.returncode == 0, done.stderr
    before = snapshot(out / "a")
    killed_build(out, "--site", "a", "--dist", "d")
    done = run_cli("build", str(bad_records(tmp_path)), "--site", "b", "--dist", "d", cwd=out,
                   env=EPOCH)
    assert done.returncode == 1
    assert not (out / "b").exists() and not (out / "a").exists()
    done = run_cli("build", str(bad_records(tmp_path / "2")), "--site", "a", "--dist", "d",
                   cwd=out, env=EPOCH)
    assert "已恢复原有的" in done.stderr
    assert snapshot(out / "a") == before


# --- site and dist together ----------------------------------------------------------------

def _good(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("build", str(MINIMAL), "--site", str(out / "site"), "--dist",
                   str(out / "dist"), env={"SOURCE_DATE_EPOCH": "1500000000"})
    assert done.returncode == 0, done.stderr
    return out


def _without_override() -> list[str]:
    """A command prefix under which root obeys file permissions (it drops the capabilities
    that let root read and write anywhere); empty when not root; skips when impossible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv or "setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False) \
        if setpriv else None
    if probe is None or probe.returncode != 0:
        pytest.skip("running as root and setpriv(1) cannot drop CAP_DAC_OVERRIDE here")
    return prefix


def test_a_read_only_dist_leaves_both_outputs_as_they_were(tmp_path: Path) -> None:
    """dist/ cannot be moved (no write permission on it, which a directory needs to move to
    another folder): nothing is replaced, and the message says so. As root, the build runs
    without the capability that ignores permissions."""
    out = _good(tmp_path)
    before = snapshot(out / "site", out / "dist")
    env = {**os.environ, "PYTHONPATH": str(REPO), **EPOCH}
    env.pop("GITHUB_ACTIONS", None)
    command = [*_without_override(), sys.executable, "-m", "generator", "build", str(MINIMAL),
               "--site", str(out / "site"), "--dist", str(out / "dist")]
    (out / "dist").chmod(0o555)
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
    finally:
        (out / "dist").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr
    assert "原有的网站和附件未被改动" in done.stderr and str(out / "dist") in done.stderr
    assert snapshot(out / "site", out / "dist") == before
    assert not list(out.glob(".build-*"))


def _label(path: Path) -> str:
    """``stage/NAME`` inside a staging folder, else the bare name."""
    return f"stage/{path.name}" if path.parent.name.startswith(".build-") else path.name


def _fail_rename(monkeypatch: pytest.MonkeyPatch, fails: list[tuple[str, str]]) -> None:
    """Path.rename raises EACCES for each (source, target) pair listed (see _label)."""
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if (_label(self), _label(Path(target))) in fails:
            raise OSError(errno.EACCES, "Permission denied", str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)


@pytest.mark.parametrize("fails", [
    [("dist", "stage/old-dist")],            # the old dist cannot be moved aside
    [("stage/dist", "dist")],                # the new dist cannot be moved in
])
def test_a_failed_swap_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str],
                                            fails: list[tuple[str, str]]) -> None:
    from generator import cli
    out = _good(tmp_path)
    before = snapshot(out / "site", out / "dist")
    _fail_rename(monkeypatch, fails)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    code = cli.main(["build", str(MINIMAL), "--site", str(out / "site"), "--dist",
                     str(out / "dist")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "原有的网站和附件未被改动" in err, err
    assert snapshot(out / "site", out / "dist") == before
    assert not list(out.glob(".build-*"))


def test_when_putting_back_fails_too_the_message_says_what_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The new dist cannot move in, and the new site cannot move out again: the site is new,
    the dist is old, and the message says exactly that."""
    from generator import cli
    out = _good(tmp_path)
    old_dist = snapshot(out / "dist")
    _fail_rename(monkeypatch, [("stage/dist", "dist"), ("site", "stage/site")])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    code = cli.main(["build", str(MINIMAL), "--site", str(out / "site"), "--dist",
                     str(out / "dist")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "原有的网站和附件未被改动" not in err, err
    assert f"网站 {out / 'site'} 已更新" in err and f"附件 {out / 'dist'} 未改动" in err, err
    assert snapshot(out / "dist") == old_dist
    assert (out / "site" / "index.html").is_file()


def test_an_old_copy_that_cannot_be_put_back_is_kept_and_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The new dist cannot move in and the old one cannot move back: the old dist is kept in
    the staging folder (never deleted with it), the message says where, and the next build
    puts it back."""
    from generator import cli
    out = _good(tmp_path)
    before = snapshot(out / "site", out / "dist")
    _fail_rename(monkeypatch, [("stage/dist", "dist"), ("stage/old-dist", "dist")])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    args = ["build", str(MINIMAL), "--site", str(out / "site"), "--dist", str(out / "dist")]
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"网站 {out / 'site'} 未改动" in err and "下次运行 build 时会自动恢复" in err, err
    stale = list(out.glob(".build-*"))
    assert len(stale) == 1 and (stale[0] / "old-dist").is_dir()
    monkeypatch.undo()
    done = run_cli("build", str(bad_records(tmp_path)), "--site", str(out / "site"), "--dist",
                   str(out / "dist"), env=EPOCH)
    assert "已恢复原有的" in done.stderr
    assert snapshot(out / "site", out / "dist") == before
