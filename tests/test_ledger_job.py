"""The ledger written by a build's second process (generator/render/annexes/ledger_job.py): the
same bytes as in one process, whatever the chunking of its rows; an error in it fails the build
with the usual message and the previous outputs kept; a job left without waiting, a child
killed, a parent killed outright: nothing keeps running or writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, prepared_clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.records.model import Census
from generator.render.annexes import ledger_job
from generator.render.annexes.ledger import write_ledger
from generator.text import ledger as T

AS_OF = date(2019, 5, 24)
STAMP = datetime(2019, 5, 24, 8, 0)


def census_of(records: Path) -> Census:
    census = prepared_clean(records).census
    assert census is not None
    return census


@pytest.fixture(scope="module")
def shipped() -> Census:
    return census_of(REPO / "records")


@pytest.fixture(scope="module")
def inline(shipped: Census, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The shipped records' ledger as one process writes it."""
    return write_ledger(shipped, tmp_path_factory.mktemp("inline"), AS_OF, STAMP).read_bytes()


@pytest.mark.parametrize("chunk", [1, 7, ledger_job.CHUNK])
def test_the_child_writes_the_bytes_one_process_writes(
        shipped: Census, inline: bytes, chunk: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_job, "CHUNK", chunk)  # the rows are cut in this process
    out = tmp_path / "dist"
    out.mkdir()
    with ledger_job.started(shipped, out, AS_OF, STAMP, tmp_path) as job:
        book = job.wait()
        assert job.wait() == book  # asked again: the same answer, no second wait
    assert book == out / T.FILE
    assert book.read_bytes() == inline
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # its scratch files gone


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(1, 40), which=st.sampled_from(["shipped", "minimal"]))
def test_rows_through_the_file_are_the_rows(chunk: int, which: str, shipped: Census,
                                            inline: bytes, tmp_path_factory:
                                            pytest.TempPathFactory) -> None:
    """Written to the rows file in chunks of any size and read back (in this process, as the
    child does), the ledger is byte for byte the one written from the census."""
    census = shipped if which == "shipped" else census_of(MINIMAL)
    folder = tmp_path_factory.mktemp("rows")
    expected = inline if which == "shipped" else \
        write_ledger(census, folder / "inline", AS_OF, STAMP).read_bytes()
    original = ledger_job.CHUNK
    ledger_job.CHUNK = chunk
    try:
        index = ledger_job.write_rows(census, AS_OF, folder / "rows")
    finally:
        ledger_job.CHUNK = original
    assert index[0][0] == T.CITY_SHEET
    assert index[0][1] == sum(count for _, count, _ in index[1:])
    assert index[0][2] == [o for _, _, offsets in index[1:] for o in offsets]
    assert all(len(offsets) == -(-count // chunk) for _, count, offsets in index[1:])
    (folder / "out").mkdir()
    book = ledger_job.write_from_rows(folder / "rows", index, census.city.issuer,
                                      folder / "out", AS_OF, STAMP)
    assert book.read_bytes() == expected


def test_an_error_in_the_child_is_raised_by_wait_with_its_traceback(
        shipped: Census, tmp_path: Path) -> None:
    """The folder to write into is gone (it is never made by the child): the child's
    FileNotFoundError comes back as itself, its traceback as a note."""
    with (ledger_job.started(shipped, tmp_path / "gone", AS_OF, STAMP, tmp_path) as job,
          pytest.raises(FileNotFoundError) as raised):
        job.wait()
    assert any("in the process writing the ledger" in note and "Traceback" in note
               for note in raised.value.__notes__)
    assert not (tmp_path / "gone").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL (POSIX)")
def test_a_killed_child_is_an_error_naming_its_exit_code(shipped: Census,
                                                         tmp_path: Path) -> None:
    with ledger_job.started(shipped, tmp_path, AS_OF, STAMP, tmp_path) as job:
        os.kill(job.pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match=f"exit code {-signal.SIGKILL}"):
            job.wait()


def test_leaving_without_waiting_stops_the_child(shipped: Census, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An error in the build (or Ctrl+C, SIGTERM) while the child works: it is stopped, not
    waited for, before the block is left, and the rows file goes."""
    monkeypatch.setattr(ledger_job, "CHILD", "import time; time.sleep(120)")  # a long ledger
    out = tmp_path / "dist"
    out.mkdir()
    start = time.monotonic()
    with (pytest.raises(KeyError),
          ledger_job.started(shipped, out, AS_OF, STAMP, tmp_path) as job):
        assert job.running
        raise KeyError("the build failed")
    assert time.monotonic() - start < 60
    assert not job.running
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert list(out.iterdir()) == []


def test_the_real_child_ends_when_its_stdin_closes(shipped: Census, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's own watch (child() starts it): with the writing made slow, closing its
    stdin, as the build's end does however it ends, ends the child at once with exit 1."""
    slow = ("import sys, time; sys.path.insert(0, sys.argv[1]); "
            "from generator.render.annexes import ledger_job as job; "
            "job.write_book = lambda *args: time.sleep(120)\n")
    monkeypatch.setattr(ledger_job, "CHILD", slow + ledger_job.CHILD)
    out = tmp_path / "dist"
    out.mkdir()
    with ledger_job.started(shipped, out, AS_OF, STAMP, tmp_path) as job:
        time.sleep(1)  # past its start, writing
        assert job.running
        process = job._process
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=20) == 1
        with pytest.raises(RuntimeError, match="exit code 1"):
            job.wait()


def test_leaving_the_block_without_waiting_is_an_error(shipped: Census, tmp_path: Path) -> None:
    """A caller that forgot to wait would get no ledger and no word: it gets an error."""
    out = tmp_path / "dist"
    out.mkdir()
    with (pytest.raises(RuntimeError, match="without being waited for"),
          ledger_job.started(shipped, out, AS_OF, STAMP, tmp_path)):
        pass


def test_a_child_that_cannot_start_is_named(shipped: Census, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that dies before it reads its job (a broken install): the ledger's process is
    named, with its exit code, not a broken pipe taken for the disk's fault."""
    monkeypatch.setattr(ledger_job, "CHILD", "raise SystemExit(3)")
    real = subprocess.Popen

    def late(*args: object, **kwargs: object) -> subprocess.Popen[str]:
        process = real(*args, **kwargs)  # type: ignore[call-overload]
        process.wait()  # the child is gone before the job is written
        return process  # type: ignore[no-any-return]

    monkeypatch.setattr(subprocess, "Popen", late)
    with (pytest.raises(RuntimeError, match="exit code 3"),
          ledger_job.started(shipped, tmp_path, AS_OF, STAMP, tmp_path) as job):
        job.wait()


def test_an_oserror_comes_back_with_its_number_and_both_names() -> None:
    from generator import second

    error = second.raised({"error": "FileExistsError", "text": "x", "traceback": "tb",
                           "errno": 17, "strerror": "File exists", "filename": "a.partial",
                           "filename2": "a.xlsx"}, "writing the ledger")
    assert isinstance(error, FileExistsError)
    assert (error.filename, error.filename2) == ("a.partial", "a.xlsx")
    bare = second.raised({"error": "Error", "text": "copy failed", "traceback": "tb",
                          "errno": None, "strerror": None, "filename": None,
                          "filename2": None}, "writing the ledger")
    assert type(bare) is OSError and str(bare) == "copy failed"


def test_a_rows_file_holding_anything_but_rows_is_refused(tmp_path: Path) -> None:
    """The rows file lies in the output folder's parent: a swapped one cannot run code."""
    import pickle

    path = tmp_path / "rows"
    path.write_bytes(pickle.dumps([(os.system, ("true",))]))
    with open(path, "rb") as source, pytest.raises(pickle.UnpicklingError):
        list(ledger_job.read_rows(source, [0]))


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL (POSIX)")
def test_the_child_ends_with_a_parent_killed_outright(tmp_path: Path) -> None:
    """A build killed outright (SIGKILL, the OOM killer) takes its ledger's process with it
    (its stdin closes): nothing goes on writing into the staging folder the next build
    clears. The child here is past its start, watching, when the parent dies."""
    mark = tmp_path / "watching"
    child = ("import pathlib, sys, threading, time; sys.path[:1] = [sys.argv[1]]; "
             "from generator import second; sys.stdin.readline(); "
             "threading.Thread(target=second.end_with_stdin, daemon=True).start(); "
             f"pathlib.Path({str(mark)!r}).write_text('x'); time.sleep(120)")
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(REPO)!r})
        from datetime import date, datetime
        from pathlib import Path
        from generator.pipeline import prepare
        from generator.render.annexes import ledger_job
        ledger_job.CHILD = {child!r}
        census = prepare(Path({str(REPO / "records")!r})).census
        out = Path({str(tmp_path)!r}) / "dist"
        out.mkdir()
        running = ledger_job.started(census, out, date(2019, 5, 24), datetime(2019, 5, 24),
                                     out.parent)  # kept: let go, it would stop the child
        job = running.__enter__()
        print(job.pid, flush=True)
        while not Path({str(mark)!r}).exists():
            time.sleep(0.01)
        os.kill(os.getpid(), 9)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 20
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_full_disk_in_the_ledger_process_fails_the_build_and_keeps_the_outputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC met by the ledger's process: the build's own message (in Chinese, no
    traceback), the previous site/ and dist/ as they were, no staging folder left."""
    from generator import cli

    site, dist = tmp_path / "site", tmp_path / "dist"
    args = ["build", str(MINIMAL), "--site", str(site), "--dist", str(dist)]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1559174400")
    assert cli.main(args) == 0
    before = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    capsys.readouterr()
    # the disk fills as XlsxWriter makes the zip: it raises its FileCreateError, which the
    # ledger unwraps, and the parent raises the OSError again
    full = ("import errno, os, zipfile\n"
            "def full(*args, **kwargs):\n"
            "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
            "zipfile.ZipFile.__init__ = full\n") + ledger_job.CHILD
    monkeypatch.setattr(ledger_job, "CHILD", full)
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "磁盘" in err and "Traceback" not in err and "内部错误" not in err, err
    assert {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()} == before


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie not yet reaped counts as ended)."""
    if not Path("/proc").is_dir():
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
