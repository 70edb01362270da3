"""The YAML loader: codes stay text, traps are refused with a position, nothing raises."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import yamlsafe
from generator.records.load import load, read_source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code: 0610", "0610"),
        ("code: 010010", "010010"),
        ("code: 0819", "0819"),
        ("code: '0610'", "0610"),
        ("flag: no", "no"),
        ("flag: off", "off"),
        ("flag: yes", "yes"),
        ("day: 2019-03-05", "2019-03-05"),
        ("time: 12:30", "12:30"),
        ("n: 0x1F", "0x1F"),
        ("n: 1_000", "1_000"),
        ("n: .inf", ".inf"),
        ("code: 03", "03"),
    ],
)
def test_values_stay_the_text_typed(text: str, expected: str) -> None:
    assert list(yamlsafe.parse(text).values()) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("n: 412", 412), ("n: -3", -3), ("n: 0", 0), ("b: true", True), ("b: false", False),
     ("x: 1.5", 1.5), ("x: ~", None), ("x:", None)],
)
def test_numbers_and_booleans_that_are_meant(text: str, expected: object) -> None:
    assert list(yamlsafe.parse(text).values()) == [expected]


def test_alias_bomb_is_refused_fast() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 30):
        prev, name = chr(96 + i), chr(97 + i) if i < 26 else f"z{i}"
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse("\n".join(lines))
    assert caught.value.code == "yaml.anchor"
    assert (caught.value.line, caught.value.column) == (1, 4)
    assert time.perf_counter() - started < 5  # generous: a bomb would take minutes or memory


def test_deep_flow_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse("a: " + "[" * 5000 + "]" * 5000)
    assert caught.value.code in ("yaml.too_deep", "yaml.syntax")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * (1024 * 1024) + "'\n", encoding="utf-8")
    _, problems = read_source(path, "finding", "x", "big")
    assert [p.code for p in problems] == ["yaml.too_large"]


def test_unreadable_records_dir_is_a_problem(tmp_path: Path) -> None:
    loaded = load(tmp_path / "nope")
    assert [p.code for p in loaded.problems] == ["yaml.read"]


def test_locate_points_at_keys_and_values() -> None:
    text = "a: 1\nb:\n  - x: 2\n    y: 3\n"
    root = yamlsafe.compose(text)
    assert yamlsafe.locate(root, ("b", 0, "y")) == (4, 8)
    assert yamlsafe.locate(root, ("b", 0, "y"), key=True) == (4, 5)
    assert yamlsafe.locate(root, ("b", 0, "missing")) == (3, 5)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_a_record_or_a_located_problem(tmp_path_factory: pytest.TempPathFactory,
                                                        raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.yaml"
    path.write_bytes(raw)
    source, problems = read_source(path, "finding", "x", "x")
    assert source.data is None or isinstance(source.data, dict)
    assert source.data is not None or problems  # no record without a word why
    assert all(p.code.startswith("yaml.") and p.message and p.line for p in problems
               if p.code not in ("yaml.empty", "yaml.too_large"))


yaml_ish = st.text(alphabet=st.sampled_from(list("ab:- \n\"'[]{}&*!#|>%@`\t0123456789中文")),
                   max_size=200)


def _depth(data: object) -> int:
    if isinstance(data, dict):
        return 1 + max((_depth(v) for v in data.values()), default=0)
    if isinstance(data, list):
        return 1 + max((_depth(v) for v in data), default=0)
    return 0


@settings(max_examples=500, deadline=None)
@given(yaml_ish)
def test_random_yaml_text_never_raises_anything_else(text: str) -> None:
    try:
        data = yamlsafe.parse(text)
    except yamlsafe.YamlProblem as problem:
        assert problem.code.startswith("yaml.")
        return
    assert _depth(data) <= yamlsafe.MAX_DEPTH


class _Reference(yamlsafe.CParser, yaml.constructor.SafeConstructor, yamlsafe._Resolver):
    """PyYAML's own constructor over the same parser and resolver: what parse() replaces."""

    def __init__(self, stream: str) -> None:
        yamlsafe.CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yamlsafe._Resolver.__init__(self)


def _reference(text: str) -> object:
    loader = _Reference(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


record_ish = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=False, allow_infinity=False, width=32),
              st.text(st.sampled_from(list("ab 0:-#'\"\n中文０")), max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text("ab0中", max_size=3), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(st.one_of(yaml_ish, record_ish.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                 record_ish.map(lambda d: yaml.safe_dump(d, allow_unicode=True,
                                                         default_flow_style=True))))
def test_parse_gives_what_pyyaml_constructs_with_the_same_resolver(text: str) -> None:
    """The direct constructor in parse() agrees with PyYAML's SafeConstructor wherever the
    text has no anchor, alias or tag (those are refused before constructing)."""
    try:
        data = yamlsafe.parse(text)
    except yamlsafe.YamlProblem:
        return
    expected = _reference(text)
    assert data == expected and repr(data) == repr(expected)


def test_an_integer_too_long_for_python_is_a_located_problem() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse("a: 1\nb: " + "1" * 5000 + "\n")
    assert caught.value.code == "yaml.number_too_large"
    assert (caught.value.line, caught.value.column) == (2, 4)
    assert yamlsafe.parse("b: '" + "1" * 5000 + "'\n") == {"b": "1" * 5000}
