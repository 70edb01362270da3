"""Schema-valid sources → the typed, frozen records of model.py, in a stable order. Pure.

Takes the sources of a records tree that validated without error; gives the
:class:`~generator.records.model.Census` (counties by division code, records by county, date
and id). Reached through :func:`generator.records.model.build_census`.
"""

from __future__ import annotations

from typing import Any

from generator.records import domain
from generator.records.load import Source
from generator.records.model import (
    CHECK_TITLES,
    DEFAULT_RECTIFICATION_DAYS,
    Answer,
    Assistance,
    Census,
    Check,
    City,
    Contact,
    County,
    Finding,
    FormError,
    G106Problem,
    GuidanceDay,
    Person,
    Training,
    Verification,
)


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
        rectification_days=_whole(d.get("rectification", {}).get(
            "default_days", DEFAULT_RECTIFICATION_DAYS)))


def _whole(number: Any) -> Any:
    """A count as a whole number: the schemas' "integer" takes 14.0 (JSON Schema counts by
    value), and every output should show and count it as 14 (a workbook cell of 14.0
    stopped the build). None and ints as they are."""
    return int(number) if isinstance(number, float) else number


def _county(s: Source) -> County:
    d = s.data
    reviewed = d.get("reviewed", {})
    return County(
        slug=s.id, code=d.get("code"), name=d["name"], key_assistance=d["key_assistance"],
        owners=tuple(d.get("owners", [])),
        contacts=tuple(Contact(c["name"], c["role"], c.get("phone")) for c in d.get("contacts", [])),
        reviewed={t: _whole(reviewed.get(k)) for t, k in domain.REVIEWED_KEYS.items()},
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
    trainings = tuple(sorted((Training(t["date"], t["form"], t["topic"], _whole(t["participants"]))
                              for t in s.data.get("capacity_building", [])),
                             key=lambda t: (t.date, t.form, t.topic)))
    return Assistance(s.county or "", texts, trainings)


def county_order(county: County) -> tuple[int, str, str]:
    return (0 if county.code else 1, county.code or "", county.slug)


def census_of(sources: list[Source]) -> Census:
    """Typed records from schema-valid sources (model.build_census: call only when validation
    found no error), in the order the module docstring of model.py gives."""
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
