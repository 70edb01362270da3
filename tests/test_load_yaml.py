"""What the YAML of one record may hold: keys are plain text, numbers are finite, every problem
of a file is reported at once, and every YAML problem reads in Chinese."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import yamlsafe
from generator.records.load import read_source
from generator.text import records as messages

FINDING = "hualong/findings/hl-20190311-aaa.yaml"


def problems_of(text: str) -> tuple[object, list[yamlsafe.YamlProblem]]:
    return yamlsafe.parse_record(text)


# --- keys ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["~", "null", "Null", "1", "+1", "-7", "0", "1.5", "true",
                                 "True", "FALSE", "[a, b]", "{a: 1}"])
def test_a_key_that_is_not_text_is_a_located_problem(key: str) -> None:
    data, found = problems_of(f"zz: b\n{key}: a\nyy: c\n")
    assert [(p.code, p.line, p.column) for p in found] == [("yaml.key_not_text", 2, 1)]
    assert data == {"zz": "b", "yy": "c"}  # the rest of the record is kept for checking


def test_an_empty_key_is_a_located_problem() -> None:
    _, found = problems_of("zz: b\n? \n: a\n")
    assert [p.code for p in found] == ["yaml.key_not_text"]


@pytest.mark.parametrize(("first", "second"), [("true", "True"), ("1", "+1"), ("1", "1.0"),
                                               ("TRUE", "true"), ("0", "-0")])
def test_spellings_of_one_value_never_collapse_silently(first: str, second: str) -> None:
    _, found = problems_of(f"{first}: a\n{second}: b\n")
    assert {p.code for p in found} == {"yaml.key_not_text"} and len(found) == 2


@pytest.mark.parametrize("key", ["'1'", '"true"', "'~'", "object_name", "a1", "'+1'"])
def test_quoted_keys_are_text_and_allowed(key: str) -> None:
    data, found = problems_of(f"{key}: a\n")
    assert found == [] and all(isinstance(k, str) for k in data)  # type: ignore[attr-defined]


scalar_keys = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["true", "True", "TRUE", "false", "False", "FALSE", "~", "null", "NULL", ""]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    .map(lambda f: f"{f:.3f}"),
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(scalar_keys, min_size=1, max_size=6))
def test_any_keys_give_text_keys_or_located_problems(keys: list[str]) -> None:
    text = "".join(f"{key}: v{i}\n" for i, key in enumerate(keys))
    try:
        data, found = problems_of(text)
    except yamlsafe.YamlProblem as fatal:  # e.g. "? " spellings; still a located problem
        assert fatal.code.startswith("yaml.")
        return
    assert isinstance(data, dict) and all(isinstance(k, str) for k in data)
    assert all(p.line is not None and p.column is not None for p in found)
    # nothing is lost without a word: every line gives a key or a problem
    assert len(data) + len(found) == len(keys)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1" * 400 + ".5", "-" + "9" * 320 + ".0", "1" * 5000,
                                    "-" + "1" * 1001])
def test_a_number_out_of_range_is_a_located_problem(number: str) -> None:
    data, found = problems_of(f"a: 1\nscale: {number}\n")
    assert [(p.code, p.line, p.column) for p in found] == [("yaml.number_too_large", 2, 8)]
    assert data == {"a": 1, "scale": number}  # kept as the text typed; nothing becomes inf


@pytest.mark.parametrize("text", [".inf", "-.inf", ".nan", ".NaN", "1e400", "inf", "nan"])
def test_infinity_and_nan_never_become_numbers(text: str) -> None:
    data, found = problems_of(f"x: {text}\n")
    assert found == [] and data == {"x": text}


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"-?(0|[1-9][0-9]{0,400})\.[0-9]{1,400}", fullmatch=True))
def test_every_decimal_is_finite_or_refused(text: str) -> None:
    data, found = problems_of(f"x: {text}\n")
    value = data["x"]  # type: ignore[index]
    if found:
        assert [p.code for p in found] == ["yaml.number_too_large"] and value == text
    else:
        assert isinstance(value, float) and abs(value) < float("inf")


# --- all problems of a file at once ------------------------------------------------------------


def test_a_duplicate_key_does_not_hide_the_files_other_problems(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    path = tmp_path / "records" / FINDING
    path.write_text(path.read_text(encoding="utf-8")
                    + "reviewer: 甲\nreviewer: 乙\n1: x\nbogus: 1\n", encoding="utf-8")
    done = run_cli("validate", "records", cwd=tmp_path, timeout=120)
    assert done.returncode == 1, done.stderr
    found = set(re.findall(r"\[([a-z_.A-Z]+)\]$", done.stdout, re.M))
    assert {"yaml.duplicate_key", "yaml.key_not_text", "schema.additionalProperties"} <= found
    assert "rule.ref_missing" not in found  # the record still counts for the links to it


def test_duplicates_keep_the_first_value_and_report_each_repeat() -> None:
    data, found = problems_of("a: 1\nb: 2\na: 3\na: 4\n")
    assert data == {"a": 1, "b": 2}
    assert [(p.code, p.line) for p in found] == [("yaml.duplicate_key", 3), ("yaml.duplicate_key", 4)]


def test_parse_still_raises_the_first_problem() -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse("a: 1\n1: 2\na: 3\n")
    assert caught.value.code == "yaml.key_not_text"


def test_read_source_keeps_a_record_with_problems(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\na: 2\nb: 3\n", encoding="utf-8")
    source, found = read_source(path, "finding", "x", "x")
    assert source.data == {"a": 1, "b": 3}
    assert [p.code for p in found] == ["yaml.duplicate_key"]


@pytest.mark.parametrize("tail", ["1: a\nzz: b\n", "~: a\n", "true: a\nTrue: b\n",
                                  "[a]: b\n", "scale_x: " + "1" * 400 + ".5\n"])
def test_odd_keys_and_numbers_exit_1_never_70(tmp_path: Path, tail: str) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    path = tmp_path / "records" / FINDING
    path.write_text(path.read_text(encoding="utf-8") + tail, encoding="utf-8")
    done = run_cli("validate", "records", cwd=tmp_path, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert re.search(r"hl-20190311-aaa\.yaml:\d+:\d+: .*\[yaml\.", done.stdout), done.stdout


# --- YAML problems read in Chinese --------------------------------------------------------------

LIBYAML_PROBLEMS = [
    "mapping values are not allowed in this context", "could not find expected ':'",
    "did not find expected key", "did not find expected '-' indicator",
    "did not find expected ',' or ']'", "did not find expected ',' or '}'",
    "did not find expected node content", "found unexpected end of stream",
    "found unknown escape character", "control characters are not allowed",
    "found character that cannot start any token", "block sequence entries are not allowed in this context",
    "mapping keys are not allowed in this context", "found unexpected ':'",
    "found unexpected document indicator", "did not find expected <document start>",
    "did not find expected comment or line break", "did not find expected whitespace",
    "did not find expected whitespace or line break", "found invalid Unicode character escape code",
    "did not find expected hexdecimal number", "found an indentation indicator equal to 0",
    "found a tab character where an indentation space is expected",
    "found a tab character that violates indentation", "found unknown directive name",
    "found incompatible YAML document", "found duplicate %YAML directive",
    "found undefined tag handle", "did not find expected alphabetic or numeric character",
    "did not find the expected '>'", "did not find URI escaped octet",
    "did not find expected tag URI", "did not find expected '!'",
    "could not find expected directive name", "did not find expected digit or '.' character",
    "did not find expected version number", "found extremely long version number",
    "found duplicate %TAG directive", "expected <block end>",
    "found unexpected non-alphabetical character",
]


@pytest.mark.parametrize("problem", LIBYAML_PROBLEMS)
def test_every_libyaml_problem_has_a_chinese_sentence(problem: str) -> None:
    assert messages.yaml_problem(problem) is not None


# libyaml's vocabulary; record text in these tests never contains these words
ENGLISH = re.compile(r"expected|found|allowed|while|scanning|parsing|character|could|context|"
                     r"stream|document|indicator|mapping|sequence|block|flow|scalar|token|"
                     r"directive|escape|octet|invalid|unexpected|error", re.I)
BROKEN = ["a: [1, 2\n", "a: {b: 1\n", "a: 'x\n", 'a: "x\n', "a: b: c\n", "- a\nb: 1\n",
          "a:\n  - b\n c: 1\n", 'a: "\\q"\n', "a: @x\n", "a: `x\n", "%FOO\n---\na: 1\n",
          "a: |0\n  x\n", "a: !\n", "? a\n? b\n- c\n", "a: >\n x\n- y\n", "a:\n- b\n  - c: d: e\n"]


@pytest.mark.parametrize("text", BROKEN)
def test_broken_yaml_reads_in_chinese(text: str) -> None:
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse(text)
    shown = messages.render(caught.value.code, **caught.value.fields)
    assert not ENGLISH.search(shown), shown
    assert caught.value.line is not None


yaml_ish = st.text(alphabet=st.sampled_from(list("ab:- \n\"'[]{}&*!#|>%@`?,\\0123456789中文")),
                   max_size=120)


@settings(max_examples=600, deadline=None)
@given(yaml_ish)
def test_random_broken_yaml_reads_in_chinese(text: str) -> None:
    try:
        yamlsafe.parse_record(text)
    except yamlsafe.YamlProblem as problem:
        shown = messages.render(problem.code, **problem.fields)
        assert not ENGLISH.search(shown), shown


@settings(max_examples=150, deadline=None)
@given(before=st.lists(st.text(st.sampled_from("甲乙丙丁abc 1"), max_size=8), max_size=4),
       prefix=st.text(st.sampled_from("中文字abc"), max_size=10),
       control=st.sampled_from(["\x01", "\x0b", "\x1f", "\x7f"]),
       ending=st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_control_character_is_located_where_it_is(before: list[str], prefix: str,
                                                    control: str, ending: str) -> None:
    """libyaml gives the place of a character YAML refuses in UTF-8 bytes: after Chinese
    text that pointed lines and columns away from it (and a CR-only file put it on line 1)."""
    lines = [f"k{i}: x{t}" for i, t in enumerate(before)] + [f"bad: {prefix}{control}x"]
    text = ending.join(lines) + ending
    try:
        yamlsafe.parse(text)
    except yamlsafe.YamlProblem as problem:
        if control == "\x7f" and problem.code != "yaml.syntax":
            return
        assert (problem.line, problem.column) == (len(lines), len("bad: " + prefix) + 1)
    else:
        assert control == "\x7f"  # DEL is allowed in YAML 1.1 (printable there)


def _locate_by_scanning(root: Any, path: tuple[str | int, ...],
                        key: bool) -> tuple[int, int] | None:
    """The reference: each mapping scanned for each step, as locate was first written."""
    import yaml

    node, key_node = root, None
    for step in path:
        pair: tuple[Any, Any] | None = None
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value
                         if isinstance(k, yaml.ScalarNode) and k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and 0 <= step < len(node.value):
            pair = (None, node.value[step])
        if pair is None:
            break
        key_node, node = pair
    else:
        node = key_node if key and key_node is not None else node
    return None if node is None else (node.start_mark.line + 1, node.start_mark.column + 1)


KEYS = st.sampled_from(["a", "b", "c", "errors", "1", "x y"])


@settings(max_examples=200, deadline=None)
@given(data=st.recursive(st.integers(0, 3) | st.text("甲乙", max_size=2),
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12),
       path=st.lists(KEYS | st.integers(-1, 3), max_size=4), key=st.booleans())
def test_locate_finds_what_scanning_finds(data: object, path: list[str | int],
                                          key: bool) -> None:
    """locate indexes each mapping's keys once (a record of 10,000 unknown keys took
    validate minutes); it must answer as scanning does, for any path, found or not."""
    import yaml

    text = yaml.safe_dump({"root": data}, allow_unicode=True)
    root = yamlsafe.compose(text)
    full = ("root", *path)
    assert yamlsafe.locate(root, full, key=key) == _locate_by_scanning(root, full, key)


def test_yamls_own_line_breaks_count_as_lines_when_locating() -> None:
    """NEL, LS and PS end lines for YAML 1.1 (and libyaml's own marks): a control character
    after one is on the line libyaml would say."""
    with pytest.raises(yamlsafe.YamlProblem) as caught:
        yamlsafe.parse('a: "x\u2028y"\nb: c\x01\n')
    assert (caught.value.line, caught.value.column) == (3, 5)
