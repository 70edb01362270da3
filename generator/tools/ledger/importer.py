"""A returned 整改台账.xlsx → the errors' ``rectification`` nodes updated in their records.

Takes the ledger (generator/tools/ledger/read.py) and :class:`LedgerOptions`; gives a
:class:`LedgerOutcome`: the files planned (old and new text), the rows that changed nothing
(counted), every problem at its cell (``sheet!J12（整改期限）``) or in the tree, and the files
written. Each changed error gets a minimal text edit of its rectification node
(generator/tools/ledger/edit.py); the whole tree is validated with the new texts laid over it in
memory before anything is written (the tree is read once: only the new texts are parsed
again, generator/tools/ledger/relay.py), and a validator problem in an edited node is shown
at the cell it came from. Nothing is written while any row has an error, unless ``force``
(then the good rows); ``dry_run`` writes nothing and the caller prints :meth:`LedgerOutcome.diff`.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.errors import RecordError, sort_problems
from generator.records.load import Loaded, Source, collector_paused, display_path, load
from generator.records.model import DEFAULT_RECTIFICATION_DAYS
from generator.text import render
from generator.tools.ledger.compare import Change, compare
from generator.tools.ledger.edit import edit_rectifications
from generator.tools.ledger.read import Ledger
from generator.tools.ledger.relay import relay

Place = tuple[str, ...]


@dataclass(frozen=True)
class LedgerOptions:
    records: Path = Path("records")
    dry_run: bool = False
    force: bool = False


@dataclass
class Planned:
    path: Path
    place: Place
    old: str
    new: str
    changes: list[Change]


@dataclass
class LedgerOutcome:
    rows: int = 0
    unchanged: int = 0
    planned: list[Planned] = field(default_factory=list)
    problems: list[RecordError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    skipped_rows: int = 0  # rows with an error, not imported (with force)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def diff(self) -> str:
        """The unified diff of every planned file, as ``git diff`` would show it."""
        out: list[str] = []
        for item in self.planned:
            name = display_path(item.path)
            out += difflib.unified_diff(item.old.splitlines(keepends=True),
                                        item.new.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _places(loaded: Loaded) -> dict[str, Place]:
    return {loaded.show(entry.place): entry.place for entry in loaded.tree.files}


def _days(loaded: Loaded) -> int:
    city = next((s for s in loaded.sources if s.kind == "city"), None)
    rect = city.data.get("rectification") if city and isinstance(city.data, dict) else None
    days = rect.get("default_days") if isinstance(rect, dict) else None
    if isinstance(days, float) and days.is_integer():  # 14.0: the model counts it 14 too
        days = int(days)
    return days if isinstance(days, int) and not isinstance(days, bool) \
        else DEFAULT_RECTIFICATION_DAYS


def _findings(loaded: Loaded) -> tuple[dict[str, Source], dict[str, str], list[RecordError]]:
    """The findings the ledger's rows are compared with: those the schema accepts, by id;
    the ids of the others (and of finding files that do not even read), by their file; and
    the tree's own problems with those (a row naming such a record says to mend it first:
    comparing it could only guess)."""
    from generator.records.schemas import load_schemas
    from generator.records.validate import schema_problems

    schemas = load_schemas()
    findings: dict[str, Source] = {}
    invalid: dict[str, str] = {}
    own = [p for p in loaded.problems if p.severity == "error"]  # files that do not read
    unread = {p.file for p in own}
    for place in (entry.place for entry in loaded.tree.files):
        file = loaded.show(place)
        if len(place) == 3 and place[1] == "findings" and file in unread:
            invalid[Path(place[2]).stem] = file
    for source in loaded.sources:  # each a mapping: the loader's problems say why not
        if source.kind != "finding":
            continue
        if schemas.is_valid("finding", source.data):
            findings[source.id] = source
        else:
            invalid[source.id] = source.file
            own += schema_problems(source, schemas)
    return findings, invalid, own


def _plan(changes: list[Change], loaded: Loaded, records: Path) -> list[Planned]:
    """One planned file per record with changes; its new text from the text on disk."""
    places = _places(loaded)
    by_file: dict[str, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.source.file, []).append(change)
    planned = []
    for file, group in sorted(by_file.items()):
        place = places[file]
        path = records.joinpath(*place)
        old = path.read_bytes().decode("utf-8")
        new = edit_rectifications(old, {c.index: c.new for c in group})  # one compose a file
        planned.append(Planned(path, place, old, new, group))
    return planned


def _relocate(p: RecordError, item: Planned, ledger: Ledger, bad: set[tuple[str, int]]
              ) -> RecordError:
    """A validator problem in an edited error → the ledger cell it came from (an error
    there marks the row bad)."""
    path = p.path
    change = next((c for c in item.changes if len(path) >= 2 and path[:2] == ("errors", c.index)),
                  None)
    if change is None or len(path) < 3 or path[2] != "rectification":
        return p
    key = str(path[3]) if len(path) > 3 else "status"
    if key not in change.sheet.columns:
        key = "status"
    message = render(p.code, **{**p.fields, "quote": ""}) if p.fields.get("quote") else p.message
    if p.severity == "error":
        bad.add((change.sheet.name, change.row))
    return replace(p, file=ledger.file, line=change.row, column=change.sheet.columns.get(key),
                   field=change.sheet.cell(key, change.row), message=message)


def _validated(loaded: Loaded, planned: list[Planned], records: Path) -> list[RecordError]:
    """Every problem of the tree with the planned texts laid over it: the tree as loaded
    with only the planned files parsed again (relay.py), or a fresh load when that cannot
    say the same (a planned file the load did not read as a record)."""
    from generator.pipeline import check
    from generator.records.schemas import load_schemas
    from generator.records.validate import validate

    extra = {item.place: item.new.encode("utf-8") for item in planned}
    relaid = relay(loaded, extra)
    if relaid is None:
        return check(records, extra=extra).problems
    return validate(relaid, load_schemas())  # the collector paused (import_ledger)


def _check(planned: list[Planned], ledger: Ledger, loaded: Loaded, records: Path,
           bad: set[tuple[str, int]]) -> list[RecordError]:
    by_file = {display_path(item.path): item for item in planned}
    out = []
    for p in _validated(loaded, planned, records):
        if p.file in by_file:
            out.append(_relocate(p, by_file[p.file], ledger, bad))
        elif p.severity == "error":  # the tree's own errors block too
            out.append(p)
    return out


def _replace(item: Planned) -> RecordError | None:
    """Write one file in place of the old (same folder, then renamed); refuse when the file
    changed since it was read."""
    file = display_path(item.path)
    try:
        if item.path.read_bytes() != item.old.encode("utf-8"):
            return RecordError(file=file, code="ledger.changed",
                               message=render("ledger.changed", file=file))
        handle, temp = tempfile.mkstemp(dir=item.path.parent, prefix=".ledger-")
        with os.fdopen(handle, "wb") as out:
            out.write(item.new.encode("utf-8"))
        os.chmod(temp, item.path.stat().st_mode & 0o7777)
        os.replace(temp, item.path)
    except OSError as exc:
        from generator.exits import os_reason

        return RecordError(file=file, code="import.unwritable",
                           message=render("import.unwritable", file=file, reason=os_reason(exc)))
    return None


def import_ledger(ledger: Ledger, options: LedgerOptions) -> LedgerOutcome:
    """Compare, plan, validate and (unless dry_run; with errors only under force) write. The
    collector paused throughout, as pipeline.check pauses it: the records, the ledger's rows
    and the edits are plain, acyclic data, and it rescanned their growing heap again and
    again (the tree read here took 1.1 to 1.5 s at city scale instead of 1.1)."""
    with collector_paused():
        return _imported(ledger, options)


def _imported(ledger: Ledger, options: LedgerOptions) -> LedgerOutcome:
    loaded = load(options.records)
    findings, invalid, own = _findings(loaded)
    from generator.render.annexes.layout import sheet_name
    from generator.render.annexes.ledger import utf16_cut

    names = {s.id: sheet_name(utf16_cut(str(s.data.get("name"))), set()) for s in loaded.sources
             if s.kind == "county" and isinstance(s.data, dict)}  # as the ledger names them
    compared = compare(ledger, findings, _days(loaded), names, invalid)
    out = LedgerOutcome(rows=sum(len(s.rows) for s in ledger.sheets),
                        unchanged=compared.unchanged,
                        problems=ledger.problems + compared.problems + own)
    changes = list(compared.changes.values())
    out.planned = _plan(changes, loaded, options.records)
    if out.planned:
        out.problems += _check(out.planned, ledger, loaded, options.records,
                               compared.bad_rows)
    out.problems = sort_problems(out.problems)
    if options.dry_run or not (out.ok or options.force):
        return out
    if not out.ok:  # force: the rows without an error, planned again without the others
        good = [c for c in changes if (c.sheet.name, c.row) not in compared.bad_rows]
        out.skipped_rows = len(changes) - len(good)
        out.planned = _plan(good, loaded, options.records)
    for item in out.planned:
        refused = _replace(item)
        if refused is None:
            out.written.append(item.path)
        else:
            out.problems.append(refused)
    return out
