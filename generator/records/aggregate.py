"""Census → the figures every output shares (DESIGN.md, 'The figures'). Pure.

One definition of each figure, so the site, the workbooks and the report cannot disagree.
Results depend only on the records, never on the order they were read in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from generator.records import domain
from generator.records.model import Census, County, Finding, G106Problem, Verification
from generator.text import vocabulary

if TYPE_CHECKING:
    from generator.records.rectification import Rectification


@dataclass(frozen=True)
class Rate:
    """``num / den``; prints as a percentage with one decimal, or "—" when den is 0 or missing."""

    num: int
    den: int | None
    percent: bool = True

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    def __str__(self) -> str:
        if not self.den:
            return "—"
        if self.percent:
            shown = (Decimal(self.num) * 100 / Decimal(self.den)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{shown}%"
        return str((Decimal(self.num) / Decimal(self.den)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Review:
    """集中审核 figures for one source type (or all) of one county (or the city)."""

    reviewed: int | None
    problem_objects: int
    errors: int
    rectified: int
    in_progress: int
    open: int

    @property
    def error_rate(self) -> Rate:  # 差错率 (问题对象率)
        return Rate(self.problem_objects, self.reviewed)

    @property
    def average_errors(self) -> Rate:  # 平均问题数, not a rate: may exceed 1
        return Rate(self.errors, self.reviewed, percent=False)

    @property
    def rectification_rate(self) -> Rate:  # 整改率
        return Rate(self.rectified, self.errors)


@dataclass(frozen=True)
class Area:
    """All figures of one county (slug set) or of the whole city (slug None)."""

    slug: str | None
    name: str
    key_assistance: bool
    by_type: dict[str, Review]
    total: Review
    g106_by_result: dict[str, int]
    g106_total: int
    verifications: int
    objects_verified: int
    needing_verification: int
    awaiting_verification: int

    @property
    def verified_share(self) -> Rate:  # share of 需现场核查 problems that have been verified
        return Rate(self.needing_verification - self.awaiting_verification,
                    self.needing_verification)


@dataclass(frozen=True)
class FormCount:
    form: str
    source_type: str
    errors: int
    objects: int
    rectified: int
    by_county: dict[str, int]


@dataclass(frozen=True)
class IndicatorCount:
    form: str
    code: str
    name: str
    errors: int
    objects: int
    counties: tuple[str, ...]
    reasons: tuple[str, ...]  # up to three, the most frequent first


@dataclass(frozen=True)
class IndustryCount:
    division: str
    name: str
    problems: int
    by_result: dict[str, int]


@dataclass(frozen=True)
class OpenError:
    county: str
    object_name: str
    form: str
    indicator: str
    status: str
    finding: str


@dataclass(frozen=True)
class Figures:
    city: Area
    counties: tuple[Area, ...]
    by_form: tuple[FormCount, ...]
    by_indicator: tuple[IndicatorCount, ...]
    g106_by_industry: tuple[IndustryCount, ...]
    open_errors: tuple[OpenError, ...]
    rectification: Rectification  # 数据截至 and the figures of issue 14 (rectification.py)

    def county(self, slug: str) -> Area:
        return next(a for a in self.counties if a.slug == slug)

    @property
    def key_counties(self) -> tuple[Area, ...]:
        return tuple(a for a in self.counties if a.key_assistance)


def _review(findings: list[Finding], reviewed: int | None) -> Review:
    statuses = Counter(e.status for f in findings for e in f.errors)
    return Review(reviewed, len(findings), sum(len(f.errors) for f in findings),
                  statuses[vocabulary.RECTIFIED], statuses[vocabulary.IN_PROGRESS],
                  statuses[vocabulary.NOT_RECTIFIED])


def _sum_known(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _area(slug: str | None, name: str, key: bool, counties: list[County],
          findings: list[Finding], g106: list[G106Problem],
          verifications: list[Verification]) -> Area:
    by_type = {}
    for source_type in domain.SOURCE_TYPES:
        reviewed = _sum_known([c.reviewed.get(source_type) for c in counties])
        by_type[source_type] = _review([f for f in findings if f.source_type == source_type],
                                       reviewed)
    total = _review(findings, _sum_known([r.reviewed for r in by_type.values()]))
    results = Counter(g.result for g in g106)
    needing = [g for g in g106 if g.result == vocabulary.NEEDS_VERIFICATION]
    return Area(
        slug=slug, name=name, key_assistance=key, by_type=by_type, total=total,
        g106_by_result={r: results[r] for r in domain.REVIEW_RESULTS}, g106_total=len(g106),
        verifications=len(verifications),
        objects_verified=len({v.object_name for v in verifications}),
        needing_verification=len(needing),
        awaiting_verification=sum(1 for g in needing if not g.verification))


def _by_form(census: Census) -> tuple[FormCount, ...]:
    errors: Counter[str] = Counter()
    objects: dict[str, set[str]] = defaultdict(set)
    rectified: Counter[str] = Counter()
    counties: dict[str, Counter[str]] = defaultdict(Counter)
    for f in census.findings:
        for e in f.errors:
            errors[e.form] += 1
            objects[e.form].add(f.id)
            rectified[e.form] += e.status == vocabulary.RECTIFIED
            counties[e.form][f.county] += 1
    return tuple(
        FormCount(form, domain.form_type(form) or "", n, len(objects[form]), rectified[form],
                  dict(sorted(counties[form].items())))
        for form, n in sorted(errors.items(), key=lambda kv: (-kv[1], kv[0])))


def _by_indicator(census: Census) -> tuple[IndicatorCount, ...]:
    names = {c.slug: c.name for c in census.counties}
    groups: dict[tuple[str, str], list[tuple[Finding, str, str]]] = defaultdict(list)
    for f in census.findings:
        for e in f.errors:
            groups[(e.form, e.indicator_code)].append((f, e.indicator_name, e.reason))
    out = []
    for (form, code), rows in groups.items():
        name = Counter(r[1] for r in rows).most_common(1)[0][0]
        reasons = Counter(r[2] for r in rows)
        top = tuple(r for r, _ in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        county_slugs = sorted({r[0].county for r in rows},
                              key=lambda s: [c.slug for c in census.counties].index(s))
        out.append(IndicatorCount(form, code, name, len(rows), len({r[0].id for r in rows}),
                                  tuple(names[s] for s in county_slugs), top))
    return tuple(sorted(out, key=lambda i: (-i.errors, i.form, i.code)))


def _by_industry(census: Census) -> tuple[IndustryCount, ...]:
    groups: dict[str, list[G106Problem]] = defaultdict(list)
    for g in census.g106:
        groups[g.industry_code[:2]].append(g)
    out = []
    for division, problems in groups.items():
        results = Counter(g.result for g in problems)
        name = domain.INDUSTRY_DIVISION_NAMES.get(int(division), vocabulary.NOT_INDUSTRIAL)
        out.append(IndustryCount(division, name,
                                 len(problems), {r: results[r] for r in domain.REVIEW_RESULTS}))
    return tuple(sorted(out, key=lambda i: (-i.problems, i.division)))


def aggregate(census: Census, as_of: date | None = None) -> Figures:
    """Every figure of ``census``; the rectification figures on ``as_of`` (数据截至, decided
    once by the caller: settings.as_of_date), else on the last day of the period."""
    from generator.records.rectification import progress  # it builds on Rate, defined here

    areas = []
    for county in census.counties:
        findings, g106, verifications = census.of_county(county.slug)
        areas.append(_area(county.slug, county.name, county.key_assistance, [county],
                           list(findings), list(g106), list(verifications)))
    city = _area(None, vocabulary.CITY, False, list(census.counties), list(census.findings),
                 list(census.g106), list(census.verifications))
    names = {c.slug: c.name for c in census.counties}
    open_errors = tuple(OpenError(names[f.county], f.object_name, e.form,
                                  f"{e.indicator_code} {e.indicator_name}", e.status, f.id)
                        for f in census.findings for e in f.errors
                        if e.status != vocabulary.RECTIFIED)
    day = as_of or date.fromisoformat(census.city.period_end)
    return Figures(city, tuple(areas), _by_form(census), _by_indicator(census),
                   _by_industry(census), open_errors, progress(census, day, city.name))
