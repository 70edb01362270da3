"""The records tree, whatever holds it → places, kinds and bytes. The one reader's vocabulary.

A :class:`TreeSource` lists the files of a records tree with their place (folder names from
the root, then the file's name) and reads the bytes at a place. Three hold a tree: a folder
on disk (generator.records.load_tree.FolderSource), a git revision (generator.records.tree_git.GitSource) and
a mapping in memory (:class:`MemorySource`, also laid over a folder by :class:`Overlay` when
``import`` checks the files it would write). Every command that reads records (validate,
build, diff, import, codeowners) goes through one of them and through :func:`classify`, so a
file is placed, named and refused the same way whichever holds it.

What every source shares, whatever its own policy for links and odd entries: names starting
with a dot are skipped (``.gitkeep``), names of one folder that differ only by case or Unicode
spelling are refused (on Windows and macOS they are one file), and each source says what it
will not read as a located problem instead of skipping it.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.errors import RecordError
from generator.text import records as messages

Place = tuple[str, ...]  # folder names from the root, then the entry's own name
Show = Callable[[Place], str]
Placed = tuple[str, str | None, str]  # a record file's kind, county and id
MAX_BYTES = 1024 * 1024
RECORD_DIRS = {"findings": "finding", "g106": "g106", "verifications": "verification"}
COUNTY_FILES = {"county.yaml": "county", "assistance.yaml": "assistance"}


@dataclass(frozen=True)
class Entry:
    """A regular file to read: ``parts`` are its folders below the root, ``path`` as reached
    on disk (for a git revision or memory, where it would be)."""

    parts: Place
    name: str
    path: Path

    @property
    def place(self) -> Place:
        return (*self.parts, self.name)


@dataclass
class Tree:
    """What a source lists: the files to read in tree order (a folder's files before its
    subfolders, names in code-point order), each folder's readable file names, a problem for
    each entry that will not be read, and those entries' places."""

    files: list[Entry] = field(default_factory=list)
    names: dict[Place, set[str]] = field(default_factory=dict)  # folder → its readable files
    problems: list[RecordError] = field(default_factory=list)
    refused: list[Place] = field(default_factory=list)  # entries not read, in problem order


class TreeSource(Protocol):
    """A records tree. ``root`` is the folder it is shown as (for a git revision, the
    records folder of the working tree, so that both versions name a file alike)."""

    root: Path

    def scan(self, show: Show) -> Tree:
        """Every entry of the tree: the files to read, and a problem for each other one."""
        ...

    def read(self, entry: Entry, file: str) -> bytes | RecordError:
        """The bytes of a listed file (at most MAX_BYTES + 1 of them), or why not, located
        at ``file`` (the file as shown)."""
        ...


def classify(place: Place) -> Placed | None:
    """(kind, county, id) of a record file by its place; None for a file that is none::

        city.yaml                         city
        <county>/county.yaml              county
        <county>/assistance.yaml          assistance
        <county>/findings/<id>.yaml       finding
        <county>/g106/<id>.yaml           g106
        <county>/verifications/<id>.yaml  verification
    """
    *parts, name = place
    if not name.endswith(".yaml"):
        return None
    if not parts:
        return ("city", None, "city") if name == "city.yaml" else None
    if len(parts) == 1 and name in COUNTY_FILES:
        return COUNTY_FILES[name], parts[0], parts[0]
    if len(parts) == 2 and parts[1] in RECORD_DIRS:
        return RECORD_DIRS[parts[1]], parts[0], name[: -len(".yaml")]
    return None


def hidden(place: Place) -> bool:
    """Dot-entries (``.gitkeep``, ``.git``) and everything below a dot-folder are not read."""
    return any(part.startswith(".") for part in place)


def hidden_record(place: Place) -> Place | None:
    """Where a file that looks like a record is not read for a dot in a name: a dot-named
    ``.yaml`` file (in a folder that is read), or a county folder named with a dot (its
    county.yaml). People rarely mean either; they are said, as warnings (load.hidden)."""
    if len(place) == 2 and place[0].startswith(".") and place[1] == "county.yaml":
        return place[:1]
    name = place[-1]
    if name.startswith("._"):  # macOS's companion of every file copied to a foreign disk
        return None
    if not hidden(place[:-1]) and name.startswith(".") \
            and classify((*place[:-1], name.lstrip("."))) is not None:
        return place  # where a record of that name would be read
    return None


def hidden_warning(show: Show, place: Place) -> RecordError:
    return dataclasses.replace(problem(show, place, "load.hidden"), severity="warning")


