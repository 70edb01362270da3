"""Dates outside 2000–2099 are refused by validate, in both validators, at their place: a
year typed 1019 made a build of minutes and gigabytes (a week of progress per seven days
since), and 9999-12-31 as "no deadline" stopped the build (no day after it to count with)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, cli
from hypothesis import given
from hypothesis import strategies as st

from generator.records import domain, schemas
from generator.records.schemas import load_schemas

SCHEMAS = load_schemas()


@pytest.mark.parametrize(("file", "old", "new"), [
    ("hualong/findings/hl-20190311-7wd.yaml", 'reviewed_on: "2019-03-11"',
     'reviewed_on: "1019-03-11"'),
    ("city.yaml", 'start: "2019-03-01"', 'start: "1019-03-01"'),
    ("city.yaml", 'end: "2019-05-30"', 'end: "2107-05-30"'),
    ("hualong/findings/hl-20190313-x3n.yaml", 'due: "2019-05-15"', 'due: "9999-12-31"'),
    ("hualong/findings/hl-20190311-7wd.yaml", 'reviewed_on: "2019-03-11"',
     'reviewed_on: "0001-01-01"'),
], ids=["reviewed-1019", "start-1019", "end-2107", "due-9999", "reviewed-0001"])
def test_a_date_of_another_century_is_an_error_at_its_place(tmp_path: Path, file: str, old: str,
                                                           new: str) -> None:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    path = records / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = cli("validate", str(records))
    assert result.returncode == 1, result.stdout
    wrong = [line for line in result.stdout.splitlines() if "[schema.date_years]" in line]
    assert len(wrong) == 1 and file.split("/")[-1] in wrong[0], result.stdout
    assert "年份不在 2000–2099 年之间" in wrong[0]
    built = cli("build", str(records), "--site", str(tmp_path / "site"), "--dist",
                str(tmp_path / "dist"))
    assert built.returncode == 1 and not (tmp_path / "site").exists(), built.stdout


@given(st.dates())
def test_both_validators_take_exactly_the_years_allowed(day: object) -> None:
    text = str(day)
    allowed = domain.FIRST_YEAR <= int(text[:4]) <= domain.LAST_YEAR
    checker = SCHEMAS.validators["city"].format_checker
    assert checker is not None and checker.conforms(text, "date") == allowed
    assert schemas._date_format(text) == allowed == domain.is_date(text)


@pytest.mark.parametrize("as_of", ["2200-01-01", "1999-12-31", "0001-01-01"])
def test_an_as_of_date_of_another_century_is_a_usage_error(tmp_path: Path, as_of: str) -> None:
    """--as-of dates every output: 2200 stopped the build writing the workbooks' zip."""
    result = cli("build", str(REPO / "records"), "--site", str(tmp_path / "site"),
                 "--dist", str(tmp_path / "dist"), "--as-of", as_of)
    assert result.returncode == 2 and "build.as_of" in result.stderr, result.stderr
    assert "内部错误" not in result.stderr


@pytest.mark.parametrize("epoch", ["7258118400", "4102444800"])  # 2200, 2100-01-01
def test_a_source_date_past_2099_is_a_usage_error(tmp_path: Path, epoch: str) -> None:
    result = cli("build", str(REPO / "records"), "--site", str(tmp_path / "site"),
                 "--dist", str(tmp_path / "dist"), env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 2 and "build.source_date" in result.stderr, result.stderr
