"""Meta-tests of schemas/: every field speaks Chinese, every keyword has a message."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL
from jsonschema import Draft7Validator

from generator.records.schemas import KINDS, SCHEMA_DIR, load_schemas, walk_properties
from generator.text.records import MESSAGES

SCHEMAS = load_schemas()
HAN = re.compile(r"[\u4e00-\u9fff]")
KEYWORDS_WITHOUT_MESSAGES = {"$schema", "title", "description", "examples", "properties",
                             "items", "definitions", "allOf", "$ref", "x-hint", "x-quote", "x-confidential",
                             "x-publishable"}


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft7(kind: str) -> None:
    Draft7Validator.check_schema(SCHEMAS.documents[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_chinese_title_and_description(kind: str) -> None:
    root = SCHEMAS.documents[kind]
    assert HAN.search(root["title"]) and HAN.search(root["description"])
    for path, prop in walk_properties(root):
        assert HAN.search(prop.get("title", "")), f"{kind} {path}: no Chinese title"
        assert HAN.search(prop.get("description", "")), f"{kind} {path}: no Chinese description"


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_refuses_unknown_keys(kind: str) -> None:
    root = SCHEMAS.documents[kind]
    nodes = [root] + [p for _, p in walk_properties(root)]
    nodes += [root["definitions"][d] for d in root.get("definitions", {})]
    for node in nodes:
        for candidate in (node, node.get("items") or {}):
            if candidate.get("type") == "object":
                assert candidate.get("additionalProperties") is False, candidate.get("title")


def _keywords(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "definitions"):
                for sub in value.values():
                    found |= _keywords(sub)
                continue
            found.add(key)
            found |= _keywords(value)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


def test_every_validator_keyword_has_a_chinese_template() -> None:
    used: set[str] = set()
    for kind in KINDS:
        used |= _keywords(SCHEMAS.documents[kind])
    for keyword in used - KEYWORDS_WITHOUT_MESSAGES:
        assert f"schema.{keyword}" in MESSAGES, keyword


def test_every_pattern_explains_itself() -> None:
    for kind in KINDS:
        text = json.dumps(SCHEMAS.documents[kind], ensure_ascii=False)
        assert "\\\\d" not in text, f"{kind}: use [0-9], \\d also matches full-width digits"
        root = SCHEMAS.documents[kind]
        nodes = [p for _, p in walk_properties(root)]
        nodes += [n.get("items", {}) for n in nodes]
        for node in nodes:
            if "pattern" in node:
                assert HAN.search(node.get("x-hint", "")), (kind, node.get("title"))


def test_schema_files_are_exactly_the_kinds() -> None:
    assert sorted(p.name for p in Path(SCHEMA_DIR).glob("*.schema.json")) == sorted(
        f"{k}.schema.json" for k in KINDS)


@pytest.mark.parametrize(("pattern", "text", "matches"), [
    (r"^[0-9]{2}$", "03", True),
    (r"^[0-9]{2}$", "03\n", False),  # Python's $ alone would take it
    (r"^[$a]x$", "$x", True),  # a $ in a class is a character
    (r"^a\$$", "a$", True),  # so is an escaped one
    (r"^[]x$", "x", False),  # in ECMA-262 [] is a class of nothing (Python read "]x" here)
    (r"^[^]$", "a", True),  # and [^] any character, a line break too
    (r"^[^]$", "\n", True),
    (r"^.$", "\r", False),  # "." stops at every line terminator, not only \n
    (r"^\S$", "\ufeff", False),  # U+FEFF is white space in ECMA-262
    (r"^\S$", "\x85", True),  # U+0085 is not
])
def test_patterns_end_where_ecma_262_ends_them(pattern: str, text: str, matches: bool) -> None:
    from generator.records.schemas import ecma_pattern

    assert (ecma_pattern(pattern).search(text) is not None) == matches


def test_a_record_only_the_fast_validator_refuses_is_still_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should fastjsonschema and jsonschema ever disagree, the record gets an error, not a pass."""
    from generator.records.load import read_source
    from generator.records.validate import schema_problems

    path = tmp_path / "x.yaml"
    shutil.copyfile(MINIMAL / "hualong" / "findings" / "hl-20190311-aaa.yaml", path)
    source, failure = read_source(path, "finding", "hualong", "hl-20190311-aaa")
    assert not failure  # read_source gives a list of problems
    schemas = load_schemas()
    assert schema_problems(source, schemas) == []
    monkeypatch.setattr(type(schemas), "is_valid", lambda self, kind, data: False)
    problems = schema_problems(source, schemas)
    assert [p.code for p in problems] == ["schema.unexplained"]
    assert "技术组" in problems[0].message and problems[0].line == 1
