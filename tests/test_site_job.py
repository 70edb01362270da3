"""The site built by a second process (publish/site_job.py): the same bytes as a build that
makes it in its own process; MkDocs' refusal and the process's death come back as the build's
own errors; a process that cannot take the job leaves it to the build; none is left running."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import MINIMAL
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline, second
from generator.publish import mkdocs_run, site_job
from generator.publish.marks import BuildError, BuildUsageError
from generator.settings import for_records

WHEN = datetime(2019, 5, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def spares(monkeypatch: pytest.MonkeyPatch) -> list[site_job.Spare]:
    return _watched_spares(monkeypatch)


def _watched_spares(monkeypatch: pytest.MonkeyPatch) -> list[site_job.Spare]:
    """Every site's process a build starts, as it starts it; and the build told to start one
    whatever the tree's size (the shipped cases are far below SITE_APART_FILES)."""
    started: list[site_job.Spare] = []
    real_start = site_job.Spare.start

    def start(self: site_job.Spare) -> None:
        started.append(self)
        real_start(self)

    monkeypatch.setattr(site_job.Spare, "start", start)
    monkeypatch.setattr(pipeline, "SITE_APART_FILES", (0, 10**9))
    return started


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(tmp_path: Path, name: str, workers: int = 2) -> dict[str, bytes]:
    settings = replace(for_records(MINIMAL, site=tmp_path / name / "site",
                                   dist=tmp_path / name / "dist", today=1559174400),
                       workers=workers)
    assert pipeline.build(settings).outputs is not None
    return _files(tmp_path / name)


@pytest.mark.parametrize("tables", ["inline", "spliced"])
def test_a_build_makes_the_same_files_with_the_site_built_apart_or_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tables: str) -> None:
    """Apart (the report then written by the build meanwhile) or here (the report written by
    the ledger's process): every file of the site and the downloads the same bytes; with
    every table inline, and with every table paged and spliced (by the site's process: the
    tables it reads from the staging folder, the objects' search entries it merges)."""
    from generator.render.site import pages

    if tables == "spliced":
        monkeypatch.setattr(pages, "SEARCH_LIMIT", 0)
        monkeypatch.setattr(pages, "DEFER_LIMIT", 0)
    here = _build(tmp_path, "here")  # the shipped cases are far below SITE_APART_FILES
    started = _watched_spares(monkeypatch)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("MkDocs ran in the build's own process")

    monkeypatch.setattr(mkdocs_run, "run_mkdocs", not_here)
    apart = _build(tmp_path, "apart")
    assert len(started) == 1 and started[0]._process is not None
    assert started[0]._process.poll() is not None  # ended with the build
    assert apart.keys() == here.keys() and "dist/工作报告.docx" in apart
    assert [name for name in apart if apart[name] != here[name]] == []
    index = apart["site/search/search_index.json"].decode("utf-8")
    # spliced: the objects' own search entries, merged by the site's process after MkDocs
    assert ('"location":"counties/hualong.html#f-' in index) == (tables == "spliced")


def test_one_core_builds_the_site_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "SITE_APART_FILES", (0, 10**9))
    monkeypatch.setattr(site_job.Spare, "start", lambda self: pytest.fail("started"))
    assert "site/index.html" in _build(tmp_path, "one", workers=1)


def _job(tmp_path: Path, mkdocs_yml: Path) -> site_job.SiteBuild:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (tmp_path / "tables").mkdir()
    return site_job.SiteBuild(docs, tmp_path / "site", [{"首页": "index.md"}], WHEN,
                              mkdocs_yml, "数据截至", tmp_path / "tables", {}, [])


def test_mkdocs_refusing_the_pages_apart_is_the_build_error_it_is_here(tmp_path: Path) -> None:
    broken = tmp_path / "mkdocs.yml"
    broken.write_text("site_name: x\ntheme:\n  name: no-such-theme\n", encoding="utf-8")
    job = _job(tmp_path, broken)
    with pytest.raises(BuildError) as here:
        site_job.build_site(job, {})
    with site_job.Spare() as spare:
        spare.start()
        assert spare.build(job)
        with pytest.raises(BuildError) as apart:
            spare.wait()
    assert (apart.value.code, apart.value.fields) == (here.value.code, here.value.fields)
    assert apart.value.code == "build.mkdocs_failed"
    assert apart.value.format_message() == here.value.format_message()


