"""A report_model.Report → 工作报告.docx in official-document form (python-docx).

Walks the same value the Markdown page renders; styles and the byte-stable save live in
report_docx_style. Text goes in as text (python-docx escapes XML itself), so nothing in a
record can become markup here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from weakref import WeakKeyDictionary

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.parts.document import DocumentPart
from docx.shared import Emu, Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from generator.records.model import Census
from generator.render.report.docx_page import patch_part, setup_page, sign_off
from generator.render.report.docx_style import (
    LOOKS,
    keep_rows,
    repeat_header,
    save_stable,
    setup_styles,
    style_run,
)
from generator.render.report.model import Paragraph, Report, Section, Table
from generator.text import report as T

HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
TEXT_WIDTH = Mm(210 - 28 - 26)
HALF_WIDTH = Mm(1.95)  # one half-width column of 五号 (10.5 pt), digits of wide fonts included
CELL_PADDING = Mm(6)  # Table Grid's 0.19 cm left and right, and some air
MIN_COLUMN, SHORT_HEADER, SHORT_CELL, WIDEST_COLUMN = 4, 10, 14, 40  # half-width columns
TITLE_LINE = 20  # characters of 二号 on one line of the type area


_STYLE_IDS: WeakKeyDictionary[DocumentPart, dict[str, str | None]] = WeakKeyDictionary()


def add_paragraph(document: Document, style: str) -> DocxParagraph:
    """``document.add_paragraph(style=style)``, the same XML, the style's id looked up once
    per document: python-docx looks the name up among every style (and whether it is the
    default one) on each call, which was a quarter of the report's time."""
    ids = _STYLE_IDS.setdefault(document.part, {})
    if style not in ids:
        ids[style] = document.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)  # type: ignore[no-untyped-call]
    paragraph = document.add_paragraph()
    paragraph._p.style = ids[style]  # None (the default style): an empty w:pPr, as python-docx
    return paragraph


def _styled(document: Document, style: str, text: str, bold: bool | None = None) -> None:
    paragraph = add_paragraph(document, style)
    style_run(paragraph.add_run(text), LOOKS[style].font, bold)


def _paragraph(document: Document, block: Paragraph) -> None:
    paragraph = add_paragraph(document, "Normal")
    font = LOOKS["Normal"].font
    if block.lead:
        style_run(paragraph.add_run(block.lead), font, bold=True)
    run = style_run(paragraph.add_run(block.text), font)
    if block.missing:  # a part nobody has written yet must catch the eye
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _display_width(text: str) -> int:
    """Half-width columns a string takes: CJK and full-width characters count two."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _header_need(header: str) -> int:
    """Half-width columns a header wants: a long one may take two lines."""
    head = _display_width(header)
    return max(head if head <= SHORT_HEADER else -(-head // 2) + 2, MIN_COLUMN)


def _widths(block: Table) -> list[int]:
    """Column widths (EMU) filling the type area, as browsers lay out tables: each column
    gets at least its header's width, or all of a short value's (dates, codes); what is left goes to the columns in proportion to how
    much more their longest cell wants, so long names wrap before short codes do."""
    columns = zip(*block.rows) if block.rows else [()] * len(block.header)
    longest = [min(max([0, *(_display_width(c) for c in col)]), WIDEST_COLUMN) for col in columns]
    # short values (dates, codes, statuses) never wrap: they count in the floor
    floor = [max(_header_need(h), n if n <= SHORT_CELL else 0) * HALF_WIDTH + CELL_PADDING
             for h, n in zip(block.header, longest)]
    natural = [max(f, n * HALF_WIDTH + CELL_PADDING) for f, n in zip(floor, longest)]
    if sum(natural) <= TEXT_WIDTH:
        return [int(TEXT_WIDTH * n / sum(natural)) for n in natural]
    spare, wanted = TEXT_WIDTH - sum(floor), sum(natural) - sum(floor)
    return [int(f + max(spare, 0) * (n - f) / wanted) for f, n in zip(floor, natural)]


def _table(document: Document, block: Table) -> None:
    _styled(document, "Caption", block.caption)
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(block)
    for column, width in zip(table.columns, widths):
        column.width = Emu(width)
    repeat_header(table.rows[0])
    keep_rows(table.rows, block.rows)
    last = len(block.rows)
    # python-docx looks a style up by name on every assignment (slow for thousands of
    # cells); resolve the two ids once and set w:pStyle directly
    style_ids = {r: document.styles["Table Heading" if r == 0 else "Table Text"].style_id
                 for r in (0, 1)}
    looks = {r: LOOKS["Table Heading" if r == 0 else "Table Text"].font for r in (0, 1)}
    for r, (row, values) in enumerate(zip(table.rows, (block.header, *block.rows))):
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = Emu(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_ids[min(r, 1)]
            if r and block.centred[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            bold = True if block.total_row and r == last else None
            style_run(paragraph.add_run(value), looks[min(r, 1)], bold)


def title_lines(title: str) -> list[str]:
    """A long title broken where the meaning breaks (after 普查), as official titles are."""
    if len(title) <= TITLE_LINE:
        return [title]
    cut = title.find(T.TITLE_BREAK) + len(T.TITLE_BREAK)
    if not 2 < cut <= TITLE_LINE or len(title) - cut > TITLE_LINE:
        cut = (len(title) + 1) // 2
    return [title[:cut], *title_lines(title[cut:])]


def _title(document: Document, title: str) -> None:
    paragraph = add_paragraph(document, "Title")
    lines = title_lines(title)
    for n, line in enumerate(lines, start=1):
        run = style_run(paragraph.add_run(line), LOOKS["Title"].font)
        if n < len(lines):
            run.add_break()


def _section(document: Document, section: Section) -> None:
    style = HEADING_STYLES[section.level]
    _styled(document, style, section.title, LOOKS[style].bold)
    for block in section.blocks:
        if isinstance(block, Table):
            _table(document, block)
        else:
            _paragraph(document, block)
    for child in section.children:
        _section(document, child)


def report_document(report: Report) -> Document:
    """The Word document of a report, not yet saved."""
    document = docx.Document()
    setup_styles(document)
    setup_page(document)
    _title(document, report.title)
    for section in report.sections:
        _section(document, section)
    sign_off(document, report.issuer, report.date)
    return document


def save_report(report: Report, census: Census, path: Path, when: datetime | None = None) -> None:
    """Write the report to ``path``, dated ``when`` (the build's one date), else, like its
    sign-off, at the end of the period."""
    year, month, day = (int(p) for p in census.city.period_end.split("-"))
    write_report(report, path, when or datetime(year, month, day, tzinfo=UTC),
                 census.city.issuer)


def write_report(report: Report, path: Path, when: datetime, issuer: str) -> None:
    """Write the report to ``path``, dated ``when``, its author ``issuer`` (what a build's
    second process does, without the census: render/annexes/ledger_job.py)."""
    save_stable(report_document(report), path, when, issuer, report.title, patch_part)
