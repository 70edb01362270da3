"""Two versions of the records → what a change does, county by county (``python -m generator diff``).

Takes a git ref and a records folder in a git working tree; gives a :class:`Diff`: per county,
the records added, changed and removed, the validation problems that are new, and the form
errors whose rectification became 已整改.

The base version is read through git (``ls-tree`` and ``cat-file --batch``, one process for all
files) and never checked out, so the working tree, uncommitted edits included, is left alone.
Both versions are validated with the *current* schemas and rules, the base from a copy in a
temporary folder, so "new problems" are the ones the changed records bring, not a rule change.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import yamlsafe
from generator.errors import EXIT_USAGE, GeneratorError, RecordError
from generator.load import COUNTY_FILES, RECORD_DIRS
from generator.pipeline import check

Snapshot = dict[str, bytes]  # path relative to the records folder (posix) → file content
RECTIFIED = "已整改"


class DiffError(GeneratorError):
    """git is missing, the folder is not in a repository, or the ref does not exist (exit 2;
    the message stands alone, without the usage prefix)."""

    exit_code = EXIT_USAGE
    usage_prefix = False


@dataclass(frozen=True)
class Change:
    change: str  # "added", "changed" or "removed"
    kind: str
    record_id: str
    file: str  # relative to the records folder
    label: str  # the object's or enterprise's name, for people


@dataclass(frozen=True)
class Rectified:
    file: str
    record_id: str
    label: str
    form: str
    indicator: str
    date: str


@dataclass
class CountyDiff:
    slug: str | None  # None: records/city.yaml and problems of the tree as a whole
    name: str
    code: str = ""
    changes: list[Change] = field(default_factory=list)
    new_problems: list[RecordError] = field(default_factory=list)
    gone_problems: int = 0
    rectified: list[Rectified] = field(default_factory=list)


@dataclass
class Diff:
    base: str
    counties: list[CountyDiff]
    errors_now: int

    def changes(self, what: str) -> int:
        """Records ``what`` ("added", "changed", "removed") in all counties."""
        return sum(1 for c in self.counties for ch in c.changes if ch.change == what)

    def new_problems(self, severity: str) -> int:
        return sum(1 for c in self.counties for p in c.new_problems if p.severity == severity)

    @property
    def gone_problems(self) -> int:
        return sum(c.gone_problems for c in self.counties)

    @property
    def rectified(self) -> int:
        return sum(len(c.rectified) for c in self.counties)


# --- git ------------------------------------------------------------------------------------


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True,
                              check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except FileNotFoundError:
        raise DiffError("diff.git_missing") from None


def _git_ok(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = _git(repo, *args, stdin=stdin)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError("diff.git_failed", detail=detail[-1] if detail else " ".join(args))
    return result.stdout


def _repository(records: Path) -> tuple[Path, str]:
    """The working tree's top folder and the records folder's path inside it ("" at the top)."""
    where = records if records.is_dir() else records.parent
    result = _git(where, "rev-parse", "--show-toplevel")
    if result.returncode != 0 or not records.is_dir():
        raise DiffError("diff.not_a_repo", folder=records.as_posix())
    top = Path(result.stdout.decode("utf-8").strip()).resolve()
    inside = records.resolve().relative_to(top).as_posix()
    return top, "" if inside == "." else inside


def _hidden(rel: str) -> bool:
    """The loader skips dotfiles and dot-folders (.gitkeep); so does the comparison."""
    return any(part.startswith(".") for part in rel.split("/"))


def read_base(records: Path, ref: str) -> Snapshot:
    """The records folder as it is at ``ref``, read from git objects."""
    top, inside = _repository(records)
    if ref.startswith("-") or _git(top, "rev-parse", "--verify", "--quiet",
                                   f"{ref}^{{commit}}").returncode != 0:
        raise DiffError("diff.bad_ref", ref=ref)
    listing = _git_ok(top, "ls-tree", "-r", "-z", "--full-tree", ref, "--", inside or ".")
    blobs: list[tuple[str, str]] = []
    for entry in filter(None, listing.split(b"\0")):
        meta, path = entry.decode("utf-8").split("\t", 1)
        mode, kind, sha = meta.split()
        rel = path[len(inside) + 1:] if inside else path
        if kind == "blob" and mode != "120000" and not _hidden(rel):  # no symlinks, no submodules
            blobs.append((rel, sha))
    return dict(zip((rel for rel, _ in blobs), _cat_blobs(top, [sha for _, sha in blobs])))


def _cat_blobs(top: Path, shas: list[str]) -> list[bytes]:
    """Contents of many blobs through one ``git cat-file --batch``: ``<sha> blob <size>\\n…\\n``."""
    if not shas:
        return []
    out = _git_ok(top, "cat-file", "--batch", stdin="".join(s + "\n" for s in shas).encode())
    contents, at = [], 0
    for _ in shas:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        contents.append(out[header_end + 1:header_end + 1 + size])
        at = header_end + 1 + size + 1
    return contents


def read_tree(records: Path) -> Snapshot:
    """The records folder as it is on disk now."""
    snapshot: Snapshot = {}
    for path in sorted(p for p in records.rglob("*") if p.is_file()):
        rel = path.relative_to(records).as_posix()
        if not _hidden(rel):
            snapshot[rel] = path.read_bytes()
    return snapshot


# --- comparing ------------------------------------------------------------------------------


def classify(rel: str) -> tuple[str, str | None, str] | None:
    """(kind, county, id) of a record file, as generator.load places it; None for other files."""
    parts = rel.split("/")
    if parts == ["city.yaml"]:
        return "city", None, "city"
    if len(parts) == 2 and parts[1] in COUNTY_FILES:
        return COUNTY_FILES[parts[1]], parts[0], parts[0]
    if len(parts) == 3 and parts[1] in RECORD_DIRS and parts[2].endswith(".yaml"):
        return RECORD_DIRS[parts[1]], parts[0], parts[2][: -len(".yaml")]
    return None


def parse(raw: bytes | None) -> Any:
    """Record data, or None when the text is not readable YAML (validation says why)."""
    if raw is None:
        return None
    try:
        return yamlsafe.parse(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, yamlsafe.YamlProblem, RecursionError):
        return None


def _label(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    for key in ("object_name", "enterprise", "name", "title"):
        if isinstance(data.get(key), str):
            return str(data[key])
    return ""


def _change(old: bytes | None, new: bytes | None) -> str | None:
    if old == new:
        return None
    if old is None or new is None:
        return "added" if old is None else "removed"
    before, after = parse(old), parse(new)
    # same data in other words (comments, quotes, spacing) is not a change of the record
    return None if before is not None and before == after else "changed"


def _errors(data: Any) -> list[dict[str, Any]]:
    errors = data.get("errors") if isinstance(data, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _status(error: dict[str, Any]) -> tuple[Any, Any]:
    rect = error.get("rectification")
    return (rect.get("status"), rect.get("date")) if isinstance(rect, dict) else (None, None)


def rectified(rel: str, record_id: str, old: Any, new: Any) -> list[Rectified]:
    """Errors of a finding present before and now, whose status became 已整改.

    Errors are matched by (form, indicator code), in order, so reordering them is no change."""
    before: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for error in _errors(old):
        before.setdefault((error.get("form"), error.get("indicator_code")), []).append(error)
    found = []
    for error in _errors(new):
        matches = before.get((error.get("form"), error.get("indicator_code")))
        if not matches:
            continue
        previous = matches.pop(0)
        status, day = _status(error)
        if status == RECTIFIED and _status(previous)[0] != RECTIFIED:
            indicator = f"{error.get('indicator_code', '')} {error.get('indicator_name', '')}"
            found.append(Rectified(rel, record_id, _label(new), str(error.get("form", "")),
                                   indicator.strip(), str(day or "")))
    return found


def _key(rel: str, problem: RecordError) -> tuple[str, str, str, str, str]:
    """A problem without its position: editing a line above must not make it "new"."""
    return rel, problem.code, problem.field, problem.message, problem.severity


def _relative(file: str, root: Path) -> str:
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def _county_of(rel: str) -> str | None:
    """The county folder a problem is in; None for city.yaml and the tree as a whole."""
    first = rel.split("/")[0]
    return None if not first or "." in first else first  # slugs have no dots, files do


def _validate_base(base: Snapshot) -> list[RecordError]:
    with tempfile.TemporaryDirectory(prefix="generator-diff-") as tmp:
        root = Path(tmp) / "records"
        root.mkdir()
        for rel, raw in base.items():
            target = root.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
        problems = check(root).problems
        for p in problems:  # positions relative to the base copy, which is about to go
            p.file = _relative(p.file, root)
        return problems


def compare(records: Path, ref: str) -> Diff:
    """Everything that changes between the records at ``ref`` and the working tree."""
    base, now = read_base(records, ref), read_tree(records)
    checked = check(records)
    counties: dict[str | None, CountyDiff] = {}

    def county(slug: str | None) -> CountyDiff:
        return counties.setdefault(slug, CountyDiff(slug, slug or ""))

    for rel in sorted(set(base) | set(now)):
        place, what = classify(rel), _change(base.get(rel), now.get(rel))
        if place is None or what is None:
            continue
        kind, slug, record_id = place
        old, new = parse(base.get(rel)), parse(now.get(rel))
        county(slug).changes.append(Change(what, kind, record_id, rel, _label(new or old)))
        if kind == "finding" and what == "changed":
            county(slug).rectified.extend(rectified(rel, record_id, old, new))
    before = Counter(_key(p.file, p) for p in _validate_base(base))
    for problem in checked.problems:
        key = _key(_relative(problem.file, records), problem)
        if before[key] > 0:
            before[key] -= 1
        else:
            county(_county_of(key[0])).new_problems.append(problem)
    for key, n in before.items():
        if n > 0:
            county(_county_of(key[0])).gone_problems += n
    _name_counties(counties, base, now)
    # the city first, then counties by division code as on the site (no code: last), then slug
    ordered = sorted(counties.values(),
                     key=lambda c: (c.slug is not None, not c.code, c.code, c.slug or ""))
    return Diff(ref, ordered, sum(1 for p in checked.problems if p.severity == "error"))


def _name_counties(counties: dict[str | None, CountyDiff], base: Snapshot, now: Snapshot) -> None:
    """Each county's name and division code from its county.yaml (now, else at the base)."""
    for slug, entry in counties.items():
        if slug is None:
            continue
        rel = f"{slug}/county.yaml"
        data = parse(now.get(rel)) or parse(base.get(rel))
        entry.name = _label(data) or slug
        code = data.get("code") if isinstance(data, dict) else None
        entry.code = code if isinstance(code, str) else ""
