"""The work report printed as a 公文 (GB/T 9704-2012), checked in the PDF LibreOffice makes of
it: the type area (版心 156 × 225 mm from 37 mm top and 28 mm left), 22 lines of 28 characters,
page numbers "— n —" one character in from the outer edge, no table caption left at the foot
of a page; for reports of several sizes, so pages break in different places. Fonts here are the
fallbacks (Noto CJK): the geometry must not depend on the office's fonts.

Also, without LibreOffice: the heading numbers follow 一、（一）1.（1）by level, and the
report page of the site shows its headings at least as large and as dark as its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, need_tool, run_cli
from pdf_text import MM, Page, Piece, read_pages, to_pdf

from benchmarks.synth import generate
from generator.pipeline import prepare
from generator.render.report.model import Section
from generator.render.report.report import report_sections, write_docx

PITCH = 28.95  # exact line spacing of 579 twips: 22 lines in 225 mm
LINES, CHARS = 22, 28
TOP, LEFT, RIGHT, BOTTOM = 37 * MM, 28 * MM, 26 * MM, 35 * MM
BODY, NUMBER = 16.0, 14.0  # 三号 text, 4号 page numbers
CAPTION = re.compile(r"表\s*\d+")
SIZES = {"minimal": 0.0, "shipped": 0.0, "synth-2%": 0.02, "synth-10%": 0.1}


def _records(name: str, tmp: Path) -> Path:
    if name == "minimal":
        return MINIMAL
    if name == "shipped":
        return REPO / "records"
    generate(tmp / "records", scale=SIZES[name])
    return tmp / "records"


@pytest.fixture(scope="module", params=list(SIZES))
def pages(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    """The report of one records tree, as LibreOffice lays it out."""
    soffice = need_tool("soffice")
    tmp = tmp_path_factory.mktemp(f"report-{request.param}")
    prepared = prepare(_records(request.param, tmp))
    assert prepared.census and prepared.figures, prepared.checked.problems
    source = tmp / "工作报告.docx"
    write_docx(prepared.census, prepared.figures, source)
    return read_pages(to_pdf(soffice, source, tmp))


def _is_body(piece: Piece, page: Page) -> bool:
    return abs(piece.size - BODY) < 0.1 and piece.y < page.height - BOTTOM + 1


def _lines(page: Page, keep: object = _is_body) -> list[float]:
    """The distinct baselines of the pieces ``keep`` accepts, top to bottom."""
    ys = sorted({p.y for p in page.pieces if keep(p, page)})  # type: ignore[operator]
    return [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 1]


def _starts_with_text(page: Page) -> bool:
    top = min((p for p in page.pieces), key=lambda p: (p.y, p.x), default=None)
    return top is not None and _is_body(top, page)


def _only_body(page: Page) -> bool:
    """A page of running text: no table, no title, nothing but 三号 lines and the number."""
    return all(_is_body(p, page) or p.y > page.height - BOTTOM for p in page.pieces)



@pytest.mark.libreoffice
def test_no_page_holds_more_than_22_lines_and_full_pages_hold_22(pages: list[Page]) -> None:
    counts = [len(_lines(p)) for p in pages]
    assert max(counts) <= LINES, counts
    # pages of running text that runs on: headings kept with the first two lines of their
    # paragraph may leave up to four lines free at the foot, but most pages are full
    full = [len(_lines(p)) for p, after in zip(pages, pages[1:])
            if _only_body(p) and _starts_with_text(after)]
    assert all(n >= LINES - 4 for n in full), counts
    if full:
        assert max(set(full), key=full.count) == LINES, counts


@pytest.mark.libreoffice
def test_running_text_keeps_the_exact_line_pitch(pages: list[Page]) -> None:
    for page in pages:
        lines = _lines(page)
        steps = [round(b - a, 2) for a, b in zip(lines, lines[1:])]
        if _only_body(page):  # whole lines: the blank line before the sign-off is one
            assert all(abs(s / PITCH - round(s / PITCH)) * PITCH < 0.08 for s in steps), (
                page.number, steps)
        else:  # around tables, the running text still moves by whole lines
            assert all(s > PITCH - 0.08 for s in steps), (page.number, steps)


@pytest.mark.libreoffice
def test_text_starts_at_the_type_area(pages: list[Page]) -> None:
    body = [p for page in pages for p in page.pieces if _is_body(p, page)]
    assert abs(min(p.x for p in body) - LEFT) < 1.5, min(p.x for p in body)
    for page in pages:
        rows = _rows(page)
        if not rows:
            continue
        # the first line's baseline: under the top margin by its text's height, within a line
        top = rows[0][0]
        assert TOP + 0.6 * top.size < top.y <= TOP + PITCH + 0.5, (page.number, top.y / MM)
        assert rows[-1][0].y <= page.height - BOTTOM, (page.number, rows[-1][0].y / MM)


@pytest.mark.libreoffice
def test_full_lines_hold_28_characters(pages: list[Page]) -> None:
    """A line of Chinese text that the next line continues (same paragraph, no indent)."""
    widths: list[int] = []
    for page in pages:
        rows: dict[float, list[Piece]] = {}
        for piece in page.pieces:
            if _is_body(piece, page):
                rows.setdefault(piece.y, []).append(piece)
        ys = sorted(rows)
        for y, below in zip(ys, ys[1:]):
            row = sorted(rows[y], key=lambda p: p.x)
            text = "".join(p.text for p in row).replace(" ", "")
            nxt = min(p.x for p in rows[below])
            if (abs(row[0].x - LEFT) < 1.5 and abs(nxt - LEFT) < 1.5 and below - y < PITCH + 1
                    and all(ord(c) >= 0x2E80 for c in text)):
                widths.append(len(text))
    if widths:  # fewer where the next word (a code, a number) or a closing mark must not
        # start a line; one more where a closing mark hangs
        assert max(widths) <= CHARS + 1, widths
        assert max(set(widths), key=widths.count) == CHARS, widths


def _number(page: Page) -> list[Piece]:
    return [p for p in page.pieces if p.y > page.height - BOTTOM]


@pytest.mark.libreoffice
def test_page_numbers_are_dashed_and_sit_one_character_in(pages: list[Page]) -> None:
    for page in pages:
        pieces = sorted(_number(page), key=lambda p: p.x)
        text = "".join(p.text for p in pieces)
        assert re.fullmatch(rf"—\s*{page.number}\s*—", text), (page.number, text)
        assert all(abs(p.size - NUMBER) < 0.1 for p in pieces)
        # 7 mm under the type area: the top of the digits, about 0.7 of the size above the line
        gap = (pieces[0].y - 0.7 * NUMBER - (page.height - BOTTOM)) / MM
        assert 5 <= gap <= 9, (page.number, gap)
        if page.number % 2 == 0:  # even pages: left, one character in
            assert abs(pieces[0].x - (LEFT + NUMBER)) < 1.5, (page.number, pieces[0].x)
        else:  # odd pages: right, one character in. "— " and " —" are drawn the same width
            width = pieces[1].x - pieces[0].x
            end = pieces[-1].x + width
            assert abs(end - (page.width - RIGHT - NUMBER)) < 2.5, (page.number, end)


@pytest.mark.libreoffice
def test_sign_off_is_set_as_without_seal(pages: list[Page]) -> None:
    """The issuer 右空二字 (its start: 28 − 2 − its length characters in), the date's first
    character two characters right of the issuer's."""
    last = _rows(pages[-1])
    issuer, date = (min(row, key=lambda p: p.x) for row in last[-2:])
    length = len("".join(p.text for p in last[-2]).replace(" ", ""))
    char = BODY - 0.25
    assert abs(issuer.x - (LEFT + (CHARS - 2 - length) * char)) < 3, issuer
    assert abs(date.x - issuer.x - 2 * char) < 3, (issuer, date)


