"""（二）现场核实情况, （三）重点帮扶情况, 二、经验及存在问题 and 三、下一步工作建议.

Takes the census (for the written texts and the list of verifications) and the figures (for
every number); gives report_model sections.
"""

from __future__ import annotations

from generator.records import domain
from generator.records.aggregate import Area, Figures
from generator.records.model import CHECK_TITLES, Assistance, Census, Verification
from generator.render.markup import num
from generator.render.report.blocks import (
    by_type_table,
    cn_date,
    enumerated,
    g106_results,
    joined,
    ordinal,
    overall,
    rectified,
    sentence,
    written,
)
from generator.render.report.model import Block, Paragraph, Section, Table, missing
from generator.text import report as T

LABELS = {row.key: row.sub or row.item for row in domain.ANNEX3_ROWS}
DATABASE_KEYS = tuple(k for k in LABELS if k.startswith("data_review.database_quality."))
REVIEW_KEYS = ("data_review.city_county_review", "data_review.sampling_recheck")
# 附件4 names them in this order: 大事记, 档案分类, 一企一档, 关闭企业建档
ARCHIVE_KEYS = ("archives.chronicle", "archives.classification",
                "archives.one_file_per_object", "archives.closed_enterprises")
TOP_SHOWN = 3  # forms and counties named in 二、(三)


def _verification_table(census: Census) -> Table:
    """One row per verification; dates as recorded (2019-04-17), compact in a table. The
    object's column only where objects are named (the public build names none)."""
    names = {c.slug: c.name for c in census.counties}
    width = 3 if any(v.object_name for v in census.verifications) else 2  # date, county[, object]
    rows = tuple((*(v.date, names.get(v.county, v.county), v.object_name)[:width],
                  *(T.CHECK_OK if c.ok else T.CHECK_FAILED for c in v.checks))
                 for v in census.verifications)
    centred = (True, *(False,) * (width - 1), *(True,) * len(CHECK_TITLES))
    return Table(T.CAP_FIELD, (*T.COLS_FIELD_HEAD[:width], *CHECK_TITLES.values()), rows,
                 centred)


def _verification(v: Verification, county: str) -> Paragraph:
    failed = [T.FINDING_ITEM.format(title=c.title, note=c.note.strip().rstrip(T.NOTE_END))
              if c.note else c.title for c in v.checks if not c.ok]
    parts = [T.FINDINGS.format(items=T.CLAUSE_SEP.join(failed))] if failed else []
    parts.append(T.CONCLUSION.format(text=sentence(v.conclusion)))
    if v.follow_up:
        parts.append(T.FOLLOW_UP.format(text=sentence(v.follow_up)))
    lead = T.VERIFICATION_LEAD.format(object=v.object_name, county=county, date=cn_date(v.date))
    return Paragraph("".join(parts), lead)


def _materials(census: Census) -> list[str]:
    """The materials consulted in any verification, in the seed's order (unknown ones last)."""
    seen = dict.fromkeys(m for v in census.verifications for m in v.materials)
    order = {m: i for i, m in enumerate(T.MATERIALS_ORDER)}
    return sorted(seen, key=lambda m: order.get(m, len(order)))


def field_section(census: Census, figures: Figures) -> Section:
    """（二）现场核实情况: how many, which objects, the materials, the four checks, and the
    conclusions of the verifications whose object is named (none in the public build)."""
    city = figures.city
    blocks: list[Block] = []
    if census.verifications:
        blocks.append(Paragraph(T.FIELD_SUMMARY.format(
            count=num(city.verifications), objects=num(city.objects_verified),
            needing=num(city.needing_verification), verified=num(city.verified_share.num),
            share=num(city.verified_share), awaiting=num(city.awaiting_verification))))
        blocks.append(_verification_table(census))
        blocks.append(Paragraph(sentence(joined(_materials(census))), T.MATERIALS_LEAD))
        names = {c.slug: c.name for c in census.counties}
        blocks += [_verification(v, names.get(v.county, v.county))
                   for v in census.verifications if v.object_name]
    else:
        blocks.append(Paragraph(T.NO_FIELD))
    if census.city.field_verification_summary:
        blocks.append(Paragraph(census.city.field_verification_summary.strip()))
    return Section(T.H_FIELD, 2, tuple(blocks))