def test_a_process_that_ends_without_a_word_fails_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_job, "CHILD", "import sys; sys.stdin.readline(); sys.exit(3)")
    with site_job.Spare() as spare:
        spare.start()
        assert spare.build(_job(tmp_path, tmp_path / "mkdocs.yml"))
        with pytest.raises(RuntimeError, match="exit code 3 and no outcome"):
            spare.wait()


def test_a_process_gone_before_its_job_leaves_the_site_to_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_job, "CHILD", "import sys; sys.exit(0)")
    with site_job.Spare() as spare:
        spare.start()
        assert spare._process is not None
        spare._process.wait()
        assert not spare.started
        assert not spare.build(_job(tmp_path, tmp_path / "mkdocs.yml"))


def test_a_build_without_a_second_interpreter_builds_the_site_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger's process starts as ever: only the site's finds no interpreter."""
    from types import SimpleNamespace

    nowhere = SimpleNamespace(**vars(second))
    nowhere.command = lambda code: [str(tmp_path / "no-such-python"), "-c", code]
    monkeypatch.setattr(pipeline, "SITE_APART_FILES", (0, 10**9))
    monkeypatch.setattr(site_job, "second", nowhere)
    assert "site/index.html" in _build(tmp_path, "alone")


@pytest.mark.skipif(sys.platform == "win32", reason="a killed process's exit code is POSIX's")
def test_an_unused_process_is_stopped_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records with an error build nothing: the process readying itself is killed, not
    waited for (it would take as long as its imports); one that ends on its own exits 0."""
    monkeypatch.setattr(site_job, "CHILD", "import time; time.sleep(60)")
    spare = site_job.Spare()
    with spare:
        spare.start()
        assert spare.started
    assert spare._process is not None and spare._process.returncode == -signal.SIGKILL


