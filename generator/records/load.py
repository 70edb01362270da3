"""A records tree → :class:`Source` values (data plus a way to find positions) and problems.

Takes a :class:`generator.records.tree.TreeSource` (a folder on disk, a git revision, a mapping in
memory, or a folder with files laid over it) or, as before, a folder and the files to lay
over it; gives a :class:`Loaded`. The tree's shape decides each file's kind
(:func:`generator.records.tree.classify`); anything else is reported, never skipped silently
(dotfiles excepted: .gitkeep and the like). Which entries are read at all (symbolic links,
FIFOs, unreadable folders, names equal but for case) is each source's policy; here each file
is placed, named, read and parsed. A file whose
YAML still gives a record (a repeated key, a key that is not text) keeps its record, so that
validation reports all its problems at once.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from generator.errors import RecordError
from generator.records import yamlsafe
from generator.records.domain import RECORD_ID_RE
from generator.records.load_place import county_problems, id_case_problems, place
from generator.records.load_place import problem as _problem
from generator.records.load_tree import FolderSource, read_file
from generator.records.tree import (
    COUNTY_FILES,
    MAX_BYTES,
    RECORD_DIRS,
    MemorySource,
    Overlay,
    Place,
    Placed,
    Show,
    Tree,
    TreeSource,
)
from generator.text import records as messages

__all__ = ["COUNTY_FILES", "MAX_BYTES", "RECORD_DIRS", "FolderSource", "Loaded", "MemorySource",
           "Source", "TreeSource", "load", "read_source", "source_of"]
ID_RE = RECORD_ID_RE  # kept for callers that match ids; prefer domain.is_record_id


@dataclass
class Source:
    """One record file: where it is, what kind it is, its data once parsed."""

    file: str
    kind: str
    county: str | None
    id: str
    text: str = ""
    data: Any = None
    _root: Any = field(default=None, repr=False)
    _composed: bool = field(default=False, repr=False)

    def locate(
        self, path: tuple[str | int, ...], key: bool = False
    ) -> tuple[int | None, int | None]:
        """Position of ``path`` in the file, composing the node tree on first use only."""
        if not self._composed:
            self._composed = True
            try:
                self._root = yamlsafe.compose(self.text)
            except yaml.YAMLError:
                self._root = None
        where = yamlsafe.locate(self._root, path, key=key)
        return where if where else (None, None)


@dataclass
class Loaded:
    root: Path
    sources: list[Source]
    problems: list[RecordError]
    counties: list[str]
    n_files: int
    tree: Tree = field(repr=False)  # what the source listed, the entries it refused too
    show: Show = field(repr=False)  # a place in the tree → the file as shown


def display_path(path: Path) -> str:
    """The path as people will click it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _decode(raw: bytes, file: str) -> str | RecordError:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            guess = messages.render("yaml.encoding_gbk")
        except UnicodeDecodeError:
            guess = ""
        return _problem(file, "yaml.encoding", line, column, guess=guess)


def _parse(source: Source, text: str) -> list[RecordError]:
    """Parse ``text`` into ``source.data``; the located problems. ``data`` stays None when
    no record could be read at all."""
    file = source.file
    try:
        data, found = yamlsafe.parse_record(text)
    except yamlsafe.YamlProblem as exc:
        line, column = (1, 1) if exc.code == "yaml.too_deep" else (exc.line, exc.column)
        return [_problem(file, exc.code, line, column, **exc.fields)]
    except RecursionError:
        return [_problem(file, "yaml.too_deep", 1, 1, limit=yamlsafe.MAX_DEPTH)]
    if data is None:
        return [_problem(file, "yaml.empty")]
    if not isinstance(data, dict):
        return [_problem(file, "yaml.not_mapping", 1, 1, kind=messages.type_name(data))]
    source.data = data
    return [_problem(file, p.code, p.line, p.column, **p.fields) for p in found]


