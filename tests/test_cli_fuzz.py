"""The command line over random argv: bad paths (missing, files for folders, links that
loop, /proc, read-only copies), bad flags and values. Whatever a user types, the exit code
is one of ours (0–3), never 70 (a bug), and no traceback is printed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import main_in_process, open_tmp
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import import rough_annex2

COMMANDS = ["validate", "build", "serve", "new", "import", "diff", "codeowners"]
BAD_PATHS = ["missing", "a.txt", "empty", "loop", "/proc", "/dev/null", "", "x" * 300,
             "a.txt/below", "unreadable.bin"]
GOOD_PATHS = ["records", "readonly"]
BOOKS = ["annex2.xlsx", "empty.xlsx", "a.txt", "empty", "missing", "/proc", "/dev/null"]
FLAGS = ["--strict", "--format", "json", "xml", "github", "--port", "99999", "0", "abc", "8000",
         "--host", "0.0.0.0", "256.1.1.1", "--county", "hualong", "nope", "Hua Long", "../x",
         "--date", "2019-02-30", "2019-03-11", "--reviewed-on", "--reviewer", "乙成员",
         "--dry-run", "--force", "--records", "--site", "--dist", "--profile", "public",
         "--write", "--check", "--output", "--status", "已整改", "--result", "报省级",
         "--markdown", "--nope", "finding", "county", "bogus", "HEAD", "-h"]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Path]:
    with open_tmp() as root:
        work = root / "work"  # the working folder: no records/ in it, so no default applies
        work.mkdir()
        shutil.copytree(MINIMAL, root / "records")
        shutil.copytree(MINIMAL, root / "readonly")
        for path in [root / "readonly", *(root / "readonly").rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        (root / "a.txt").write_text("不是记录\n", encoding="utf-8")
        (root / "unreadable.bin").write_bytes(b"\0\1")
        (root / "unreadable.bin").chmod(0)
        (root / "empty").mkdir()
        (root / "empty.xlsx").write_bytes(b"")
        (root / "loop").symlink_to(root / "loop")
        rough_annex2(root / "annex2.xlsx", [[1, "测试包装有限公司", "工业源", "G101-1", "03",
                                             "行业类别", "行业代码错误", None]])
        cwd = Path.cwd()
        os.chdir(work)
        try:
            yield root
        finally:
            os.chdir(cwd)


def _path(root: Path, name: str) -> str:
    return name if name.startswith("/") or not name else str(root / name)


OPTIONS: dict[str, dict[str, list[str] | None]] = {
    "validate": {"--strict": None, "--format": ["text", "json", "github", "xml"]},
    "build": {"--site": ["site", "a.txt", "/proc/site", "readonly/site"],
              "--dist": ["dist", "a.txt/below", "/proc/dist"], "--profile": ["public", "internal"],
              "--strict": None},
    "serve": {"--port": ["99999", "0", "abc", "8000", "65535"],
              "--host": ["0.0.0.0", "256.1.1.1", "127.0.0.1", "example.com", "::1"]},
    "new": {"--county": ["hualong", "nope", "Hua Long", "../x", "newone"],
            "--records": ["records", "readonly", "missing", "a.txt", "/proc", "loop"],
            "--date": ["2019-03-11", "2019-02-30", "20190311", "x"]},
    "import": {"--county": ["hualong", "nope", "../x"],
               "--records": ["records", "readonly", "missing", "a.txt", "/proc", "loop"],
               "--reviewed-on": ["2019-03-11", "2019-02-30", "x"], "--reviewer": ["乙成员", ""],
               "--dry-run": None, "--force": None, "--status": ["已整改", "x"],
               "--result": ["报省级", "x"]},
    "diff": {"--records": ["records", "missing", "/proc"], "--format": ["text", "markdown"]},
    "codeowners": {"--records": ["records", "readonly", "missing", "a.txt", "/proc", "loop"],
                   "--write": None, "--check": None,
                   "--output": ["CODEOWNERS", "/proc/x", "a.txt/below", "readonly/CODEOWNERS"]},
}
REQUIRED = {"new": ("--county",), "import": ("--county", "--reviewed-on", "--reviewer")}
PATH_OPTIONS = {"--site", "--dist", "--records", "--output"}
POSITIONALS = {"serve": BAD_PATHS, "build": BAD_PATHS, "validate": BAD_PATHS + GOOD_PATHS,
               "import": BOOKS, "new": ["finding", "g106", "verification", "assistance", "county",
                                        "bogus"], "diff": ["HEAD", "nosuchref"], "codeowners": []}


@st.composite
def argvs(draw: st.DrawFn, root: Path) -> list[str]:
    """Mostly well-formed commands with bad values, sometimes stray flags and words."""
    command = draw(st.sampled_from([*COMMANDS, "nosuch"]))
    argv = [command]
    if POSITIONALS.get(command):
        value = draw(st.sampled_from(POSITIONALS[command]))
        argv.append(_path(root, value) if command not in ("new", "diff") else value)
    options = sorted(OPTIONS.get(command, {"--help": None}).items())
    chosen = draw(st.lists(st.sampled_from(options), max_size=5, unique_by=lambda item: item[0]))
    chosen += [(o, OPTIONS[command][o]) for o in REQUIRED.get(command, ())
               if o not in dict(chosen) and draw(st.integers(0, 9))]  # now and then left out
    for option, values in chosen:
        argv.append(option)
        if values is not None:
            value = draw(st.sampled_from(values))
            argv.append(_path(root, value) if option in PATH_OPTIONS else value)
    if not draw(st.integers(0, 4)):  # a stray flag or word, now and then
        # a real records folder would make serve serve forever and build build: none for them
        pool = FLAGS if command in ("serve", "build") else FLAGS + [
            _path(root, p) for p in BAD_PATHS + GOOD_PATHS]
        argv.append(draw(st.sampled_from(pool)))
    return argv


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_argv_gives_an_internal_error_or_a_traceback(sandbox: Path, data: st.DataObject) -> None:
    argv = data.draw(argvs(sandbox))
    code, out, err = main_in_process(argv)
    assert code in (0, 1, 2, 3), (argv, code, out, err)
    assert "Traceback" not in out + err and "内部错误" not in err, (argv, out, err)


@pytest.mark.parametrize("argv", [
    ["validate", "/proc"], ["build", "/proc"], ["serve", "/proc"], ["serve", "x", "--port", "99999"],
    ["import", "/proc", "--county", "hualong"], ["codeowners", "--records", "/proc"],
    ["new", "county", "--county", "hualong", "--records", "/proc"],
    ["codeowners", "--records", "{records}", "--write", "--output", "/proc/x/CODEOWNERS"],
    ["import", "{annex}", "--county", "hualong", "--records", "{records}",
     "--reviewed-on", "2019-03-11", "--reviewer", "乙成员", "--dry-run"],
])
def test_known_members_of_the_class(sandbox: Path, argv: list[str]) -> None:
    argv = [a.format(records=sandbox / "records", annex=sandbox / "annex2.xlsx") for a in argv]
    code, out, err = main_in_process(argv)
    assert code in (0, 1, 2, 3) and "Traceback" not in out + err and "内部错误" not in err
