"""A records folder as it is in a git revision → a :class:`generator.records.tree.TreeSource`.

Takes the records folder of a git working tree and a ref; gives its tree at that revision,
read from git objects and never checked out, so the working tree, uncommitted edits
included, is left alone: one ``git ls-tree -r -z -l`` lists it, one ``git cat-file --batch``
reads every blob. Files are shown under the working tree's records folder, so a file is
named alike in both versions. A symbolic link and a submodule are reported, not read (a link
is a path, not a record, and git does not say where it leads on disk); a blob larger than
the loader reads is refused by its size without reading it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.errors import EXIT_USAGE, GeneratorError, RecordError
from generator.records.tree import (
    MAX_BYTES,
    Entry,
    Place,
    Show,
    Tree,
    add_clashes,
    add_hidden,
    problem,
    tree_of,
)
from generator.records.tree import too_large as too_large_problem
from generator.text import records as messages

LINK_MODE, SUBMODULE_KIND = "120000", "commit"


class GitError(GeneratorError):
    """git is missing, the folder is not in a repository, or the ref does not exist (exit 2;
    the message stands alone, without the usage prefix)."""

    exit_code = EXIT_USAGE
    usage_prefix = False


def git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``repo``, never prompting; GitError when git is not installed."""
    try:
        return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True,
                              check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except FileNotFoundError:
        raise GitError("diff.git_missing") from None


def git_ok(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of a git command that must succeed; GitError with git's last line if not."""
    result = git(repo, *args, stdin=stdin)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError("diff.git_failed", detail=detail[-1] if detail else " ".join(args))
    return result.stdout


def repository(records: Path) -> tuple[Path, str]:
    """The working tree's top folder and the records folder's path inside it ("" at the top)."""
    where = records if records.is_dir() else records.parent
    result = git(where, "rev-parse", "--show-toplevel")
    if result.returncode != 0 or not records.is_dir():
        raise GitError("diff.not_a_repo", folder=records.as_posix())
    top = Path(os.fsdecode(result.stdout.strip())).resolve()
    inside = records.resolve().relative_to(top).as_posix()
    return top, "" if inside == "." else inside


def cat_blobs(top: Path, shas: list[str]) -> list[bytes]:
    """Contents of many blobs through one ``git cat-file --batch``: ``<sha> blob <size>\\n…\\n``."""
    if not shas:
        return []
    out = git_ok(top, "cat-file", "--batch", stdin="".join(s + "\n" for s in shas).encode())
    contents, at = [], 0
    for _ in shas:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        contents.append(out[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1
    return contents


class GitSource:
    """The records folder ``root`` as it is at ``ref``; listed and read once, on first scan."""

    def __init__(self, root: Path, ref: str) -> None:
        self.root = root
        self.ref = ref
        self._blobs: dict[Place, bytes] = {}
        self._sizes: dict[Place, int] = {}  # blobs too large to read
        self._tree: Tree | None = None

    def scan(self, show: Show) -> Tree:
        if self._tree is None:
            self._tree = self._list(show)
        return self._tree

    def read(self, entry: Entry, file: str) -> bytes | RecordError:
        if entry.place in self._sizes:
            return too_large_problem(file, self._sizes[entry.place])
        return self._blobs[entry.place]

    def _list(self, show: Show) -> Tree:
        """The revision's tree: blobs read in one batch, the rest refused with a problem."""
        top, inside = repository(self.root)
        if self.ref.startswith("-") or git(top, "rev-parse", "--verify", "--quiet",
                                           f"{self.ref}^{{commit}}").returncode != 0:
            raise GitError("diff.bad_ref", ref=self.ref)
        listing = git_ok(top, "ls-tree", "-r", "-z", "-l", "--full-tree", self.ref, "--",
                         inside or ".")
        listed: dict[Place, RecordError | None] = {}
        wanted: list[tuple[Place, str]] = []
        for line in filter(None, listing.split(b"\0")):
            meta, path = line.split(b"\t", 1)
            mode, kind, sha, size = meta.decode("ascii").split()
            rel = os.fsdecode(path)[len(inside) + 1:] if inside else os.fsdecode(path)
            place = tuple(rel.split("/"))
            listed[place] = self._refused(place, mode, kind, show)
            if listed[place] is None and int(size) > MAX_BYTES:
                self._sizes[place] = int(size)
            elif listed[place] is None:
                wanted.append((place, sha))
        tree = tree_of(self.root, listed)
        add_clashes(tree, listed, show)
        add_hidden(tree, listed, show)
        files = {entry.place for entry in tree.files}  # hidden ones are not read
        wanted = [(place, sha) for place, sha in wanted if place in files]
        self._blobs = dict(zip((p for p, _ in wanted), cat_blobs(top, [s for _, s in wanted])))
        return tree

    @staticmethod
    def _refused(place: Place, mode: str, kind: str, show: Show) -> RecordError | None:
        """Why an entry of the listing is not read, or None for a blob."""
        if kind == SUBMODULE_KIND:
            return problem(show, place, "load.git_submodule")
        if mode == LINK_MODE:
            return problem(show, place, "load.git_link")
        if kind != "blob":
            return problem(show, place, "load.not_regular", what=messages.quote(kind))
        return None
