"""One census object, one finding file: the same object recorded twice in a county is refused
(rule.duplicate_object, at both files), and an id whose county prefix is another county's is
warned about (rule.id_prefix).

"The same object": the same 统一社会信用代码 when both records have one; otherwise the same
普查对象名称 once spaces are dropped, full-width forms made half-width (NFKC) and letters
case-folded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import RecordError
from generator.pipeline import check
from generator.records import domain

FIRST = "hualong/findings/hl-20190311-aaa.yaml"
BASE = yaml.safe_load((MINIMAL / FIRST).read_text(encoding="utf-8"))
CODE = BASE["credit_code"]  # 91350100M000100Y43
OTHER_CODE = "91410902MA0000200C"


def _tree(tmp_path: Path, files: dict[str, dict[str, object]]) -> list[RecordError]:
    """The minimal tree plus ``files`` (path under records/ → finding data); its problems."""
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    for name, data in files.items():
        path = records / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (path.parent.parent / "county.yaml").exists():
            county = yaml.safe_load((records / "hualong/county.yaml").read_text(encoding="utf-8"))
            county.update(name=path.parent.parent.name, code="410922", key_assistance=False)
            (path.parent.parent / "county.yaml").write_text(
                yaml.safe_dump(county, allow_unicode=True), encoding="utf-8")
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check(records).problems
    for problem in problems:  # file names as a run from tmp_path shows them
        problem.file = problem.file[problem.file.index("records/"):]
        problem.message = problem.message.replace(str(tmp_path) + "/", "")
    return problems


def _finding(name: str = BASE["object_name"], code: str | None = CODE) -> dict[str, object]:
    data = {**BASE, "object_name": name}
    data.pop("credit_code")
    if code:
        data["credit_code"] = code
    return data


def _duplicates(problems: list[RecordError]) -> list[RecordError]:
    return [p for p in problems if p.code == "rule.duplicate_object"]


def test_the_same_object_twice_in_a_county_is_refused_at_both_files(tmp_path: Path) -> None:
    problems = _tree(tmp_path, {"hualong/findings/hl-20190320-b2c.yaml": _finding()})
    found = _duplicates(problems)
    assert sorted(p.file for p in found) == ["records/" + FIRST,
                                             "records/hualong/findings/hl-20190320-b2c.yaml"]
    assert all(p.severity == "error" and p.path == ("credit_code",) for p in found)
    assert next(p for p in found if p.file.endswith(FIRST)).line == 3
    later = next(p for p in found if p.file.endswith("b2c.yaml"))
    assert f"records/{FIRST}:3:14" in later.message  # the other location, clickable
    assert "[rule.duplicate_object]" in str(later)


@pytest.mark.parametrize(("first", "second"), [
    ((BASE["object_name"], CODE), ("改名后的化工有限公司", CODE)),  # same code, renamed
    ((BASE["object_name"], None), (BASE["object_name"], None)),
    ((BASE["object_name"], CODE), (BASE["object_name"], None)),  # one code only: names decide
    ((BASE["object_name"], None), (BASE["object_name"], OTHER_CODE)),
    (("测试化工有限公司", None), ("测试化工 有限公司", None)),
    (("测试化工有限公司", None), ("\u3000测试化工有限公司 ", None)),
    (("ABC化工（分厂）", None), ("ＡＢＣ化工(分厂)", None)),
    (("abc化工", None), ("ABC化工", None)),
    (("测试化工有限公司", None), ("测试化工\u00a0有限公司", None)),
])
def test_what_counts_as_the_same_object(tmp_path: Path, first: tuple[str, str | None],
                                        second: tuple[str, str | None]) -> None:
    problems = _tree(tmp_path, {FIRST: _finding(*first),
                                "hualong/findings/hl-20190320-b2c.yaml": _finding(*second)})
    assert len(_duplicates(problems)) == 2, [str(p) for p in problems]


@pytest.mark.parametrize(("first", "second"), [
    ((BASE["object_name"], CODE), (BASE["object_name"], OTHER_CODE)),  # two codes: they decide
    (("测试化工有限公司", None), ("测试化工二厂有限公司", None)),
    (("测试化工有限公司", CODE), ("测试化工有限公司二厂", None)),
])
def test_different_objects_pass(tmp_path: Path, first: tuple[str, str | None],
                                second: tuple[str, str | None]) -> None:
    problems = _tree(tmp_path, {FIRST: _finding(*first),
                                "hualong/findings/hl-20190320-b2c.yaml": _finding(*second)})
    assert _duplicates(problems) == []


def test_the_same_object_in_two_counties_is_two_objects(tmp_path: Path) -> None:
    problems = _tree(tmp_path, {"qingfeng/findings/qf-20190320-b2c.yaml": _finding()})
    assert _duplicates(problems) == []


def test_three_copies_each_name_the_first(tmp_path: Path) -> None:
    problems = _tree(tmp_path, {f"hualong/findings/hl-20190320-b{n}c.yaml": _finding()
                                for n in range(2, 4)})
    found = _duplicates(problems)
    assert len(found) == 4  # the first file names each copy; each copy names the first
    copies = [p for p in found if not p.file.endswith(FIRST)]
    assert all(f"records/{FIRST}:" in p.message for p in copies)


@settings(max_examples=200, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
       spaces=st.lists(st.sampled_from([" ", "\u3000", "\u00a0", "\t"]), max_size=3))
def test_object_key_ignores_spaces_and_width(name: str, spaces: list[str]) -> None:
    key = domain.object_key(name)
    assert domain.object_key(key) == key  # a normal form
    assert domain.object_key("".join(spaces) + name + "".join(spaces)) == key
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    assert domain.object_key(wide) == key


# ------------------------------------------------------------------ id prefixes


def _prefix_warnings(problems: list[RecordError]) -> list[RecordError]:
    return [p for p in problems if p.code == "rule.id_prefix"]


def test_an_id_with_another_countys_prefix_is_warned(tmp_path: Path) -> None:
    other = _finding("清丰某公司", None)
    problems = _tree(tmp_path, {"qingfeng/findings/qf-20190320-b2c.yaml": other,
                                "qingfeng/findings/hl-20190320-x7y.yaml": _finding("另一公司", None)})
    found = _prefix_warnings(problems)
    assert [(p.file, p.severity) for p in found] == [
        ("records/qingfeng/findings/hl-20190320-x7y.yaml", "warning")]
    assert "hualong" in found[0].message and "qf" in found[0].message


@pytest.mark.parametrize("name", ["zz-20190320-x7y", "hualong-20190320-x7y", "hl-g-20190320-x7y"])
def test_prefixes_that_are_not_the_countys(tmp_path: Path, name: str) -> None:
    folder = "g106" if "-g-" in name else "findings"
    data = _finding("另一公司", None)
    if folder == "g106":
        data = yaml.safe_load((MINIMAL / "hualong/g106/hl-g-20190312-aaa.yaml").read_text(
            encoding="utf-8"))
        data.pop("verification")
        data["review"] = {"result": "已解决"}
    files = {"qingfeng/findings/qf-20190320-b2c.yaml": _finding("清丰某公司", None),
             "qingfeng/findings/qf-20190320-d4e.yaml": _finding("清丰另一公司", None),
             f"qingfeng/{folder}/{name}.yaml": data}
    found = _prefix_warnings(_tree(tmp_path, files))
    assert [p.file for p in found] == [f"records/qingfeng/{folder}/{name}.yaml"]


@pytest.mark.parametrize("name", ["qf-20190320-x7y", "qingfeng-20190320-x7y", "note-1", "x"])
def test_prefixes_that_belong(tmp_path: Path, name: str) -> None:
    files = {"qingfeng/findings/qf-20190320-b2c.yaml": _finding("清丰某公司", None),
             f"qingfeng/findings/{name}.yaml": _finding("另一公司", None)}
    assert _prefix_warnings(_tree(tmp_path, files)) == []


def test_a_county_whose_ids_use_its_slug_has_no_warning(tmp_path: Path) -> None:
    """`new` uses the slug as the prefix of a county without ids yet."""
    files = {"qingfeng/findings/qingfeng-20190320-b2c.yaml": _finding("清丰某公司", None)}
    assert _prefix_warnings(_tree(tmp_path, files)) == []
