"""Validated sources → typed, frozen records in a stable order. Pure.

Renderers read these, never the raw dicts: a key renamed in a schema breaks here, once.
Order is fixed (counties by division code, records by date then id) so that the same
records always give the same outputs, whatever order the files were read in. The types are
here; model_build.py builds them from the sources (build_census).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.records.load import Source
from generator.text import vocabulary


def src(*path: str | int) -> Any:
    """A model field read from ``path`` of its record (relative to the enclosing value;
    ``0`` = each item, ``"{key}"`` = the item's ``key``). redact.py finds the field's privacy
    class in the schemas by this path; a field without one is derived (ids, file names)."""
    return field(metadata={"src": path})


def record(kind: str) -> Any:
    """A Census field holding records of ``kind`` (a schema in schemas/)."""
    return field(metadata={"kind": kind})


@dataclass(frozen=True)
class Person:
    name: str = src("name")
    unit: str = src("unit")
    role: str = src("role")


@dataclass(frozen=True)
class City:
    title: str = src("title")
    document_number: str = src("document_number")
    issuer: str = src("issuer")
    issued: str = src("issued")
    period_start: str = src("period", "start")
    period_end: str = src("period", "end")
    leader: Person = src("team", "leader")
    members: tuple[Person, ...] = src("team", "members", 0)
    experience: tuple[str, ...] = src("experience", 0)
    problems: tuple[str, ...] = src("problems", 0)
    suggestions: tuple[str, ...] = src("suggestions", 0)
    field_verification_summary: str | None = src("field_verification_summary")
    rectification_days: int = src("rectification", "default_days")


@dataclass(frozen=True)
class Contact:
    name: str = src("name")
    role: str = src("role")
    phone: str | None = src("phone")


@dataclass(frozen=True)
class GuidanceDay:
    date: str = src("date")
    activity: str = src("activity")
    note: str | None = src("note")


@dataclass(frozen=True)
class Answer:
    date: str = src("date")
    question: str = src("question")
    answer: str = src("answer")
    by: str = src("by")


@dataclass(frozen=True)
class County:
    slug: str
    code: str | None = src("code")
    name: str = src("name")
    key_assistance: bool = src("key_assistance")
    owners: tuple[str, ...] = src("owners", 0)
    contacts: tuple[Contact, ...] = src("contacts", 0)
    reviewed: dict[str, int | None] = src("reviewed")  # by source type (工业源 …)
    guidance_days: tuple[GuidanceDay, ...] = src("guidance_days", 0)
    qa: tuple[Answer, ...] = src("qa", 0)


@dataclass(frozen=True)
class FormError:
    form: str = src("form")
    indicator_code: str = src("indicator_code")
    indicator_name: str = src("indicator_name")
    reason: str = src("reason")
    status: str = src("rectification", "status")
    date: str | None = src("rectification", "date")
    note: str | None = src("rectification", "note")
    due: str | None = src("rectification", "due")  # as written; see rectification_due()
    owner: str | None = src("rectification", "owner")


@dataclass(frozen=True)
class Finding:
    id: str
    county: str
    file: str
    object_name: str = src("object_name")
    source_type: str = src("source_type")
    credit_code: str | None = src("credit_code")
    reviewed_on: str = src("reviewed_on")
    reviewer: str = src("reviewer")
    errors: tuple[FormError, ...] = src("errors", 0)
    remark: str | None = src("remark")


@dataclass(frozen=True)
class G106Problem:
    id: str
    county: str
    file: str
    enterprise: str = src("enterprise")
    credit_code: str | None = src("credit_code")
    summary: str = src("summary")
    industry_name: str = src("industry_name")
    industry_code: str = src("industry_code")
    product_name: str = src("product_name")
    product_code: str | None = src("product_code")
    product_unit: str = src("product_unit")
    material_name: str = src("material_name")
    material_unit: str = src("material_unit")
    process_name: str = src("process_name")
    scale: str = src("scale")
    scale_unit: str = src("scale_unit")
    pollutant: str = src("pollutant")
    pollutant_unit: str = src("pollutant_unit")
    treatment: str = src("treatment")
    enumerator_id: str = src("enumerator_id")
    result: str = src("review", "result")
    review_note: str | None = src("review", "note")
    verification: str | None = src("verification")


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    ok: bool = src("ok")
    note: str | None = src("note")


@dataclass(frozen=True)
class Verification:
    id: str
    county: str
    file: str
    object_name: str = src("object_name")
    date: str = src("date")
    team: tuple[str, ...] = src("team", 0)
    about_g106: tuple[str, ...] = src("about", "g106", 0)
    about_findings: tuple[str, ...] = src("about", "findings", 0)
    materials: tuple[str, ...] = src("materials", 0)
    checks: tuple[Check, ...] = src("checks", "{key}")
    conclusion: str = src("conclusion")
    follow_up: str | None = src("follow_up")


@dataclass(frozen=True)
class Training:
    date: str = src("date")
    form: str = src("form")
    topic: str = src("topic")
    participants: int = src("participants")


@dataclass(frozen=True)
class Assistance:
    county: str
    texts: dict[str, str | None] = src()  # by the dotted keys of domain.ANNEX3_ROWS (= paths)
    capacity_building: tuple[Training, ...] = src("capacity_building", 0)


@dataclass(frozen=True)
class Census:
    city: City = record("city")
    counties: tuple[County, ...] = record("county")
    findings: tuple[Finding, ...] = record("finding")
    g106: tuple[G106Problem, ...] = record("g106")
    verifications: tuple[Verification, ...] = record("verification")
    assistance: dict[str, Assistance] = record("assistance")  # by county slug

    def county(self, slug: str) -> County:
        return next(c for c in self.counties if c.slug == slug)

    def of_county(self, slug: str) -> tuple[tuple[Finding, ...], tuple[G106Problem, ...],
                                            tuple[Verification, ...]]:
        return (tuple(f for f in self.findings if f.county == slug),
                tuple(g for g in self.g106 if g.county == slug),
                tuple(v for v in self.verifications if v.county == slug))


DEFAULT_RECTIFICATION_DAYS = 15  # city.yaml rectification.default_days when not given

CHECK_TITLES = vocabulary.CHECK_TITLES


def build_census(sources: list[Source]) -> Census:
    """Typed records from schema-valid sources (call only when validation found no error);
    built in model_build.py, which builds on the types above."""
    from generator.records.model_build import census_of

    return census_of(sources)
