"""Census + figures → the Markdown pages of the site (and its navigation) in a docs folder.

Page count grows with counties, not with records. Detail tables are raw HTML built with
every value escaped (Markdown would parse thousands of table rows slowly). Tables over
``DEFER_LIMIT`` rows are kept out of MkDocs altogether (the page carries a placeholder and
:func:`splice` puts the table into the built HTML page) and out of its search plugin: their
objects are added to the search index one entry each instead (site_search); over
``SEARCH_LIMIT`` rows they are paged as well (site_tables: a page of rows and the data for
tables.js), so that at city scale neither Markdown, the search plugin nor the browser
handles tens of thousands of rows. An overdue list (整改进展, each county) over
``SEARCH_LIMIT`` rows goes round MkDocs the same way, as the HTML Markdown would make of it
(site_progress.overdue_html), unsearched: its objects are found on their county page.
The placeholders and the splice are in deferred.py; the 记录格式 tables come from schema_page.
"""

from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from generator.records import domain
from generator.records.aggregate import Area, Figures
from generator.records.load import collector_paused
from generator.records.model import CHECK_TITLES, Census, County
from generator.records.redact import public_view
from generator.records.schemas import Schemas
from generator.render import markup
from generator.render.site import chart_pages as site_charts
from generator.render.site import links as site_links
from generator.render.site import progress as site_progress
from generator.render.site import schema_page
from generator.render.site import search as site_search
from generator.render.site import tables as site_tables
from generator.render.site.deferred import SEARCH_DOCS, Deferred
from generator.render.site.links import Download
from generator.settings import CHECKOUT as REPO
from generator.text import render as render_text
from generator.text import site as T

# Written by benchmarks/run; the 性能 page shows it (its own "# …" title dropped).
BENCHMARK_RESULTS = REPO / "benchmarks" / "results.md"
SEARCH_LIMIT = 400
# A detail table over this many rows goes round MkDocs (its objects get search entries of
# their own): at 1x the G106-1 tables, ~110 rows a county, were a third of the text the
# search plugin parsed and cut into words. Under it, a table is searched as page text.
DEFER_LIMIT = 50
ROW_HEIGHT = 64  # px: an overdue list's row at 1280 px, measured in Chromium (two lines)
DOWNLOADS_PAGE = "downloads.html"  # the built 下载 page (use_directory_urls: false)
_SIZE_MARK = "download-size:"  # a late download's size placeholder on it (_size_mark)


def _area_row(area: Area, link: str | None) -> dict[str, Any]:
    t = area.total
    return {"name": area.name, "link": link, "reviewed": t.reviewed,
            "objects": t.problem_objects, "errors": t.errors, "rate": t.error_rate,
            "avg": t.average_errors, "ok": t.rectified, "wip": t.in_progress, "open": t.open,
            "rect_rate": t.rectification_rate, "g106": area.g106_total,
            "verifications": area.verifications, "key": area.key_assistance}


def _common(census: Census, figures: Figures) -> dict[str, Any]:
    return {"city": census.city, "census": census, "figures": figures,
            "types": domain.SOURCE_TYPES, "results": domain.REVIEW_RESULTS}


def _verification_counts(census: Census) -> dict[str, Any]:
    """The 现场核查 page: a section per named verification; for those whose object is not
    named (the public build), how checks came out and which materials were read."""
    checks = [(title, sum(1 for v in census.verifications for c in v.checks
                          if c.key == key and c.ok),
               sum(1 for v in census.verifications for c in v.checks
                   if c.key == key and not c.ok))
              for key, title in CHECK_TITLES.items()]
    materials = Counter(m for v in census.verifications for m in v.materials)
    return {"named": [v for v in census.verifications if v.object_name],
            "unnamed": sum(1 for v in census.verifications if not v.object_name),
            "check_counts": checks,
            "material_counts": sorted(materials.items(), key=lambda kv: (-kv[1], kv[0]))}


def _index(census: Census, figures: Figures) -> dict[str, Any]:
    rows = [_area_row(a, f"counties/{a.slug}.md") for a in figures.counties]
    roles = Counter(m.role for m in census.city.members)
    return {**_common(census, figures), "rows": rows,
            "team_roles": [(r, roles[r]) for r in T.TEAM_ROLES if roles[r]],
            "total": _area_row(figures.city, None),
            "status_chart": site_charts.status(figures), "type_chart": site_charts.types(figures.city),
            "key_names": [a.name for a in figures.key_counties], **site_progress.index(figures)}


