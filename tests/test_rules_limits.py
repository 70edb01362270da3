"""What validate passes, build must build: every limit a renderer has is a schema limit.

The limits (a renderer's, and the schema keyword that keeps records inside it):
- an Excel cell holds 32,767 characters (UTF-16 units: a character outside the BMP takes
  two), longer text is cut → every text field has a ``maxLength`` of at most half that;
- Word's document properties (author = 印发单位, title = 工作名称 + 报告) hold 255 characters
  (python-docx raises beyond) → ``issuer`` and ``title`` are far shorter;
- an Excel number is exact to 15 digits → every integer has a ``maximum``;
- an Excel row is at most 409 points tall → the writer caps the heights it works out;
- sheet names (31 characters, no []:*?/\\) are made valid by the writer from any county name.
The build test fills a copy of the minimal tree with every text field at its maximum and
checks the outputs keep every character.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from generator.records.schemas import (
    KINDS,
    Schema,
    ecma_pattern,
    load_schemas,
    resolve,
    walk_properties,
)

SCHEMAS = load_schemas()
EXCEL_CELL = 32767  # characters (UTF-16 units) in one cell
DOCX_PROPERTY = 255  # characters in a core document property (python-docx's limit)
EXCEL_DIGITS = 10**15  # integers up to here are exact in Excel
EXCEL_ROW_POINTS = 409
ID_PATTERN = "^[A-Za-z0-9_-]+$"  # the schemas' pattern of a reference to another record
KIND_OF = {"city.yaml": "city", "county.yaml": "county", "assistance.yaml": "assistance",
           "findings": "finding", "g106": "g106", "verifications": "verification"}


def _string_nodes(kind: str) -> list[tuple[tuple[str | int, ...], Schema]]:
    root = SCHEMAS.documents[kind]
    found = []
    for path, node in walk_properties(root):
        for at, candidate in ((path, node), (path + (0,), node.get("items") or {})):
            candidate = resolve(root, candidate)
            kinds = candidate.get("type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if "string" in kinds:
                found.append((at, candidate))
    return found


def _bounded_by_pattern(node: Schema) -> bool:
    """A pattern that can only match text of a fixed greatest length (a code)."""
    if "pattern" not in node:
        return False
    import re._parser as sre_parse  # the parsed pattern's width; no public API gives it

    width = sre_parse.parse(ecma_pattern(node["pattern"]).pattern).getwidth()[1]
    return bool(width < sre_parse.MAXREPEAT)


@pytest.mark.parametrize("kind", KINDS)
def test_every_text_field_fits_an_excel_cell(kind: str) -> None:
    for path, node in _string_nodes(kind):
        if "enum" in node or node.get("format") == "date" or _bounded_by_pattern(node):
            continue
        assert "maxLength" in node, f"{kind} {path}: text without maxLength"
        assert node["maxLength"] * 2 <= EXCEL_CELL, f"{kind} {path}: longer than a cell"


@pytest.mark.parametrize("kind", KINDS)
def test_every_integer_has_a_maximum_excel_keeps_exact(kind: str) -> None:
    root = SCHEMAS.documents[kind]
    for path, node in walk_properties(root):
        if node.get("type") == "integer":
            assert node.get("maximum", EXCEL_DIGITS + 1) <= EXCEL_DIGITS, (kind, path)


def test_the_word_document_properties_fit() -> None:
    from generator.text.report import TITLE_SUFFIX

    city = SCHEMAS.documents["city"]["properties"]
    assert city["issuer"]["maxLength"] <= DOCX_PROPERTY
    assert city["title"]["maxLength"] + len(TITLE_SUFFIX) <= DOCX_PROPERTY


# ------------------------------------------------------------- records at every maximum


def _filled(root: Schema, node: Schema, data: Any, chars: str) -> Any:
    """``data`` with every text field written at its maxLength from ``chars`` (a field whose
    pattern refuses such text keeps its value, as do references to other records) and every
    integer at its maximum."""
    node = resolve(root, node)
    if isinstance(data, dict):
        props = node.get("properties", {})
        return {k: _filled(root, props.get(k, {}), v, chars) for k, v in data.items()}
    if isinstance(data, list):
        return [_filled(root, node.get("items", {}), v, chars) for v in data]
    if isinstance(data, bool):
        return data
    if isinstance(data, int) and "maximum" in node:
        return node["maximum"]
    if isinstance(data, str) and "maxLength" in node and node.get("pattern") != ID_PATTERN:
        if node.get("x-confidential"):  # a name must not stand in the publishable texts
            chars = next(c for c in "密秘隐" if c not in chars)
        text = (chars * node["maxLength"])[:node["maxLength"]]
        if "pattern" not in node or ecma_pattern(node["pattern"]).search(text):
            return text
    return data


def _tree_at_maximum(target: Path, chars: str) -> None:
    """A copy of the minimal tree, every record filled by _filled."""
    shutil.copytree(MINIMAL, target)
    for path in sorted(target.rglob("*.yaml")):
        kind = KIND_OF.get(path.name) or KIND_OF[path.parent.name]
        root = SCHEMAS.documents[kind]
        data = _filled(root, root, yaml.safe_load(path.read_text(encoding="utf-8")), chars)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, width=10**9), encoding="utf-8")


def _workbook_texts(path: Path) -> tuple[set[str], float]:
    import openpyxl

    texts, tallest = set(), 0.0
    for ws in openpyxl.load_workbook(path).worksheets:
        texts |= {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        tallest = max([tallest] + [d.height or 0 for d in ws.row_dimensions.values()])
    return texts, tallest


def _build_at_maximum(tmp_path: Path, chars: str, drawn: bool = False) -> None:
    from docx import Document

    from generator.pipeline import prepare
    from generator.publish.staging import build

    records = tmp_path / "records"
    _tree_at_maximum(records, chars)
    prepared = prepare(records)
    if drawn:  # drawn text may look like a phone or credit code: validate rightly refuses it
        assume(all(p.code != "rule.confidential_in_public_text"
                   for p in prepared.checked.problems))
    errors = [str(p) for p in prepared.checked.problems if p.severity == "error"]
    assert prepared.census and prepared.figures, errors
    outputs = build(records, prepared.census, prepared.figures, prepared.checked.schemas,
                    tmp_path / "site", tmp_path / "dist")
    longest = (chars * 5000)[:5000]
    finding = prepared.census.findings[0]
    assert finding.errors[0].reason == longest
    texts, tallest = _workbook_texts(outputs.dist / "附件2_集中审核普查表情况明细表.xlsx")
    assert longest in texts  # not cut
    assert finding.object_name in texts
    assert tallest <= EXCEL_ROW_POINTS
    texts, tallest = _workbook_texts(outputs.dist / "附件1_无法填报G106-1问题表.xlsx")
    assert prepared.census.g106[0].summary in texts and tallest <= EXCEL_ROW_POINTS
    texts, tallest = _workbook_texts(outputs.dist / "附件3_重点帮扶情况记录表.xlsx")
    assert longest in texts and tallest <= EXCEL_ROW_POINTS
    document = Document(str(outputs.dist / "工作报告.docx"))
    assert document.core_properties.author == prepared.census.city.issuer
    assert (tmp_path / "site" / "index.html").is_file()


# the worst cases: a character outside the BMP (two UTF-16 units in Excel and Word), a
# CJK character (three bytes of UTF-8), text that Excel would read as a formula
@pytest.mark.parametrize("chars", ["\U00020000", "濮", "=1+"], ids=["astral", "cjk", "formula"])
def test_records_at_every_maximum_build(tmp_path: Path, chars: str) -> None:
    _build_at_maximum(tmp_path, chars)


@settings(max_examples=3, deadline=None, phases=[Phase.generate],  # a build per example
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(chars=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                     min_size=1, max_size=4))
def test_records_at_every_maximum_build_whatever_the_text(tmp_path_factory: pytest.TempPathFactory,
                                                          chars: str) -> None:
    _build_at_maximum(tmp_path_factory.mktemp("max"), chars, drawn=True)


def test_a_long_issuer_is_refused_by_validate_not_by_build(tmp_path: Path) -> None:
    """The issue's example: a 300-character 印发单位 passed validate and killed the report."""
    from generator.pipeline import check

    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    city = records / "city.yaml"
    text = city.read_text(encoding="utf-8")
    city.write_text(re.sub(r"issuer: .*", "issuer: " + "濮" * 300, text), encoding="utf-8")
    problems = check(records).problems
    assert [(p.code, p.path) for p in problems] == [("schema.maxLength", ("issuer",))]
