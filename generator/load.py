"""records/ on disk → :class:`Source` values (data plus a way to find positions) and problems.

The only module of the validation side that reads files. The tree's shape decides each
file's kind::

    city.yaml                         city
    <county>/county.yaml              county
    <county>/assistance.yaml          assistance
    <county>/findings/<id>.yaml       finding
    <county>/g106/<id>.yaml           g106
    <county>/verifications/<id>.yaml  verification

Anything else is reported, never skipped silently (dotfiles excepted: .gitkeep and the like).
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import messages, yamlsafe
from generator.errors import RecordError

MAX_BYTES = 1024 * 1024
RECORD_DIRS = {"findings": "finding", "g106": "g106", "verifications": "verification"}
COUNTY_FILES = {"county.yaml": "county", "assistance.yaml": "assistance"}
ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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


def display_path(path: Path) -> str:
    """The path as people will click it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _problem(
    file: str,
    code: str,
    line: int | None = None,
    column: int | None = None,
    **fields: Any,
) -> RecordError:
    return RecordError(
        file=file,
        code=code,
        message=messages.render(code, **fields),
        line=line,
        column=column,
    )


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
            guess = "，看起来是 GBK/GB2312 编码（WPS、记事本“ANSI”的默认编码）"
        except UnicodeDecodeError:
            guess = ""
        return _problem(file, "yaml.encoding", line, column, guess=guess)


def read_source(
    path: Path, kind: str, county: str | None, record_id: str, file: str | None = None
) -> tuple[Source, RecordError | None]:
    """Read and parse one file. Every failure comes back as a located problem. ``file`` is
    the path as shown, when the caller already knows it."""
    file = file or display_path(path)
    source = Source(file=file, kind=kind, county=county, id=record_id)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return source, _problem(file, "yaml.read", reason=exc.strerror or str(exc))
    if len(raw) > MAX_BYTES:
        size = path.stat().st_size
        return source, _problem(file, "yaml.too_large", size=size, limit=MAX_BYTES)
    text = _decode(raw, file)
    if isinstance(text, RecordError):
        return source, text
    source.text = text
    try:
        data = yamlsafe.parse(text)
    except yamlsafe.YamlProblem as exc:
        line, column = exc.line, exc.column
        if exc.code == "yaml.too_deep":
            line, column = 1, 1
        return source, _problem(file, exc.code, line, column, **exc.fields)
    except RecursionError:
        return source, _problem(file, "yaml.too_deep", 1, 1, limit=yamlsafe.MAX_DEPTH)
    if data is None:
        return source, _problem(file, "yaml.empty")
    if not isinstance(data, dict):
        kind_name = messages.type_name(data)
        return source, _problem(file, "yaml.not_mapping", 1, 1, kind=kind_name)
    source.data = data
    return source, None


def _walk(
    root: Path,
) -> tuple[list[tuple[Path, str, str | None, str]], list[RecordError], list[str]]:
    """The record files under ``root`` with their kind, county and id; misplaced files as problems."""
    found: list[tuple[Path, str, str | None, str]] = []
    problems: list[RecordError] = []
    counties: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        parts = here.relative_to(root).parts
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = here / name
            entry = _classify(parts, name)
            if entry is None:
                code = "rule.yml_extension" if name.endswith(".yml") else "rule.stray_file"
                problems.append(_problem(display_path(path), code))
                continue
            kind, county, record_id = entry
            if kind not in ("city", "county", "assistance") and not ID_RE.match(record_id):
                problems.append(_problem(display_path(path), "rule.id_format", id=record_id))
                continue
            found.append((path, kind, county, record_id))
        if len(parts) == 1:
            counties.append(parts[0])
            if not SLUG_RE.match(parts[0]):
                problems.append(_problem(display_path(here), "rule.county_slug", folder=parts[0]))
            if "county.yaml" not in filenames:
                problems.append(
                    _problem(display_path(here), "rule.county_missing", folder=parts[0])
                )
    return found, problems, counties


def _classify(parts: tuple[str, ...], name: str) -> tuple[str, str | None, str] | None:
    if not name.endswith(".yaml"):
        return None
    stem = name[: -len(".yaml")]
    if not parts:
        return ("city", None, "city") if name == "city.yaml" else None
    if len(parts) == 1 and name in COUNTY_FILES:
        return COUNTY_FILES[name], parts[0], parts[0]
    if len(parts) == 2 and parts[1] in RECORD_DIRS:
        return RECORD_DIRS[parts[1]], parts[0], stem
    return None


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


def load(root: Path) -> Loaded:
    """Read every record under ``root``. Problems are collected, never raised."""
    if not root.is_dir():
        problem = _problem(display_path(root), "yaml.read", reason="不是文件夹或不存在")
        return Loaded(root, [], [problem], [], 0)
    entries, problems, counties = _walk(root)
    sources: list[Source] = []
    shown_root = display_path(root)  # resolved once, not once per file (a stat per part)
    with collector_paused():
        for path, kind, county, record_id in entries:
            inside = path.relative_to(root).as_posix()
            shown = inside if shown_root == "." else f"{shown_root}/{inside}"
            source, failure = read_source(path, kind, county, record_id, shown)
            if failure is not None:
                problems.append(failure)
            else:
                sources.append(source)
    if not (root / "city.yaml").is_file():
        problems.append(_problem(display_path(root / "city.yaml"), "rule.city_missing"))
    return Loaded(root, sources, problems, counties, len(entries))
