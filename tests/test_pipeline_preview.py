"""serve's incremental rebuild (pipeline.refresh): after any edit it shows what a full rebuild
from scratch shows, re-reading only the changed file and rebuilding only the changed pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import MINIMAL

FINDING = "hualong/findings/hl-20190311-aaa.yaml"


def _session(tmp_path: Path, records: Path, name: str = "p") -> object:
    from generator.preview.session import Session
    from generator.settings import for_records

    return Session(for_records(records), tmp_path / name / "docs", tmp_path / name / "site",
                   "http://127.0.0.1:1/")


def _records(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    return records


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _codes(prepared: object) -> list[tuple[str, str, int | None]]:
    problems = prepared.checked.problems  # type: ignore[attr-defined]
    return [(p.file, p.code, p.line) for p in problems]


EDITS = [
    ("测试化工有限公司", "改名后的化工有限公司"),  # a name on the county page
    ("status: 已整改, date: \"2019-03-11\"", "status: 整改中"),  # the figures of every page
    ("form: G101-1", "form: N101-1"),  # a cross-record rule: a problem
    ("reviewer: 乙成员", "reviewer: 乙成员\nreviewer: 丙成员"),  # a repeated key: a load problem
    ("source_type: 工业源", "source_type: [工业源"),  # no record at all: a YAML error
]


@pytest.mark.parametrize(("old", "new"), EDITS)
def test_an_edit_shows_what_a_full_rebuild_shows(tmp_path: Path, old: str, new: str) -> None:
    from generator import pipeline
    records = _records(tmp_path)
    session = _session(tmp_path, records)
    pipeline.refresh(session, None)  # type: ignore[arg-type]
    _edit(records / FINDING, old, new)
    incremental = pipeline.refresh(session, {records / FINDING})  # type: ignore[arg-type]
    fresh = _session(tmp_path, records, "fresh")
    full = pipeline.refresh(fresh, None)  # type: ignore[arg-type]
    assert _codes(incremental) == _codes(full) == _codes(pipeline.prepare(records))
    assert (incremental.census is None) == (full.census is None)
    if full.census is not None:
        assert session.pages == fresh.pages  # type: ignore[attr-defined]
        for page in ("index.html", "counties/hualong.html", "analysis.html"):
            mine = (tmp_path / "p/site" / page).read_text("utf-8")
            theirs = (tmp_path / "fresh/site" / page).read_text("utf-8")
            assert _main(mine) == _main(theirs), page


def _main(page: str) -> str:
    """The article of a page (the live-reload script and the search index differ by design)."""
    return page.split("<article", 1)[1].split("</article>", 1)[0]


def test_a_saved_record_is_the_only_file_read_and_its_pages_the_only_ones_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline
    from generator.preview import session as preview_site
    records = _records(tmp_path)
    session = _session(tmp_path, records)
    pipeline.refresh(session, None)  # type: ignore[arg-type]
    site = tmp_path / "p/site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*.html")}

    def no_full_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole tree was read again")

    monkeypatch.setattr(preview_site, "load", no_full_load)
    _edit(records / FINDING, "测试化工有限公司", "改名后的化工有限公司")
    pipeline.refresh(session, {records / FINDING})  # type: ignore[arg-type]
    county = site / "counties/hualong.html"
    assert "改名后的化工有限公司" in county.read_text("utf-8")
    rebuilt = {p.relative_to(site).as_posix() for p, t in before.items()
               if p.stat().st_mtime_ns != t}
    assert "counties/hualong.html" in rebuilt
    assert not rebuilt & {"guide.html", "schema.html", "performance.html", "downloads.html"}


@pytest.mark.parametrize("change", ["new", "removed", "renamed", "outside", "had_problem"])
def test_anything_but_a_clean_record_saved_in_place_reads_the_whole_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    from generator import pipeline
    from generator.preview import session as preview_site
    records = _records(tmp_path)
    finding = records / FINDING
    if change == "had_problem":
        _edit(finding, "reviewer: 乙成员", "reviewer: 乙成员\nreviewer: 乙成员")
    session = _session(tmp_path, records)
    pipeline.refresh(session, None)  # type: ignore[arg-type]
    calls: list[Path] = []
    real = preview_site.load

    def counted(root: Path, *args: object) -> object:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(preview_site, "load", counted)
    changed = {finding}
    if change == "new":
        changed = {finding.with_name("hl-20190311-bbb.yaml")}
        shutil.copyfile(finding, finding.with_name("hl-20190311-bbb.yaml"))
    elif change == "removed":
        finding.unlink()
    elif change == "renamed":
        changed = {finding.with_name("hl-20190311-ccc.yaml")}
        finding.rename(finding.with_name("hl-20190311-ccc.yaml"))
    elif change == "outside":
        changed = {tmp_path / "elsewhere.yaml"}
    prepared = pipeline.refresh(session, changed)  # type: ignore[arg-type]
    assert calls == [records]
    assert _codes(prepared) == _codes(pipeline.prepare(records))


def _event(path: Path, kind: str, directory: bool = False) -> SimpleNamespace:
    return SimpleNamespace(src_path=str(path), event_type=kind, is_directory=directory)


def test_file_events_say_which_records_changed_or_that_anything_may_have(tmp_path: Path) -> None:
    from generator.cli.commands.serve import Changes
    from generator.settings import for_records

    records = _records(tmp_path)
    settings = for_records(records)
    changes = Changes(records, settings)
    finding = (records / FINDING).resolve()
    changes.dispatch(_event(finding, "modified"))
    changes.dispatch(_event(finding.parent, "modified", directory=True))
    changes.dispatch(_event(settings.paths.mkdocs_yml.parent / "README.md", "modified"))
    changes.dispatch(_event(finding.with_name(".hl-20190311-aaa.yaml.swp"), "created"))
    assert changes.take() == ({finding}, False)
    assert changes.take() == (set(), False)
    for kind in ("created", "deleted", "moved"):
        changes.dispatch(_event(finding, kind))
        assert changes.take() == (None, False), kind
    changes.dispatch(_event(settings.paths.templates / "index.md.j2", "modified"))
    assert changes.take() == (None, True)
    changes.dispatch(_event(settings.paths.mkdocs_yml, "modified"))
    assert changes.take() == (None, True)


def test_the_preview_watches_file_events_not_by_rescanning(tmp_path: Path) -> None:
    """A polling observer rescans every watched file twice a second (a fifth of a core at
    city scale); the system's file events cost nothing while nothing changes."""
    from watchdog.observers.polling import PollingObserver

    from generator.cli.commands.serve import Changes, _server, _watch
    from generator.preview.builder import Preview
    from generator.settings import for_records

    settings = for_records(MINIMAL)
    preview = Preview(MINIMAL, tmp_path / "docs", tmp_path / "site", "http://127.0.0.1:1/",
                      settings=settings)
    changes = Changes(MINIMAL, settings)
    server = _server("127.0.0.1", 0, preview, changes)
    try:
        _watch(server, changes, settings)
        assert not isinstance(server.observer, PollingObserver)
    finally:
        server.server_close()


