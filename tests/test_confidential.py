"""Confidentiality: which fields are confidential is declared once, in the schemas
(``x-confidential``); the public pages contain none of those values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from generator.pipeline import prepare
from generator.records.schemas import KINDS, load_schemas, resolve, walk_properties
from generator.render.site import pages as site

SCHEMAS = load_schemas()
# Titles that look like they name a person or an enterprise but do not.
NOT_A_NAME = {"指标名称", "涉及行业名称", "产品名称", "原料名称", "生产工艺名称", "末端治理技术名称",
              "县（区）名称", "工作名称", "参加人数", "印发单位", "单位", "关闭企业建档情况"}
NAMES_SOMEONE = re.compile(r"名称|企业|姓名|人员|审核人|解答人|电话|信用代码|普查员号")


@pytest.mark.parametrize("kind", KINDS)
def test_fields_that_name_someone_are_marked_confidential(kind: str) -> None:
    root = SCHEMAS.documents[kind]
    for path, node in walk_properties(root):
        title = node.get("title", "")
        text_items = isinstance(node.get("items"), dict) and node["items"].get("type") == "string"
        if NAMES_SOMEONE.search(title) and title not in NOT_A_NAME:
            marked = node.get("x-confidential") or (text_items and node["items"].get("x-confidential"))
            assert marked, f"{kind} {path} ({title}) names someone: mark it x-confidential"
    # a list of names is marked on its items
    team = SCHEMAS.node("verification", ("team",)) or {}
    assert team["items"].get("x-confidential")


def _confidential_paths(kind: str) -> list[tuple[str | int, ...]]:
    root = SCHEMAS.documents[kind]
    paths = []
    for path, node in walk_properties(root):
        items = node.get("items")
        if node.get("x-confidential"):
            paths.append(path)
        elif isinstance(items, dict) and resolve(root, items).get("x-confidential"):
            paths.append(path + (0,))
    return paths


def _values(data: Any, path: tuple[str | int, ...]) -> Iterator[str]:
    if not path:
        if isinstance(data, str):
            yield data
        return
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        for item in data if isinstance(data, list) else []:
            yield from _values(item, rest)
    elif isinstance(data, dict) and step in data:
        yield from _values(data[step], rest)


def confidential_values(records: Path) -> set[str]:
    prepared = prepare(records)
    found: set[str] = set()
    for source in prepared.checked.loaded.sources:
        for path in _confidential_paths(source.kind):
            found |= set(_values(source.data, path))
    return {v for v in found if len(v) >= 2}


def test_there_are_confidential_values_to_look_for() -> None:
    values = confidential_values(REPO / "records")
    assert len(values) > 100


def test_public_pages_contain_no_confidential_value(tmp_path: Path) -> None:
    records = REPO / "records"
    prepared = prepare(records)
    assert prepared.census and prepared.figures
    docs = tmp_path / "docs"
    site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, [],
                     "# 工作报告\n", public=True)
    values = confidential_values(records)
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        leaked = sorted(v for v in values if v in text)
        assert not leaked, f"{page.name}: {leaked[:5]}"


def _readable(raw: bytes) -> str:
    """File text with JSON/JS escapes undone and search-index word breaks (U+200B) removed."""
    text = raw.decode("utf-8", errors="ignore")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\u200b", "")


@pytest.mark.slow
def test_public_build_leaks_nothing_anywhere(tmp_path: Path) -> None:
    from conftest import run_cli

    out = tmp_path / "site-public"
    result = run_cli("build", "records", "--profile", "public", "--site", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "dist").exists()
    values = confidential_values(REPO / "records")
    scanned = 0
    for path in out.rglob("*"):
        if path.suffix not in (".html", ".json", ".xml", ".js", ".txt", ".md", ".gz") or "vendor" in path.parts:
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            raw = gzip.decompress(raw)
        text = _readable(raw)
        leaked = sorted(v for v in values if v in text)
        assert not leaked, f"{path.relative_to(out)}: {leaked[:5]}"
        scanned += 1
    assert scanned > 20
    assert (out / "search" / "search_index.json").is_file()
    assert not list(out.rglob("*.xlsx")) and not list(out.rglob("*.docx"))


MARK = "机密"  # every generated confidential value carries it, so a leak is unmistakable


@pytest.mark.slow
def test_public_pages_leak_no_generated_confidential_value(tmp_path_factory: pytest.TempPathFactory
                                                           ) -> None:
    """Records generated from the schemas, with every confidential field filled with a marked
    value, give public pages without any of them."""
    import shutil

    import yaml
    from conftest import MINIMAL
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schema_strategies import from_schema

    def marked(kind: str) -> st.SearchStrategy[dict[str, Any]]:
        def fill(record: dict[str, Any], tags: list[str]) -> dict[str, Any]:
            for path, tag in zip(_confidential_paths(kind), tags):
                _set(record, path, f"{MARK}{tag}")
            return record
        return st.builds(fill, from_schema(SCHEMAS.documents[kind]),
                         st.lists(st.text("甲乙丙丁戊", min_size=3, max_size=6), min_size=8, max_size=8))

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(finding=marked("finding"), g106=marked("g106"))
    def check(finding: dict[str, Any], g106: dict[str, Any]) -> None:
        root = tmp_path_factory.mktemp("gen")
        records = root / "records"
        shutil.copytree(MINIMAL, records)
        finding.pop("credit_code", None)  # a pattern with a check digit: covered by the shipped records
        g106.pop("credit_code", None)
        finding["source_type"] = "工业源"
        for error in finding["errors"]:
            error["form"] = "G101-1"
            if error["rectification"]["status"] == "已整改":
                error["rectification"]["date"] = "2019-03-20"
        g106["industry_code"] = "2662"
        g106.pop("verification", None)
        for name, data in (("findings/hl-20190320-zzz.yaml", finding),
                           ("g106/hl-g-20190320-zzz.yaml", g106)):
            (records / "hualong" / name).write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        prepared = prepare(records)
        assert prepared.census and prepared.figures, [str(p) for p in prepared.checked.problems]
        docs = root / "docs"
        site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, docs, [],
                         "# 工作报告\n", public=True)
        for page in docs.rglob("*.md"):
            assert MARK not in page.read_text(encoding="utf-8"), page.name
        internal = root / "internal"  # the same records do show the values internally
        site.write_pages(prepared.census, prepared.figures, prepared.checked.schemas, internal,
                         [], "# 工作报告\n")
        assert MARK in (internal / "counties" / "hualong.md").read_text(encoding="utf-8")

    check()


def _set(data: Any, path: tuple[str | int, ...], value: str) -> None:
    """Set ``value`` at ``path`` wherever it exists (``0`` = every item of a list)."""
    if not path:
        return
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        for i, item in enumerate(data if isinstance(data, list) else []):
            if rest:
                _set(item, rest, value)
            else:
                data[i] = value
    elif isinstance(data, dict) and (step in data or not rest):
        if rest:
            _set(data[step], rest, value)
        else:
            data[step] = value