def _table(table: site_tables.Table, page: str, deferred: Deferred | None,
           search: list[dict[str, str]]) -> str:
    """A detail table on ``page``. A small one stays in the Markdown, searched as the text
    of its section. One over DEFER_LIMIT rows becomes a placeholder for splice() (unless
    ``deferred`` is None: every table inline), its objects indexed one by one
    (``search``): neither Markdown nor the search plugin parses it. One over SEARCH_LIMIT
    rows is paged as well (site_tables)."""
    paged = len(table.rows) > SEARCH_LIMIT
    aside = paged or len(table.rows) > DEFER_LIMIT
    html = site_tables.render(table, paged, searched=not aside)
    if not aside:
        return html
    search += site_search.object_docs(page, table.kind, table.rows, every=not paged)
    if deferred is None:
        return html
    return _defer(html, table.kind, page, deferred)


def _defer(html: str, kind: str, page: str, deferred: Deferred) -> str:
    """``html`` kept for splice(); the placeholder that stands for it on ``page``."""
    mark = f"<!-- detail-table:{kind} -->"
    deferred.put(page, mark, html)
    return mark


def _overdue(context: dict[str, Any], page: str, deferred: Deferred | None) -> dict[str, Any]:
    """A page's overdue list (site_progress): over SEARCH_LIMIT rows, HTML that MkDocs
    never parses (``overdue_table``; deferred as a large detail table is) and the search
    plugin skips (each object has its own entry on its county page); else "" (the
    template's Markdown table). The long list is wrapped to be laid out only when scrolled
    near (extra.css ``.long-list``): it comes after the detail tables, and laying out its
    thousands of rows kept the page from answering for over a second after load."""
    items = context["overdue_list"]
    if len(items) <= SEARCH_LIMIT:
        return {**context, "overdue_table": ""}
    # its height reserved meanwhile (about a row of two lines each at laptop width), so that
    # the scroll bar jumps less; once laid out, the browser remembers the real one ("auto")
    html = (f'<div class="long-list" style="contain-intrinsic-block-size: auto '
            f'{len(items) * ROW_HEIGHT}px">\n'
            f"{site_progress.overdue_html(items, search=False)}\n</div>")
    return {**context, "overdue_table": html if deferred is None
            else _defer(html, "overdue", page, deferred)}


def _county(census: Census, figures: Figures, county: County, deferred: Deferred | None,
            search: list[dict[str, str]]) -> dict[str, Any]:
    """A county page. A record whose name was redacted (the public build) gets no row: a
    detail table only of records that have one, or none at all. The objects of its paged
    tables are added to ``search`` (site_search.object_docs)."""
    all_findings, all_g106, all_verifications = census.of_county(county.slug)
    findings = tuple(f for f in all_findings if f.object_name)
    g106 = tuple(g for g in all_g106 if g.enterprise)
    verifications = tuple(v for v in all_verifications if v.object_name)
    hidden = (len(all_findings) - len(findings) + len(all_g106) - len(g106)
              + len(all_verifications) - len(verifications))
    page = f"counties/{county.slug}.html"
    findings_html = g106_html = ""
    large = sum(len(f.errors) for f in findings) > SEARCH_LIMIT
    if findings or not hidden:  # an empty section says （无） only where nothing is hidden
        findings_html = _table(site_tables.Table(
            "findings", site_tables.FINDING_HEADERS, site_tables.FINDING_KINDS,
            site_tables.finding_rows(findings)), page, deferred, search)
    if g106 or not hidden:
        g106_html = _table(site_tables.Table(
            "g106", site_tables.G106_HEADERS, site_tables.G106_KINDS,
            site_tables.g106_rows(g106)), page, deferred, search)
    return {**_common(census, figures), "county": county, "area": figures.county(county.slug),
            "findings_html": findings_html, "g106_html": g106_html, "hidden": hidden,
            "verifications": verifications, "large": large,
            "show_verifications": bool(verifications) or not hidden,
            "contacts": [c for c in county.contacts if c.name],
            "show_contacts": not county.contacts or any(c.name for c in county.contacts),
            "notes": any(d.note for d in county.guidance_days),
            "qa": [q for q in county.qa if q.question],
            "show_qa": not county.qa or any(q.question for q in county.qa),
            "assistance": census.assistance.get(county.slug), "annex3": domain.ANNEX3_ROWS,
            "type_chart": site_charts.types(figures.county(county.slug)),
            **_overdue(site_progress.county(figures, county.slug), page, deferred)}


