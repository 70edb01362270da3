"""Cross-record rules: what JSON Schema cannot say about one file or across files. Pure.

Each rule takes schema-valid sources (so it may rely on their shape) and returns problems.
References are resolved against every loaded record, valid or not, so that a record with
its own schema error is not also reported as missing. What the rules know of the whole
tree is rules_context.Context; the rules of county files are in rules_county.py, those of one
census object recorded twice and of id prefixes in rules_objects.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from generator.errors import RecordError
from generator.records import domain, rules_county, rules_objects
from generator.records.load import ID_RE, Source
from generator.records.rules_context import Context, Path
from generator.records.schemas import Schemas
from generator.text import records as messages
from generator.text import vocabulary

KIND_NAMES = vocabulary.KIND_NAMES
is_date = domain.is_date


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
    parts = vocabulary.CITY_PARTS
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
            yield ctx.at(source, path, "rule.form_prefix", form=form, form_type=belongs,
                         source_type=data["source_type"], letters=vocabulary.FORM_LETTERS_HINT)
        elif form not in domain.KNOWN_FORMS:
            yield ctx.at(source, path, "rule.form_unknown", "warning", form=form)
        rect = error["rectification"]
        rect_path: Path = ("errors", i, "rectification")
        if rect["status"] == vocabulary.RECTIFIED and not rect.get("date"):
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
                what=vocabulary.RECTIFICATION_DATE,
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
        yield ctx.at(source, ("verification",), "rule.ref_missing",
                     kind=KIND_NAMES["verification"], id=linked)
    elif linked and linked in about and source.id not in about[linked]:
        yield ctx.at(
            source,
            ("verification",),
            "rule.ref_not_back",
            "warning",
            verification=linked,
            id=source.id,
        )
    if data["review"]["result"] == vocabulary.NEEDS_VERIFICATION and not linked:
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


Rule = Callable[[Context, Source], Iterable[RecordError]]
RULES: dict[str, tuple[Rule, ...]] = {
    "city": (_city,),
    "county": (rules_county.county,),
    "finding": (_finding, _credit),
    "g106": (_g106, _credit),
    "verification": (_verification,),
    "assistance": (rules_county.assistance,),
}
# What a rule may meet in a record whose shape the schema pass has already refused.
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)


def check(valid: list[Source], everything: list[Source], schemas: Schemas) -> list[RecordError]:
    """Rules over every parsed record. A record with schema errors gets the rules its shape
    allows; where its shape breaks a rule, the schema errors already say why."""
    ctx = Context(valid, everything, schemas)
    problems = list(_duplicate_ids(everything))
    problems.extend(rules_county.duplicate_counties(ctx))
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
