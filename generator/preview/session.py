"""serve's incremental stages: what pipeline.refresh calls between two saves of a record.

Takes a :class:`Session` (the settings, the preview's folders, and what the last rebuild
read and wrote) and the files that changed; gives
- reload: the records as loaded, re-reading only the changed files when every one of them is
  a record that was read cleanly before (anything else: a new, removed or renamed file, a
  folder, a file that had a problem while being read, is a full load);
- render: the site's pages rendered in memory, only those whose text changed written into
  the docs folder, MkDocs run on those pages only (``dirty``: a page is rebuilt when its
  Markdown is newer than its HTML), and the large tables spliced into the rebuilt pages.
No workbook or report is made while previewing unless the settings ask (the downloads page
then lists them). A full MkDocs build is made first, after a change of navigation, and after
a problem page was written over the site.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import jinja2

from generator.errors import RecordError
from generator.records.aggregate import Figures
from generator.records.load import Loaded, Source, display_path, load, read_source, shown_name
from generator.records.model import Census
from generator.records.schemas import Schemas, load_schemas
from generator.records.validate import schema_problems
from generator.settings import Settings, as_of_date, stamp

SEARCH_INDEX = Path("search") / "search_index.json"
SEARCH_JS = Path("search") / "search_index.js"  # the offline copy (Material's offline plugin)


@dataclass
class Session:
    """The preview's state between rebuilds. ``built`` is False until the site folder holds a
    whole build of the docs folder (again False once a problem page is written over it)."""

    settings: Settings
    docs: Path
    site: Path
    serve_url: str
    schemas: Schemas | None = None  # loaded by the first rebuild (a broken schema is its problem)
    loaded: Loaded | None = None
    pages: dict[str, bytes] = field(default_factory=dict)
    tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    nav: list[dict[str, object]] = field(default_factory=list)
    built: bool = False
    search_index: bytes | None = None
    when: datetime | None = None
    as_of_day: date | None = None  # 数据截至, decided once per session as a build decides it
    env: jinja2.Environment | None = None  # compiled templates, kept (Jinja2 reloads edited ones)
    schema_found: dict[int, tuple[Source, list[RecordError]]] = field(default_factory=dict)
    # the search entries last merged into the index and the index files that made
    merged: tuple[Mapping[str, str] | None, tuple[bytes | None, ...]] | None = None

    def reset(self) -> None:
        """Forget everything read and built: the next rebuild is a full one (a schema, a
        template or mkdocs.yml changed, or a rebuild failed)."""
        self.schemas, self.loaded, self.built, self.pages, self.tables = None, None, False, {}, {}
        self.env, self.schema_found, self.merged = None, {}, None

    def schema_pass(self, source: Source, schemas: Schemas) -> list[RecordError]:
        """validate.schema_problems, remembered per source: an unchanged record is the same
        Source object from one rebuild to the next (reload re-reads only changed files)."""
        known = self.schema_found.get(id(source))
        if known is None or known[0] is not source:
            known = self.schema_found[id(source)] = (source, schema_problems(source, schemas))
        return known[1]

    def the_schemas(self) -> Schemas:
        if self.schemas is None:
            self.schemas = load_schemas(self.settings.paths.schemas)
        return self.schemas


def reload(session: Session, changed: set[Path] | None) -> Loaded:
    """The records now: the last load with the ``changed`` files re-read, when that is
    enough, else a full load. Kept in the session for the next call."""
    loaded = session.loaded
    fresh = _reread(loaded, changed) if loaded is not None and changed is not None else None
    if fresh is None:
        session.schema_found = {}  # the sources it was kept for are gone
    session.loaded = fresh or load(session.settings.paths.records)
    return session.loaded


def _reread(loaded: Loaded, changed: set[Path]) -> Loaded | None:
    """``loaded`` with each changed file read again; None when one of them is not a record
    that was read before without a problem of its own (then only a full load is right)."""
    sources, problems = list(loaded.sources), list(loaded.problems)
    index = {source.file: i for i, source in enumerate(sources)}
    for path in sorted(changed):
        file = _shown(loaded.root, path)
        if file is None or file not in index or not path.is_file():
            return None
        if any(p.file == file for p in problems):
            return None  # a problem of reading or naming: the loader's to judge again
        i = index[file]
        old = sources[i]
        source, found = read_source(path, old.kind, old.county, old.id, file)
        if source.data is None:
            return None  # no record any more: the loader decides what that means
        sources[i] = source
        problems.extend(found)
    return replace(loaded, sources=sources, problems=problems)


def _shown(root: Path, path: Path) -> str | None:
    """How load names the file at ``path`` under ``root``; None for a name it would escape
    or a path outside the tree."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except (OSError, ValueError):
        return None
    if not parts or any(shown_name(p) != p or p.startswith(".") for p in parts):
        return None
    shown_root = display_path(root)
    inside = "/".join(parts)
    return inside if shown_root == "." else f"{shown_root}/{inside}"


