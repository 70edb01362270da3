"""The one place that knows the order of the stages: load → validate → model → aggregate → render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.aggregate import Figures, aggregate
from generator.errors import RecordError, count
from generator.load import Loaded, TreeSource, collector_paused, load
from generator.load_tree import Place
from generator.model import Census, build_census
from generator.schemas import Schemas, load_schemas
from generator.validate import validate


@dataclass
class Checked:
    loaded: Loaded
    schemas: Schemas
    problems: list[RecordError]

    @property
    def ok(self) -> bool:
        return count(self.problems)[0] == 0


def check(records: Path | TreeSource, strict: bool = False,
          extra: Mapping[Place, bytes] | None = None) -> Checked:
    """Load and validate a records tree (a folder, or any tree source: a git revision, a
    mapping in memory), with the files ``extra`` adds in memory (place below the root →
    content); every problem of the run, sorted."""
    schemas = load_schemas()
    with collector_paused():
        loaded = load(records, extra)
        return Checked(loaded, schemas, validate(loaded, schemas, strict=strict))


@dataclass
class Prepared:
    """Records checked, and, when they have no error, typed and counted."""

    checked: Checked
    census: Census | None
    figures: Figures | None


def prepare(records: Path, strict: bool = False) -> Prepared:
    checked = check(records, strict=strict)
    if not checked.ok:
        return Prepared(checked, None, None)
    with collector_paused():
        census = build_census(checked.loaded.sources)
        return Prepared(checked, census, aggregate(census))