def _texts(assistance: Assistance | None, keys: tuple[str, ...]) -> tuple[Paragraph, ...]:
    texts = assistance.texts if assistance else {}
    return tuple(written(texts.get(k), LABELS[k] + T.LABEL_END) for k in keys)


def _training(area: Area, assistance: Assistance | None) -> tuple[Block, ...]:
    if not assistance or not assistance.capacity_building:
        return (missing(),)
    rows = tuple((t.date, t.form, t.topic, num(t.participants))
                 for t in assistance.capacity_building)
    table = Table(T.CAP_TRAINING.format(county=area.name), T.COLS_TRAINING, rows,
                  (True, True, False, True))
    return (Paragraph(T.TRAINING_INTRO), table)


def _county_section(n: int, area: Area, assistance: Assistance | None) -> Section:
    quality: list[Block] = [overall(area.name, area.total), by_type_table(area, area.name)]
    if area.g106_total:
        quality.append(Paragraph(T.KEY_G106.format(**g106_results(area))))
    quality += _texts(assistance, DATABASE_KEYS)
    texts = assistance.texts if assistance else {}
    feedback = (written(texts.get("data_review.provincial_feedback")),
                rectified(T.KEY_RECTIFIED, area.name, area.total))
    parts = (tuple(quality), feedback, _texts(assistance, REVIEW_KEYS),
             _texts(assistance, ARCHIVE_KEYS), _training(area, assistance))
    return Section(T.H_KEY_COUNTY.format(n=n, county=area.name), 3, children=tuple(
        Section(title, 4, blocks) for title, blocks in zip(T.H_KEY_PARTS, parts)))


def key_section(census: Census, figures: Figures) -> Section:
    """（三）重点帮扶情况: for each key-assistance county, the five parts of 附件4."""
    areas = figures.key_counties
    if not areas:
        return Section(T.H_KEY, 2, (Paragraph(T.NO_KEY),))
    intro = Paragraph(T.KEY_INTRO.format(counties=joined(a.name for a in areas)))
    return Section(T.H_KEY, 2, (intro,), tuple(
        _county_section(n, a, census.assistance.get(a.slug or ""))
        for n, a in enumerate(areas, start=1)))


def _shown(figures: Figures) -> tuple[Paragraph, ...]:
    """The problems the figures show, in words (二、(三))."""
    city, points = figures.city, []
    if figures.by_form:
        points.append(T.SHOWN_FORMS.format(forms=joined(
            T.SHOWN_FORM_ITEM.format(form=f.form, errors=num(f.errors))
            for f in figures.by_form[:TOP_SHOWN])))
    rated = [a for a in figures.counties if a.total.error_rate.value is not None]
    rated.sort(key=lambda a: -(a.total.error_rate.value or 0.0))  # stable: ties keep code order
    if rated:
        points.append(T.SHOWN_COUNTIES.format(rate=num(city.total.error_rate), counties=joined(
            T.SHOWN_COUNTY_ITEM.format(county=a.name, rate=num(a.total.error_rate))
            for a in rated[:TOP_SHOWN])))
    if city.total.in_progress or city.total.open:
        points.append(T.SHOWN_OPEN.format(in_progress=num(city.total.in_progress),
                                          open=num(city.total.open),
                                          rate=num(city.total.rectification_rate)))
    province = city.g106_by_result.get(domain.REVIEW_RESULTS[2], 0)  # 报省级
    if province or city.awaiting_verification:
        points.append(T.SHOWN_G106.format(province=num(province),
                                          awaiting=num(city.awaiting_verification)))
    if not points:
        return (Paragraph(T.SHOWN_NONE),)
    return tuple(Paragraph(T.ORDINAL_LEAD.format(ordinal=ordinal(i)) + p)
                 for i, p in enumerate(points, start=1))


def _points(items: tuple[str, ...]) -> tuple[Block, ...]:
    return enumerated(items) or (missing(),)


def lessons_section(census: Census, figures: Figures) -> Section:
    """二、全市普查工作经验及存在问题: the written text, then what the figures show."""
    city = census.city
    return Section(T.H_LESSONS, 1, children=(
        Section(T.H_EXPERIENCE, 2, _points(city.experience)),
        Section(T.H_PROBLEMS, 2, _points(city.problems)),
        Section(T.H_SHOWN, 2, _shown(figures)),
    ))


def next_section(census: Census) -> Section:
    """三、下一步工作建议 (written in city.yaml)."""
    return Section(T.H_NEXT, 1, _points(census.city.suggestions))
