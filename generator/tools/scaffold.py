"""Record templates for ``python -m generator new``: a schema → commented YAML text, and fresh ids.

Takes a record kind, its JSON Schema and a records tree; gives the text of a new record and
the file it goes to. The text names every field of the schema with its Chinese title and
description as a comment, so a clerk fills it in without the manual at hand.

Placeholders are chosen to *fail* validation until they are replaced, so that an untouched
scaffold cannot be merged: ``""`` fails ``minLength``/``pattern``/``enum``, ``"YYYY-MM-DD"``
fails ``format: date``, an empty value (null) fails ``type`` for numbers and true/false.
A word such as "待填写" would pass ``minLength`` and slip through, hence none is used.

Ids cannot collide across pull requests opened in parallel: they carry the county's prefix,
the date and, for findings and G106-1 problems, a random suffix (verifications are few and
made by the city team, so they are numbered). The file is created exclusively, so an
existing record is never overwritten.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from generator.errors import GeneratorError
from generator.records.domain import is_county_slug
from generator.records.load import RECORD_DIRS
from generator.records.schemas import Schema, resolve
from generator.text import render
from generator.text.records import LIST_SEP

KINDS = ("finding", "g106", "verification", "assistance", "county")
FOLDERS = {kind: folder for folder, kind in RECORD_DIRS.items()}  # finding → findings
SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
RANDOM_TRIES = 50
# The prefix of existing ids: "hl" in hl-20190311-7wd, hl-g-20190311-8ze, hl-v-20190417-01.
ID_PREFIX_RE = re.compile(r"(?P<prefix>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?:[gv]-)?[0-9]{8}-[a-z0-9]{2,3}")

# Optional fields that a new record should still fill in (written like required ones, so
# they fail until filled): the county's code, owners (CODEOWNERS), contacts and the counts
# that are the denominators of 差错率; the verification's links to what led to it; and every
# row of annex 3, which the report prints as （待填写） when missing. "*" means every field.
ACTIVE: dict[str, set[tuple[str, ...]]] = {
    "county": {("code",), ("owners",), ("contacts",), ("reviewed",)}
    | {("reviewed", k) for k in ("industrial", "agricultural", "centralized", "domestic", "mobile")},
    "verification": {("about", "g106"), ("about", "findings")},
    "assistance": {("*",)},
}


class ScaffoldError(GeneratorError):
    """A refusal of ``new`` (the file exists, an unknown county): exit 1, its message code in
    :mod:`generator.text.workflow`."""


# --- the text -------------------------------------------------------------------------------


def _types(prop: Schema) -> list[str]:
    kind = prop.get("type", "string")
    return list(kind) if isinstance(kind, list) else [kind]


def _placeholder(prop: Schema) -> str:
    """YAML for a value that fails validation until replaced (see the module docstring)."""
    if prop.get("format") == "date":
        return '"YYYY-MM-DD"'
    if "string" in _types(prop):
        return '""'
    return ""  # null: fails "type" for integer, number and boolean


def _comment(prop: Schema, status: str, pad: str, extra: str = "") -> str:
    """``# 标题：说明。可选：…。例：…。（必填）`` above a field; ``status`` is a scaffold.* code."""
    description = str(prop.get("description", ""))
    parts = [render("scaffold.title", title=prop.get("title", ""), description=description)]
    enum = prop.get("enum") or (prop.get("items") or {}).get("enum")
    if enum and not all(str(v) in description for v in enum):
        values = LIST_SEP.join(map(str, enum))
        parts.append(render("scaffold.sentence", text=render("scaffold.enum", values=values)))
    if prop.get("examples") and str(prop["examples"][0]) not in description:
        example = json.dumps(prop["examples"][0], ensure_ascii=False)
        parts.append(render("scaffold.sentence", text=render("scaffold.example", example=example)))
    if _types(prop) == ["boolean"]:
        parts.append(render("scaffold.sentence", text=render("scaffold.boolean")))
    elif _types(prop) == ["integer"]:
        parts.append(render("scaffold.sentence", text=render("scaffold.integer")))
    return f"{pad}# {''.join(parts)}" + render("scaffold.status", status=render(status), extra=extra)


def _status(kind: str, path: tuple[str, ...], required: bool) -> str:
    """required → 必填; optional but listed in ACTIVE → 请填写; other optional → 选填."""
    if required:
        return "scaffold.required"
    active = ACTIVE.get(kind, set())
    return "scaffold.fill" if ("*",) in active or path in active else "scaffold.optional"