def _rows(page: Page) -> list[list[Piece]]:
    """The pieces above the footer, grouped into printed lines, top to bottom."""
    rows: list[list[Piece]] = []
    for piece in sorted((p for p in page.pieces if p.y <= page.height - BOTTOM),
                        key=lambda p: (p.y, p.x)):
        if rows and abs(rows[-1][0].y - piece.y) < 1.5:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return rows


@pytest.mark.libreoffice
def test_no_caption_is_left_at_the_foot_of_a_page(pages: list[Page]) -> None:
    captions = 0
    for page in pages:
        rows = _rows(page)
        for n, row in enumerate(rows):
            text = "".join(p.text for p in sorted(row, key=lambda p: p.x))
            if CAPTION.match(text) and min(p.size for p in row) > 12:
                captions += 1
                below = rows[n + 1] if n + 1 < len(rows) else []
                assert below and max(p.size for p in below) < 12, (
                    f"page {page.number}: caption {text!r} without its table under it")
    assert captions or len(pages) < 3


# --- heading numbers, without LibreOffice ---------------------------------------------------

NUMBERING = {1: r"[一二三四五六七八九十]+、", 2: r"（[一二三四五六七八九十]+）", 3: r"\d+\. ",
             4: r"（\d+）"}
CN = "〇一二三四五六七八九十"


