"""Record files parsed by two processes (records/load_parallel.py): the same sources and
problems, in the same order, as one process gives, whatever the files hold, however the
files are split, and whatever becomes of the helper."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CASES, MINIMAL, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.records import load_parallel
from generator.records.load import Loaded, load
from generator.records.tree import MemorySource

KINDS = {"finding": "findings", "g106": "g106", "verification": "verifications"}


def _every_case_tree(root: Path) -> Path:
    """The minimal tree with every invalid record case of tests/cases beside its records,
    and files that cannot be read as records at all."""
    records = root / "records"
    shutil.copytree(MINIMAL, records)
    for case in sorted((CASES / "invalid").glob("*.yaml")):
        kind = case.stem.split("--")[0]
        if kind in KINDS:
            shutil.copyfile(case, records / "hualong" / KINDS[kind] / f"{case.stem}.yaml")
    findings = records / "hualong" / "findings"
    (findings / "gbk.yaml").write_bytes("名称: 濮阳".encode("gb18030"))
    (findings / "big.yaml").write_bytes(b"a: " + b"x" * (1024 * 1024 + 10))
    (findings / "empty.yaml").write_bytes(b"")
    (findings / "tab.yaml").write_bytes(b"id: x\n\tform: G101-1\n")
    (findings / "deep.yaml").write_bytes(b"a: " + b"[" * 5000)
    if hasattr(os, "mkfifo"):
        os.mkfifo(findings / "pipe.yaml")  # read without blocking: refused, not waited on
    return records


def _seen(loaded: Loaded) -> tuple[list[Any], list[Any]]:
    sources = [(s.file, s.kind, s.county, s.id, s.text, s.data) for s in loaded.sources]
    problems = [(str(p), p.code, p.line, p.column, p.field, p.severity, p.path, p.fields)
                for p in loaded.problems]
    return sources, problems


@pytest.fixture
def split_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_parallel, "MIN_FILES", 1)


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each helper's results were used (not parsed here again after a failure)."""
    used: list[bool] = []
    real = load_parallel._Helper.results

    def results(self: load_parallel._Helper) -> Any:
        made = real(self)
        used.append(made is not None)
        return made

    monkeypatch.setattr(load_parallel._Helper, "results", results)
    return used


@pytest.mark.parametrize("mine", [0.0, 0.3, 0.58, 0.99])
def test_two_processes_read_what_one_reads(tmp_path: Path, split_always: None,
                                           monkeypatch: pytest.MonkeyPatch,
                                           helped: list[bool], mine: float) -> None:
    records = _every_case_tree(tmp_path)
    alone = _seen(load(records))
    assert alone[0] and len(alone[1]) > 10  # records and problems of every sort
    monkeypatch.setattr(load_parallel, "MINE", mine)
    assert _seen(load(records, workers=2)) == alone
    assert helped == [True]  # the helper's own work, not this process's again


def test_a_tree_not_on_disk_is_sent_as_bytes(split_always: None, helped: list[bool]) -> None:
    files = {place: (MINIMAL.joinpath(*place)).read_bytes()
             for place in [("city.yaml",), ("hualong", "county.yaml"),
                           ("hualong", "assistance.yaml")]}
    files |= {("hualong", "findings", f"hl-2019030{i}-abc.yaml"): b"id: [unclosed\n"
              for i in range(1, 6)}
    source = MemorySource(files, Path("memory"))
    assert _seen(load(source, workers=2)) == _seen(load(source))
    assert helped == [True]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.binary(max_size=60),
    st.text(st.sampled_from("id: form-G101\n\t &*!'\"[]{}，。濮阳\u0085\ufeff"), max_size=60)
    .map(lambda t: t.encode("utf-8"))), min_size=1, max_size=12),
    st.floats(0, 1))
def test_any_bytes_read_alike_in_two_processes(tmp_path_factory: pytest.TempPathFactory,
                                               split_always: None, contents: list[bytes],
                                               mine: float) -> None:
    records = tmp_path_factory.mktemp("t") / "records"
    shutil.copytree(MINIMAL, records)
    for i, content in enumerate(contents):
        (records / "hualong" / "findings" / f"hl-201903{i:02d}-abc.yaml").write_bytes(content)
    alone = _seen(load(records))
    load_parallel.MINE, before = mine, load_parallel.MINE
    try:
        assert _seen(load(records, workers=2)) == alone
    finally:
        load_parallel.MINE = before


