"""The order of work, in one place. Every command that checks or builds calls these:

    load → validate → model → aggregate → render (site pages, annexes, report) → publish

- :func:`check` — load and validate: every problem of the records tree (``validate``).
- :func:`prepare` — and, when there is no error, model and aggregate (the typed census and
  the figures every output shares).
- :func:`build` — prepare, then :func:`publish`: render the annexes (internal profile), the
  site's pages, the site through MkDocs, into a staging folder; for the public profile, the
  leak scan; then the swap (build.py). The ledger (整改台账.xlsx) is written by a second
  process meanwhile (render/annexes/ledger_job.py), waited for once MkDocs has built the site
  (the 下载 page lists it with a placeholder for its size until then). A large tree
  (SITE_APART_FILES) on two cores or more has its site built by a third process, readied
  while the records are checked (publish/site_job.py), and the work report (.docx) written
  here meanwhile; else the ledger's process writes the report too, up to
  late.REPORT_BESIDE_LEDGER errors.
  What a build is told comes in one :class:`~generator.settings.Settings`.
- :func:`refresh` — what ``serve`` does on a change: the same stages, incrementally (only the
  changed files re-read, the cross-record rules re-run in memory, only the pages whose text
  changed rebuilt by MkDocs; preview_site holds the state between calls and does the
  page-level work).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import heap
from generator.errors import RecordError, count
from generator.exits import stop_if_terminated
from generator.publish.late import Late, ledger_started, report_beside_ledger, report_meanwhile
from generator.records.aggregate import Figures, aggregate
from generator.records.load import Loaded, TreeSource, collector_paused, load
from generator.records.load_tree import Place
from generator.records.model import Census, build_census
from generator.records.schemas import SCHEMA_DIR, Schemas, load_schemas
from generator.records.validate import validate
from generator.settings import Settings, as_of_date, stamp
from generator.text import render

if TYPE_CHECKING:
    from generator.preview.session import Session
    from generator.publish.site_job import Spare
    from generator.publish.staging import Outputs, Stage
    from generator.render.report.model import Report

# 数据截至 of a run, given the period's end (ISO): settings.as_of_date for a build. Asked once,
# when the records are typed, and carried by the figures (Figures.rectification.as_of).
AsOf = Callable[[str], date]


@dataclass
class Checked:
    loaded: Loaded
    schemas: Schemas
    problems: list[RecordError]

    @property
    def ok(self) -> bool:
        return count(self.problems)[0] == 0


def check(records: Path | TreeSource, strict: bool = False,
          extra: Mapping[Place, bytes] | None = None, *, schemas_dir: Path = SCHEMA_DIR,
          workers: int = 1, on_loaded: Callable[[Loaded], None] | None = None) -> Checked:
    """Load and validate a records tree (a folder, or any tree source: a git revision, a
    mapping in memory), with the files ``extra`` adds in memory (place below the root →
    content); every problem of the run, sorted. ``workers``: processes that may parse a
    large tree's files (records/load_parallel.py); ``on_loaded``: told of the records once
    read, before they are validated (build starts the site's process then)."""
    schemas = load_schemas(schemas_dir)
    with collector_paused():
        loaded = load(records, extra, workers=workers)  # load
        if on_loaded is not None:
            on_loaded(loaded)
        return Checked(loaded, schemas, validate(loaded, schemas, strict=strict))  # validate


@dataclass
class Prepared:
    """Records checked, and, when they have no error, typed and counted."""

    checked: Checked
    census: Census | None
    figures: Figures | None


def prepare(records: Path, strict: bool = False, *, schemas_dir: Path = SCHEMA_DIR,
            as_of: AsOf | None = None, workers: int = 1,
            on_loaded: Callable[[Loaded], None] | None = None) -> Prepared:
    """check, then model and aggregate when the records have no error."""
    return typed(check(records, strict=strict, schemas_dir=schemas_dir, workers=workers,
                       on_loaded=on_loaded), as_of)


def typed(checked: Checked, as_of: AsOf | None = None) -> Prepared:
    """Checked records → the census (model) and its figures (aggregate) on 数据截至
    (``as_of`` given the period's end; without it, the period's end); None without them
    when the records have an error."""
    if not checked.ok:
        return Prepared(checked, None, None)
    with collector_paused():
        census = build_census(checked.loaded.sources)  # model
        day = as_of(census.city.period_end) if as_of is not None else None
        return Prepared(checked, census, aggregate(census, day))  # aggregate


@dataclass
class Built:
    """A build: the records as checked, and the outputs when there was no error (the checked
    records' sources are then let go: ``prepared.checked.loaded.sources`` is empty)."""

    prepared: Prepared
    outputs: Outputs | None


def build(settings: Settings, checked_hook: Callable[[Checked], None] | None = None) -> Built:
    """The whole build the ``build`` command runs; ``checked_hook`` is given the records as
    checked before anything is rendered (to report them even when the build then fails).
    Records with an error build nothing (the previous outputs stay); BuildError when the
    outputs cannot be made."""
    from generator.publish.site_job import Spare

    paths = settings.paths
    with Spare() as spare:
        def loaded(records: Loaded) -> None:  # the site's process readies itself meanwhile
            if site_apart(settings, records.n_files):
                spare.start()

        prepared = prepare(paths.records, settings.strict, schemas_dir=paths.schemas,
                           as_of=lambda end: as_of_date(settings, end),
                           workers=settings.workers, on_loaded=loaded)
        if checked_hook is not None:
            checked_hook(prepared.checked)
        if prepared.census is None or prepared.figures is None:
            return Built(prepared, None)
        # The records as read are typed into the census and reported: their text and data
        # (half the memory of a 10× build) are let go before the outputs, the largest part,
        # are made.
        prepared.checked.loaded.sources.clear()
        heap.give_back(collect=True)  # their pages, and those of checking, back to the system
        return Built(prepared, publish(settings, prepared.census, prepared.figures,
                                       prepared.checked.schemas, spare))


# A build of this many record files, from the first to the second, has its site built by a
# third process (publish/site_job.py) started once the records are read; below, starting an
# interpreter costs more than it saves (load_parallel.MIN_FILES); above, three processes at
# once would hold more memory than the build's limit allows (10x city scale, 112,000 files).
# A city has some 11,000 files.
SITE_APART_FILES = (2000, 34_000)


def site_apart(settings: Settings, files: int) -> bool:
    """Whether a build of ``files`` record files builds its site in a process of its own
    (SITE_APART_FILES, and a second core to run it on)."""
    least, most = SITE_APART_FILES
    return settings.workers >= 2 and least <= files <= most


def publish(settings: Settings, census: Census, figures: Figures, schemas: Schemas,
            spare: Spare | None = None) -> Outputs:
    """Render every output into a staging folder, then swap it in (build.staging). The ledger
    is written by a second process from the start (late.ledger_started), the rest here; the
    site is built by ``spare`` when started (publish/site_job.py), the report then written here
    meanwhile, else by the ledger's process after the ledger up to late.REPORT_BESIDE_LEDGER."""
    from generator.publish.staging import staging
    from generator.render.report.report import report_sections

    with staging(settings) as stage:
        when = stamp(settings, census.city.period_end)  # one date for every output
        # the report's one value: the site's 工作报告 page, and the .docx when written apart
        value = report_sections(census, figures, public=settings.public, schemas=schemas)
        apart = spare if spare is not None and spare.started else None
        beside = apart is None and report_beside_ledger(census)
        with ledger_started(census, figures, stage, when, value if beside else None) as ledger:
            # openpyxl's cycles set off full collections, each of which walked the whole
            # census; kept out of them here (the stages after pause the collector, or make
            # few cycles: freezing through them cost 26 MiB of the splice's peak at 10×)
            with heap.kept_out_of_collections():
                files = _render_downloads(settings, census, figures, stage, when,
                                          value if not beside and apart is None else None)
            late = report_meanwhile(census, stage, when, value, ledger) if apart else ledger
            files += _render_site(settings, census, figures, schemas, stage, files, late,
                                  when, value, apart)  # render: site; the late files after it
        if settings.public:  # the last line: no confidential value in any file, or no swap
            from generator.publish import leakscan
            leakscan.refuse_leaks(stage.folder / "site", census, schemas,
                                  (settings.paths.templates, settings.paths.schemas))
        stop_if_terminated()  # a SIGTERM whose exception a library swallowed: no swap either
        stage.publish()  # publish: swap
        return stage.result(files)


def _render_downloads(settings: Settings, census: Census, figures: Figures,
                      stage: Stage, when: datetime, report: Report | None) -> list[Path]:
    """The annex workbooks, their templates and (given its value) the report into
    ``stage/dist`` (internal profile; the ledger, and the report otherwise, are written by
    late.ledger_started's process or while the site is built)."""
    if "dist" not in stage.outputs:
        return []
    # collect: the documents' cycles, before the pages stage pauses the collector
    return write_downloads(census, figures, stage.folder / "dist", when, collect=True,
                           report=report)


def write_downloads(census: Census, figures: Figures, out: Path, when: datetime,
                    collect: bool = False, report: Report | None = None) -> list[Path]:
    """The downloads but the ledger, into the folder ``out``: the annex workbooks, their
    fill-in templates and the report (.docx) of ``report`` (report_sections' value, made
    once by the caller for its page too) when given; their paths, in the 下载 page's
    order. (The ledger comes last: a build has it and the report written by a second
    process, serve in line.) ``collect``: a full garbage collection at the end
    (heap.give_back)."""
    from generator.render.annexes import excel
    from generator.render.annexes import templates as excel_templates
    from generator.render.report.docx import save_report

    as_of = figures.rectification.as_of  # decided once, when the records were typed
    files = excel.write_annexes(census, figures, out, when=when, as_of=as_of)
    heap.give_back()  # each stage's peak no longer on top of the last one's freed heap
    files += excel_templates.write_templates(out, census.city.issuer,
                                             excel.fixed_time(census, when))
    if report is not None:
        docx = out / render("build.report_file")
        save_report(report, census, docx, when)
        files.append(docx)
    heap.give_back(collect=collect)
    return files


def _render_site(settings: Settings, census: Census, figures: Figures, schemas: Schemas,
                 stage: Stage, files: list[Path], late: Late,
                 when: datetime, report_value: Report, spare: Spare | None) -> list[Path]:
    """The site's pages into ``stage/docs``, built by MkDocs into ``stage/site`` (here, or by
    ``spare`` while ``late.meanwhile`` runs here), the large tables spliced in, the folder
    marked. ``files`` are the downloads made; ``late``, those still being made: waited for
    once the site is built and the large tables are spliced, put into it (and their sizes
    into the 下载 page), and returned."""
    from generator.publish.site_job import SiteBuild, build_site
    from generator.publish.staging import write_mark
    from generator.render.report import report
    from generator.render.site import deferred as site_deferred
    from generator.render.site import memo
    from generator.render.site import pages as site_pages
    paths, docs, site = settings.paths, stage.folder / "docs", stage.folder / "site"
    report_md = report.markdown_of(report_value, templates=paths.templates)
    tables = stage.folder / "tables"  # the large tables, out of memory until the splice
    tables.mkdir()
    with memo.once():  # each row made once: serve's memos would only hold them
        deferred = site_pages.write_pages(census, figures, schemas, docs, files, report_md,
                                          public=settings.public, templates=paths.templates,
                                          benchmarks=paths.benchmarks, tables=tables,
                                          late=late.names)
    memo.forget()  # serve's memos of rows and words: no next render in a build
    heap.give_back()
    # the large tables while the other process may still be writing; then the 下载 page
    early = [page for page in deferred if page != site_pages.DOWNLOADS_PAGE]
    job = SiteBuild(docs, site, site_pages.nav(census), when, paths.mkdocs_yml,
                    footer(figures), tables, deferred.held(), early)
    if spare is not None and spare.build(job):
        try:
            late.meanwhile()
            spare.wait()
        except BaseException:  # stopped before the staging folder it writes into goes
            spare.close()
            raise
    else:
        build_site(job, deferred)
        late.meanwhile()
    made = late.wait()
    site_pages.late_downloads(site, deferred, late.names, made)
    site_deferred.splice(site, deferred, [site_pages.DOWNLOADS_PAGE])
    site_pages.downloads_complete(site)
    write_mark(site, "site", settings.profile)
    return made


def footer(figures: Figures) -> str:
    """The line every page of the site ends with: 数据截至."""
    return render("build.as_of_footer", date=figures.rectification.as_of.isoformat())


def refresh(session: Session, changed: set[Path] | None) -> Prepared:
    """serve's rebuild: the records re-read (only the files in ``changed`` when that is
    enough; all of them when ``changed`` is None), validated in memory, and, when clean,
    typed, counted and rendered into the preview's site, rebuilding only the pages whose
    text changed. Returns the records as checked (problems included)."""
    from generator.preview import session as preview_site
    schemas = session.the_schemas()
    with collector_paused():
        loaded = preview_site.reload(session, changed)  # load (or re-read the changed files)
        checked = Checked(loaded, schemas, validate(loaded, schemas,  # validate
                                                    schema_pass=session.schema_pass))
    prepared = typed(checked, lambda end: preview_site.as_of(session, end))  # model, aggregate
    if prepared.census is not None and prepared.figures is not None:
        preview_site.render(session, prepared.census, prepared.figures)  # render, MkDocs
    return prepared