def _object_lines(root: Schema, node: Schema, kind: str, indent: int, path: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    required = set(node.get("required", []))
    for name, raw in node.get("properties", {}).items():
        prop = resolve(root, raw)
        here = path + (name,)
        if indent == 0 and lines:
            lines.append("")  # a blank line between top-level fields, for the eye
        status = _status(kind, here, name in required)
        lines.extend(_property_lines(root, prop, kind, indent, here, status))
    return lines


def _property_lines(
    root: Schema, prop: Schema, kind: str, indent: int, path: tuple[str, ...], status: str
) -> list[str]:
    pad, name = " " * indent, path[-1]
    items = resolve(root, prop["items"]) if isinstance(prop.get("items"), dict) else None
    list_of_objects = items is not None and "object" in _types(items)
    if status == "scaffold.optional" and list_of_objects:
        # an optional list of objects stays an empty list (valid); comments name its fields
        outline = _item_outline(root, items or {}, pad)
        return [_comment(prop, "scaffold.optional_list", pad), outline, f"{pad}{name}: []"]
    if list_of_objects:
        head = [_comment(prop, status, pad,
                         render("scaffold.also", text=render("scaffold.more_items")))]
        return head + [f"{pad}{name}:", *_first_item(root, items or {}, kind, indent + 2, path)]
    head = [_comment(prop, status, pad)]
    if items is None and "object" in _types(prop):
        return head + [f"{pad}{name}:", *_object_lines(root, prop, kind, indent + 2, path)]
    value = f"[{_placeholder(items)}]" if items is not None else _placeholder(prop)
    line = f"{name}: {value}".rstrip()
    # an optional single value is written commented out: uncommenting it is the whole edit
    return head + [f"{pad}# {line}" if status == "scaffold.optional" else pad + line]


def _first_item(root: Schema, items: Schema, kind: str, indent: int, path: tuple[str, ...]) -> list[str]:
    """One placeholder item of a list of objects: its fields at indent + 2, the first behind "- "."""
    lines = _object_lines(root, items, kind, indent + 2, path)
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("#"):
            lines[i] = " " * indent + "- " + line.lstrip()
            break
    return lines


def _item_outline(root: Schema, items: Schema, pad: str) -> str:
    """The fields of an item of an optional list, as a comment: ``date（日期，必填）；…``."""
    required = set(items.get("required", []))
    fields = []
    for name, raw in items.get("properties", {}).items():
        prop = resolve(root, raw)
        note = render("scaffold.required" if name in required else "scaffold.item_optional")
        values = render("scaffold.item_values", values=LIST_SEP.join(prop["enum"])) \
            if "enum" in prop else ""
        fields.append(render("scaffold.item_field", name=name, title=prop.get("title", ""),
                             note=note, values=values))
    return f"{pad}#   " + render("scaffold.item_fields",
                                   fields=render("scaffold.item_sep").join(fields))


def render_record(kind: str, schema: Schema, depth: int) -> str:
    """The scaffold text of a ``kind`` record whose file is ``depth`` folders below records/."""
    schema_path = "../" * (depth + 1) + f"schemas/{kind}.schema.json"
    lines = [
        f"# yaml-language-server: $schema={schema_path}",
        render("scaffold.header", title=schema.get("title", ""), description=schema.get("description", "")),
        render("scaffold.howto"),
        "",
        *_object_lines(schema, resolve(schema, schema), kind, 0, ()),
    ]
    return "\n".join(lines) + "\n"


# --- the file -------------------------------------------------------------------------------


def county_prefix(county_dir: Path, slug: str) -> str:
    """The prefix the county's existing ids use (the most common one), else the slug."""
    found: Counter[str] = Counter()
    for folder in RECORD_DIRS:
        for path in (county_dir / folder).glob("*.yaml"):
            match = ID_PREFIX_RE.fullmatch(path.stem)
            if match:
                found[match["prefix"]] += 1
    if not found:
        return slug
    best = max(found.values())
    return min(p for p, n in found.items() if n == best)


def _taken(records: Path, kind: str, record_id: str) -> bool:
    """Ids are unique across the city for each kind (rule.duplicate_id), so look in every county."""
    return any(records.glob(f"*/{FOLDERS[kind]}/{record_id}.yaml"))


def _candidates(kind: str, prefix: str, day: date, rng: random.Random) -> Iterator[str]:
    """Ids to try in turn; random suffixes are drawn one at a time, as they are needed."""
    stamp = day.strftime("%Y%m%d")
    if kind == "verification":
        yield from (f"{prefix}-v-{stamp}-{n:02d}" for n in range(1, 100))
        return
    infix = "-g" if kind == "g106" else ""
    for _ in range(RANDOM_TRIES):
        suffix = "".join(rng.choice(SUFFIX_ALPHABET) for _ in range(3))
        yield f"{prefix}{infix}-{stamp}-{suffix}"


def _create(path: Path, text: str) -> bool:
    """Write ``path`` only if it does not exist yet (atomic: two runs cannot both win).
    An unwritable folder raises :class:`generator.exits.Refused` (exit 3)."""
    from generator.exits import create_exclusive

    return create_exclusive(path, text)


def _check_county(records: Path, kind: str, slug: str) -> Path:
    if not records.is_dir():
        raise ScaffoldError("new.no_records", folder=records.as_posix())
    if not is_county_slug(slug):
        raise ScaffoldError("new.bad_slug", slug=json.dumps(slug, ensure_ascii=False))
    county_dir = records / slug
    if kind != "county" and not county_dir.is_dir():
        known = sorted(p.name for p in records.iterdir() if (p / "county.yaml").is_file())
        raise ScaffoldError("new.unknown_county", folder=county_dir.as_posix(),
                            known=LIST_SEP.join(known) or render("new.no_counties"), slug=slug)
    return county_dir


def write_new(records: Path, kind: str, slug: str, schema: Schema, day: date,
              rng: random.Random | None = None) -> Path:
    """Create a new ``kind`` record for county ``slug``; its path. Raises :class:`ScaffoldError`."""
    county_dir = _check_county(records, kind, slug)
    if kind in ("county", "assistance"):
        path = county_dir / f"{kind}.yaml"
        if not _create(path, render_record(kind, schema, depth=1)):
            raise ScaffoldError("new.exists", file=path.as_posix())
        return path
    text = render_record(kind, schema, depth=2)
    prefix = county_prefix(county_dir, slug)
    for record_id in _candidates(kind, prefix, day, rng or secrets.SystemRandom()):
        path = county_dir / FOLDERS[kind] / f"{record_id}.yaml"
        if not _taken(records, kind, record_id) and _create(path, text):
            return path
    raise ScaffoldError("new.no_free_id", pattern=f"{prefix}-…-{day:%Y%m%d}-…")