@pytest.mark.parametrize("program", [
    "raise SystemExit(3)",  # dies at once
    "import sys; sys.stdin.buffer.read(); sys.stdout.write('not a pickle')",
    "import pickle, sys; sys.stdin.buffer.read(); pickle.dump([], sys.stdout.buffer)",
    "import os, sys; sys.stdin.buffer.read(10); os._exit(0)",  # ends part-way, says nothing
])
def test_a_helper_that_fails_loses_nothing(tmp_path: Path, split_always: None,
                                           monkeypatch: pytest.MonkeyPatch,
                                           program: str) -> None:
    records = _every_case_tree(tmp_path)
    alone = _seen(load(records))
    monkeypatch.setattr(load_parallel, "CHILD", program)
    assert _seen(load(records, workers=2)) == alone


def test_no_second_interpreter_to_be_had_loses_nothing(tmp_path: Path, split_always: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    records = _every_case_tree(tmp_path)
    alone = _seen(load(records))
    monkeypatch.setattr(load_parallel.second, "command",
                        lambda code: [str(tmp_path / "no-such-python")])
    assert _seen(load(records, workers=2)) == alone


@pytest.fixture
def sleeping_helper(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The helpers started, each a program that sleeps a minute and reads nothing."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(load_parallel.subprocess, "Popen", popen)
    monkeypatch.setattr(load_parallel, "CHILD", "import time; time.sleep(60)")
    return started


def test_the_helper_goes_when_reading_stops_part_way(
        tmp_path: Path, split_always: None,
        sleeping_helper: list[subprocess.Popen[bytes]]) -> None:
    """Ctrl+C or an error while this process parses its own files: the helper is killed on
    the way out, not left running."""
    records = _every_case_tree(tmp_path)
    jobs: list[load_parallel.Job] = [(p, p.name, ("finding", "hualong", p.stem))
                                     for p in sorted(records.rglob("hl-*.yaml"))]
    reading = load_parallel.parsed(jobs, workers=2)
    next(reading)
    reading.close()  # as an exception raised in the loop that reads them would
    started = sleeping_helper
    assert len(started) == 1 and started[0].poll() not in (None, 0)  # killed, not finished


def test_check_gives_the_same_problems_with_a_helper(tmp_path: Path,
                                                     split_always: None) -> None:
    records = _every_case_tree(tmp_path)
    one = pipeline.check(records)
    two = pipeline.check(records, workers=2)
    assert [str(p) for p in two.problems] == [str(p) for p in one.problems]
    assert two.loaded.n_files == one.loaded.n_files


def test_validate_reads_a_large_tree_with_a_helper_as_a_user_runs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real entry point, on a tree over MIN_FILES files (bad ones among them):
    the helper really runs (its own interpreter, the package found from the checkout), and
    what validate prints is what one process gives."""
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    findings = records / "hualong" / "findings"
    first = next(findings.glob("*.yaml"))
    template = first.read_text(encoding="utf-8")
    for i in range(load_parallel.MIN_FILES + 10):
        name = f"hl-2019{3 + i % 3:02d}{1 + i % 28:02d}-{i:03x}"
        text = template.replace(first.stem, name) if i % 97 else "id: [\n"
        (findings / f"{name}.yaml").write_text(text, encoding="utf-8")
    done = run_cli("validate", "records", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    monkeypatch.chdir(tmp_path)  # files shown as the command showed them
    one = pipeline.check(Path("records"))
    printed = json.loads(done.stdout)["problems"]
    assert [(p["file"], p["line"], p["code"]) for p in printed] == [
        (p.file, p.line, p.code) for p in one.problems]
    assert any(p.code.startswith("yaml.") for p in one.problems)


def test_a_helper_that_never_reads_is_killed_not_waited_for(
        split_always: None, sleeping_helper: list[subprocess.Popen[bytes]]) -> None:
    """Files sent as bytes, more than a pipe holds, to a helper that never reads them: the
    sender blocks; stopping part-way must kill the helper, not wait for it to end."""
    jobs: list[load_parallel.Job] = [
        (lambda: b"a: " + b"x" * 100_000, f"f{i}.yaml", ("finding", "hualong", f"f{i}"))
        for i in range(20)]
    reading = load_parallel.parsed(jobs, workers=2)
    next(reading)
    reading.close()
    started = sleeping_helper
    assert len(started) == 1 and started[0].poll() not in (None, 0)  # killed, not finished
