"""A count written 14.0 (or -0.0) is the whole number 14: the schemas take it (JSON Schema's
"integer" counts by value), so every output must too; the annexes stopped the build on it."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO

from generator.pipeline import prepare
from generator.render.annexes.excel import write_annexes


@pytest.mark.parametrize("written", ["{}.0", "{}.00", "{}.000"])
def test_counts_written_as_decimals_build_as_whole_numbers(tmp_path: Path, written: str) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    changed = 0
    for path in records.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        new = re.sub(r"(participants: )(\d+)", lambda m: m.group(1) + written.format(m.group(2)),
                     text)
        new = re.sub(r"(industrial: |default_days: )(\d+)",
                     lambda m: m.group(1) + written.format(m.group(2)), new)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    assert changed >= 2
    prepared = prepare(records)
    assert prepared.census and prepared.figures, [str(p) for p in prepared.checked.problems]
    census = prepared.census
    assert all(type(n) is int for c in census.counties for n in c.reviewed.values()
               if n is not None)
    assert type(census.city.rectification_days) is int
    assert all(type(t.participants) is int for a in census.assistance.values()
               for t in a.capacity_building)
    assert write_annexes(census, prepared.figures, tmp_path / "dist", as_of=date(2019, 5, 24))
