"""Draft records → record ids and YAML text in the house format. Pure.

Ids follow the shipped ones, ``<prefix>-<YYYYMMDD>-<3 chars>`` (g106: ``<prefix>-g-…``): the
prefix is the one the county's existing ids use (else the folder's slug), the date is the
review date, and the three characters come from a hash of the record's content, so the same
workbook imported into the same tree gives the same ids. The YAML starts with the editor's
schema comment, quotes every code and date, and is read back through the project's own safe
loader before it is used: what is written is exactly what the validator will see.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import yaml

from generator.records import yamlsafe

FOLDERS = {"finding": "findings", "g106": "g106"}
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schemas/{kind}.schema.json\n"
QUOTED = {"form", "indicator_code", "industry_code", "product_code", "enumerator_id",
          "credit_code", "reviewed_on", "date", "scale"}
ID_SHAPES = {"finding": re.compile(r"([a-z0-9]+)-[0-9]{8}-[a-z0-9]{3}"),  # whole ids: fullmatch
             "g106": re.compile(r"([a-z0-9]+)-g-[0-9]{8}-[a-z0-9]{3}")}
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class _Quoted(str):
    """A string always written in double quotes (codes, dates)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # lists indented under their key, as in the shipped records
        super().increase_indent(flow, False)


def _represent_quoted(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


# What YAML reads as a line break besides "\n": PyYAML writes NEL raw into a plain or block
# scalar, where it comes back as a space or a "\n" (text pasted from a Windows-1252 source
# read as Latin-1 holds one for every "…"). Text with any of them is written double-quoted,
# where PyYAML escapes them ("\N", "\L", "\P").
OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in OTHER_BREAKS):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None  # a cell's line breaks stay line breaks
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(str, _represent_text)


def _mark(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _mark(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, key) for v in value]
    if isinstance(value, str) and key in QUOTED:
        return _Quoted(value)
    return value


def to_yaml(kind: str, data: dict[str, Any]) -> str:
    body = yaml.dump(_mark(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1000)
    text = SCHEMA_COMMENT.format(kind=kind) + body
    if yamlsafe.parse(text) != data:  # a bug here must never reach records/
        raise AssertionError(f"YAML round trip changed the record: {data!r}")
    return text


def county_prefix(slug: str, existing_ids: Iterable[str]) -> str:
    """The prefix the county's records already use (hl for hualong), else the slug."""
    found: Counter[str] = Counter()
    for record_id in existing_ids:
        for shape in ID_SHAPES.values():
            match = shape.fullmatch(record_id)
            if match:
                found[match.group(1)] += 1
    if not found:
        return slug
    return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _short_hash(content: str) -> str:
    n = int(hashlib.sha256(content.encode("utf-8")).hexdigest(), 16) % len(ALPHABET) ** 3
    return "".join(ALPHABET[n // len(ALPHABET) ** i % len(ALPHABET)] for i in (2, 1, 0))


def new_id(kind: str, prefix: str, day: str, data: dict[str, Any], taken: set[str]) -> str:
    """A fresh id from the content; on a clash with ``taken``, the next salt (still deterministic)."""
    content = json.dumps(data, ensure_ascii=False, sort_keys=True)
    stem = f"{prefix}-g-{day.replace('-', '')}" if kind == "g106" else \
        f"{prefix}-{day.replace('-', '')}"
    salt = 0
    while True:
        candidate = f"{stem}-{_short_hash(content + (f'#{salt}' if salt else ''))}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        salt += 1
