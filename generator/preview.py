"""The live preview's builder: records/ → the built site in a folder MkDocs' server serves.

Takes the records folder and two working folders (the pages, the built site); each call of
:meth:`Preview.rebuild` validates the records and, when they are clean, writes the pages and
builds them with MkDocs. It never raises: problems in the records, and a failure to render
records that passed validation (a bug of ours), become a Chinese problem page written over
every page of the site, so that an open browser tab reloads into it and, once the records
are fixed, back into the real page. It gives, for the terminal, one line saying what
happened; ``failure`` holds the problem page while there is one (for URLs the last good
build did not have).
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.workflow_messages import render

if TYPE_CHECKING:
    from generator.pipeline import Prepared

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">{refresh}<title>{title}</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em}}
h1{{color:#b71c1c;font-size:1.4em}}pre{{background:#fff3f3;border-left:4px solid #b71c1c;
padding:1em;white-space:pre-wrap;word-break:break-all}}</style></head>
<body><h1>{title}</h1><p>{lead}</p><pre>{body}</pre><p>{time}</p></body></html>
"""


@dataclass
class Preview:
    """What the preview server shows; ``serve_url`` is the address the pages are served at."""

    records: Path
    docs: Path
    site: Path
    serve_url: str
    say: Callable[[str], None] = field(default=lambda line: None)
    failure: bytes | None = None

    def rebuild(self) -> None:
        """Regenerate the preview from the records as they are now. Never raises."""
        stamp = time.strftime("%H:%M:%S")
        try:
            problems = self._generate()
        except Exception as exc:  # records that validate but do not render: a bug, not theirs
            if os.environ.get("GENERATOR_DEBUG"):
                traceback.print_exc(file=sys.stderr)
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

    def _generate(self) -> str | None:
        """Pages and site from the records; the problems as text when the records have errors."""
        from generator.errors import report_text
        from generator.pipeline import prepare

        prepared = prepare(self.records)
        checked = prepared.checked
        if prepared.census is None or prepared.figures is None:
            return report_text(checked.problems, checked.loaded.n_files)
        _write_pages(prepared, self.docs)
        self._mkdocs(_nav(prepared))
        if checked.problems:  # warnings only: the pages are built, the terminal shows them
            self.say(report_text(checked.problems, checked.loaded.n_files).rstrip("\n"))
        return None

    def _mkdocs(self, nav: list[dict[str, object]]) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        from generator.build import MKDOCS_YML

        config = load_config(str(MKDOCS_YML), docs_dir=str(self.docs), site_dir=str(self.site),
                             nav=nav, strict=False)
        config.site_url = self.serve_url
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            build(config, serve_url=self.serve_url)
        finally:
            config.plugins.on_shutdown()

    def _show(self, lead: str, body: str, stamp: str) -> None:
        """The problem page over every page of the site, and as index.html and 404.html."""
        page = PAGE.format(refresh="<!--refresh-->", title=html.escape(render("serve.page_title")),
                           lead=html.escape(lead), body=html.escape(body), time=stamp)
        self.failure = page.encode("utf-8")
        self.site.mkdir(parents=True, exist_ok=True)
        pages = {p for p in self.site.rglob("*.html") if p.is_file() and not p.is_symlink()}
        for path in pages | {self.site / "index.html", self.site / "404.html"}:
            path.write_bytes(self.failure)


def _write_pages(prepared: Prepared, docs: Path) -> None:
    """Every page of the internal site into ``docs``, emptied first (a removed record's page
    must go); the downloads are written beside it, as the build does."""
    import tempfile

    from generator.render import excel, report, site

    census, figures = prepared.census, prepared.figures
    assert census is not None and figures is not None  # only clean records get here
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="census-preview-dist-") as tmp:
        dist = Path(tmp)
        files = excel.write_annexes(census, figures, dist)
        report.write_docx(census, figures, dist / "工作报告.docx")
        files.append(dist / "工作报告.docx")
        site.write_pages(census, figures, prepared.checked.schemas, docs, files,
                         report.report_markdown(census, figures),
                         defer=False)  # MkDocs serves the pages itself: no splice step


def _nav(prepared: Prepared) -> list[dict[str, object]]:
    from generator.render import site

    assert prepared.census is not None
    return site.nav(prepared.census)
