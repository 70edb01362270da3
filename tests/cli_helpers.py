"""Running the CLI in-process (fast, for many argv) and as an unprivileged user (we run as
root, who may write anywhere: an unwritable folder only means something to someone else)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent  # the checkout

NOBODY = 65534


def main_in_process(argv: Sequence[str]) -> tuple[int, str, str]:
    """``generator.cli.main(argv)``: (exit code, stdout, stderr); argparse's exits included."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)  # main() installs its own: give pytest its back
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        finally:
            signal.signal(signal.SIGTERM, handler)
    return code, out.getvalue(), err.getvalue()


@contextmanager
def open_tmp() -> Iterator[Path]:
    """A temporary folder another user can reach (pytest's tmp_path is root's alone), made a
    project of its own: a copy of schemas/, site_templates/ and mkdocs.yml, which a command
    finds above the records there (settings.project_root) even when the checkout itself is
    private (a clone inside a 0700 folder), where an unprivileged child could not read them."""
    path = Path(tempfile.mkdtemp(prefix="census-test-"))
    path.chmod(0o755)
    try:
        for part in ("schemas", "site_templates"):
            shutil.copytree(REPO / part, path / part)
        shutil.copyfile(REPO / "mkdocs.yml", path / "mkdocs.yml")
        yield path
    finally:
        for p in [path, *path.rglob("*")]:
            if not p.is_symlink():
                p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(path)


def as_nobody(argv: Sequence[str], warm_up: Sequence[str] | None = None) -> tuple[int, str, str]:
    """``main(argv)`` in a forked child that has given up root: (code, stdout, stderr).
    The interpreter lives in root's home, which nobody may read, so the child imports
    nothing new: ``warm_up`` (a run of the same command somewhere writable) imports it all
    first. Without root there is nothing to give up and the command runs as it is."""
    if os.geteuid() != 0:
        return main_in_process(argv)
    if warm_up is not None:
        main_in_process(warm_up)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            payload = json.dumps(main_in_process(argv)).encode("utf-8")
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        pytest.fail("the unprivileged child died without an answer")
    code, out, err = json.loads(data)
    return int(code), str(out), str(err)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
