"""The site built by MkDocs in a second interpreter, made ready while the records are checked.

A build reads a large tree on both cores (records/load_parallel.py), then checks and types the
records on one: the other core has nothing to do until the ledger's process starts
(render/annexes/ledger_job.py). MkDocs' imports and jieba's dictionary, which Material's search
plugin cuts Chinese with, take some 0.6 s of a build's critical path at city scale. A
:class:`Spare` started as soon as the records are read (pipeline.build, through check's
``on_loaded``) loads them on that idle core. Once the pages are written, it builds the site
from them and splices the large tables in (all but the 下载 page's, which the build splices
once its late downloads are there: :func:`build_site`), while the build writes the work
report; then the build waits for it (:meth:`Spare.wait`).

It runs the very functions the build's own process runs otherwise (publish/mkdocs_run.py,
render/site/deferred.py), so the site is the same bytes either way (tests/test_site_job.py
builds both ways). The job goes to it as one line of JSON on its stdin: the folders, the
navigation, the date and footer, and where the large tables lie (files in the staging
folder). The outcome comes back as one line of JSON on its stdout; a failure is raised again
in the build as the build's own (generator/second.py ``raised``): MkDocs refusing the pages
as the same BuildError, a full disk as the same OSError, anything else as a RuntimeError
carrying the child's traceback. A spare that died before it was given the job is not missed:
the build makes the site in its own process.

The child stops with its stdin: unused (the records had errors, or the build failed before
its pages were written), at the end of the build, or when the build is killed outright. It is a new interpreter
(``python -c``; see generator/second.py) on every system, and ignores Ctrl+C.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from generator import heap, second

CHILD = second.program("generator.publish.site_job", "child")
DOING = "building the site"  # in the note of a failure raised again here


@dataclass(frozen=True)
class SiteBuild:
    """A site to build: the pages in ``docs`` into ``site`` (publish/mkdocs_run.run_mkdocs'
    arguments), then the large tables of the pages ``early`` spliced in from ``tables``
    (deferred.Deferred.held: page → placeholder → file in that folder)."""

    docs: Path
    site: Path
    nav: list[dict[str, object]]
    when: datetime
    mkdocs_yml: Path
    footer: str
    tables: Path
    held: dict[str, dict[str, str]]
    early: list[str]

    def plain(self) -> dict[str, Any]:
        return {"docs": str(self.docs), "site": str(self.site), "nav": self.nav,
                "when": self.when.isoformat(), "mkdocs_yml": str(self.mkdocs_yml),
                "footer": self.footer, "tables": str(self.tables), "held": self.held,
                "early": self.early}

    @classmethod
    def of_plain(cls, plain: dict[str, Any]) -> SiteBuild:
        return cls(Path(plain["docs"]), Path(plain["site"]), plain["nav"],
                   datetime.fromisoformat(plain["when"]), Path(plain["mkdocs_yml"]),
                   plain["footer"], Path(plain["tables"]), plain["held"], plain["early"])


def build_site(job: SiteBuild, deferred: Mapping[str, Mapping[str, str]]) -> None:
    """The site of ``job`` through MkDocs, and the large tables of its early pages spliced in
    from ``deferred``: what a build does here or in the spare."""
    from generator.publish.mkdocs_run import run_mkdocs
    from generator.render.site.deferred import splice

    run_mkdocs(job.docs, job.site, job.nav, job.when, job.mkdocs_yml, footer=job.footer)
    heap.give_back()
    splice(job.site, deferred, job.early)


def warm() -> None:
    """What MkDocs will need loaded: its build and configuration, the theme's search plugin,
    and jieba's dictionary; quietly (mkdocs_logging imports jieba first, with its warning
    about pkg_resources silenced, and its logger, which announces the dictionary, quiet)."""
    from generator.publish.mkdocs_run import mkdocs_logging

    with mkdocs_logging():
        import material.plugins.search.plugin  # noqa: F401  (imports jieba: after the above)
        import mkdocs.commands.build  # noqa: F401
        import mkdocs.config  # noqa: F401

        try:
            import jieba
        except ImportError:  # the plugin then cuts nothing either
            return
        jieba.initialize()


def child() -> None:
    """The spare: ready itself, then build the site its stdin asks for (nothing, at the end of
    its stdin) and say how it went on its stdout. A failure to ready itself is not one: the
    build then loads what it needs as it goes, and says so if that fails too."""
    with suppress(Exception):
        warm()
    line = sys.stdin.readline()
    if not line:  # not needed after all
        return
    threading.Thread(target=second.end_with_stdin, daemon=True).start()
    try:
        from generator.render.site.deferred import Deferred

        job = SiteBuild.of_plain(json.loads(line))
        build_site(job, Deferred.of_held(job.tables, job.held))
        outcome: dict[str, Any] = {"built": str(job.site)}
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        outcome = second.failure(exc)
    sys.stdout.write(second.said(outcome))
    sys.stdout.flush()


class Spare:
    """A second interpreter for the site, started on demand (:meth:`start`), given the site to
    build (:meth:`build`), waited for (:meth:`wait`); stopped on leaving the ``with`` block
    (at once when never given a job)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._given = False
        self._done = False
        self._failed: BaseException | None = None

    def __enter__(self) -> Spare:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Start the child (once): it readies itself meanwhile. Nothing when no second
        interpreter can be had: the build then makes the site in its own process."""
        if self._process is not None:
            return
        with suppress(OSError, TypeError):  # no interpreter (sys.executable None: embedded)
            self._process = subprocess.Popen(
                second.command(CHILD), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                encoding="utf-8", errors="replace")

    @property
    def started(self) -> bool:
        """Whether there is a child to build the site: started, and not known to be gone."""
        return self._process is not None and self._process.poll() is None

    def build(self, job: SiteBuild) -> bool:
        """Hand ``job`` to the child; False when it could not take it (never started, or gone
        before it was told: the caller builds the site itself)."""
        process = self._process
        if process is None or process.stdin is None:
            return False
        try:
            process.stdin.write(json.dumps(job.plain(), ensure_ascii=True) + "\n")
            process.stdin.flush()  # stdin stays open: its closing tells the child to stop
        except OSError:  # it died before reading (its outcome will never come)
            self.close()
            return False
        self._given = True
        return True

    def wait(self) -> None:
        """Once the child has built the site; its failure raised here."""
        process = self._process
        if not self._given or process is None or process.stdout is None:
            raise RuntimeError("the site's process was waited for without a site to build")
        if self._done:
            return
        if self._failed is not None:  # asked again: the same failure
            raise self._failed
        said = process.stdout.read()  # until the child ends (or closes its stdout)
        code = process.wait()
        try:
            outcome = json.loads(said.splitlines()[-1])
        except (IndexError, ValueError):  # killed (out of memory, a signal) before a word
            self._failed = RuntimeError(f"the process {DOING} ended with exit code {code} "
                                        "and no outcome")
            raise self._failed from None
        if "built" not in outcome:
            self._failed = second.raised(outcome, DOING)
            raise self._failed
        self._done = True

    def close(self) -> None:
        """Stop the child if it still runs, and let it go. Its stdin closed first: a child
        still readying itself then reads the end of it and stops, and one building stops at
        once (its watch; on Windows a venv's python is a launcher, and killing the launcher
        leaves the interpreter it started)."""
        if self._process is not None:  # unused: no need to wait for it to ready itself
            second.stop(self._process, kill=not self._given)
