"""rule.confidential_in_public_text: validate refuses a publishable text (x-publishable)
that names a census object, an enterprise, a person, a phone, a credit code or an
enumerator id of the records, or that looks like a phone number or a credit code."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import REPO, cli
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.errors import RecordError
from generator.pipeline import check
from generator.records import privacy
from generator.records.load import Source, load
from generator.records.schemas import PUBLISHABLE, field_classes, load_schemas
from generator.records.validate import validate

SCHEMAS = load_schemas()
LOADED = load(REPO / "records")
VALUES = privacy.confidential_values(LOADED.sources, SCHEMAS)
CODE = "rule.confidential_in_public_text"
# Every publishable text of the shipped records, as (source index, concrete path).
SPOTS = [(i, where) for i, s in enumerate(LOADED.sources)
         for path, cls in field_classes(SCHEMAS.documents[s.kind]).items() if cls == PUBLISHABLE
         for where, _ in privacy.values_at(s.data, path)]
ORDINARY = st.text("的工作情况审核已完成报表整改 ，。0123456789%", max_size=12)


def _set(data: object, path: tuple[str | int, ...], value: str) -> None:
    for step in path[:-1]:
        data = data[step]  # type: ignore[index]
    data[path[-1]] = value  # type: ignore[index]


def _get(data: object, path: tuple[str | int, ...]) -> str:
    for step in path:
        data = data[step]  # type: ignore[index]
    assert isinstance(data, str)
    return data


def _with_text(spot: tuple[int, tuple[str | int, ...]], text: str
               ) -> list[RecordError] | None:
    index, path = spot
    sources = list(LOADED.sources)
    source: Source = sources[index]
    data = copy.deepcopy(source.data)
    _set(data, path, _get(data, path) + text)
    sources[index] = dataclasses.replace(source, data=data)
    found = validate(dataclasses.replace(LOADED, sources=sources), SCHEMAS)
    if any(p.code.startswith("schema.") for p in found):
        return None  # refused by the schema (county.name: 30 characters at most) instead
    return [p for p in found if p.code == CODE]



def test_there_is_something_to_test() -> None:
    assert len(VALUES) > 100 and len(SPOTS) > 30
    kinds = {LOADED.sources[i].kind for i, _ in SPOTS}
    assert kinds == {"city", "county", "finding", "assistance"}


def test_the_shipped_records_name_nobody_in_public_text() -> None:
    assert not [p for p in check(REPO / "records").problems if p.code == CODE]


@settings(max_examples=60, deadline=None)
@given(spot=st.sampled_from(SPOTS), value=st.sampled_from(sorted(VALUES)),
       before=ORDINARY, after=ORDINARY)
def test_a_confidential_value_in_any_publishable_field_is_refused(
        spot: tuple[int, tuple[str | int, ...]], value: str, before: str, after: str) -> None:
    # a code (Latin letters and digits only) counts where it stands alone, so set it apart
    found = _with_text(spot, before + (f"，{value}。" if value.isascii() else value) + after)
    assume(found is not None)
    assert found, f"{value} in {spot[1]} was let through"
    source = LOADED.sources[spot[0]]
    assert all(p.file == source.file and p.path == spot[1] and p.line for p in found)
    assert any(value in p.message for p in found)


@settings(max_examples=40, deadline=None)
@given(spot=st.sampled_from(SPOTS), text=st.one_of(
    st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    st.from_regex(r"\A(\+86 )?1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}\Z"),  # as people space them
    st.from_regex(r"\A0[0-9]{3}-[0-9]{7}\Z"),
    st.from_regex(r"\A（0[0-9]{3}）[0-9]{7,8}\Z"),  # full-width brackets: NFKC makes them ( )
    st.from_regex(r"\A9[0-9]4109[0-9]{2}[0-9A-HJ-NPQRTUWXY]{10}\Z")))
def test_anything_like_a_phone_or_credit_code_is_refused(
        spot: tuple[int, tuple[str | int, ...]], text: str) -> None:
    found = _with_text(spot, f"联系电话 {text} 。")
    assume(found is not None)
    assert found


def test_fragments_of_an_object_name_are_refused() -> None:
    spot = next(s for s in SPOTS if LOADED.sources[s[0]].kind == "assistance")
    for fragment in ("城东污水处理厂", "清源水务", "昌达印染", "ＣＤ城东污水处理厂"[2:]):
        assert _with_text(spot, f"，{fragment}尚未整改"), fragment


def test_ordinary_words_and_numbers_pass() -> None:
    spot = next(s for s in SPOTS if LOADED.sources[s[0]].kind == "city")
    for text in ("，共 46 条，5% 抽样，2019-03-12 完成", "，各县农业农村局配合", "，园区管理委员会参加",
                 "，污水处理厂和加油站是重点", "，G101-1 表 03 指标"):
        assert _with_text(spot, text) == [], text


def test_name_fragments() -> None:
    places = {"华龙区", "濮阳县", "濮阳", "濮阳市", "南乐县"}
    assert privacy.name_fragments("濮阳市华龙区昌达印染有限公司", places) == {
        "昌达印染", "昌达印染有限公司"}
    assert privacy.name_fragments("濮阳清源水务有限公司城东污水处理厂", places) == {
        "清源水务", "城东污水处理厂", "清源水务有限公司城东污水处理厂"}
    assert privacy.name_fragments("南乐县农业农村局（县级农业源综合表）", places) == set()
    assert privacy.name_fragments("杨帆", places) == set()


def test_full_width_digits_are_digits() -> None:
    spot = SPOTS[0]
    assert _with_text(spot, "，电话１３９０００００９０１")


def test_values_shorter_than_the_minimum_are_ignored() -> None:
    assert all(len(v) >= privacy.MIN_LENGTH for v in VALUES)
    assert "杨帆" in VALUES  # two-character names do count


def test_a_code_inside_a_longer_code_or_number_is_not_a_match() -> None:
    words = {"-1": "普查员号", "KF-0216": "普查员号", "12345": "普查员号"}
    needles = privacy.Needles({k: v for k, v in words.items() if privacy.significant(k)})
    assert not needles.found("G106-1 表")  # "-1" is too short to look for
    assert not needles.found("编号 KF-02161、AKF-0216 和 0123456")
    assert [w for _, w in needles.found("普查员 KF-0216 填报")] == ["KF-0216"]
    assert [w for _, w in needles.found("普查员KF-0216填报")] == ["KF-0216"]


@pytest.mark.parametrize("text", ["孟 庆华负责整改", "孟\u3000庆华", "由孟\u200b庆\u2060华跟进", "孟\t庆 华",
                                  "濮阳 化工有限公司", "濮阳化工\u00ad有限公司"])
def test_space_or_an_invisible_character_inside_a_value_does_not_hide_it(text: str) -> None:
    """Names are often aligned with a full-width space ("张　三") or pasted with a zero-width
    one: between Han characters neither hides a confidential value from the public check."""
    needles = privacy.Needles({"孟庆华": "整改责任人", "濮阳化工有限公司": "普查对象名称"})
    assert [w for _, w in needles.found(text)] in (["孟庆华"], ["濮阳化工有限公司"]), text


def test_space_between_latin_letters_and_digits_still_separates_words() -> None:
    needles = privacy.Needles({"KF-0216": "普查员号"})
    assert not needles.found("KF -0216") and not needles.found("孟庆 A 华")


# what shows nothing between two characters: direction marks and isolates, the combining
# grapheme joiner, variation selectors (and their supplement), the Mongolian vowel
# separator, invisible operators, zero-width space and joiner, soft hyphen
HIDDEN = ["\u200e", "\u200f", "\u034f", "\ufe00", "\U000e0100", "\u2068", "\u2069", "\u202a",
          "\u180e", "\u2062", "\u200b", "\u200d", "\u00ad"]


@pytest.mark.parametrize("mark", HIDDEN, ids=[f"U+{ord(m):04X}" for m in HIDDEN])
def test_an_invisible_character_anywhere_in_a_value_does_not_hide_it(mark: str) -> None:
    needles = privacy.Needles({"孙立伟": "整改责任人", "HL-0311": "普查员号"})
    assert [w for _, w in needles.found(f"由孙{mark}立伟负责")] == ["孙立伟"]
    assert [w for _, w in needles.found(f"普查员 HL{mark}-0311")] == ["HL-0311"]


@pytest.mark.parametrize(("value", "text"), [
    ("杨 帆", "一是杨帆同志坚持现场核查"),  # spaced in the roster (杨　帆, NFKC), not in the text
    ("杨 帆", "杨 帆同志"), ("孟  庆华", "孟庆华"),
    ("HL-0311", "普查员 hl-0311 填报"),  # a code in small letters is the same code
    ("91410902MA189AQAY9", "代码 91410902ma189aqay9。"),
])
def test_a_value_written_otherwise_than_in_the_record_is_found(value: str, text: str) -> None:
    """Both ways round: spacing in the record or in the text, capitals or not; the value is
    named as the record has it."""
    needles = privacy.Needles({value: "整改责任人"})
    assert [w for _, w in needles.found(text)] == [value]


def test_validate_refuses_a_spaced_name_in_public_text(tmp_path: Path) -> None:
    """Through the command: a responsible person entered as 杨　帆 (aligned in a roster) and
    named 杨帆 in the city's published experience is refused by validate, before a build."""
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    for path in records.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "杨帆" in text:
            path.write_text(text.replace("杨帆", "杨　帆"), encoding="utf-8")
    city = records / "city.yaml"
    text = city.read_text(encoding="utf-8")
    city.write_text(text.replace("experience:\n", "experience:\n  - 杨帆同志坚持现场核查。\n", 1)
                    if "experience:\n" in text else text, encoding="utf-8")
    assert "杨帆同志" in city.read_text(encoding="utf-8")
    result = cli("validate", str(records))
    assert result.returncode == 1 and "rule.confidential_in_public_text" in result.stdout
    assert "杨　帆" in result.stdout or "杨 帆" in result.stdout, result.stdout