@pytest.mark.slow
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(range(len(EDITS))), min_size=2, max_size=4))
def test_any_sequence_of_saves_ends_where_a_full_rebuild_starts(
        tmp_path_factory: pytest.TempPathFactory, steps: list[int]) -> None:
    """Edits applied and undone in any order, each followed by an incremental rebuild (a
    problem in between included): the last state is the one a fresh preview shows."""
    from generator import pipeline
    tmp_path = tmp_path_factory.mktemp("seq")
    records = _records(tmp_path)
    session = _session(tmp_path, records)
    pipeline.refresh(session, None)  # type: ignore[arg-type]
    applied: set[int] = set()
    for step in steps:
        old, new = EDITS[step]
        if step in applied:
            old, new = new, old
        text = (records / FINDING).read_text(encoding="utf-8")
        if old not in text:
            continue  # another edit changed the same text
        (records / FINDING).write_text(text.replace(old, new, 1), encoding="utf-8")
        applied ^= {step}
        pipeline.refresh(session, {records / FINDING})  # type: ignore[arg-type]
    fresh = _session(tmp_path, records, "fresh")
    full = pipeline.refresh(fresh, None)  # type: ignore[arg-type]
    mine = pipeline.refresh(session, set())  # type: ignore[arg-type]
    assert _codes(mine) == _codes(full)
    if full.census is not None:
        assert session.pages == fresh.pages  # type: ignore[attr-defined]


def test_preview_with_downloads_lists_what_a_build_lists(tmp_path: Path) -> None:
    """``serve --downloads``: the 下载 page names the files a build's names, the ledger
    included, in the same order (the preview writes the ledger in line, a build in a second
    process)."""
    import re
    from urllib.parse import unquote

    from generator import cli, pipeline
    from generator.preview.session import Session
    from generator.settings import for_records

    records = _records(tmp_path)
    session = Session(for_records(records, preview_downloads=True), tmp_path / "p" / "docs",
                      tmp_path / "p" / "site", "http://127.0.0.1:1/")
    pipeline.refresh(session, None)
    assert cli.main(["build", str(records), "--site", str(tmp_path / "site"),
                     "--dist", str(tmp_path / "dist")]) == 0

    def listed(page: Path) -> list[str]:
        return [unquote(name) for name in
                re.findall(r'href="downloads/([^"]+)"', page.read_text(encoding="utf-8"))]

    built = listed(tmp_path / "site" / "downloads.html")
    assert sorted(built) == sorted(p.name for p in (tmp_path / "dist").iterdir()
                                   if not p.name.startswith("."))
    assert built[-1] == "整改台账.xlsx"
    assert listed(session.site / "downloads.html") == built