def _analysis(census: Census, figures: Figures) -> dict[str, Any]:
    matrix = [(a.name, [a.by_type[t].errors for t in domain.SOURCE_TYPES], a.total.errors)
              for a in figures.counties]
    return {**_common(census, figures), "form_chart": site_charts.forms(figures), "matrix": matrix,
            "reasons": any(i.reasons for i in figures.by_indicator),
            "county_names": {c.slug: c.name for c in census.counties}}


def nav(census: Census) -> list[dict[str, Any]]:
    """The site's navigation. MkDocs and Material put nav titles into pages as HTML, so a
    title from the records is escaped here (record text is data, never markup)."""
    return [
        {T.NAV_HOME: "index.md"},
        {T.NAV_COUNTIES: [{html.escape(c.name, quote=False): f"counties/{c.slug}.md"}
                    for c in census.counties]},
        {T.NAV_ANALYSIS: "analysis.md"},
        {render_text("build.nav_progress"): "progress.md"},
        {T.NAV_VERIFICATIONS: "verifications.md"},
        {T.NAV_REPORT: "report.md"},
        {T.NAV_DOWNLOADS: "downloads.md"},
        {T.NAV_GUIDE_SECTION: [{T.NAV_GUIDE: "guide.md"}, {T.NAV_SCHEMA: "schema.md"}]},
        # for those who run the tool, not for clerks
        {render_text("build.nav_maintenance"): [{T.NAV_PERFORMANCE: "performance.md"}]},
    ]


def write_pages(census: Census, figures: Figures, schemas: Schemas, docs: Path,
                downloads: list[Path], report_md: str, public: bool = False,
                defer: bool = True, templates: Path = markup.TEMPLATES,
                benchmarks: Path | None = None, env: jinja2.Environment | None = None,
                tables: Path | None = None, late: Sequence[str] = ()) -> Deferred:
    """Write every page and asset of the site into ``docs`` (an empty folder); returns the
    large tables that :func:`splice` must put into the built pages (none with ``defer``
    False: every table inline, for ``mkdocs serve``). The public profile (``public``) renders
    the redacted census (redact.public_view): no confidential value, no free text that is not
    publishable; the templates only follow the data. ``templates`` is site_templates/ (the
    Jinja2 templates, guide.md and the assets); ``benchmarks``, the results the 性能 page
    shows (default BENCHMARK_RESULTS); ``env``, a Jinja2 environment of ``templates`` made
    before (the preview keeps one: its compiled templates are reused); ``tables``, an empty
    folder that holds the large tables until the splice (else they are kept in memory);
    ``late``, the names of downloads still being made (a build's ledger, written by another
    process): the 下载 page lists them, each with a placeholder for its size and an empty
    file in its place, so that MkDocs builds the site without waiting for them;
    :func:`late_downloads` then puts them into the built site."""
    if public:
        census, figures = public_view(census, figures, schemas)
    env = env or markup.environment(templates)
    files = _copy_downloads(downloads, docs / "downloads")
    named = [f.name for f in files] + list(late)
    if len(set(named)) != len(named):  # a bug: two downloads under one name
        raise RuntimeError(f"downloads named twice: {sorted(named)}")
    for name in late:  # an empty file: MkDocs checks the pages' links against the files;
        (docs / "downloads" / name).touch()  # the pages link a late one as any other
        files.append(Download(name, _title(name), _size_mark(name)))
    deferred = Deferred(tables)
    # Hundreds of thousands of new cells, strings and rows, none in a cycle: the collector
    # would rescan the census's heap again and again (most of this stage at 1x).
    with collector_paused():
        pages = _render_pages(census, figures, schemas, env, files, report_md, deferred, defer)
    pages["guide.md"] = (templates / "guide.md").read_text(encoding="utf-8") \
        if (templates / "guide.md").exists() else T.GUIDE_FALLBACK
    results = _benchmark_results(benchmarks or BENCHMARK_RESULTS)
    pages["performance.md"] = markup.render(env, "performance.md.j2", results=results)
    _write(docs, pages)
    shutil.copytree(templates / "assets", docs / "assets")
    _write(docs, {"downloads.md": markup.render(env, "downloads.md.j2", files=files)})
    return deferred


