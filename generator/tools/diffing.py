"""Two versions of the records → what a change does, county by county (``python -m generator diff``).

Takes a git ref and a records folder in a git working tree; gives a :class:`Diff`: per county,
the records added, changed and removed, the validation problems that are new, and the form
errors whose rectification became 已整改.

Both versions are read through the one reader of the records tree: the base as a git
revision (generator.records.tree_git: git objects, never checked out, so the working tree, uncommitted
edits included, is left alone, and nothing is written to a temporary folder), the working
tree as a folder, each file placed by generator.records.tree.classify. Both are validated with the
*current* schemas and rules, so "new problems" are the ones the changed records bring, not a
rule change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import RecordError
from generator.pipeline import check
from generator.records import yamlsafe
from generator.records.load import Loaded
from generator.records.load_tree import FolderSource
from generator.records.tree import Placed, TreeSource
from generator.records.tree import classify as classify_place
from generator.records.tree_git import GitError, GitSource
from generator.settings import project_root
from generator.text import vocabulary

Snapshot = dict[str, bytes | None]  # record file relative to the records folder → content
#                                     (None: listed but unreadable; validation says why)
RECTIFIED = vocabulary.RECTIFIED


DiffError = GitError  # git is missing, the folder is not in a repository, or no such ref
GIT_ONLY = ("load.git_link", "load.git_submodule")  # what only a revision refuses


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


# --- reading -------------------------------------------------------------------------------


def snapshot(source: TreeSource, loaded: Loaded) -> Snapshot:
    """The content of every record file the source listed when ``loaded`` was read from it,
    by its path in the tree (a git revision has it in memory already; a folder is read again,
    through the same reader)."""
    found: Snapshot = {}
    for entry in loaded.tree.files:
        if classify_place(entry.place) is None:
            continue
        raw = source.read(entry, loaded.show(entry.place))
        found["/".join(entry.place)] = None if isinstance(raw, RecordError) else raw
    return found


# --- comparing ------------------------------------------------------------------------------


def classify(rel: str) -> Placed | None:
    """(kind, county, id) of a record file by its path relative to the records folder: the
    loader's own placement (generator.records.tree.classify); None for other files."""
    return classify_place(tuple(rel.split("/")))


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


def compare(records: Path, ref: str) -> Diff:
    """Everything that changes between the records at ``ref`` and the working tree."""
    base_source, now_source = GitSource(records, ref), FolderSource(records)
    schemas = project_root(records) / "schemas"
    base_checked = check(base_source, schemas_dir=schemas)  # first: a wrong ref stops any work
    checked = check(now_source, schemas_dir=schemas)
    base = snapshot(base_source, base_checked.loaded)
    now = snapshot(now_source, checked.loaded)
    counties: dict[str | None, CountyDiff] = {}

    def county(slug: str | None) -> CountyDiff:
        return counties.setdefault(slug, CountyDiff(slug, slug or ""))

    for rel in sorted(set(base) | set(now)):
        if base.get(rel, b"") is None or now.get(rel, b"") is None:
            continue  # unreadable: its problem says so, whether it changed is unknown
        place, what = classify(rel), _change(base.get(rel), now.get(rel))
        if place is None or what is None:
            continue
        kind, slug, record_id = place
        old, new = parse(base.get(rel)), parse(now.get(rel))
        county(slug).changes.append(Change(what, kind, record_id, rel, _label(new or old)))
        if kind == "finding" and what == "changed":
            county(slug).rectified.extend(rectified(rel, record_id, old, new))
    before = Counter(_key(_relative(p.file, records), p) for p in base_checked.problems
                     if p.code not in GIT_ONLY)
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
