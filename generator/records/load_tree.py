"""The records folder → every file below it to be read, and a problem for everything else.

:class:`FolderSource`, the tree source of a folder on disk (see generator.records.tree): takes the
records root and a function that turns a place in the tree into the path people see; gives a
:class:`Tree`: the regular files (with the folder names leading to them, as the tree
names them, not as links resolve), the names of the files in each folder, and a located
problem for each entry that will not be read. Nothing is skipped silently (dot-entries such
as ``.gitkeep`` excepted), nothing blocks, nothing raises. A file is read by
:func:`read_file`, which never opens anything but a regular file and reads no more than the
loader takes.

Symbolic links: git keeps them, so a county may share a folder or a file through one. A link
is followed when its target lies inside the records folder. It is refused when it leads
outside (a record must be reviewable where it lies, and a link to a system file or a secret
must never be printed into a message or published), when it dangles, and when it loops back
onto a folder on the way to it. FIFOs, sockets and devices are refused by their type, known
from the directory listing itself, so they are never opened (opening a FIFO blocks).

Names that differ only by case or Unicode spelling (``HL-1`` / ``hl-1``, full-width letters)
are refused in each folder: on Windows and macOS they are one file, and one would be lost.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.errors import RecordError
from generator.records.tree import (
    MAX_BYTES,
    Entry,
    Place,
    Show,
    Tree,
    clashes,
    hidden_record,
    hidden_warning,
    name_key,
    problem,
    too_large,
)
from generator.text import records as messages

__all__ = ["Entry", "FolderSource", "Place", "Show", "Tree", "name_key", "read_file", "walk"]


@dataclass(frozen=True)
class _Folder:
    parts: Place
    path: Path
    real: str  # its resolved path, to recognise a link that loops back
    above: frozenset[str]  # resolved paths of the folders on the way down, itself included


def _listing(folder: _Folder, show: Show, tree: Tree) -> list[os.DirEntry[str]] | None:
    """The folder's entries but dot-entries, sorted by name; None (and a problem) when the
    folder cannot be listed."""
    try:
        with os.scandir(folder.path) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as exc:
        tree.problems.append(problem(show, folder.parts, "load.dir_unreadable",
                                     reason=messages.os_reason(exc)))
        tree.refused.append(folder.parts)
        return None
    # a dot-entry is not read: said when a record looks to be meant (tree.hidden_record),
    # unless a link of the tree leads to it (a county folder kept under another name)
    linked = {os.path.realpath(e.path) for e in entries
              if not e.name.startswith(".") and e.is_symlink()}
    for entry in (e for e in entries if e.name.startswith(".")):
        place = (*folder.parts, entry.name)
        hit = None
        if os.path.realpath(entry.path) in linked:
            continue
        if entry.is_file():
            hit = hidden_record(place)
        elif entry.is_dir() and os.path.isfile(os.path.join(entry.path, "county.yaml")):
            hit = hidden_record((*place, "county.yaml"))
        if hit is not None:
            tree.problems.append(hidden_warning(show, hit))
    return [e for e in entries if not e.name.startswith(".")]


def _followed(entry: os.DirEntry[str], folder: _Folder, real_root: str) -> tuple[str, str]:
    """What a symbolic link is, by its target: ``dir``/``file`` and the target's real path,
    or a problem code and its ``what`` (for load.not_regular)."""
    try:
        real = os.path.realpath(entry.path, strict=True)
    except OSError as exc:
        return ("load.link_loop", "") if exc.errno == errno.ELOOP else ("load.link_broken", "")
    if os.path.commonpath([real, real_root]) != real_root:
        return "load.link_outside", ""
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return "load.link_broken", ""
    if stat.S_ISDIR(mode):
        return ("load.link_loop", "") if real in folder.above else ("dir", real)
    if stat.S_ISREG(mode):
        return "file", real
    return "load.not_regular", messages.file_kind(mode)


def _kind(entry: os.DirEntry[str], folder: _Folder, real_root: str) -> tuple[str, str]:
    """``dir`` or ``file`` with the real path of a folder, or a problem code with its ``what``.
    The type comes from the directory listing: no stat for plain files and folders."""
    try:
        if entry.is_symlink():
            return _followed(entry, folder, real_root)
        if entry.is_dir(follow_symlinks=False):
            return "dir", os.path.join(folder.real, entry.name)
        if entry.is_file(follow_symlinks=False):
            return "file", ""
        return "load.not_regular", messages.file_kind(entry.stat(follow_symlinks=False).st_mode)
    except OSError as exc:  # gone or unreadable between listing and looking
        return "load.entry_unreadable", messages.os_reason(exc)


def _visit(folder: _Folder, real_root: str, show: Show, tree: Tree) -> list[_Folder]:
    """Record the folder's files and problems; its subfolders, to visit next."""
    entries = _listing(folder, show, tree)
    if entries is None:
        return []
    tree.problems.extend(clashes(folder.parts, [e.name for e in entries], show))
    files: set[str] = set()
    below: list[_Folder] = []
    for entry in entries:
        kind, detail = _kind(entry, folder, real_root)
        place = (*folder.parts, entry.name)
        if kind == "dir":
            below.append(_Folder(place, Path(entry.path), detail, folder.above | {detail}))
        elif kind == "file":
            files.add(entry.name)
            tree.files.append(Entry(folder.parts, entry.name, Path(entry.path)))
        elif kind in ("load.not_regular", "load.entry_unreadable"):
            field_name = "what" if kind == "load.not_regular" else "reason"
            tree.problems.append(problem(show, place, kind, **{field_name: detail}))
            tree.refused.append(place)
        else:
            tree.problems.append(problem(show, place, kind))
            tree.refused.append(place)
    tree.names[folder.parts] = files
    return below


