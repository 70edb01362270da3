"""附件4 一（一）3 on the rectification loop: 当场整改率, overdue and late counts, 平均整改天数,
数据截至 and the city's weekly table, all from Figures.rectification (the site's figures)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import REPO, SHIPPED_AS_OF

from generator.pipeline import prepare
from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.render.report.model import Paragraph, Section, Table
from generator.render.report.report import report_sections, write_docx
from generator.text.report import H_SOLVED


def _shipped(as_of: date) -> tuple[Census, Figures]:
    prepared = prepare(REPO / "records", as_of=lambda end: as_of)
    assert prepared.census and prepared.figures
    return prepared.census, prepared.figures


def _solved(census: Census, figures: Figures, public: bool = False) -> Section:
    report = report_sections(census, figures, public)
    return next(s for s in report.walk() if s.title == H_SOLVED)


def test_the_solved_part_gives_every_figure_on_the_as_of_date() -> None:
    census, figures = _shipped(SHIPPED_AS_OF)
    texts = [b.text for b in _solved(census, figures).blocks if isinstance(b, Paragraph)]
    city = figures.rectification.city
    line = next(t for t in texts if t.startswith("截至2019年5月24日"))
    for part in (f"当场整改 {city.on_the_spot} 处", f"当场整改率 {city.on_the_spot_rate}",
                 f"逾期整改 {city.late} 处", f"平均整改天数 {city.average_days} 天",
                 f"逾期未整改 {len(city.overdue)} 处"):
        assert part in line
    assert "58.3%" in line and "逾期未整改 6 处" in line and "1.12 天" in line


def test_the_weekly_table_is_the_city_weeks_from_the_first_error_found() -> None:
    census, figures = _shipped(SHIPPED_AS_OF)
    table = next(b for b in _solved(census, figures).blocks
                 if isinstance(b, Table) and "每周整改进展" in b.caption)
    weeks = [w for w in figures.rectification.city.weeks if w.found_total]
    assert [r[2:] for r in table.rows] == [
        (str(w.found), str(w.fixed), str(w.open), str(w.overdue)) for w in weeks]
    assert table.rows[0][:2] == ("第3周", "3月11日—3月17日")
    assert table.rows[-1][1] == "5月20日—5月24日"  # the last week ends on 数据截至


def test_another_as_of_date_changes_the_figures_not_the_definitions() -> None:
    census, figures = _shipped(date(2019, 4, 10))
    line = next(b.text for b in _solved(census, figures).blocks
                if isinstance(b, Paragraph) and b.text.startswith("截至"))
    assert line.startswith("截至2019年4月10日")
    assert f"已发现的 {figures.rectification.city.found} 处错误" in line
    assert figures.rectification.city.found < 132


def test_the_public_report_keeps_the_counts_and_the_weekly_table() -> None:
    census, figures = _shipped(SHIPPED_AS_OF)
    blocks = _solved(census, figures, public=True).blocks
    assert any(isinstance(b, Table) and "每周整改进展" in b.caption for b in blocks)
    assert any(isinstance(b, Paragraph) and "逾期未整改 6 处" in b.text for b in blocks)


@pytest.mark.slow
def test_the_docx_carries_the_weekly_table(tmp_path: Path) -> None:
    census, figures = _shipped(SHIPPED_AS_OF)
    path = tmp_path / "r.docx"
    write_docx(census, figures, path)
    document = docx.Document(str(path))
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["周次", "起止日期", "新发现", "本周整改", "周末未整改", "其中逾期"] in headers
    assert any(p.text.startswith("截至2019年5月24日") for p in document.paragraphs)
