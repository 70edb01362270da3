"""Cross-record rules: what JSON Schema cannot say about one file or across files. Pure.

Each rule takes schema-valid sources (so it may rely on their shape) and returns problems.
References are resolved against every loaded record, valid or not, so that a record with
its own schema error is not also reported as missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generator.errors import RecordError
from generator.records import domain, rules_objects
from generator.records.load import ID_RE, Source
from generator.records.located import located
from generator.records.schemas import Schemas
from generator.text import records as messages

Path = tuple[str | int, ...]
KIND_NAMES = {
    "finding": "集中审核明细",
    "g106": "G106-1 问题",
    "verification": "现场核查",
}


is_date = domain.is_date


class Context:
    """What the rules need to know about the whole tree."""

    def __init__(self, valid: list[Source], everything: list[Source], schemas: Schemas):
        self.valid = valid
        self.schemas = schemas
        self.ids: dict[str, set[str]] = defaultdict(set)
        for source in everything:
            self.ids[source.kind].add(source.id)
        city = next((s for s in valid if s.kind == "city"), None)
        period = city.data["period"] if city else None
        self.period: tuple[str, str] | None = None
        if period and period["start"] <= period["end"]:
            self.period = (period["start"], period["end"])
        self.about: dict[str, set[str]] = {
            v.id: set(v.data["about"].get("g106", [])) for v in self.of("verification")
        }
        self.assisted = {s.county for s in everything if s.kind == "assistance"}
        self.objects: dict[str | None, Counter[str]] = defaultdict(Counter)
        for finding in self.of("finding"):
            self.objects[finding.county][finding.data["source_type"]] += 1

    def of(self, kind: str) -> Iterator[Source]:
        """Schema-valid sources of one kind."""
        return (s for s in self.valid if s.kind == kind)

    def at(
        self,
        source: Source,
        path: Path,
        problem: str,
        severity: str = "error",
        **fields: Any,
    ) -> RecordError:
        return located(
            source,
            self.schemas,
            path,
            problem,
            severity=severity,  # type: ignore[arg-type]
            **fields,
        )

    def in_period(self, source: Source, path: Path, date: str | None) -> Iterator[RecordError]:
        if is_date(date) and self.period and not (self.period[0] <= date <= self.period[1]):
            yield self.at(
                source,
                path,
                "rule.date_period",
                "warning",
                date=date,
                start=self.period[0],
                end=self.period[1],
            )


def _duplicate_ids(everything: list[Source]) -> Iterator[RecordError]:
    first: dict[tuple[str, str], Source] = {}
    for source in everything:
        if source.kind not in KIND_NAMES:
            continue
        other = first.setdefault((source.kind, source.id), source)
        if other is not source:
            yield RecordError(
                file=source.file,
                code="rule.duplicate_id",
                message=messages.render("rule.duplicate_id", id=source.id, other=other.file),
            )


def _credit(ctx: Context, source: Source) -> Iterator[RecordError]:
    code = source.data.get("credit_code")
    if code:
        expected = domain.credit_check_char(code)
        if expected is not None and expected != code[17]:
            yield ctx.at(
                source,
                ("credit_code",),
                "rule.credit_check",
                code=code,
                expected=code[:17] + expected,
            )


def _city(ctx: Context, source: Source) -> Iterator[RecordError]:
    parts = {
        "experience": "全市普查工作经验",
        "problems": "存在问题",
        "suggestions": "下一步工作建议",
    }
    start, end = source.data["period"]["start"], source.data["period"]["end"]
    if start > end:
        yield ctx.at(source, ("period",), "rule.period_order", start=start, end=end)
    for key, part in parts.items():
        if not source.data.get(key):
            yield ctx.at(source, (key,), "rule.narrative_empty", "warning", part=part, name=key)


def _finding(ctx: Context, source: Source) -> Iterator[RecordError]:
    data = source.data
    yield from ctx.in_period(source, ("reviewed_on",), data["reviewed_on"])
    for i, error in enumerate(data["errors"]):
        form = error["form"]
        path: Path = ("errors", i, "form")
        belongs = domain.form_type(form)
        if not domain.FORM_RE.match(form) or data["source_type"] not in domain.SOURCE_TYPES:
            pass  # the schema pass has said what is wrong with it
        elif belongs != data["source_type"]:
            letters = "G 工业源、N 农业源、J 集中式、S 生活源、Y 移动源"
            yield ctx.at(
                source,
                path,
                "rule.form_prefix",
                form=form,
                form_type=belongs,
                source_type=data["source_type"],
                letters=letters,
            )
        elif form not in domain.KNOWN_FORMS:
            yield ctx.at(source, path, "rule.form_unknown", "warning", form=form)
        rect = error["rectification"]
        rect_path: Path = ("errors", i, "rectification")
        if rect["status"] == "已整改" and not rect.get("date"):
            yield ctx.at(source, rect_path + ("date",), "rule.rectified_date", at=rect_path)
        if (
            is_date(rect.get("date"))
            and is_date(data["reviewed_on"])
            and rect["date"] < data["reviewed_on"]
        ):
            yield ctx.at(
                source,
                rect_path + ("date",),
                "rule.date_order",
                "warning",
                what="整改日期",
                date=rect["date"],
                reviewed_on=data["reviewed_on"],
            )
        if is_date(rect.get("due")) and is_date(data["reviewed_on"]) \
                and rect["due"] < data["reviewed_on"]:
            yield ctx.at(source, rect_path + ("due",), "rule.due_order", "warning",
                         due=rect["due"], reviewed_on=data["reviewed_on"])


def _g106(ctx: Context, source: Source) -> Iterator[RecordError]:
    data = source.data
    about = ctx.about
    code = data["industry_code"]
    if (
        domain.INDUSTRY_RE.match(code)
        and domain.industry_division(code) not in domain.INDUSTRIAL_DIVISIONS
    ):
        yield ctx.at(
            source,
            ("industry_code",),
            "rule.industry_range",
            code=data["industry_code"],
            major=data["industry_code"][:2],
        )
    linked = data.get("verification")
    if not (isinstance(linked, str) and ID_RE.match(linked)):
        linked = None  # empty or malformed: the schema pass reports it
    if linked and linked not in ctx.ids["verification"]:
        yield ctx.at(source, ("verification",), "rule.ref_missing", kind="现场核查", id=linked)
    elif linked and linked in about and source.id not in about[linked]:
        yield ctx.at(
            source,
            ("verification",),
            "rule.ref_not_back",
            "warning",
            verification=linked,
            id=source.id,
        )
    if data["review"]["result"] == "需现场核查" and not linked:
        yield ctx.at(source, ("review", "result"), "rule.awaiting_verification", "warning")


def _verification(ctx: Context, source: Source) -> Iterator[RecordError]:
    yield from ctx.in_period(source, ("date",), source.data["date"])
    for kind in ("g106", "findings"):
        target = "g106" if kind == "g106" else "finding"
        for i, ref in enumerate(source.data["about"].get(kind, [])):
            if isinstance(ref, str) and ID_RE.match(ref) and ref not in ctx.ids[target]:
                yield ctx.at(
                    source,
                    ("about", kind, i),
                    "rule.ref_missing",
                    kind=KIND_NAMES[target],
                    id=ref,
                )


def _duplicate_counties(ctx: Context) -> Iterator[RecordError]:
    seen: dict[tuple[str, str], Source] = {}
    for source in ctx.of("county"):
        for key, what in (("code", "行政区划代码"), ("name", "名称")):
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


def _county(ctx: Context, source: Source) -> Iterator[RecordError]:
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


def _assistance(ctx: Context, source: Source) -> Iterator[RecordError]:
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


Rule = Callable[[Context, Source], Iterable[RecordError]]
RULES: dict[str, tuple[Rule, ...]] = {
    "city": (_city,),
    "county": (_county,),
    "finding": (_finding, _credit),
    "g106": (_g106, _credit),
    "verification": (_verification,),
    "assistance": (_assistance,),
}
# What a rule may meet in a record whose shape the schema pass has already refused.
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)


def check(valid: list[Source], everything: list[Source], schemas: Schemas) -> list[RecordError]:
    """Rules over every parsed record. A record with schema errors gets the rules its shape
    allows; where its shape breaks a rule, the schema errors already say why."""
    ctx = Context(valid, everything, schemas)
    problems = list(_duplicate_ids(everything))
    problems.extend(_duplicate_counties(ctx))
    problems.extend(rules_objects.duplicate_objects(everything, schemas))
    problems.extend(rules_objects.id_prefixes(everything, {s.county for s in everything
                                                           if s.county}))
    trusted = {id(s) for s in valid}
    for source in everything:
        for rule in RULES[source.kind]:
            if id(source) in trusted:
                problems.extend(rule(ctx, source))
                continue
            try:
                problems.extend(list(rule(ctx, source)))
            except SHAPE_ERRORS:
                pass
    return problems