def add_hidden(tree: Tree, listed: Iterable[Place], show: Show) -> None:
    """The warnings of hidden_record for a flat listing, added to the tree's problems."""
    found = {p for p in map(hidden_record, listed) if p is not None}
    tree.problems.extend(hidden_warning(show, place) for place in sorted(found))


def name_key(name: str) -> str:
    """One spelling per name as case-insensitive, normalising file systems see it."""
    return name.lower() if name.isascii() else unicodedata.normalize("NFKC", name).casefold()


def problem(show: Show, place: Place, code: str, **fields: object) -> RecordError:
    return RecordError(file=show(place), code=code, message=messages.render(code, **fields))


def too_large(file: str, size: int) -> RecordError:
    code = "yaml.too_large"
    return RecordError(file=file, code=code,
                       message=messages.render(code, size=size, limit=MAX_BYTES))


def clashes(parts: Place, names: Iterable[str], show: Show) -> list[RecordError]:
    """Every name of the folder that another one equals but for case or Unicode spelling."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[name_key(name)].append(name)
    return [
        problem(show, (*parts, name), "load.name_clash",
                other=messages.LIST_SEP.join(messages.quote(n) for n in group if n != name))
        for group in groups.values() if len(group) > 1 for name in group
    ]


def _order(place: Place) -> tuple[tuple[int, str], ...]:
    """Tree order as a folder walk gives it: depth first in name order, files first."""
    return (*((1, part) for part in place[:-1]), (0, place[-1]))


def tree_of(root: Path, listed: Mapping[Place, RecordError | None]) -> Tree:
    """The tree of a flat listing (place → None for a file to read, or the problem that
    refuses it), as a folder walk would give it: folders are those leading to an entry, the
    root always, and the names of each folder are checked for clashes."""
    tree = Tree(names={(): set()})
    for place in sorted((p for p in listed if not hidden(p[:-1])), key=_order):
        for depth in range(len(place) - 1):
            tree.names.setdefault(place[: depth + 1], set())
        if hidden(place[-1:]):
            continue
        refused = listed[place]
        if refused is None:
            tree.names[place[:-1]].add(place[-1])
            tree.files.append(Entry(place[:-1], place[-1], root.joinpath(*place)))
        else:
            tree.problems.append(refused)
            tree.refused.append(place)
    return tree


def add_clashes(tree: Tree, listed: Iterable[Place], show: Show) -> None:
    """The name clashes of every folder of a flat listing, added to the tree's problems."""
    below: dict[Place, set[str]] = defaultdict(set)
    for place in listed:
        if hidden(place[:-1]):
            continue
        shown = place[:-1] if hidden(place[-1:]) else place  # a dot-file still has its folder
        for depth in range(len(shown)):
            below[shown[:depth]].add(shown[depth])
    for parts in sorted(below):
        tree.problems.extend(clashes(parts, sorted(below[parts]), show))


class MemorySource:
    """A records tree held in memory: place → bytes (tests, and files not written yet)."""

    def __init__(self, files: Mapping[Place, bytes], root: Path = Path("records")) -> None:
        self.root = root
        self.files = files

    def scan(self, show: Show) -> Tree:
        tree = tree_of(self.root, dict.fromkeys(self.files))
        add_clashes(tree, self.files, show)
        add_hidden(tree, self.files, show)
        return tree

    def read(self, entry: Entry, file: str) -> bytes | RecordError:
        raw = self.files[entry.place]
        return too_large(file, len(raw)) if len(raw) > MAX_BYTES else raw


class Overlay:
    """A source with files laid over it (``import`` checks what it would write beside the
    tree without copying or writing anything): an overlaid place is read from memory, even
    where the source has a file of its own."""

    def __init__(self, base: TreeSource, extra: Mapping[Place, bytes]) -> None:
        self.root = base.root
        self.base = base
        self.extra = MemorySource(extra, base.root)

    def scan(self, show: Show) -> Tree:
        tree = self.base.scan(show)
        if not self.extra.files:
            return tree
        added = self.extra.scan(show)
        kept = [e for e in tree.files if e.place not in self.extra.files]
        tree.files = sorted(kept + added.files, key=lambda e: _order(e.place))
        for folder, names in added.names.items():
            tree.names.setdefault(folder, set()).update(names)
        return tree

    def read(self, entry: Entry, file: str) -> bytes | RecordError:
        if entry.place in self.extra.files:
            return self.extra.read(entry, file)
        return self.base.read(entry, file)
