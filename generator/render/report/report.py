"""Census + figures → the work report of 附件4: a Report value, its Markdown, its .docx.

``report_sections`` builds the one value both outputs render; ``report_markdown`` renders
``site_templates/report.md.j2`` with the site's filters; ``write_docx`` (report_docx) writes
the Word document. The report is dated at the end of the guidance period (city.yaml
``period.end``): it is written when the work ends, while ``issued`` is the date of the plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import jinja2

from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.records.redact import public_view
from generator.records.schemas import Schemas, load_schemas
from generator.render import markup
from generator.render.report.blocks import cn_date
from generator.render.report.model import Block, Report, Section, Table, clean
from generator.render.report.parts import field_section, key_section, lessons_section, next_section
from generator.render.report.review import review_section
from generator.text import report as T

TEMPLATE = "report.md.j2"
# Markdown heading marks by section level: the page title is the only '#'.
MD_HEADINGS = {1: "##", 2: "###", 3: "####", 4: "#####"}


def report_sections(census: Census, figures: Figures, public: bool = False,
                    schemas: Schemas | None = None) -> Report:
    """The report, every heading of 附件4 in order, every number from ``figures``.

    ``public`` is the site's public profile: the report of the redacted census
    (redact.public_view, by ``schemas``, default the shipped ones), so no census object or
    person is named and only publishable text is quoted; figures stay."""
    if public:
        census, figures = public_view(census, figures, schemas or load_schemas())
    work = Section(T.H_WORK, 1, children=(
        review_section(figures), field_section(census, figures),
        key_section(census, figures)))
    city = census.city
    report = Report(city.title + T.TITLE_SUFFIX,
                    (work, lessons_section(census, figures), next_section(census)),
                    city.issuer, cn_date(city.period_end))
    return clean(_number_tables(report))


def _number_tables(report: Report) -> Report:
    """表1, 表2 … in reading order (numbered once the whole report is known)."""
    count = 0

    def blocks(items: tuple[Block, ...]) -> tuple[Block, ...]:
        nonlocal count
        out: list[Block] = []
        for block in items:
            if isinstance(block, Table):
                count += 1
                block = replace(block, caption=T.TABLE_CAPTION.format(n=count,
                                                                      caption=block.caption))
            out.append(block)
        return tuple(out)

    def section(s: Section) -> Section:
        return replace(s, blocks=blocks(s.blocks), children=tuple(section(c) for c in s.children))

    return replace(report, sections=tuple(section(s) for s in report.sections))


def report_markdown(census: Census, figures: Figures, public: bool = False,
                    templates: Path = markup.TEMPLATES, schemas: Schemas | None = None,
                    env: jinja2.Environment | None = None) -> str:
    """The report as Markdown for the site's 工作报告 page (record text escaped), through
    ``templates`` (site_templates/) or an environment of them made before (``env``);
    ``schemas`` decide what the public profile shows."""
    return markdown_of(report_sections(census, figures, public, schemas), templates, env)


def markdown_of(report: Report, templates: Path = markup.TEMPLATES,
                env: jinja2.Environment | None = None) -> str:
    """A report value made before (report_sections) as report_markdown renders it."""
    env = env or markup.environment(templates)
    return env.get_template(TEMPLATE).render(report=report, headings=MD_HEADINGS)


def write_docx(census: Census, figures: Figures, path: Path, public: bool = False,
               when: datetime | None = None) -> None:
    """The report as a Word document in official-document form (see report_docx), dated
    ``when`` (the build's date), else the end of the period."""
    from generator.render.report.docx import save_report  # python-docx: a build's other process

    save_report(report_sections(census, figures, public), census, path, when)
