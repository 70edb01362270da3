"""Where LibreOffice put the text of a PDF: pieces of text with their position and size.

pypdf (a pure-Python reader, test-only) decodes the fonts' character maps and the text
matrices; this module only turns its callbacks into plain values. Positions are in points
from the page's top left (PDF counts from the bottom), the way a reader measures a page.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Piece:
    """One run of text as drawn: ``x`` its start, ``y`` its baseline, ``size`` in points."""

    page: int  # 1-based
    x: float
    y: float
    size: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    pieces: tuple[Piece, ...]  # in drawing order (LibreOffice draws in reading order)


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its text pieces (blank pieces dropped)."""
    pages = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        pieces: list[Piece] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float,
                  number: int = number, height: float = height,
                  pieces: list[Piece] = pieces) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (cm[0] ** 2 + cm[1] ** 2) ** 0.5  # the size in the page's units
            pieces.append(Piece(number, round(x, 2), round(height - y, 2),
                                round(size * abs(tm[0] or tm[3] or 1) * scale, 2), text))

        page.extract_text(visitor_text=visit)
        pages.append(Page(number, width, height, tuple(pieces)))
    return pages


def to_pdf(soffice: str, source: Path, outdir: Path) -> Path:
    """``source`` converted by LibreOffice headless, with its own profile (tests run it in
    parallel); the PDF's path."""
    profile = outdir / f"lo-{uuid.uuid4().hex}"
    result = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
         "pdf", "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=300)
    pdf = outdir / (source.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf
