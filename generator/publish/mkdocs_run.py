"""MkDocs run in-process: the pages of a docs folder built into a site folder.

Takes the docs folder, the navigation, the build's date and footer; writes the site (a
BuildError, in Chinese, when MkDocs refuses). Process-wide state that MkDocs needs (an
environment variable, its loggers, its plugin cache) is set only around the call and put
back, so nothing leaks into the next build of the same process (serve, tests).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.publish.marks import BuildError
from generator.publish.search_worker import mend_search_worker
from generator.settings import CHECKOUT
from generator.text import render

MKDOCS_YML = CHECKOUT / "mkdocs.yml"


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore each one (MkDocs
    reads SOURCE_DATE_EPOCH from the environment; nothing here leaks into the next build)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in before.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def _mkdocs_build(config: Any, serve_url: str | None = None, dirty: bool = False) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    from generator.records.load import collector_paused
    from generator.render.site.segment import plugin_cut

    # MkDocs makes millions of short-lived objects (element trees, search entries) and
    # frees them by reference counting; the collector would rescan the records' heap
    # between them. Scoped: whatever cycles it leaves are collected once it returns. The
    # search plugin's jieba cuts are memoised meanwhile (render/site/segment.py).
    with collector_paused(), plugin_cut():
        mkdocs_build(config, serve_url=serve_url, dirty=dirty)


def _fresh_plugins() -> None:
    """MkDocs keeps every plugin that has on_startup in one cache for the whole process (for
    `mkdocs serve`), so Material's search plugin carries the index of a dirty (preview) build
    into the next build: a public build after an internal preview would index internal pages.
    A full build starts from new plugin instances."""
    from mkdocs.config.config_options import Plugins
    from mkdocs.config.defaults import MkDocsConfig

    option = MkDocsConfig.plugins
    if isinstance(option, Plugins):
        option.plugin_cache.clear()


def run_mkdocs(docs: Path, site: Path, nav: list[dict[str, object]], when: datetime,
               mkdocs_yml: Path = MKDOCS_YML, *, serve_url: str | None = None,
               dirty: bool = False, footer: str | None = None) -> None:
    """The pages in ``docs`` → the site in ``site`` through MkDocs, dated ``when``, each page's
    footer saying ``footer`` (数据截至; the theme's copyright line). A build
    (``serve_url`` None) is strict: any MkDocs warning fails it (BuildError, in Chinese).
    The preview passes its address, and ``dirty`` to rebuild only pages newer than their
    HTML. The environment and MkDocs' loggers are as before once it returns."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    collected = _WarningCollector()
    quiet = {"NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}
    try:
        with mkdocs_logging(collected), _environ(SOURCE_DATE_EPOCH=str(int(when.timestamp())),
                                                 **quiet):
            if not dirty:
                _fresh_plugins()
            config = load_config(str(mkdocs_yml), docs_dir=str(docs), site_dir=str(site),
                                 nav=nav, strict=serve_url is None)
            if serve_url is not None:
                config.site_url = serve_url
            if footer is not None:
                config.copyright = footer
            config.plugins.on_startup(command="build" if serve_url is None else "serve",
                                      dirty=dirty)
            try:
                _mkdocs_build(config, serve_url=serve_url, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
        mend_search_worker(site)  # lunr's ambiguous token-set keys (publish/search_worker.py)
    except (Abort, ConfigurationError) as exc:
        detail = render("build.detail_sep").join(collected.messages[:10]) or str(exc)
        raise BuildError("build.mkdocs_failed", detail=detail) from None


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def mkdocs_logging(handler: logging.Handler | None = None) -> Iterator[None]:
    """MkDocs' (and jieba's, which its search plugin imports) loggers quiet, and ``handler``
    collecting MkDocs' warnings, for the duration of a block; then as they were."""
    with warnings.catch_warnings():  # jieba imports pkg_resources where setuptools exists
        warnings.simplefilter("ignore")
        with suppress(ImportError):
            import jieba  # noqa: F401  (it sets its logger up on import: do that first)
    loggers = [logging.getLogger(name) for name in ("mkdocs", "jieba")]
    before = [(log, log.level, log.propagate) for log in loggers]
    for log in loggers:
        log.setLevel(max(log.getEffectiveLevel(), logging.WARNING))
        log.propagate = False
    if handler is not None:
        loggers[0].addHandler(handler)
    try:
        yield
    finally:
        if handler is not None:
            loggers[0].removeHandler(handler)
        for log, level, propagate in before:
            log.setLevel(level)
            log.propagate = propagate