def _ordinal(prefix: str) -> int:
    digits = re.sub(r"[^\d〇一二三四五六七八九十]", "", prefix)
    if digits.isdigit():
        return int(digits)
    if digits.startswith("十"):
        return 10 + (CN.index(digits[1]) if len(digits) > 1 else 0)
    return CN.index(digits[0]) * (10 if "十" in digits else 1) + (
        CN.index(digits[-1]) if "十" in digits and not digits.endswith("十") else 0)


def _children_numbered(sections: tuple[Section, ...], where: str) -> Iterator[str]:
    """Problems: a heading whose number is not its level's form, or not the next one."""
    for n, section in enumerate(sections, start=1):
        match = re.match(NUMBERING[section.level], section.title)
        if not match:
            yield f"{where}: {section.title!r} is not numbered as level {section.level}"
        elif _ordinal(match.group()) != n:
            yield f"{where}: {section.title!r} should be number {n}"
        yield from _children_numbered(section.children, section.title)


@pytest.mark.parametrize("name", ["minimal", "shipped", "synth-2%"])
def test_headings_are_numbered_by_level(name: str, tmp_path: Path) -> None:
    prepared = prepare(_records(name, tmp_path))
    assert prepared.census and prepared.figures
    for public in (False, True):
        report = report_sections(prepared.census, prepared.figures, public)
        assert list(_children_numbered(report.sections, "report")) == []


# --- the report page of the site ------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_report_page_headings_are_not_smaller_or_lighter_than_text(tmp_path: Path) -> None:
    chromium = need_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    result = run_cli("build", str(REPO / "records"), "--site", str(tmp_path / "site"),
                     "--dist", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stdout + result.stderr
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto((tmp_path / "site" / "report.html").as_uri())
        looks = page.evaluate("""() => {
            const look = e => { const s = getComputedStyle(e);
                return [e.tagName, parseFloat(s.fontSize), s.color, s.opacity, e.textContent]; };
            const text = document.querySelector('.md-content article p');
            return [look(text), ...[...document.querySelectorAll(
                '.md-content article :is(h1,h2,h3,h4,h5,h6)')].map(look)];
        }""")
        browser.close()
    (_, size, colour, _, _), *headings = looks
    assert len(headings) > 10
    for tag, heading_size, heading_colour, opacity, title in headings:
        assert heading_size >= size, (tag, title, heading_size, size)
        assert heading_colour == colour and opacity == "1", (tag, title, heading_colour, colour)
