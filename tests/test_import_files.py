"""`import` and the files round it: workbooks that are no .xlsx, workbooks too large to be an
annex, target files that exist or appear meanwhile, folders that refuse writing, and a
records tree with links in it. None of these is a bug: each is a Chinese message with an
exit code, and nothing in records/ is overwritten."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import as_nobody, main_in_process, open_tmp
from conftest import MINIMAL
from openpyxl import Workbook
from test_import import empty_copy, options, rough_annex2, tree_snapshot

import generator.tools.importer.importer
from generator.tools.importer import open as import_open
from generator.tools.importer.importer import UsageError, import_workbook

ROW = [1, "测试包装有限公司", "工业源", "G101-1", "03", "行业类别", "行业代码错误", None]


def _good(path: Path) -> Path:
    return rough_annex2(path, [ROW])


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _ole(path: Path, encrypted: bool) -> Path:
    """The Compound File header with its directory: an .xls, or an Excel-encrypted .xlsx."""
    names = ["Root Entry", "EncryptionInfo", "EncryptedPackage"] if encrypted else [
        "Root Entry", "Workbook", "\x05SummaryInformation"]
    directory = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in names)
    path.write_bytes(import_open.OLE_MAGIC + b"\0" * 504 + directory + b"\0" * 1024)
    return path


def _unreadable(tmp: Path, kind: str) -> Path:
    path = tmp / "附件2.xlsx"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "csv":
        path.write_text("序号,普查对象名称,污染源类型\n1,测试公司,工业源\n", encoding="utf-8")
    elif kind == "csv-gbk":
        path.write_bytes("序号,普查对象名称\n1,测试公司\n".encode("gbk"))
    elif kind == "html":
        path.write_text("<html><table><tr><td>序号</td></tr></table></html>", encoding="utf-8")
    elif kind == "xls":
        _ole(path, encrypted=False)
    elif kind == "encrypted":
        _ole(path, encrypted=True)
    elif kind == "zip":
        _zip(path, {"readme.txt": "hello"})
    elif kind == "docx":
        _zip(path, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    elif kind == "ods":
        _zip(path, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": "<office:document-content/>"})
    elif kind == "xlsb":
        _zip(path, {"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\0\1"})
    elif kind == "truncated":
        data = _good(tmp / "whole.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "damaged":  # a zip that says it is a workbook, with nonsense inside
        _zip(path, {"[Content_Types].xml": "<Types", "xl/workbook.xml": "<<<"})
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    return path


@pytest.mark.parametrize("kind,code", [
    ("empty", "import.empty"), ("csv", "import.text"), ("csv-gbk", "import.text"),
    ("html", "import.text"), ("xls", "import.xls"), ("encrypted", "import.encrypted"),
    ("zip", "import.zip"), ("docx", "import.zip"), ("ods", "import.ods"), ("xlsb", "import.xlsb"),
    ("truncated", "import.damaged"), ("damaged", "import.damaged"),
    ("binary", "import.not_workbook")])
def test_a_file_that_is_no_xlsx_is_explained(tmp_path: Path, kind: str, code: str) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    outcome = import_workbook(_unreadable(tmp_path, kind), options(target))
    assert [p.code for p in outcome.problems] == [code]
    message = outcome.problems[0].message
    assert "BadZipFile" not in message and "Error" not in message and "xlsx" in message
    assert not outcome.written


@pytest.mark.parametrize("name", ["附件2.xls", "附件2.csv", "附件2", "附件2.XLSX"])
def test_a_real_workbook_is_read_whatever_its_name(tmp_path: Path, name: str) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _good(tmp_path / "a.xlsx").rename(tmp_path / name)
    outcome = import_workbook(book, options(target))
    assert outcome.ok and len(outcome.written) == 1, [str(p) for p in outcome.problems]


def test_a_folder_is_no_workbook(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    with pytest.raises(UsageError) as raised:
        import_workbook(tmp_path, options(target))
    assert raised.value.code == "usage.workbook_folder"
    code, _, err = main_in_process(["import", str(tmp_path), "--county", "hualong", "--records",
                                    str(target), "--reviewed-on", "2019-03-11", "--reviewer", "乙"])
    assert code == 2 and "是文件夹，不是工作簿" in err


def test_an_unreadable_workbook_exits_3() -> None:
    with open_tmp() as root:
        target = empty_copy(MINIMAL, root / "records")
        book = _good(root / "a.xlsx")
        args = ["--county", "hualong", "--records", str(target), "--reviewed-on", "2019-03-11",
                "--reviewer", "乙", "--dry-run"]
        book.chmod(0o000)
        code, out, err = as_nobody(["import", str(book), *args],
                                   warm_up=["import", str(_good(root / "b.xlsx")), *args])
        assert code == 3 and "无法读取" in err and "没有权限" in err, (out, err)


# ------------------------------------------------------------ size caps


def _timed(book: Path, target: Path) -> tuple[list[str], float]:
    start = time.monotonic()
    outcome = import_workbook(book, options(target))
    return [p.code for p in outcome.problems], time.monotonic() - start


def _repeated_rows(path: Path, n: int) -> Path:
    """A 附件2 with a short row repeated ``n`` times after its own, streamed into the zip
    (openpyxl would take minutes): rows without their optional r="…" numbers, so that the
    file stays small (under a megabyte, ~100 MB unpacked), as in the report of the problem."""
    book = _good(path.with_suffix(".seed.xlsx"))
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, data)
                continue
            text = data.decode("utf-8")
            end = text.index("</sheetData>")
            row = ('<row><c t="n"><v>1</v></c><c t="inlineStr"><is><t>测试公司</t></is></c>'
                   '<c t="inlineStr"><is><t>工业源</t></is></c></row>').encode()
            with out.open(item.filename, "w") as sheet:
                sheet.write(text[:end].encode("utf-8"))
                for _ in range(n // 1000):
                    sheet.write(row * 1000)
                sheet.write(text[end:].encode("utf-8"))
    return path


@pytest.mark.slow
def test_a_million_repeated_rows_are_refused_quickly(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _repeated_rows(tmp_path / "big.xlsx", 1_000_000)
    assert book.stat().st_size < 1024 * 1024
    codes, seconds = _timed(book, target)
    assert codes == ["import.too_many_rows"] and seconds < 30


@pytest.mark.parametrize("shape", ["rows", "gap", "wide"])
def test_sheets_larger_than_an_annex_are_refused(tmp_path: Path, shape: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_open, "MAX_ROWS", 300)
    monkeypatch.setattr(import_open, "MAX_CELLS", 5000)
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _good(tmp_path / "a.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb.active
    if shape == "rows":
        for _ in range(400):
            ws.append(ROW)
    elif shape == "gap":  # one cell far below: the reader would lay out every row between
        ws.cell(row=100_000, column=1, value="x")
    else:  # one cell far right: every row as wide as the sheet
        ws.cell(row=1, column=2000, value="x")
    wb.save(book)
    codes, _ = _timed(book, target)
    assert codes == ["import.too_many_cells" if shape == "wide" else "import.too_many_rows"]


def test_the_caps_count_every_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_open, "MAX_CELLS", 800)
    target = empty_copy(MINIMAL, tmp_path / "records")
    wb = Workbook()
    for i in range(4):
        ws = wb.active if i == 0 else wb.create_sheet(f"S{i}")
        for _ in range(30):
            ws.append(ROW)  # 210 cells each: one sheet is under the cap, four are over it
    wb.save(tmp_path / "many.xlsx")
    assert _timed(tmp_path / "many.xlsx", target)[0] == ["import.too_many_cells"]


# ------------------------------------------------------------ writing


def _planned_path(book: Path, target: Path) -> Path:
    outcome = import_workbook(book, options(target, dry_run=True))
    assert outcome.ok and len(outcome.planned) == 1
    return outcome.planned[0].path


@pytest.mark.parametrize("content", [b"", b"errors: [\n", b"\xff\xfe not utf-8", b"- a list\n"])
def test_a_file_the_loader_cannot_read_keeps_its_name(tmp_path: Path, content: bytes) -> None:
    """Broken files are no records, but their names are taken: another id, never overwritten."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _good(tmp_path / "a.xlsx")
    path = _planned_path(book, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    outcome = import_workbook(book, options(target, force=True))
    assert path.read_bytes() == content
    assert [p.stem for p in outcome.written] != [path.stem]


def test_a_file_created_meanwhile_is_not_overwritten(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    book = _good(tmp_path / "a.xlsx")
    path = _planned_path(book, target)
    checked = generator.tools.importer.importer._check

    def check_then_race(*args: Any) -> Any:
        found = checked(*args)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("someone else's\n", encoding="utf-8")  # another import, a colleague
        return found

    monkeypatch.setattr(generator.tools.importer.importer, "_check", check_then_race)
    code, out, err = main_in_process(["import", str(book), "--county", "hualong", "--records",
                                      str(target), "--reviewed-on", "2019-03-11", "--reviewer", "乙成员"])
    assert code == 1 and "import.exists" in out and "没有覆盖" in out, (out, err)
    assert path.read_text(encoding="utf-8") == "someone else's\n"


def test_an_unwritable_county_folder_exits_3_and_writes_nothing() -> None:
    with open_tmp() as root:
        target = empty_copy(MINIMAL, root / "records")
        scratch = empty_copy(MINIMAL, root / "scratch")
        book = _good(root / "a.xlsx")
        before = tree_snapshot(target)
        for folder in [target, *target.iterdir()]:
            if folder.is_dir():
                folder.chmod(0o555)
        tail = ["--county", "hualong", "--reviewed-on", "2019-03-11", "--reviewer", "乙成员"]
        code, out, err = as_nobody(["import", str(book), "--records", str(target), *tail],
                                   warm_up=["import", str(book), "--records", str(scratch), *tail])
        assert code == 3, (out, err)
        assert "import.unwritable" in out and "没有权限" in out and "Traceback" not in err
        assert tree_snapshot(target) == before


# ------------------------------------------------------------ links in records/


def test_links_in_the_tree_are_not_followed_or_copied(tmp_path: Path) -> None:
    target = empty_copy(MINIMAL, tmp_path / "records")
    (target / "hualong" / "loop").symlink_to(target, target_is_directory=True)
    special = tmp_path / "special"
    special.mkdir()
    os.mkfifo(special / "pipe")  # copying this would block or fail: it must not be read
    (target / "big").symlink_to(special, target_is_directory=True)
    outcome = import_workbook(_good(tmp_path / "a.xlsx"), options(target))
    # the check reads the tree as validate does: the loop and the link leading outside are
    # the tree's own errors, reported by path; they block the import, and nothing is written
    codes = {p.code for p in outcome.problems}
    assert {"load.link_loop", "load.link_outside"} <= codes
    assert not outcome.written and (target / "hualong/loop").is_symlink()


def test_a_linked_record_is_validated_and_never_written_through(tmp_path: Path) -> None:
    """A record that is a link to a file outside the tree is read like the loader reads it;
    the import's check never writes into it."""
    source = tmp_path / "outside.yaml"
    shutil.copy(next(MINIMAL.glob("hualong/findings/*.yaml")), source)
    target = empty_copy(MINIMAL, tmp_path / "records")
    findings = target / "hualong" / "findings"
    findings.mkdir(exist_ok=True)
    (findings / "hl-20190311-aaa.yaml").symlink_to(source)
    before = source.read_bytes()
    book = rough_annex2(tmp_path / "a.xlsx", [[1, "测试化工有限公司", "工业源", "G101-1", "03",
                                               "行业类别", "新的原因", None]])
    outcome = import_workbook(book, options(target))
    assert source.read_bytes() == before
    assert all(p.code != "rule.duplicate_id" for p in outcome.problems)


def test_a_linked_folder_is_not_written_through_by_the_check(tmp_path: Path) -> None:
    """records/hualong/findings as a link to a folder elsewhere: a dry run writes nowhere."""
    target = empty_copy(MINIMAL, tmp_path / "records")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / "hualong" / "findings").symlink_to(elsewhere, target_is_directory=True)
    outcome = import_workbook(_good(tmp_path / "a.xlsx"), options(target, dry_run=True))
    assert outcome.planned and not outcome.written
    assert list(elsewhere.iterdir()) == []
