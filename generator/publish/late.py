"""Downloads made while the site is built: the ledger's, by a second process, and the work
report's, by that process after the ledger or by the build while a third builds the site.

pipeline.publish starts the ledger (:func:`ledger_started`) before anything else is rendered
and waits for it once the site is built; :class:`Late` is what the site's pages are told of
such files (their names, known at once: the 下载 page lists them with a placeholder for their
sizes) and how to have them (``meanwhile``, run while another process builds the site;
``wait``, their paths once made). Which process writes the report is decided here
(:func:`report_beside_ledger`); either way the files are the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import heap
from generator.records.aggregate import Figures
from generator.records.model import Census
from generator.text import render

if TYPE_CHECKING:
    from generator.publish.staging import Stage
    from generator.render.report.model import Report


# When the site is built in line (a small tree, one core, or beyond SITE_APART_FILES), the
# work report is written by the ledger's process, after the ledger, while the ledger has this
# many rows (errors) at most. At city scale (33,000) that process ended 0.6 s before this one
# without it, and both ended together with it; at ten times (330,000) the ledger alone keeps
# it busy as long as this one, and the report there made the build wait and the two
# processes' summed memory peak come on top of the splice's. Beyond it, the report is
# written here, with the annexes. Either way the files are the same bytes.
REPORT_BESIDE_LEDGER = 100_000


def report_beside_ledger(census: Census) -> bool:
    """Whether a build has the report written by the ledger's process (REPORT_BESIDE_LEDGER)."""
    return sum(len(f.errors) for f in census.findings) <= REPORT_BESIDE_LEDGER


@dataclass(frozen=True)
class Late:
    """Downloads made while the site is rendered: their file names, known at once, what makes
    them here while another process builds the site (``meanwhile``), and what waits for them
    (their paths, once made)."""

    names: tuple[str, ...]
    wait: Callable[[], list[Path]]
    meanwhile: Callable[[], None] = lambda: None


def report_meanwhile(census: Census, stage: Stage, when: datetime, report: Report,
                     ledger: Late) -> Late:
    """The ledger's downloads, with the work report (.docx) of ``report`` before them, written
    here while another process builds the site (internal profile)."""
    from generator.render.report.docx import write_report

    if "dist" not in stage.outputs:
        return ledger
    path = stage.folder / "dist" / render("build.report_file")
    return Late((path.name, *ledger.names), lambda: [path, *ledger.wait()],
                lambda: write_report(report, path, when, census.city.issuer))


@contextmanager
def ledger_started(census: Census, figures: Figures, stage: Stage,
                   when: datetime, report: Report | None) -> Iterator[Late]:
    """The rectification ledger, then the work report (.docx) of ``report``, being written
    into ``stage/dist`` by a second process (render/annexes/ledger_job.py) while the block
    runs (internal profile); gives their names and what waits for them: their paths, once
    written, and ``dist`` then marked complete. (The report is the parent's value; only its
    writing, python-docx's half a second, goes to the other core.)"""
    from generator.publish.staging import write_mark
    from generator.render.annexes import excel, ledger_job

    if "dist" not in stage.outputs:
        yield Late((), list)
        return
    out = stage.folder / "dist"
    out.mkdir()
    as_of = figures.rectification.as_of  # decided once, when the records were typed
    docx = ledger_job.ReportJob(report, out / render("build.report_file"), when,
                                census.city.issuer) if report else None
    with ledger_job.started(census, out, as_of, excel.fixed_time(census, when),
                            stage.folder, docx) as job:
        heap.give_back()  # the rows made for it, written and let go

        def finished() -> list[Path]:
            made = job.made()
            write_mark(out, "dist", "internal")
            return made

        yield Late(job.names, finished)
