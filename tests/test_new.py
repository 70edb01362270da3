"""``python -m generator new``: a scaffold for every kind that names every field, fails validation
until filled, passes once filled, gets an id that cannot collide, and never overwrites."""

from __future__ import annotations

import json
import random
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINIMAL, cli

from generator.records import yamlsafe
from generator.records.schemas import load_schemas, resolve, walk_properties
from generator.tools.scaffold import ScaffoldError, county_prefix, render_record, write_new

SCHEMAS = load_schemas()
RECORD_KINDS = ("finding", "g106", "verification")
ID_FORMS = {
    "finding": r"hl-20190320-[a-z0-9]{3}",
    "g106": r"hl-g-20190320-[a-z0-9]{3}",
    "verification": r"hl-v-20190320-01",
}
# Values that make a filled-in scaffold pass the cross-record rules of the minimal tree too.
FILL: dict[str, dict[str, Any]] = {
    "finding": {"status": "整改中"},
    "verification": {"g106": "hl-g-20190312-aaa", "findings": "hl-20190311-aaa"},
    "county": {"owners": "@example/newone", "code": "410999", "name": "新区", "key_assistance": False},
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The minimal records with schemas/ beside them, as in the repository."""
    shutil.copytree(MINIMAL, tmp_path / "records")
    return tmp_path / "records"


def _new(tree: Path, kind: str, county: str = "hualong", day: str = "2019-03-20"):
    return cli("new", kind, "--county", county, "--records", str(tree), "--date", day)


def _prepare(tree: Path, kind: str) -> str:
    """The county a new ``kind`` record goes to, its fixed file moved out of the way."""
    if kind == "assistance":
        (tree / "hualong/assistance.yaml").unlink()
    return "newone" if kind == "county" else "hualong"


def _placeholders(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _placeholders(v, path + (k,))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _placeholders(v, path + (i,))]
    return [path] if data in ("", "YYYY-MM-DD", None) else []


def _fill_value(kind: str, path: tuple[str | int, ...]) -> Any:
    name = next(str(p) for p in reversed(path) if isinstance(p, str))
    if path[:1] == ("contacts",) and name == "name":  # a person named like the county (新区)
        return "测试员"  # would be refused by rule.confidential_in_public_text
    if name in FILL.get(kind, {}):
        return FILL[kind][name]
    node = SCHEMAS.node(kind, path) or {}
    types = node.get("type", "string")
    if node.get("format") == "date":
        return "2019-04-20"
    if "enum" in node:
        return node["enum"][0]
    if types == "boolean":
        return True
    if types == "integer":
        return 3
    return node["examples"][0] if node.get("examples") else "测试内容"


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_new_record_gets_a_fresh_id_with_the_county_prefix(tree: Path, kind: str) -> None:
    result = _new(tree, kind)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_file() and path.parent.parent == tree / "hualong"
    assert re.fullmatch(ID_FORMS[kind], path.stem), path.stem
    assert "已新建" in result.stderr


@pytest.mark.parametrize("kind", ("finding", "g106", "verification", "assistance", "county"))
def test_scaffold_fails_validation_until_filled_then_passes(tree: Path, kind: str) -> None:
    result = _new(tree, kind, _prepare(tree, kind))
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    check = cli("validate", str(tree))
    assert check.returncode == 1
    assert str(path) in check.stdout
    data = yamlsafe.parse(path.read_text(encoding="utf-8"))
    holes = _placeholders(data)
    assert holes
    # every placeholder is refused by the schema at its own place: none can slip through
    refused = {tuple(e.absolute_path) for e in SCHEMAS.validators[kind].iter_errors(data)}
    assert set(holes) <= refused, set(holes) - refused
    for hole in holes:
        _set(data, hole, _fill_value(kind, hole))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    filled = cli("validate", str(tree))
    assert filled.returncode == 0, filled.stdout


@pytest.mark.parametrize("kind", ("finding", "g106", "verification", "assistance", "county"))
def test_scaffold_names_every_field_with_its_chinese_title(kind: str) -> None:
    text = render_record(kind, SCHEMAS.documents[kind], depth=2)
    root = SCHEMAS.documents[kind]
    for path, prop in walk_properties(root):
        name = next(str(p) for p in reversed(path) if isinstance(p, str))
        assert re.search(rf"\b{name}\b", text), f"{kind}: {path} missing"
        assert prop["title"] in text, f"{kind}: title of {path} missing"
    assert resolve(root, root)["title"] in text


@pytest.mark.parametrize("kind", ("finding", "county"))
def test_first_line_points_at_the_schema_from_the_files_depth(tree: Path, kind: str) -> None:
    (tree.parent / "schemas").mkdir()
    result = _new(tree, kind, _prepare(tree, kind))
    path = Path(result.stdout.strip())
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    target = (path.parent / match[1]).resolve()
    assert target == (tree.parent / "schemas" / f"{kind}.schema.json").resolve()


def test_scaffold_is_schema_valid_yaml_once_commented_lines_are_ignored() -> None:
    for kind in ("finding", "g106", "verification", "assistance", "county"):
        data = yamlsafe.parse(render_record(kind, SCHEMAS.documents[kind], depth=2))
        assert isinstance(data, dict) and data, kind


def test_verification_numbers_count_on_from_the_last_one(tree: Path) -> None:
    result = _new(tree, "verification", day="2019-04-16")  # hl-v-20190416-01 exists
    assert Path(result.stdout.strip()).stem == "hl-v-20190416-02"


def test_prefix_is_the_slug_in_a_county_without_records(tree: Path) -> None:
    assert _new(tree, "county", "newone").returncode == 0
    result = _new(tree, "finding", "newone")
    assert re.fullmatch(r"newone-20190320-[a-z0-9]{3}", Path(result.stdout.strip()).stem)
    assert county_prefix(tree / "hualong", "hualong") == "hl"


def test_date_defaults_to_today(tree: Path) -> None:
    result = cli("new", "finding", "--county", "hualong", "--records", str(tree))
    assert f"hl-{date.today():%Y%m%d}-" in result.stdout


class _Scripted(random.Random):
    """Draws the given letters in order: the first suffix collides with an existing file."""

    def __init__(self, letters: str) -> None:
        super().__init__(0)
        self.letters = iter(letters)

    def choice(self, seq: Any) -> Any:
        return next(self.letters)


def test_random_suffix_is_drawn_again_when_the_id_is_taken(tree: Path) -> None:
    taken = tree / "hualong/findings/hl-20190320-aaa.yaml"
    taken.write_text("keep: me\n", encoding="utf-8")
    path = write_new(tree, "finding", "hualong", SCHEMAS.documents["finding"],
                     date(2019, 3, 20), rng=_Scripted("aaabbb"))
    assert path.name == "hl-20190320-bbb.yaml"
    assert taken.read_text(encoding="utf-8") == "keep: me\n"


def test_an_id_taken_in_another_county_is_not_reused(tree: Path) -> None:
    other = tree / "other/findings"
    other.mkdir(parents=True)
    (other / "hl-20190320-aaa.yaml").write_text("x: 1\n", encoding="utf-8")
    path = write_new(tree, "finding", "hualong", SCHEMAS.documents["finding"],
                     date(2019, 3, 20), rng=_Scripted("aaaccc"))
    assert path.name == "hl-20190320-ccc.yaml"


@pytest.mark.parametrize("kind", ("county", "assistance"))
def test_existing_county_files_are_never_overwritten(tree: Path, kind: str) -> None:
    path = tree / "hualong" / f"{kind}.yaml"
    before = path.read_bytes()
    result = _new(tree, kind)
    assert result.returncode == 1 and "已存在，不会覆盖" in result.stderr
    assert path.read_bytes() == before and result.stdout == ""


def test_unknown_county_is_refused_in_chinese(tree: Path) -> None:
    result = _new(tree, "finding", "nowhere")
    assert result.returncode == 1 and "没有县（区）文件夹" in result.stderr
    assert "hualong" in result.stderr and "Traceback" not in result.stderr
    assert not (tree / "nowhere").exists()


def test_bad_slug_and_bad_date_are_refused(tree: Path) -> None:
    assert _new(tree, "county", "Hua Long").returncode == 1
    with pytest.raises(ScaffoldError) as info:
        write_new(tree / "missing", "finding", "hualong", {}, date(2019, 3, 20))
    assert info.value.code == "new.no_records"
    bad = _new(tree, "finding", day="2019-02-30")
    assert bad.returncode == 2 and "日期 2019-02-30 无效" in bad.stderr


def test_two_records_claiming_the_same_id_is_a_validation_error(tree: Path) -> None:
    """The other half of ids that cannot collide: if two pull requests still pick the same id
    (in different counties), the merged tree does not validate."""
    other = tree / "other"
    shutil.copytree(tree / "hualong", other)
    (other / "assistance.yaml").unlink()
    county = other / "county.yaml"
    county.write_text(county.read_text(encoding="utf-8").replace("华龙区", "另一区")
                      .replace('"410902"', '"410999"').replace("key_assistance: true",
                                                               "key_assistance: false"),
                      encoding="utf-8")
    result = cli("validate", "--format", "json", str(tree))
    codes = [p["code"] for p in json.loads(result.stdout)["problems"]]
    assert result.returncode == 1 and codes.count("rule.duplicate_id") == 3