def test_a_process_gone_when_given_the_pages_leaves_them_to_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Started, then gone by the time the pages are written: the build makes the site in
    its own process, and writes the report it would have written meanwhile all the same."""
    here = _build(tmp_path, "here")
    monkeypatch.setattr(pipeline, "SITE_APART_FILES", (0, 10**9))
    real_build = site_job.Spare.build

    def gone(self: site_job.Spare, job: site_job.SiteBuild) -> bool:
        assert self._process is not None
        self._process.kill()
        self._process.wait()
        return real_build(self, job)

    monkeypatch.setattr(site_job.Spare, "build", gone)
    alone = _build(tmp_path, "alone")
    assert alone.keys() == here.keys() and "dist/工作报告.docx" in alone
    assert [name for name in alone if alone[name] != here[name]] == []


def test_records_with_an_error_leave_no_process_running(
        tmp_path: Path, spares: list[site_job.Spare]) -> None:
    import shutil

    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    county = next(p for p in sorted(records.rglob("*.yaml")) if p.parent != records)
    county.write_text(county.read_text(encoding="utf-8") + "\nno_such_key: 1\n",
                      encoding="utf-8")
    settings = replace(for_records(records, site=tmp_path / "site", dist=tmp_path / "dist"),
                       workers=2)
    assert pipeline.build(settings).outputs is None
    assert len(spares) == 1 and spares[0]._process is not None
    assert spares[0]._process.poll() is not None


def test_a_job_goes_to_the_process_as_it_is(tmp_path: Path) -> None:
    job = _job(tmp_path, tmp_path / "mkdocs.yml")
    job = replace(job, held={"a.html": {"<!-- t:1 -->": "1.part"}}, early=["a.html"],
                  nav=[{"首页": "index.md"}, {"区县": [{"华龙区": "c/h.md"}]}])
    assert site_job.SiteBuild.of_plain(json.loads(json.dumps(job.plain()))) == job


TEXT = st.text(max_size=20)
FIELDS = st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                         st.one_of(TEXT, st.integers(), st.none()), max_size=3)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["build.mkdocs_failed", "build.output_foreign", "render.cell_too_long"]),
       FIELDS, st.lists(FIELDS, max_size=3), st.booleans())
def test_a_build_error_comes_back_from_a_child_as_itself(
        code: str, fields: dict[str, object], others: list[dict[str, object]],
        usage: bool) -> None:
    kind = BuildUsageError if usage else BuildError
    error = kind.joined([kind(code, **fields), *(kind(code, **f) for f in others)])
    try:
        raise error
    except BuildError as exc:
        said = json.loads(json.dumps(second.failure(exc)))
    back = second.raised(said, "testing")
    assert type(back) is kind
    assert isinstance(back, BuildError)
    assert back.codes() == error.codes() and back.exit_code == error.exit_code
    assert [back.fields, *(p.fields for p in back.also)] == \
        [error.fields, *(p.fields for p in error.also)]


def test_a_bug_in_a_child_comes_back_as_a_runtime_error_with_its_traceback() -> None:
    try:
        raise KeyError("x")
    except KeyError as exc:
        said = second.failure(exc)
    back = second.raised(said, "building the site")
    assert isinstance(back, RuntimeError) and "KeyError" in str(back)
    assert any("in the process building the site" in note and "KeyError" in note
               for note in back.__notes__)



def test_a_build_failing_while_the_site_is_built_apart_stops_it_before_clearing_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spares: list[site_job.Spare]) -> None:
    """The report written meanwhile fails (a full disk): the site's process is stopped before
    the staging folder it writes into is removed; nothing is left, no output is made."""
    from generator.render.report import docx

    def full(*args: object, **kwargs: object) -> None:
        assert spares and spares[0].started  # the site being built meanwhile
        raise OSError(28, "No space left on device")

    from generator.publish import staging

    ended_first: list[bool] = []
    real_clear = staging.clear_stage

    def clear(*args: object) -> None:
        ended_first.append(spares[0]._process is not None and spares[0]._process.poll() is not None)
        real_clear(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(docx, "write_report", full)
    monkeypatch.setattr(staging, "clear_stage", clear)
    settings = replace(for_records(MINIMAL, site=tmp_path / "out" / "site",
                                   dist=tmp_path / "out" / "dist", today=1559174400),
                       workers=2)
    with pytest.raises(BuildError) as failed:
        pipeline.build(settings)
    assert failed.value.code == "build.write_failed"
    assert ended_first == [True]  # stopped before its staging folder was cleared
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert not [name for name in left if name.startswith(".build-")], left  # no staging
    assert "site" not in left and "dist" not in left, left


def _through_json(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - as a child catches it
        line = second.said(second.failure(caught))
    return second.raised(json.loads(line), "testing")


def test_any_of_the_programs_errors_comes_back_with_its_class_and_exit_code() -> None:
    from generator.exits import Refused
    from generator.settings import SettingsError

    class Local(BuildError):  # a class the parent knows (loaded), made as the base makes it
        pass

    for error in (Refused("serve.port_busy", port=8000), SettingsError("settings.x", value=1),
                  Local("build.mkdocs_failed", detail="d")):
        back = _through_json(error)
        assert type(back) is type(error)
        assert (back.code, back.fields, back.exit_code) == \
            (error.code, error.fields, error.exit_code)  # type: ignore[attr-defined]


def test_an_error_that_cannot_be_described_still_comes_back() -> None:
    class Mute(Exception):
        def __str__(self) -> str:
            raise ValueError("no text")

        def __repr__(self) -> str:
            raise ValueError("no repr")

    back = _through_json(Mute())
    assert isinstance(back, RuntimeError) and "Mute" in str(back)
    odd = OSError(28, b"\xff no space")  # a system's message as bytes
    odd.filename = b"\xff.xlsx"
    back = _through_json(odd)
    assert isinstance(back, OSError) and back.errno == 28


def test_readying_the_process_says_nothing_on_the_terminal() -> None:
    """The child's stderr is the user's terminal: loading MkDocs, Material's search plugin
    and jieba there must print nothing (jieba warns about pkg_resources on import, and
    announces its dictionary on its logger)."""
    import subprocess

    made = subprocess.run(second.command(second.program("generator.publish.site_job", "warm")),
                          capture_output=True, text=True, timeout=120, check=False)
    assert made.returncode == 0 and made.stderr == "" and made.stdout == "", made.stderr
