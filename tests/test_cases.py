"""Data-driven invalid cases: each tests/cases/invalid/<kind>--<what>.yaml holds one defect and
<name>.expected the exact lines `validate` must print for it.

The file is put into a copy of the minimal valid tree where its kind lives (``city`` and
``county`` and ``assistance`` replace that file of the tree), so every line printed is about it.
Add a case = add two files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CASES, MINIMAL, cli

INVALID = sorted((CASES / "invalid").glob("*.yaml"))
PLACES = {
    "city": "city.yaml",
    "county": "hualong/county.yaml",
    "assistance": "hualong/assistance.yaml",
    "finding": "hualong/findings/{name}.yaml",
    "g106": "hualong/g106/{name}.yaml",
    "verification": "hualong/verifications/{name}.yaml",
}


def place(case: Path, root: Path) -> Path:
    kind = case.stem.split("--")[0]
    target = root / "records" / PLACES[kind].format(name=case.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case, target)
    return target


@pytest.mark.parametrize("case", INVALID, ids=[c.stem for c in INVALID])
def test_invalid_case(case: Path, tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    place(case, tmp_path)
    result = cli("validate", "records", cwd=tmp_path)
    lines = result.stdout.splitlines()[:-1]  # the last line is the summary
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert lines == expected
    assert "Traceback" not in result.stderr
    has_error = any("警告：" not in line for line in lines)
    assert result.returncode == (1 if has_error else 0)


def test_every_case_has_expected_lines() -> None:
    for case in INVALID:
        assert case.with_suffix(".expected").is_file(), case.name
    assert len(INVALID) >= 30
