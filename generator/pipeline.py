"""The one place that knows the order of the stages: load → validate → model → aggregate → render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import RecordError, count
from generator.load import Loaded, load
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


def check(records: Path, strict: bool = False) -> Checked:
    """Load and validate a records tree; every problem of the run, sorted."""
    schemas = load_schemas()
    loaded = load(records)
    return Checked(loaded, schemas, validate(loaded, schemas, strict=strict))
