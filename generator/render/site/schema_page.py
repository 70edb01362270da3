"""Schemas → the 记录格式 page's tables: every field of every kind, from the schemas themselves
(title, description, type, whether required, allowed values, an example, and whether the
public build shows it). Pure."""

from __future__ import annotations

from typing import Any

from generator.records.schemas import (
    KINDS,
    Schemas,
    field_class,
    resolve,
    walk_properties,
)
from generator.text import render as render_text
from generator.text import site as T
from generator.text.records import TYPE_NAMES


def schema_fields(schemas: Schemas) -> list[dict[str, Any]]:
    """The 填报说明 tables: every field of every kind, from the schemas themselves."""
    kinds = []
    for kind in KINDS:
        root = schemas.documents[kind]
        required = _required_paths(root)
        fields = [{"path": _dotted(path), "title": node.get("title", ""),
                   "description": node.get("description", ""), "type": _type_text(node),
                   "required": path in required, "allowed": _allowed(node),
                   "example": _example(node), "public": _public(root, node)}
                  for path, node in walk_properties(root)]
        kinds.append({"kind": kind, "title": root["title"], "description": root["description"],
                      "fields": fields})
    return kinds


def _public(root: dict[str, Any], node: dict[str, Any]) -> str:
    """Whether the public build shows a field (schemas.field_class), for text fields only."""
    items = node.get("items")
    target = resolve(root, items) if isinstance(items, dict) else node
    kinds = target.get("type")
    text = "string" in (kinds if isinstance(kinds, list) else [kinds])
    return T.PUBLIC_TEXT[field_class(target)] if text else ""


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join("[]" if isinstance(p, int) else p for p in path).replace(".[]", "[]")


def _required_paths(root: dict[str, Any]) -> set[tuple[str | int, ...]]:

    required: set[tuple[str | int, ...]] = {(name,) for name in root.get("required", [])}
    for path, node in walk_properties(root):
        items = node.get("items")
        inner = resolve(root, items) if isinstance(items, dict) else node
        prefix = path + (0,) if isinstance(items, dict) else path
        required |= {prefix + (name,) for name in inner.get("required", [])}
    return required


def _type_text(node: dict[str, Any]) -> str:

    kinds = node.get("type", "")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    text = T.TYPE_OR.join(TYPE_NAMES.get(str(k), str(k)) for k in kinds if k)
    items = node.get("items")
    if isinstance(items, dict) and items.get("type") and items.get("type") != "object":
        text += T.EACH_ITEM.format(type=TYPE_NAMES.get(items["type"], items["type"]))
    return text


def _allowed(node: dict[str, Any]) -> str:
    raw = node.get("items")
    items: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for source in (node, items):
        if "enum" in source:
            return T.LIST_SEPARATOR.join(str(v) for v in source["enum"])
        if source.get("format") == "date":
            return T.DATE_VALUE
        if "x-hint" in source:
            quote = render_text("schema.quote") if source.get("x-quote") else ""
            return str(source["x-hint"]) + quote
    return ""


def _example(node: dict[str, Any]) -> str:
    if node.get("examples"):
        return str(node["examples"][0])
    if node.get("enum"):
        return str(node["enum"][0])
    return ""
