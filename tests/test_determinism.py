"""The same records give byte-identical outputs: two CLI builds of the shipped records/, into
separate folders and under different PYTHONHASHSEED values, hashed file by file."""

from __future__ import annotations

import difflib
import gzip
import hashlib
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO, run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "1559174400"}  # what CI passes; the default comes from git


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` by its relative path, with its SHA-256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _members(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) + repr((i.date_time, i.external_attr)).encode()
                for i in z.infolist()}


def explain(a: Path, b: Path) -> str:
    """Where two files differ: the zip member or the first differing lines."""
    da, db = a.read_bytes(), b.read_bytes()
    if da[:2] == b"PK":
        ma, mb = _members(da), _members(db)
        names = sorted(set(ma) | set(mb))
        changed = [n for n in names if ma.get(n) != mb.get(n)]
        return f"{a.name}: zip members differ: {changed[:5]}"
    if da[:2] == b"\x1f\x8b":
        da, db = gzip.decompress(da), gzip.decompress(db)
        if da == db:
            return f"{a.name}: same content, gzip header differs (mtime?)"
    ta = da.decode("utf-8", "replace").splitlines()
    tb = db.decode("utf-8", "replace").splitlines()
    diff = list(difflib.unified_diff(ta, tb, lineterm="", n=0))[:12]
    return f"{a.name}:\n" + "\n".join(line[:300] for line in diff)


def build(out: Path, seed: str) -> dict[str, str]:
    done = run_cli("build", str(REPO / "records"), "--site", str(out / "site"),
                   "--dist", str(out / "dist"), env={"PYTHONHASHSEED": seed, **EPOCH})
    assert done.returncode == 0, done.stderr
    return {f"site/{k}": v for k, v in tree_hashes(out / "site").items()} | \
        {f"dist/{k}": v for k, v in tree_hashes(out / "dist").items()}


@pytest.mark.slow
def test_two_builds_are_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    first = build(tmp_path / "a", "1")
    second = build(tmp_path / "b", "2718281")
    assert first.keys() == second.keys(), sorted(set(first) ^ set(second))
    differ = [name for name in first if first[name] != second[name]]
    reasons = [explain(tmp_path / "a" / n, tmp_path / "b" / n) for n in differ[:5]]
    assert not differ, f"{len(differ)} files differ:\n" + "\n\n".join(reasons)
    assert any(n.startswith("dist/") and n.endswith(".xlsx") for n in first)
    assert "site/index.html" in first



# --- one date per build, passed down; nothing left in the environment -----------------------

def _core_created(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    found = re.search(r"<dcterms:created[^>]*>([^<]+)</dcterms:created>", core)
    assert found, core
    return found.group(1)


def _in_process(out: Path, records: Path = MINIMAL) -> dict[str, str]:
    from generator import cli
    code = cli.main(["build", str(records), "--site", str(out / "site"), "--dist",
                     str(out / "dist")])
    assert code == 0
    return tree_hashes(out / "dist")


def test_two_builds_in_one_process_give_the_same_bytes(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SOURCE_DATE_EPOCH the date comes from git; a first build may not leave it
    behind for the second one's workbooks."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _in_process(tmp_path / "a")
    assert "SOURCE_DATE_EPOCH" not in os.environ
    second = _in_process(tmp_path / "b")
    assert first == second


@pytest.mark.parametrize("given", [None, "1559347200"])
def test_the_workbooks_and_the_report_of_one_build_carry_one_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str | None) -> None:
    records = tmp_path / "records"  # outside git: the date is the end of the period
    shutil.copytree(MINIMAL, records)
    if given is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", given)
    _in_process(tmp_path / "out", records)
    dates = {p.name: _core_created(p) for p in sorted((tmp_path / "out" / "dist").iterdir())
             if p.suffix in (".xlsx", ".docx")}
    expected = "2019-06-01T00:00:00Z" if given else "2019-05-30T00:00:00Z"
    assert set(dates.values()) == {expected}, dates
    assert os.environ.get("SOURCE_DATE_EPOCH") == given


def test_mkdocs_sees_the_date_only_while_it_builds(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish import mkdocs_run
    seen: list[str | None] = []
    real = mkdocs_run._mkdocs_build

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(os.environ.get("SOURCE_DATE_EPOCH"))
        real(*args, **kwargs)

    monkeypatch.setattr(mkdocs_run, "_mkdocs_build", spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1559347200")
    _in_process(tmp_path / "out")
    assert seen == ["1559347200"] and os.environ["SOURCE_DATE_EPOCH"] == "1559347200"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    _in_process(tmp_path / "out2", records)
    assert seen[1] == "1559174400"  # 2019-05-30, the end of the period
    assert "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5e9", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path: Path, value: str) -> None:
    done = run_cli("build", str(MINIMAL), "--site", str(tmp_path / "site"), "--dist",
                   str(tmp_path / "dist"), env={"SOURCE_DATE_EPOCH": value})
    assert done.returncode == 2, done.stderr
    assert "SOURCE_DATE_EPOCH" in done.stderr and "[build.source_date]" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "site").exists()


@pytest.mark.parametrize("platform", ["win32", "linux", "darwin"])
def test_zip_entries_say_the_same_system_wherever_they_are_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    """zipfile records the creating system (0 on Windows, 3 elsewhere) in every entry."""
    import sys
    from datetime import UTC, datetime

    from generator.pipeline import prepare
    from generator.render.annexes import excel
    from generator.render.report import report
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures
    when = datetime(2019, 5, 30, tzinfo=UTC)
    monkeypatch.setattr(sys, "platform", platform)
    paths = excel.write_annexes(prepared.census, prepared.figures, tmp_path, when=when)
    report.write_docx(prepared.census, prepared.figures, tmp_path / "r.docx", when=when)
    monkeypatch.undo()
    for path in [*paths, tmp_path / "r.docx"]:
        with zipfile.ZipFile(path) as z:
            attrs = {(i.create_system, i.external_attr, i.date_time) for i in z.infolist()}
        assert attrs == {(3, 0o644 << 16, (2019, 5, 30, 0, 0, 0))}, path.name


def test_a_build_after_a_dirty_mkdocs_run_in_one_process_indexes_only_its_pages(
        tmp_path: Path) -> None:
    """MkDocs caches plugins for the whole process; Material's search plugin then merged the
    index of a dirty (preview) run into the next build: internal pages in a public index."""
    from datetime import UTC, datetime

    from generator.publish.mkdocs_run import run_mkdocs

    when = datetime(2019, 5, 30, tzinfo=UTC)
    for name, word, dirty in (("a", "内部秘密甲乙丙", True), ("b", "公开内容丁戊己", False)):
        docs = tmp_path / f"docs-{name}"
        docs.mkdir()
        (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
        (docs / f"{name}.md").write_text(f"# {name}\n\n{word}\n", encoding="utf-8")
        nav: list[dict[str, object]] = [{"首页": "index.md"}, {name: f"{name}.md"}]
        run_mkdocs(docs, tmp_path / f"site-{name}", nav, when,
                   serve_url="http://127.0.0.1:1/" if dirty else None, dirty=dirty)
    import json

    raw = (tmp_path / "site-b" / "search" / "search_index.json").read_text(encoding="utf-8")
    index = json.dumps(json.loads(raw), ensure_ascii=False).replace("\u200b", "")
    assert "公开内容丁戊己" in index and "内部秘密甲乙丙" not in index
