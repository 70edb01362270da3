"""Pieces several parts of the report share: dates, ordinals, sentences, the review tables.

Takes figures (``Area``, ``Review``) and gives plain-text blocks of report_model. Numbers are
formatted through ``markup.num`` (the site's filter), so a figure prints the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.records import domain
from generator.records.aggregate import Area, Review
from generator.render.markup import num
from generator.render.report.model import Paragraph, Table, missing
from generator.text import report as T


def cn_date(iso: str) -> str:
    """2019-05-30 → 2019年5月30日 (the form official documents use)."""
    year, month, day = iso.split("-")
    return T.DATE.format(year=year, month=int(month), day=int(day))


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for any list a report holds)."""
    digits = T.CHINESE_DIGITS
    if n < 10:
        return digits[n]
    tens, units = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + T.TEN + (digits[units] if units else "")


def sentence(text: str) -> str:
    """Text that ends like a sentence, so parts can be joined without a missing 。."""
    text = text.strip()
    core = text.rstrip(T.CLOSING)  # 「…。”」 ends a sentence, 「…“吨”」 does not
    return text if not text or core.endswith(tuple(T.SENTENCE_ENDS)) else text + T.FULL_STOP


def written(text: str | None, lead: str = "") -> Paragraph:
    """A paragraph people wrote (ended like a sentence), or the placeholder when they have not."""
    return Paragraph(sentence(text), lead) if text and text.strip() else missing(lead)


def enumerated(items: Iterable[str]) -> tuple[Paragraph, ...]:
    """Written points as 一是……二是…… paragraphs (the usual form for lists in a report)."""
    return tuple(Paragraph(T.ORDINAL_LEAD.format(ordinal=ordinal(i)) + sentence(text))
                 for i, text in enumerate((t for t in items if t.strip()), start=1))


def joined(items: Iterable[str]) -> str:
    return T.LIST_SEP.join(items)


def overall(area_name: str, review: Review) -> Paragraph:
    """The sentence a reader can quote: objects reviewed, problem objects, errors, 差错率."""
    if review.reviewed is None:
        return Paragraph(T.OVERALL_NO_DENOMINATOR.format(
            area=area_name, objects=num(review.problem_objects), errors=num(review.errors)))
    return Paragraph(T.OVERALL.format(
        area=area_name, reviewed=num(review.reviewed), objects=num(review.problem_objects),
        errors=num(review.errors), rate=num(review.error_rate),
        average=num(review.average_errors)))


def rectified(template: str, area_name: str, review: Review) -> Paragraph:
    return Paragraph(template.format(
        area=area_name, errors=num(review.errors), rectified=num(review.rectified),
        in_progress=num(review.in_progress), open=num(review.open),
        rate=num(review.rectification_rate)))


def _review_cells(review: Review) -> tuple[str, ...]:
    return (num(review.reviewed), num(review.problem_objects), num(review.errors),
            num(review.error_rate), num(review.average_errors))


def by_type_table(area: Area, caption_area: str) -> Table:
    """One row per source type and a 合计 row."""
    rows = [(t, *_review_cells(area.by_type[t])) for t in domain.SOURCE_TYPES]
    rows.append((T.TOTAL, *_review_cells(area.total)))
    return Table(T.CAP_BY_TYPE.format(area=caption_area), (T.COL_TYPE, *T.COLS_REVIEW),
                 tuple(rows), (False, True, True, True, True, True), total_row=True)


def by_county_table(counties: Iterable[Area], city: Area) -> Table:
    rows = [(a.name, *_review_cells(a.total)) for a in counties]
    rows.append((T.CITY, *_review_cells(city.total)))
    return Table(T.CAP_BY_COUNTY, (T.COL_COUNTY, *T.COLS_REVIEW), tuple(rows),
                 (False, True, True, True, True, True), total_row=True)


def g106_results(area: Area) -> dict[str, str]:
    """The G106-1 review results of an area, ready for the templates' placeholders."""
    solved, field, province = (area.g106_by_result.get(r, 0) for r in domain.REVIEW_RESULTS)
    return {"total": num(area.g106_total), "solved": num(solved), "field": num(field),
            "province": num(province)}
