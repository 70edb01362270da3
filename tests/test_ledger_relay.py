"""The ledger import reads the records tree once: the texts it would write are relaid over
the tree it loaded (tools/ledger/relay.py), and what validate says of that equals what it
says of a fresh load with the texts laid over the folder, for every kind of new text (an
edit, a schema problem, a repeated key, broken YAML, no mapping, too large, a BOM) and for an
old text that had problems of its own."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_ledger_import import clerk, export, run

from generator.pipeline import check
from generator.records import load_tree
from generator.records.load import load
from generator.records.schemas import load_schemas
from generator.records.tree import MAX_BYTES
from generator.records.validate import validate
from generator.tools.ledger.relay import relay

FINDING = ("shifanqu", "findings", "sf-20190423-k6m.yaml")
OTHER = ("shifanqu", "findings", "sf-20190422-r3w.yaml")
OLD_RECT = "rectification: {status: 整改中, due: \"2019-06-14\", owner: 聂国栋"


def _new_texts(old: str) -> dict[str, bytes]:
    return {
        "edit": old.replace("owner: 聂国栋", "owner: 王五").encode(),
        "schema": old.replace(OLD_RECT, "rectification: {status: 不知道, due: \"2019-6-1\"").encode(),
        "repeated_key": old.replace("reviewer: 韩雪梅", "reviewer: 韩雪梅\nreviewer: 李四").encode(),
        "broken": old.replace("errors:", "errors: [").encode(),
        "not_mapping": b"- 1\n- 2\n",
        "empty": b"",
        "too_large": old.encode() + b"#" * MAX_BYTES,
        "bom": b"\xef\xbb\xbf" + old.encode(),
        "gbk": old.encode("gb18030"),
    }


def _old_variants(old: str) -> dict[str, str]:
    return {"clean": old, "repeated_key": old.replace("reviewer: 韩雪梅", "reviewer: 韩雪梅\nreviewer: 赵六")}


def _tree(tmp_path: Path, old: str) -> Path:
    tree = tmp_path / "records"
    shutil.copytree(REPO / "records", tree)
    tree.joinpath(*FINDING).write_text(old, encoding="utf-8")
    return tree


@pytest.mark.parametrize("old_kind", ["clean", "repeated_key"])
@pytest.mark.parametrize("new_kind", sorted(_new_texts("")))
def test_relaid_tree_validates_as_a_fresh_load(tmp_path: Path, old_kind: str,
                                               new_kind: str) -> None:
    original = (REPO / "records").joinpath(*FINDING).read_text(encoding="utf-8")
    tree = _tree(tmp_path, _old_variants(original)[old_kind])
    extra = {FINDING: _new_texts(original)[new_kind],
             OTHER: (tree.joinpath(*OTHER).read_bytes() + b"\nextra_key: 1\n")}
    loaded = load(tree)
    relaid = relay(loaded, extra)
    assert relaid is not None
    fresh = check(tree, extra=extra)
    assert validate(relaid, load_schemas()) == fresh.problems
    assert [(s.file, s.data) for s in relaid.sources] == \
        [(s.file, s.data) for s in fresh.loaded.sources]


def test_a_place_that_is_no_record_of_the_tree_asks_for_a_fresh_load(tmp_path: Path) -> None:
    tree = _tree(tmp_path, (REPO / "records").joinpath(*FINDING).read_text(encoding="utf-8"))
    assert relay(load(tree), {("shifanqu", "findings", "sf-20190101-new.yaml"): b"a: 1\n"}) is None


def test_the_import_reads_each_record_file_once(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "records"
    shutil.copytree(REPO / "records", tree)
    book = export(tree, tmp_path)
    edits: list[tuple[str, int, str, Any]] = [("华龙区", 0, "owner", "张三"),
                                              ("华龙区", 1, "owner", "李四")]
    changed = clerk(book, edits, tmp_path / "back.xlsx")
    reads: dict[Path, int] = {}
    real = load_tree.read_file

    def counting(path: Path, file: str) -> bytes | Any:
        reads[path] = reads.get(path, 0) + 1
        return real(path, file)

    monkeypatch.setattr(load_tree, "read_file", counting)
    outcome = run(changed, tree, dry_run=True)
    assert outcome.ok and outcome.planned, [str(p) for p in outcome.problems]
    assert reads and max(reads.values()) == 1, sorted(p.name for p, n in reads.items() if n > 1)
