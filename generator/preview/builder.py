"""The live preview's builder: records/ → the built site in a folder MkDocs' server serves.

Takes the settings (records folder, templates, mkdocs.yml) and two working folders (the
pages, the built site); each call of :meth:`Preview.rebuild` runs pipeline.refresh, given the
files that changed since the last call (None: everything), which validates the records and,
when they are clean, rebuilds the pages the change touched. It never raises: problems in
the records, and a failure to render records that passed validation (a bug of ours), become
a Chinese problem page written over every page of the site, so that an open browser tab
reloads into it and, once the records are fixed, back into the real page. It gives, for the
terminal, one line saying what happened; ``failure`` holds the problem page while there is
one (for URLs the last good build did not have).
"""

from __future__ import annotations

import html
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.preview.session import Session
from generator.settings import Settings, for_records
from generator.text.workflow import render

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">{refresh}<title>{title}</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}}
h1{{color:#b71c1c;font-size:1.4em}}pre{{background:#fff3f3;border-left:4px solid #b71c1c;
padding:1em;white-space:pre-wrap;word-break:break-all}}</style></head>
<body><h1>{title}</h1><p>{lead}</p><pre>{body}</pre><p>{time}</p></body></html>
"""


@dataclass
class Preview:
    """What the preview server shows; ``serve_url`` is the address the pages are served at.
    ``settings`` default to those of ``records`` with the checkout's paths; ``debug`` prints
    the traceback of a failed rebuild (GENERATOR_DEBUG, read by the CLI)."""

    records: Path
    docs: Path
    site: Path
    serve_url: str
    say: Callable[[str], None] = field(default=lambda line: None)
    failure: bytes | None = None
    settings: Settings | None = None
    debug: bool = False
    session: Session = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings or for_records(self.records)
        self.session = Session(settings, self.docs, self.site, self.serve_url)

    def rebuild(self, changed: set[Path] | None = None) -> None:
        """Regenerate the preview from the records as they are now, given the record files
        changed since the last call (None: anything may have changed). Never raises."""
        stamp = time.strftime("%H:%M:%S")
        try:
            problems = self._generate(changed)
        except Exception as exc:  # records that validate but do not render: a bug, not theirs
            if self.debug:
                traceback.print_exc(file=sys.stderr)
            self.session.reset()  # start afresh next time, whatever half-happened
            detail = f"{type(exc).__name__}: {exc}"
            self._show(render("serve.page_failed"), detail, stamp)
            self.say(render("serve.failed", time=stamp, detail=detail))
            return
        if problems is not None:
            self._show(render("serve.page_problems"), problems, stamp)
            self.say(problems + render("serve.problems", time=stamp))
            return
        self.failure = None
        self.say(render("serve.updated", time=stamp))

    def error_page(self, code: int) -> bytes | None:
        """The body for a URL with no file (MkDocs' server asks on 404 and 500): the problem
        page while there is one, else the site's own 404 page."""
        if self.failure is not None:
            return self.failure.replace(b"<!--refresh-->", b'<meta http-equiv="refresh" content="3">')
        page = self.site / "404.html"
        return page.read_bytes() if code == 404 and page.is_file() else None

    def _generate(self, changed: set[Path] | None) -> str | None:
        """Pages and site from the records; the problems as text when the records have errors."""
        from generator.errors import report_text
        from generator.pipeline import refresh

        prepared = refresh(self.session, changed)
        checked = prepared.checked
        if prepared.census is None:
            return report_text(checked.problems, checked.loaded.n_files)
        if checked.problems:  # warnings only: the pages are built, the terminal shows them
            self.say(report_text(checked.problems, checked.loaded.n_files).rstrip("\n"))
        return None

    def _show(self, lead: str, body: str, stamp: str) -> None:
        """The problem page over every page of the site, and as index.html and 404.html."""
        page = PAGE.format(refresh="<!--refresh-->", title=html.escape(render("serve.page_title")),
                           lead=html.escape(lead), body=html.escape(body), time=stamp)
        self.failure = page.encode("utf-8")
        self.session.built = False  # the site no longer holds the pages: rebuild them all
        self.site.mkdir(parents=True, exist_ok=True)
        pages = {p for p in self.site.rglob("*.html") if p.is_file() and not p.is_symlink()}
        for path in pages | {self.site / "index.html", self.site / "404.html"}:
            path.write_bytes(self.failure)

