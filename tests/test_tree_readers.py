"""diff, codeowners and import read the records tree through the one reader: what validate
refuses (a link leading outside, a FIFO) they do not read either, and diff reads the base
revision from git objects without writing a temporary tree."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import MINIMAL, git, run_cli

from generator.cli.commands.codeowners import generate
from generator.tools.diffing import compare

FINDINGS = Path("records/hualong/findings")
SECRET = "owners: ['@outsider']\nname: 外部机密\ncode: '410999'\n"



@pytest.fixture
def no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return refuse_temp(tmp_path, monkeypatch)


def refuse_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TMPDIR pointed at an empty folder, and creating anything temporary refused."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file or folder was created")

    for name in ("mkdtemp", "mkstemp", "TemporaryDirectory", "NamedTemporaryFile"):
        monkeypatch.setattr(tempfile, name, refuse)
    return folder


def test_diff_reads_the_base_without_a_temporary_tree(repo: Path, no_temp: Path) -> None:
    (repo / FINDINGS / "hl-20190311-aaa.yaml").unlink()
    diff = compare(repo / "records", "base")
    assert diff.changes("removed") == 1
    assert not any(no_temp.iterdir())


def test_diff_base_problems_are_placed_like_the_working_tree(repo: Path) -> None:
    """A problem present in both versions is neither new nor gone, whatever its file."""
    broken = repo / FINDINGS / "hl-20190311-bad.yaml"
    broken.write_text("object_name: [\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    git(repo, "tag", "broken")
    diff = compare(repo / "records", "broken")
    assert diff.new_problems("error") == 0 and diff.gone_problems == 0


@pytest.mark.parametrize("what", ["finding", "county"])
def test_diff_does_not_read_through_a_link_leading_outside(repo: Path, tmp_path: Path,
                                                           what: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    if what == "finding":
        (outside / "x.yaml").write_text("object_name: 外部机密\n", encoding="utf-8")
        (repo / FINDINGS / "hl-20190320-out.yaml").symlink_to(outside / "x.yaml")
    else:
        shutil.copytree(repo / "records" / "hualong", outside / "county")
        (outside / "county" / "county.yaml").write_text(SECRET, encoding="utf-8")
        (repo / "records" / "waibu").symlink_to(outside / "county", target_is_directory=True)
    diff = compare(repo / "records", "base")
    labels = [ch.label for c in diff.counties for ch in c.changes]
    assert "外部机密" not in labels and diff.changes("added") == 0, labels
    codes = [p.code for c in diff.counties for p in c.new_problems]
    assert "load.link_outside" in codes


def test_diff_with_a_fifo_in_the_working_tree_does_not_block(repo: Path) -> None:
    os.mkfifo(repo / FINDINGS / "hl-20190320-fifo.yaml")
    done = run_cli("diff", "base", "--records", "records", cwd=repo, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "hl-20190320-fifo.yaml" in done.stdout and "Traceback" not in done.stderr


def test_codeowners_does_not_follow_a_county_linked_outside(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    outside = tmp_path / "outside"
    shutil.copytree(records / "hualong", outside)
    (outside / "county.yaml").write_text(SECRET, encoding="utf-8")
    (records / "waibu").symlink_to(outside, target_is_directory=True)
    done = run_cli("codeowners", "--records", str(records))
    assert "@outsider" not in done.stdout
    assert done.returncode == 1 and "waibu" in done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_codeowners_sees_the_counties_validate_sees(tmp_path: Path) -> None:
    """A hidden folder and a county folder whose county.yaml is a link inside the tree."""
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    shutil.copytree(records / "hualong", records / ".draft")
    shutil.copytree(records / "hualong", records / "nanle")
    (records / "nanle" / "county.yaml").unlink()
    (records / "nanle" / "county.yaml").symlink_to("../hualong/county.yaml")
    text = generate(records)
    assert "/records/hualong/" in text and "/records/nanle/" in text
    assert ".draft" not in text


def test_import_does_not_read_a_county_file_linked_outside(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    (records / "hualong" / "county.yaml").unlink()
    (records / "hualong" / "county.yaml").symlink_to(tmp_path / "secret.yaml")
    from generator.tools.importer.importer import Options, UsageError, _county

    with pytest.raises(UsageError):
        _county(Options(county="hualong", records=records))


def test_import_checks_its_records_in_memory_beside_the_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    from generator.tools.importer.importer import Options, import_workbook

    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "普查对象名称", "污染源类型", "普查表填报错误明细", None, None, None, "备注"])
    sheet.append([None, None, None, "普查表号", "指标代码", "指标名称", "普查表填报错误的原因", None])
    sheet.append([1, "新公司", "工业源", "G101-1", "03", "类别", "错", None])
    book.save(tmp_path / "a2.xlsx")  # openpyxl writes through a temporary file
    no_temp = refuse_temp(tmp_path, monkeypatch)
    before = sorted(p for p in records.rglob("*"))
    outcome = import_workbook(tmp_path / "a2.xlsx", Options(
        county="hualong", records=records, reviewed_on="2019-03-11", reviewer="乙成员",
        dry_run=True))
    assert outcome.planned and not outcome.written, [str(p) for p in outcome.problems]
    assert sorted(p for p in records.rglob("*")) == before and not any(no_temp.iterdir())
