"""Hypothesis strategies that build records from our JSON Schemas (the subset of draft-07 they use)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from generator.schemas import Schema, ecma_pattern, resolve

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
DATES = st.dates(date(2019, 3, 1), date(2019, 5, 30)).map(date.isoformat)


def from_schema(root: Schema, node: Schema | None = None) -> st.SearchStrategy[Any]:
    node = resolve(root, root if node is None else node)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        return _object(root, node)
    if kind == "array":
        items = from_schema(root, node["items"])
        return st.lists(items, min_size=node.get("minItems", 0), max_size=3,
                        unique=node.get("uniqueItems", False))
    if kind == "integer":
        return st.integers(node.get("minimum", -1000), node.get("maximum", 100000))
    if kind == "boolean":
        return st.booleans()
    if node.get("format") == "date":
        return DATES
    if "pattern" in node:
        longest = node.get("maxLength", 10**6)
        return st.from_regex(ecma_pattern(node["pattern"]), fullmatch=True).filter(
            lambda s: "\n" not in s and len(s) <= longest)
    return TEXT


def _object(root: Schema, node: Schema) -> st.SearchStrategy[dict[str, Any]]:
    props = node.get("properties", {})
    required = set(node.get("required", []))
    fixed = {k: from_schema(root, v) for k, v in props.items() if k in required}
    optional = {k: from_schema(root, v) for k, v in props.items() if k not in required}
    return st.fixed_dictionaries(fixed, optional=optional)
