"""The large tables of the site's pages, kept round MkDocs and spliced into the built pages.

pages.py puts a placeholder (an HTML comment) into a page's Markdown where a large table
belongs and hands the table here (:class:`Deferred`); once MkDocs has built the site,
:func:`splice` puts each table into its built page in place of its placeholder, and the
search entries of paged tables' objects into the search index. Markdown passes a comment
through verbatim, and record text cannot forge one: every value in a page is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from generator.render.site import search as site_search

# The entry of the search index (site_search.SEARCH_INDEX) holds, under this key, the search
# entries of paged tables' objects (JSON) instead of a table.
SEARCH_DOCS = "docs"


class Deferred(Mapping[str, Mapping[str, str]]):
    """The tables :func:`splice` puts into built pages: built page (relative to the site
    folder) → {placeholder: table HTML}. Held in memory, or, given a ``folder``, each table
    in a file there, read back page by page: a build at ten times city scale held a quarter
    of a gigabyte of them from the pages through MkDocs to the splice. Looking a page up
    reads its tables; whether a page has any does not (``in``). Comparing two, or
    ``dict()`` of one, reads them all: serve does so, with its tables in memory."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._pages: dict[str, dict[str, str]] = {}  # the HTML, or its file's name in folder
        self._files = 0

    def put(self, page: str, mark: str, html: str) -> None:
        """``html`` kept for ``page`` in place of ``mark``."""
        if self._folder is not None:
            self._files += 1
            name = f"{self._files}.part"  # a table's HTML, or the search entries' JSON
            (self._folder / name).write_bytes(html.encode("utf-8"))
            html = name
        self._pages.setdefault(page, {})[mark] = html

    def __getitem__(self, page: str) -> Mapping[str, str]:
        held = self._pages[page]
        if self._folder is None:
            return held
        folder = self._folder
        return {mark: (folder / name).read_bytes().decode("utf-8") for mark, name in held.items()}

    def __contains__(self, page: object) -> bool:
        return page in self._pages

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def held(self) -> dict[str, dict[str, str]]:
        """Page → placeholder → the name of the file in the folder holding its table: what
        another process needs to read them (:meth:`of_held`; the site's, publish/site_job.py)."""
        if self._folder is None:
            raise RuntimeError("only tables kept in a folder can be handed to another process")
        return {page: dict(marks) for page, marks in self._pages.items()}

    @classmethod
    def of_held(cls, folder: Path, held: Mapping[str, Mapping[str, str]]) -> Deferred:
        """The tables :meth:`held` gave, in ``folder``, read as they are asked for."""
        deferred = cls(folder)
        deferred._pages = {page: dict(marks) for page, marks in held.items()}
        deferred._files = sum(map(len, held.values()))
        return deferred


def splice(site: Path, deferred: Mapping[str, Mapping[str, str]],
           pages: Iterable[str] | None = None) -> None:
    """Put each deferred table into its built page, in place of its placeholder, and the
    objects of paged tables into the search index. One page's tables at a time: those of a
    Deferred with a folder are read from it as their page's turn comes. ``pages``: only
    these of the deferred pages (a build splices the 下载 page last, once the downloads made
    beside it are there); every one by default."""
    for page in sorted(deferred if pages is None else set(pages) & set(deferred)):
        tables = deferred[page]
        if page == site_search.SEARCH_INDEX:
            site_search.merge(site, json.loads(tables[SEARCH_DOCS]))
            continue
        path = site / page
        html = path.read_bytes()  # bytes: no newline translation, the same file everywhere
        for mark, table in tables.items():
            found = html.count(mark.encode("utf-8"))
            if found != 1:  # a template that lost or doubled it: a bug, not input
                raise RuntimeError(f"{page}: placeholder {mark} found {found} times")
            html = html.replace(mark.encode("utf-8"), table.encode("utf-8"))
        path.write_bytes(html)