def late_downloads(site: Path, deferred: Deferred, late: Sequence[str],
                   made: Sequence[Path]) -> None:
    """The downloads that were still being made when the pages were written (write_pages'
    ``late``; ``made``, their files now) copied into the built ``site``, over the empty
    files MkDocs copied, and their sizes kept in ``deferred`` for splice() to put into the
    下载 page. A file missing or not announced is a bug, not input."""
    if sorted(late) != sorted(path.name for path in made):
        raise RuntimeError(f"downloads announced {sorted(late)}, made {[str(p) for p in made]}")
    for path in made:
        shutil.copyfile(path, site / "downloads" / path.name)
        deferred.put(DOWNLOADS_PAGE, _size_mark(path.name), _size_kb(path))


def downloads_complete(site: Path) -> None:
    """RuntimeError if the built 下载 page still holds a late download's placeholder: a
    caller that announced a download (write_pages' ``late``) and never put it in
    (:func:`late_downloads`, then the splice) would publish an empty file."""
    page = site / DOWNLOADS_PAGE
    if page.is_file() and _SIZE_MARK in page.read_text("utf-8"):
        raise RuntimeError(f"{page}: a download announced but never put into the site")


def _size_mark(name: str) -> str:
    """The placeholder of a late download's size on the 下载 page (splice() replaces it). A
    file name of ours: no "--" or ">" that would end the comment early."""
    return f"<!-- {_SIZE_MARK}{name} -->"


def _write(docs: Path, pages: dict[str, str]) -> None:
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _render_pages(census: Census, figures: Figures, schemas: Schemas, env: jinja2.Environment,
                  files: list[Download], report_md: str, deferred: Deferred,
                  defer: bool) -> dict[str, str]:
    """The generated pages (docs path → Markdown); into ``deferred``, the large tables (unless
    ``defer`` is False: every table inline) and the search entries of paged tables' objects."""
    search: list[dict[str, str]] = []
    held = deferred if defer else None
    verifications = {**_common(census, figures), **_verification_counts(census)}
    pages: dict[str, str] = {
        "index.md": markup.render(env, "index.md.j2", **_index(census, figures)),
        "analysis.md": markup.render(env, "analysis.md.j2", **_analysis(census, figures)),
        "progress.md": markup.render(env, "progress.md.j2", **_common(census, figures),
                                     **_overdue(site_progress.page(figures), "progress.html",
                                                held),
                                     progress_chart=site_charts.progress(figures.rectification),
                                     overdue_chart=site_charts.overdue(figures.rectification)),
        "verifications.md": markup.render(env, "verifications.md.j2", **verifications),
        "schema.md": markup.render(env, "schema.md.j2", kinds=schema_page.schema_fields(schemas)),
        "report.md": site_links.report_page(env, report_md, files,
                                            render_text("build.report_file")),
    }
    for county in census.counties:
        pages[f"counties/{county.slug}.md"] = markup.render(
            env, "county.md.j2", annexes=site_links.annexes(files, county),
            **_county(census, figures, county, held, search))
    if search:  # added to the index MkDocs writes, whether the tables were deferred or not
        deferred.put(site_search.SEARCH_INDEX, SEARCH_DOCS, json.dumps(search, ensure_ascii=False))
    return pages


def _copy_downloads(downloads: list[Path], target: Path) -> list[Download]:
    """The dist files copied into the site's downloads/ folder; what the pages say of them."""
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for path in downloads:
        shutil.copyfile(path, target / path.name)
        files.append(Download(path.name, _title(path.name), _size_kb(path)))
    return files


def _title(name: str) -> str:
    """A download as the pages name it: its file name without suffix, "_" as spaces."""
    return Path(name).stem.replace("_", " ")


def _size_kb(path: Path) -> str:
    return f"{max(1, round(path.stat().st_size / 1024))}"


def _benchmark_results(path: Path) -> str:
    """benchmarks/results.md under the page's own title: its headings one level down."""
    if not path.is_file():
        return ""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join("#" + line if line.startswith("#") else line for line in lines).strip() + "\n"
