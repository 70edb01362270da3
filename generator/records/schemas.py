"""schemas/*.schema.json → compiled validators and the Chinese title of any field path.

The schemas are the single description of the record format: the validator, the error
messages, the editor hovers and the site's 填报说明 page all read them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators

from generator.records import domain, ecma
from generator.settings import CHECKOUT

SCHEMA_DIR = CHECKOUT / "schemas"
KINDS = ("city", "county", "finding", "g106", "verification", "assistance")

Schema = dict[str, Any]


@dataclass(frozen=True)
class Schemas:
    documents: dict[str, Schema]
    validators: dict[str, Draft7Validator]
    # Compiled by fastjsonschema: about 15× faster, but it stops at the first error and says
    # it in English. It decides only whether a record is valid; the records it refuses go
    # through ``validators`` for every error, located and in Chinese.
    fast: dict[str, Callable[[Any], Any]]

    def is_valid(self, kind: str, data: Any) -> bool:
        try:
            self.fast[kind](data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def node(self, kind: str, path: tuple[str | int, ...]) -> Schema | None:
        """The (resolved) subschema describing ``path`` of a ``kind`` record, if any."""
        root = self.documents[kind]
        node: Schema | None = resolve(root, root)
        for step in path:
            if node is None:
                return None
            if isinstance(step, int):
                items = node.get("items")
                node = resolve(root, items) if isinstance(items, dict) else None
            else:
                prop = node.get("properties", {}).get(step)
                node = resolve(root, prop) if prop is not None else None
        return node

    def title(self, kind: str, path: tuple[str | int, ...]) -> str:
        """The Chinese title of the last named property in ``path``."""
        for end in range(len(path), 0, -1):
            if isinstance(path[end - 1], str):
                node = self.node(kind, path[:end])
                if node and node.get("title"):
                    return str(node["title"])
                break
        return ""


def resolve(root: Schema, schema: Schema) -> Schema:
    """``schema`` with local ``allOf: [{$ref: "#/definitions/x"}]`` folded in (titles stay local)."""
    merged = dict(schema)
    for part in schema.get("allOf", []):
        ref = part.get("$ref", "")
        if ref.startswith("#/definitions/"):
            target = root["definitions"][ref.split("/")[-1]]
            merged = {**resolve(root, target), **{k: v for k, v in merged.items() if k != "allOf"}}
    return merged


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema pattern compiled to match what it matches in ECMA-262 (generator.records.ecma):
    what editors and check-jsonschema accept, this validator accepts, and nothing else."""
    return ecma.compile_pattern(pattern)


def python_patterns(node: Any) -> Any:
    """A schema with every ``pattern`` rewritten for Python's ``re`` (for fastjsonschema, which
    compiles patterns with ``re`` itself)."""
    if isinstance(node, dict):
        return {k: ecma.to_python(v) if k == "pattern" and isinstance(v, str)
                else python_patterns(v) for k, v in node.items()}
    if isinstance(node, list):
        return [python_patterns(v) for v in node]
    return node


def _pattern(validator: Any, pattern: str, instance: Any, schema: Schema) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft7Validator, {"pattern": _pattern})


def load_schemas(directory: Path = SCHEMA_DIR) -> Schemas:
    documents: dict[str, Schema] = {}
    for kind in KINDS:
        with (directory / f"{kind}.schema.json").open(encoding="utf-8") as handle:
            documents[kind] = json.load(handle)
    checker = FormatChecker(formats=())
    checker.checks("date")(_date_format)  # jsonschema's own check has no range of years
    validators = {k: _Validator(s, format_checker=checker) for k, s in documents.items()}
    fast = {k: fastjsonschema.compile(python_patterns(s), formats={"date": _date_format},
                                      use_default=False)
            for k, s in documents.items()}
    return Schemas(documents, validators, fast)


def _date_format(value: Any) -> bool:
    """``format: date`` for both validators: a real calendar day of the years a record's
    date may lie in (domain.is_date); a value that is not text is the ``type`` keyword's
    business."""
    return not isinstance(value, str) or domain.is_date(value)


def walk_properties(
    root: Schema, node: Schema | None = None, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Schema]]:
    """Every property of a schema, in declaration order, with its path (``0`` = any item)."""
    node = resolve(root, root) if node is None else node
    for name, prop in node.get("properties", {}).items():
        resolved = resolve(root, prop)
        yield path + (name,), resolved
        yield from walk_properties(root, resolved, path + (name,))
    items = node.get("items")
    if isinstance(items, dict):
        yield from walk_properties(root, resolve(root, items), path + (0,))


# Privacy classes of a text field (see field_class); the public build redacts by them.
CONFIDENTIAL, PUBLISHABLE, CODE, WITHHELD = "confidential", "publishable", "code", "withheld"


def field_class(node: Schema) -> str:
    """How the public build treats a text field (``node``: its resolved schema).

    ``x-confidential: true`` → confidential (never public); ``x-publishable: true`` →
    publishable (public, and validate checks it names nobody); a closed or patterned value
    (enum, format, pattern) → code, public as typed; any other text → withheld."""
    if node.get("x-confidential") is True:
        return CONFIDENTIAL
    if node.get("x-publishable") is True:
        return PUBLISHABLE
    if any(key in node for key in ("enum", "format", "pattern")):
        return CODE
    return WITHHELD


def _is_text(node: Schema) -> bool:
    kinds = node.get("type")
    return "string" in (kinds if isinstance(kinds, list) else [kinds])


def string_fields(root: Schema) -> Iterator[tuple[tuple[str | int, ...], Schema]]:
    """Every text field of a schema with its resolved node; a list of texts is given as its
    items, at ``path + (0,)``."""
    for path, node in walk_properties(root):
        items = node.get("items")
        if _is_text(node):
            yield path, node
        elif isinstance(items, dict) and _is_text(resolve(root, items)):
            yield path + (0,), resolve(root, items)


def field_classes(root: Schema) -> dict[tuple[str | int, ...], str]:
    """Path of every text field (``0`` = any item) → its class (see field_class)."""
    return {path: field_class(node) for path, node in string_fields(root)}
