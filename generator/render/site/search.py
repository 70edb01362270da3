"""The objects of detail tables kept out of MkDocs → entries of the site's search index.

A table spliced round MkDocs (site.DEFER_LIMIT; a paged one holds its rows as data besides)
is never seen by MkDocs' search plugin. So that the site search still finds a census object
by its name, form number or reason, each object gets one entry of its own, added to the
index MkDocs wrote (``search_index.json``, and the offline copy ``search_index.js``): its
location is the object's row anchor on the county page (tables.js shows the page of the
table holding it), its title the object's name, its text what is searched for in the
object's rows, one sentence per error, cells apart. Han text is cut into words the way
Material's search plugin cuts it (jieba, words joined by U+200B), so that queries match
alike; a U+200B beside another separator is dropped (it splits nothing more).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any, TextIO

from generator.render.site.memo import memo
from generator.render.site.segment import words
from generator.render.site.tables import Part, Row

SEARCH_INDEX = "search/search_index.json"
SEARCH_JS = "search/search_index.js"
OFFLINE_PREFIX = "var __index = "  # how Material's offline plugin writes the .js copy


# Han script (the plugin matches \p{Han}): CJK radicals, ideographs and their extensions.
HAN = re.compile(r"[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf"
                 r"\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def _words(run: str) -> str:
    """A Han run cut into words, U+200B around and between them (segment.words: memoised, and
    shared with the cuts Material's plugin made of the pages during MkDocs)."""
    return "\u200b" + "\u200b".join(words(run)) + "\u200b"


def _segmenter() -> Callable[[str], str]:
    """Han runs cut into words with U+200B between them, as Material's plugin does; the text
    as it is where jieba is missing (the plugin then indexes it unsegmented too)."""
    try:
        import jieba  # noqa: F401  (only whether it is there)
    except ImportError:
        return lambda text: text
    return lambda text: HAN.sub(lambda m: _words(m.group(0)), text).strip("\u200b")


def _tidier(separator: str | None) -> Callable[[str], str]:
    """Text with no U+200B beside another separator: the search client splits words on any
    run of separators (``separator``, the plugin's, which holds U+200B), so one beside a
    space or a comma splits nothing more, and costs 3 bytes of an index every page reads
    (an eighth of the objects' entries at 1x). The words found are the same."""
    try:
        runs = re.compile(separator or "")
    except re.error:  # a pattern only JavaScript reads: leave the text as segmented
        runs = None
    if runs is None or not separator or "\\u200b" not in separator:
        return lambda text: text
    return lambda text: runs.sub(_tidy_run, text).strip("\u200b")


# What Python's \s takes for white space and JavaScript's (the search client's) does not: a run
# holding one keeps its U+200B, else "公司\x85名称" would be one word in the browser.
_PYTHON_ONLY_SPACE = re.compile("[\x1c-\x1f\x85]")


def _tidy_run(match: re.Match[str]) -> str:
    """A run of separators without a U+200B that another separator beside it makes needless;
    the characters only Python takes for white space split it into runs of their own."""
    run = match.group(0)
    if len(run) == 1:  # most runs: one space or one U+200B, kept as it is
        return run
    if not _PYTHON_ONLY_SPACE.search(run):
        return run.replace("\u200b", "") or "\u200b"
    pieces = _PYTHON_ONLY_SPACE.split(run)
    kept = _PYTHON_ONLY_SPACE.findall(run)
    tidy = [(p.replace("\u200b", "") or "\u200b") if p else "" for p in pieces]
    return "".join(t + k for t, k in zip(tidy, [*kept, ""], strict=True))


def _indexed(text: str, separator: str | None) -> str:
    """``text`` as the index holds it: segmented, tidied. Where a space is a separator and the
    tidier runs, space by space: a U+200B beside a space is dropped either way, and a Han run
    never holds a space, so the pieces, each indexed alone, joined by spaces, are the whole
    text indexed (tests/test_site_fast.py checks it). An entry's text is its cells joined by
    spaces, and the same cells (a form, an indicator, a reason) come back in thousands of
    entries: each is segmented once."""
    if not _by_spaces(separator):
        return _indexed_piece(text, separator)
    return " ".join([_indexed_piece(piece, separator) for piece in text.split(" ")])


@functools.lru_cache(maxsize=8)
def _by_spaces(separator: str | None) -> bool:
    """Whether :func:`_indexed` may index a text space by space: the tidier runs
    (:func:`_tidier`), and the separator is one character class, repeated, that takes a
    space, a U+200B and the two together."""
    if not separator or "\\u200b" not in separator:
        return False
    if not re.fullmatch(r"\[[^\]]*\]\+", separator):  # not one class, repeated: whole texts
        return False
    try:  # the pieces drop a U+200B beside a space: the whole text must drop it too
        return all(re.fullmatch(separator, run) for run in (" ", "\u200b", " \u200b "))
    except re.error:
        return False


@memo(maxsize=1 << 16)
def _indexed_piece(text: str, separator: str | None) -> str:
    """``text`` segmented and tidied. Memoised: the same cells come back in many entries, and
    serve merges the same entries on every rebuild."""
    return _tidier(separator)(_segmenter()(text))


# The cells an entry keeps (see site_tables.FINDING_HEADERS / G106_HEADERS): what people
# search for (form, indicator, reason; problem, industry, product), not dates, states or
# ids, which would only make the index, read by every page, larger.
SEARCHED = {"findings": (3, 4, 5, 6), "g106": (2, 3, 4)}


def _shown(parts: Iterable[Part]) -> str:
    """A cell's text as the index holds text: HTML-escaped, as Material's plugin escapes
    every text it indexes (its search results put titles and texts in as HTML: record text
    unescaped there was live markup, an <img onerror> run on every search)."""
    return " ".join(escape(p.text, quote=False) for p in parts)


def _text(row: Row, kind: str, every: bool) -> str:
    """A row as one sentence, cells apart, rows apart ("|"): the SEARCHED cells, or
    ``every`` cell but the number and the name (the entry's title)."""
    columns = range(2, len(row.cells)) if every else SEARCHED[kind]
    cells = [_shown(row.cells[i]) for i in columns]
    return " ".join(c for c in cells if c) + " | "


def object_docs(page: str, kind: str, rows: Iterable[Row],
                every: bool = False) -> list[dict[str, str]]:
    """One search entry per object of a ``kind`` table on ``page`` (a built page,
    ``x/y.html``): the rows from one anchor to the next belong to that object. ``every``:
    with the text of every cell (a table short enough that the search plugin indexed all of
    it before it went round MkDocs), else the SEARCHED cells (a paged table)."""
    docs: list[dict[str, str]] = []
    for row in rows:
        if row.anchor:
            title = _shown(row.cells[1])
            docs.append({"location": f"{page}#{row.anchor}", "title": title, "text": ""})
        if docs:
            docs[-1]["text"] += _text(row, kind, every)
    return docs


def merge(site: Path, docs: list[dict[str, str]]) -> None:
    """Add ``docs`` to the search index in ``site`` (both copies, where they exist); entries
    already there at the same locations are replaced, so merging twice changes nothing."""
    path = site / SEARCH_INDEX
    if not path.is_file():  # a site without search (no search plugin): nothing to add to
        return
    from generator.publish.mkdocs_run import (
        mkdocs_logging,  # jieba's start-up notes kept off the terminal
    )

    index = json.loads(path.read_text(encoding="utf-8"))
    separator = index.get("config", {}).get("separator")
    with mkdocs_logging():
        docs = [{**d, "title": _indexed(d["title"], separator),
                 "text": _indexed(d["text"], separator)} for d in docs]
    locations = {d["location"] for d in docs}
    index["docs"] = [d for d in index["docs"] if d.get("location") not in locations] + docs
    # As the plugin writes it, but UTF-8 rather than \\u escapes: a third of the size, and
    # every page of an offline site loads the .js copy (a browser reads both as UTF-8).
    offline = site / SEARCH_JS
    targets = [(path, "")] + ([(offline, OFFLINE_PREFIX)] if offline.is_file() else [])
    for target, prefix in targets:
        with open(target, "w", encoding="utf-8") as out:
            out.write(prefix)
            _dump(index, out)


def _dump(index: dict[str, Any], out: TextIO) -> None:
    """``json.dumps(index, separators=(",", ":"), default=str, ensure_ascii=False)`` written
    entry by entry: at ten times city scale the index as one string was a few hundred
    megabytes at the end of the build."""
    def dumps(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), default=str, ensure_ascii=False)

    out.write("{")
    for i, (key, value) in enumerate(index.items()):
        out.write(("," if i else "") + dumps(key) + ":")
        if key != "docs" or not isinstance(value, list):
            out.write(dumps(value))
            continue
        out.write("[")
        for j, doc in enumerate(value):
            out.write(("," if j else "") + dumps(doc))
        out.write("]")
    out.write("}")