def read_source(
    path: Path, kind: str, county: str | None, record_id: str, file: str | None = None,
    content: bytes | None = None,
) -> tuple[Source, list[RecordError]]:
    """Read and parse one file on disk (or ``content``, its bytes when they are not on disk
    yet): the source and its located problems. ``file`` is the path as shown, when the
    caller already knows it. See :func:`parse_source`."""
    file = file or display_path(path)
    raw = read_file(path, file) if content is None else content
    if not isinstance(raw, RecordError) and len(raw) > MAX_BYTES:
        raw = too_large_problem(file, len(raw))
    return parse_source(raw, file, (kind, county, record_id))


def too_large_problem(file: str, size: int) -> RecordError:
    return _problem(file, "yaml.too_large", size=size, limit=MAX_BYTES)


def parse_source(raw: bytes | RecordError, file: str, placed: Placed
                 ) -> tuple[Source, list[RecordError]]:
    """The bytes of a record file (or why they could not be read) → its source and located
    problems. ``source.data`` is the record when one could be read, even with problems (a
    repeated key, say), else None."""
    kind, county, record_id = placed
    source = Source(file=file, kind=kind, county=county, id=record_id)
    if isinstance(raw, RecordError):
        return source, [raw]
    text = _decode(raw, file)
    if isinstance(text, RecordError):
        return source, [text]
    source.text = text
    return source, _parse(source, text)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while records are read (and, in pipeline, checked and
    typed). Loading keeps every record, millions of new objects at city scale, so the
    collector would scan a growing heap over and over: a tenth of validate at 1×, and more
    the larger the tree. The records are plain dicts, lists and strings without cycles, and
    a file's node tree is freed by reference counting as soon as it has been constructed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def shown_name(name: str) -> str:
    """A file or folder name as printed: a control character (``zz\\n``) escaped, so that a
    problem stays one line and the name is visibly not the one it looks like."""
    return name if name.isprintable() else json.dumps(name, ensure_ascii=False)[1:-1]


def _shower(root: Path) -> Show:
    """Place in the tree → the path people see, the root resolved once (not once per file)."""
    shown_root = display_path(root)

    def show(place: tuple[str, ...]) -> str:
        inside = "/".join(map(shown_name, place))
        if not inside:
            return shown_root
        return inside if shown_root == "." else f"{shown_root}/{inside}"

    return show


def source_of(root: Path | TreeSource, extra: Mapping[Place, bytes] | None = None
              ) -> TreeSource:
    """The tree source of a folder (with ``extra``, place → content, laid over it) or the
    source itself."""
    source: TreeSource = FolderSource(root) if isinstance(root, Path) else root
    return Overlay(source, extra) if extra else source


def load(root: Path | TreeSource, extra: Mapping[Place, bytes] | None = None,
         kinds: Collection[str] | None = None, workers: int = 1) -> Loaded:
    """Read every record of a tree: a folder (with the files ``extra`` gives, place below
    the root → content, as if they were there) or any :class:`TreeSource`. With ``kinds``,
    only the records of those kinds are read (the tree is still listed and checked whole).
    ``workers``: processes that may parse the files (load_parallel; a large tree only).
    Problems are collected, never raised."""
    from generator.records.load_parallel import Job, parsed

    source = source_of(root, extra)
    show = _shower(source.root)
    tree = source.scan(show)
    entries, problems = place(tree, show)
    counties, named = county_problems(tree, show)
    problems = tree.problems + problems + named + id_case_problems(entries, show)
    sources: list[Source] = []
    on_disk = type(source) is FolderSource  # its files read by path (in a helper too)
    jobs: list[Job] = [
        (entry.path if on_disk else partial(source.read, entry, file), file,
         (kind, county, record_id))
        for entry, kind, county, record_id in entries if kinds is None or kind in kinds
        for file in (show(entry.place),)]
    with collector_paused():
        for source_, found in parsed(jobs, workers):
            problems.extend(found)
            if source_.data is not None:
                sources.append(source_)
    if "city.yaml" not in tree.names.get((), {"city.yaml"}):  # unlisted root: said already
        problems.append(_problem(show(("city.yaml",)), "rule.city_missing"))
    return Loaded(source.root, sources, problems, counties, len(entries), tree, show)