def render(session: Session, census: Census, figures: Figures) -> None:
    """The preview's pages and site from a clean census (see the module docstring)."""
    from generator.pipeline import footer
    from generator.render.site import deferred as site_deferred
    from generator.render.site import pages as site_pages
    nav = site_pages.nav(census)
    with tempfile.TemporaryDirectory(prefix="census-preview-pages-") as tmp:
        files = _downloads(session, census, figures, Path(tmp) / "dist")
        pages, tables = _pages(session, census, figures, Path(tmp) / "docs", files)
    full = not session.built or nav != session.nav or pages.keys() != session.pages.keys()
    written = _sync(session.docs, pages, session.pages, full)
    retabled = {page for page in tables.keys() | session.tables.keys()
                if tables.get(page) != session.tables.get(page)}
    for page in retabled:  # a large table changed under an unchanged placeholder
        source = session.docs / page.replace(".html", ".md")
        if source.is_file():
            source.touch()
            written.add(page.replace(".html", ".md"))
    session.built, session.pages, session.tables, session.nav = False, pages, tables, nav
    _mkdocs(session, nav, _when(session, census), dirty=not full,
            footer=footer(figures))
    rebuilt = {name.replace(".md", ".html") for name in written if name.endswith(".md")}
    site_deferred.splice(session.site, {p: t for p, t in tables.items()
                                     if (full or p in rebuilt) and p != SEARCH_INDEX.as_posix()})
    _search(session, tables.get(SEARCH_INDEX.as_posix()), dirty=not full)
    session.built = True


def _search(session: Session, docs: Mapping[str, str] | None, dirty: bool) -> None:
    """The search entries of paged tables' objects into the index MkDocs wrote (a dirty build
    put back the index without them). When they are those of the last rebuild, the index
    files it made are written back as they were: reading, merging and writing an index of
    several MiB is most of what an edit would otherwise cost here."""
    from generator.render.site import deferred as site_deferred

    files = [session.site / SEARCH_INDEX, session.site / SEARCH_JS]
    if dirty and session.merged is not None and session.merged[0] == docs:
        for path, data in zip(files, session.merged[1], strict=True):
            if data is not None:
                path.write_bytes(data)
        return
    if docs is not None:
        site_deferred.splice(session.site, {SEARCH_INDEX.as_posix(): docs})
    session.merged = (docs, tuple(p.read_bytes() if p.is_file() else None for p in files))


def _downloads(session: Session, census: Census, figures: Figures, out: Path) -> list[Path]:
    """The annexes, their templates, the report and the ledger, as a build lists them, only
    when the preview is asked to show them (the ledger written in this process)."""
    if not session.settings.preview_downloads:
        return []
    from generator.pipeline import write_downloads
    from generator.render.annexes import excel, ledger
    out.mkdir(parents=True)
    from generator.render.report.report import report_sections
    when = _when(session, census)
    files = write_downloads(census, figures, out, when, report=report_sections(census, figures))
    return [*files, ledger.write_ledger(census, out, figures.rectification.as_of,
                                        excel.fixed_time(census, when))]


def _pages(session: Session, census: Census, figures: Figures, docs: Path,
           files: list[Path]) -> tuple[dict[str, bytes], Mapping[str, Mapping[str, str]]]:
    """Every page and asset of the site, rendered into a scratch folder and read back."""
    from generator.render import markup
    from generator.render.report import report
    from generator.render.site import pages as site_pages
    paths = session.settings.paths
    env = session.env = session.env or markup.environment(paths.templates)
    report_md = report.report_markdown(census, figures, schemas=session.the_schemas(), env=env)
    tables = site_pages.write_pages(census, figures, session.the_schemas(), docs, files,
                                    report_md, templates=paths.templates,
                                    benchmarks=paths.benchmarks, env=env)
    pages = {p.relative_to(docs).as_posix(): p.read_bytes()
             for p in sorted(docs.rglob("*")) if p.is_file()}
    return pages, tables


def _sync(docs: Path, pages: dict[str, bytes], before: dict[str, bytes], full: bool) -> set[str]:
    """Write into ``docs`` the pages whose bytes changed (all of them when ``full``, after
    emptying it), leaving the others untouched so that MkDocs skips them; their names."""
    if full:
        shutil.rmtree(docs, ignore_errors=True)
    written = set()
    for name, data in pages.items():
        if full or before.get(name) != data:
            path = docs / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.add(name)
    return written


def _mkdocs(session: Session, nav: list[dict[str, object]], when: datetime,
            dirty: bool, footer: str) -> None:
    """MkDocs over the docs folder. A dirty build indexes only the pages it rebuilt, so the
    search index of the last full build is put back (stale only for the changed pages)."""
    from generator.publish.mkdocs_run import run_mkdocs

    run_mkdocs(session.docs, session.site, nav, when, session.settings.paths.mkdocs_yml,
               serve_url=session.serve_url, dirty=dirty, footer=footer)
    index = session.site / SEARCH_INDEX
    if dirty and session.search_index is not None:
        index.write_bytes(session.search_index)
    elif index.is_file():
        session.search_index = index.read_bytes()


def as_of(session: Session, period_end: str) -> date:
    """The preview's 数据截至, decided once per session (settings.as_of_date, as a build)."""
    if session.as_of_day is None:
        session.as_of_day = as_of_date(session.settings, period_end)
    return session.as_of_day


def _when(session: Session, census: Census) -> datetime:
    """The preview's date, decided once per session (git is asked at most once)."""
    if session.when is None:
        session.when = stamp(session.settings, census.city.period_end)
    return session.when
