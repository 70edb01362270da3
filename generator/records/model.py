"""Validated sources → typed, frozen records in a stable order. Pure.

Renderers read these, never the raw dicts: a key renamed in a schema breaks here, once.
Order is fixed (counties by division code, records by date then id) so that the same
records always give the same outputs, whatever order the files were read in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.records import domain
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


def _person(d: dict[str, Any]) -> Person:
    return Person(d["name"], d["unit"], d["role"])


def _city(d: dict[str, Any]) -> City:
    return City(
        title=d["title"], document_number=d["document_number"], issuer=d["issuer"],
        issued=d["issued"], period_start=d["period"]["start"], period_end=d["period"]["end"],
        leader=_person(d["team"]["leader"]),
        members=tuple(_person(m) for m in d["team"]["members"]),
        experience=tuple(d.get("experience", [])), problems=tuple(d.get("problems", [])),
        suggestions=tuple(d.get("suggestions", [])),
        field_verification_summary=d.get("field_verification_summary"),
        rectification_days=d.get("rectification", {}).get("default_days",
                                                          DEFAULT_RECTIFICATION_DAYS))


def _county(s: Source) -> County:
    d = s.data
    reviewed = d.get("reviewed", {})
    return County(
        slug=s.id, code=d.get("code"), name=d["name"], key_assistance=d["key_assistance"],
        owners=tuple(d.get("owners", [])),
        contacts=tuple(Contact(c["name"], c["role"], c.get("phone")) for c in d.get("contacts", [])),
        reviewed={t: reviewed.get(k) for t, k in domain.REVIEWED_KEYS.items()},
        guidance_days=tuple(sorted((GuidanceDay(g["date"], g["activity"], g.get("note"))
                                    for g in d.get("guidance_days", [])),
                                   key=lambda g: (g.date, g.activity))),
        qa=tuple(sorted((Answer(q["date"], q["question"], q["answer"], q["by"])
                         for q in d.get("qa", [])), key=lambda q: (q.date, q.question))))


def _finding(s: Source) -> Finding:
    d = s.data
    errors = tuple(FormError(e["form"], e["indicator_code"], e["indicator_name"], e["reason"],
                             e["rectification"]["status"], e["rectification"].get("date"),
                             e["rectification"].get("note"), e["rectification"].get("due"),
                             e["rectification"].get("owner")) for e in d["errors"])
    return Finding(s.id, s.county or "", s.file, d["object_name"], d["source_type"],
                   d.get("credit_code"), d["reviewed_on"], d["reviewer"], errors, d.get("remark"))


def _g106(s: Source) -> G106Problem:
    d = s.data
    plain = {k: d[k] for k in ("enterprise", "summary", "industry_name", "industry_code",
                               "product_name", "product_unit", "material_name", "material_unit",
                               "process_name", "scale_unit", "pollutant", "pollutant_unit",
                               "treatment", "enumerator_id")}
    return G106Problem(id=s.id, county=s.county or "", file=s.file, **plain,
                       credit_code=d.get("credit_code"), product_code=d.get("product_code"),
                       scale=str(d["scale"]), result=d["review"]["result"],
                       review_note=d["review"].get("note"), verification=d.get("verification"))


def _verification(s: Source) -> Verification:
    d = s.data
    checks = tuple(Check(k, t, d["checks"][k]["ok"], d["checks"][k].get("note"))
                   for k, t in CHECK_TITLES.items())
    return Verification(s.id, s.county or "", s.file, d["object_name"], d["date"],
                        tuple(d["team"]), tuple(d["about"].get("g106", [])),
                        tuple(d["about"].get("findings", [])), tuple(d["materials"]), checks,
                        d["conclusion"], d.get("follow_up"))


def _assistance(s: Source) -> Assistance:
    texts: dict[str, str | None] = {}
    for row in domain.ANNEX3_ROWS:
        node: Any = s.data
        for part in row.key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        texts[row.key] = node
    trainings = tuple(sorted((Training(t["date"], t["form"], t["topic"], t["participants"])
                              for t in s.data.get("capacity_building", [])),
                             key=lambda t: (t.date, t.form, t.topic)))
    return Assistance(s.county or "", texts, trainings)


def county_order(county: County) -> tuple[int, str, str]:
    return (0 if county.code else 1, county.code or "", county.slug)


def build_census(sources: list[Source]) -> Census:
    """Typed records from schema-valid sources (call only when validation found no error)."""
    by_kind: dict[str, list[Source]] = {}
    for source in sources:
        by_kind.setdefault(source.kind, []).append(source)
    counties = tuple(sorted((_county(s) for s in by_kind.get("county", [])), key=county_order))
    rank = {c.slug: i for i, c in enumerate(counties)}

    def order(county: str, day: str, record_id: str) -> tuple[int, str, str]:
        return (rank.get(county, len(rank)), day, record_id)

    findings = sorted((_finding(s) for s in by_kind.get("finding", [])),
                      key=lambda f: order(f.county, f.reviewed_on, f.id))
    g106 = sorted((_g106(s) for s in by_kind.get("g106", [])),
                  key=lambda g: order(g.county, g.id, g.id))
    verifications = sorted((_verification(s) for s in by_kind.get("verification", [])),
                           key=lambda v: order(v.county, v.date, v.id))
    assistance = {a.county: a for a in (_assistance(s) for s in by_kind.get("assistance", []))}
    return Census(_city(by_kind["city"][0].data), counties, tuple(findings), tuple(g106),
                  tuple(verifications), dict(sorted(assistance.items())))
