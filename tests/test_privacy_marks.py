"""Meta-tests of the privacy marks in schemas/: every text field is classified once.

A string field is confidential (``x-confidential: true``, never public), publishable
(``x-publishable: true``, public and checked by ``rule.confidential_in_public_text``), a code
(enum, date format or pattern: public as typed), or withheld from the public build. Withheld
is the default, but it must be said (``x-publishable: false``), so that nobody adds a free-text
field without deciding whether the public may read it.
"""

from __future__ import annotations

import pytest

from generator.records.schemas import KINDS, field_class, load_schemas, string_fields

SCHEMAS = load_schemas()

PUBLISHABLE = {
    "city": {("title",), ("document_number",), ("issuer",), ("experience", 0),
             ("problems", 0), ("suggestions", 0), ("field_verification_summary",)},
    "county": {("name",)},
    "finding": {("errors", 0, "indicator_name")},
    "g106": set(),
    "verification": set(),
    "assistance": {("data_review", "database_quality", k) for k in
                   ("directory", "industrial", "centralized", "domestic", "mobile", "g106")}
    | {("data_review", k) for k in ("provincial_feedback", "city_county_review",
                                    "sampling_recheck")}
    | {("archives", k) for k in ("classification", "chronicle", "one_file_per_object",
                                 "closed_enterprises")}
    | {("capacity_building", 0, "topic")},
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_free_text_field_is_classified_explicitly(kind: str) -> None:
    for path, node in string_fields(SCHEMAS.documents[kind]):
        coded = any(k in node for k in ("enum", "format", "pattern"))
        marked = node.get("x-confidential") is True or isinstance(node.get("x-publishable"), bool)
        assert coded or marked, f"{kind} {path}: mark it x-confidential or x-publishable"
        assert not (node.get("x-confidential") and node.get("x-publishable")), (kind, path)


@pytest.mark.parametrize("kind", KINDS)
def test_the_publishable_fields_are_the_decided_ones(kind: str) -> None:
    found = {p for p, node in string_fields(SCHEMAS.documents[kind])
             if field_class(node) == "publishable"}
    assert found == PUBLISHABLE[kind]


def test_classes() -> None:
    classes = {(k, p): field_class(n) for k in KINDS
               for p, n in string_fields(SCHEMAS.documents[k])}
    assert classes[("finding", ("object_name",))] == "confidential"
    assert classes[("verification", ("team", 0))] == "confidential"
    assert classes[("finding", ("errors", 0, "reason"))] == "withheld"
    assert classes[("g106", ("scale",))] == "withheld"
    assert classes[("finding", ("errors", 0, "form"))] == "code"
    assert classes[("county", ("code",))] == "code"
    assert classes[("city", ("team", "members", 0, "unit"))] == "withheld"


def test_marks_sit_only_on_text_fields() -> None:
    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if "x-publishable" in node or "x-confidential" in node:
                kinds = node.get("type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                assert "string" in kinds, f"{where}: mark on a non-text field"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    for kind in KINDS:
        walk(SCHEMAS.documents[kind], kind)
