"""The rules of a county's own files (county.yaml, assistance.yaml), and the counties against
each other. Pure.

Each takes the rules' :class:`~generator.records.rules_context.Context` (and a schema-valid
source) and yields its problems; rules.py runs them with the rules of the other records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from generator.errors import RecordError
from generator.records import domain
from generator.records.load import Source
from generator.records.rules_context import Context, Path
from generator.text import vocabulary


def duplicate_counties(ctx: Context) -> Iterator[RecordError]:
    """rule.duplicate_county: two county.yaml with one 行政区划代码 or one 名称."""
    seen: dict[tuple[str, str], Source] = {}
    for source in ctx.of("county"):
        for key, what in (("code", vocabulary.COUNTY_CODE), ("name", vocabulary.COUNTY_NAME)):
            if key in source.data:
                other = seen.setdefault((key, source.data[key]), source)
                if other is not source:
                    yield ctx.at(
                        source,
                        (key,),
                        "rule.duplicate_county",
                        what=what,
                        value=source.data[key],
                        other=other.file,
                    )


def county(ctx: Context, source: Source) -> Iterator[RecordError]:
    """The rules of one county.yaml: dates in the period, reviewed counts, assistance."""
    data = source.data
    assisted = ctx.assisted
    for listing in ("guidance_days", "qa"):
        for i, item in enumerate(data.get(listing, [])):
            yield from ctx.in_period(source, (listing, i, "date"), item["date"])
    yield from _reviewed(ctx, source, ctx.objects[source.county])
    if data["key_assistance"] and source.county not in assisted:
        yield ctx.at(source, ("key_assistance",), "rule.assistance_missing", "warning")
    if not data["key_assistance"] and source.county in assisted:
        yield ctx.at(source, ("key_assistance",), "rule.assistance_not_key", "warning")


def _reviewed(ctx: Context, source: Source, objects: Counter[str]) -> Iterator[RecordError]:
    reviewed = source.data.get("reviewed", {})
    for source_type, n in sorted(objects.items()):
        key = domain.REVIEWED_KEYS[source_type]
        denominator = reviewed.get(key) or 0
        if not denominator:
            yield ctx.at(
                source,
                ("reviewed", key),
                "rule.reviewed_missing",
                "warning",
                source_type=source_type,
                n=n,
                name=key,
            )
        elif n > denominator:
            yield ctx.at(
                source,
                ("reviewed", key),
                "rule.reviewed_exceeded",
                "warning",
                source_type=source_type,
                n=n,
                reviewed=denominator,
                name=key,
            )


def assistance(ctx: Context, source: Source) -> Iterator[RecordError]:
    """The rules of one assistance.yaml: dates in the period, no annex row left unwritten."""
    schema = ctx.schemas.documents["assistance"]
    for i, item in enumerate(source.data.get("capacity_building", [])):
        yield from ctx.in_period(source, ("capacity_building", i, "date"), item["date"])
    yield from _missing_text(ctx, source, schema, source.data, ())


def _missing_text(
    ctx: Context,
    source: Source,
    schema: dict[str, Any],
    data: dict[str, Any],
    path: Path,
) -> Iterator[RecordError]:
    """Warn for each free-text row of the annex left unwritten (the report shows （待填写））."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object":
            yield from _missing_text(ctx, source, prop, data.get(name) or {}, path + (name,))
        elif prop.get("type") == "string" and not data.get(name):
            yield ctx.at(
                source,
                path + (name,),
                "rule.narrative_empty",
                "warning",
                part=prop["title"],
                name=".".join(str(p) for p in path + (name,)),
            )