def walk(root: Path, show: Show) -> Tree:
    """Every entry below ``root``, depth first in name order (a folder's files before its
    subfolders), as described in the module docstring."""
    tree = Tree()
    real_root = os.path.realpath(root)
    stack = [_Folder((), root, real_root, frozenset([real_root]))]
    while stack:
        stack.extend(reversed(_visit(stack.pop(), real_root, show, tree)))
    return tree


def read_file(path: Path, file: str) -> bytes | RecordError:
    """The file's bytes, up to one more than MAX_BYTES. Opened without blocking and refused
    unless it is a regular file: open() of a FIFO waits for a writer forever, and a device
    such as /dev/zero never ends."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = open(os.open(path, flags), "rb")  # noqa: SIM115 - closed just below
    except OSError as exc:
        return _unread(file, "yaml.read", reason=messages.os_reason(exc))
    with handle:
        try:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                return _unread(file, "load.not_regular", what=messages.file_kind(status.st_mode))
            raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            return _unread(file, "yaml.read", reason=messages.os_reason(exc))
    return too_large(file, status.st_size) if len(raw) > MAX_BYTES else raw


def _unread(file: str, code: str, **fields: object) -> RecordError:
    return RecordError(file=file, code=code, message=messages.render(code, **fields))


class FolderSource:
    """The records tree as a folder on disk: walked as described in the module docstring."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def scan(self, show: Show) -> Tree:
        """The walked tree; a folder that is missing or no folder is one problem, and then
        the root is not listed (so no file is said to be missing from it)."""
        if not self.root.is_dir():
            return Tree(problems=[_unread(show(()), "yaml.read", reason=messages.render("load.not_folder"))])
        return walk(self.root, show)

    @staticmethod
    def read_path(path: Path, file: str) -> bytes | RecordError:
        """How a file of the folder is read, by its path: also what records/load_parallel's
        helper process does with the files it is given, so that both read alike."""
        return read_file(path, file)

    def read(self, entry: Entry, file: str) -> bytes | RecordError:
        return self.read_path(entry.path, file)
