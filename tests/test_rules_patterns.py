"""Schema patterns mean what ECMA-262 says they mean, in both validators.

Editors and check-jsonschema read patterns as ECMA-262 (check-jsonschema through regress, in
Unicode mode); we validate with Python's ``re`` (fastjsonschema's fast path and jsonschema's
full path). Here regress is the reference: every schema pattern, and patterns drawn at random
from the constructs that differ, must accept exactly the texts regress accepts.
"""

from __future__ import annotations

import json
from typing import Any

import fastjsonschema
import pytest
import regress
import yaml
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.records import ecma, yamlsafe
from generator.records.load import Source
from generator.records.schemas import (
    KINDS,
    ecma_pattern,
    load_schemas,
    python_patterns,
    walk_properties,
)
from generator.records.validate import schema_problems

SCHEMAS = load_schemas()
# The characters the engines disagreed on, and their neighbours.
TRICKY = ["\r", "\n", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u3000", "\x85", "\x1c", "\t",
          "\x0b", "\x0c", " ", "\u200b", "\u1680", "\u180e", "１", "٣", "é", "\U00020000"]
PLAIN = list("aAzZ09_-.@/<>&'\"[]$^华龙区")


def _schema_patterns() -> list[str]:
    found: set[str] = set()
    for kind in KINDS:
        root = SCHEMAS.documents[kind]
        nodes = [n for _, n in walk_properties(root)]
        nodes += [n.get("items") or {} for n in nodes]
        nodes += list(root.get("definitions", {}).values())
        nodes += [d.get("items") or {} for d in root.get("definitions", {}).values()]
        found |= {n["pattern"] for n in nodes if isinstance(n.get("pattern"), str)}
    return sorted(found)


PATTERNS = _schema_patterns()
TEXTS = st.text(st.sampled_from(TRICKY + PLAIN), max_size=8)


RECORDS = {"g106": MINIMAL / "hualong/g106/hl-g-20190312-aaa.yaml",
           "county": MINIMAL / "hualong/county.yaml"}


def source_of(kind: str, field: str, value: str) -> Source:
    """The minimal tree's record of ``kind`` with ``field`` set to ``value``, through YAML."""
    data = yaml.safe_load(RECORDS[kind].read_text(encoding="utf-8"))
    data.pop(field)
    # JSON escapes (\u0085) are YAML double-quoted escapes: no line folding can touch them
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + (
        f"{field}: {json.dumps(value)}\n")
    source = Source(file=f"{kind}.yaml", kind=kind, county="hualong", id="x", text=text,
                    data=yamlsafe.parse(text))
    assert source.data[field] == value  # the character survived YAML
    return source


def _ecma(pattern: str, text: str) -> bool:
    return regress.Regex(pattern, flags="u").find(text) is not None


def _fast(pattern: str) -> Any:
    return fastjsonschema.compile(python_patterns({"type": "string", "pattern": pattern}))


def _fast_ok(validate: Any, text: str) -> bool:
    try:
        validate(text)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def test_the_schemas_have_patterns() -> None:
    assert len(PATTERNS) >= 8


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(core=TEXTS, left=TEXTS, right=TEXTS)
def test_schema_patterns_agree_with_ecma_262(pattern: str, core: str, left: str,
                                             right: str) -> None:
    fast = _fast(pattern)
    for text in (core, left + core + right, "A" + core, core + "A", "HL-0317" + core):
        expected = _ecma(pattern, text)
        assert (ecma_pattern(pattern).search(text) is not None) == expected, (pattern, text)
        assert _fast_ok(fast, text) == expected, (pattern, text)


@pytest.mark.parametrize("char", ["\r", "\n", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u3000",
                                  "\x85", "\x1c"])
@pytest.mark.parametrize(("kind", "field", "value"), [
    ("g106", "enumerator_id", "HL{}0317"), ("g106", "enumerator_id", "{}HL-0317"),
    ("g106", "enumerator_id", "HL-0317{}"), ("county", "name", "华龙{}区"),
    ("county", "name", "{}华龙区"), ("county", "name", "华龙区{}"),
])
def test_records_with_each_character_are_judged_as_ecma_judges_them(
        kind: str, field: str, value: str, char: str) -> None:
    """Through validate itself: the fast path and the full path give ECMA's verdict."""
    text = value.format(char)
    source = source_of(kind, field, text)
    pattern = SCHEMAS.node(kind, (field,))["pattern"]  # type: ignore[index]
    problems = schema_problems(source, SCHEMAS)
    expected = _ecma(pattern, text) and not (field == "name" and char in "\x85\x1c")
    assert (problems == []) == expected, (text, [str(p) for p in problems])
    assert SCHEMAS.is_valid(kind, source.data) == (problems == [])
    assert all(p.code == "schema.pattern" for p in problems)


# ------------------------------------------------ the translation, on patterns of any shape


ATOMS = st.sampled_from([".", "\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "a", "华", "\\.",
                         "[\\s]", "[^\\s]", "[a-z\\s]", "[^a\\d]", "[$]", "\\$", "[.]",
                         "[]", "[^]", "\\u00a0", "\\u{20000}", "[\\u2028-\\u2029]", "(?:a|.)"])
QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{1,2}", "*?"])


@st.composite
def ecma_patterns(draw: st.DrawFn) -> str:
    parts = [draw(ATOMS) + draw(QUANTIFIERS) for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):  # a word boundary, which takes no quantifier
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(["\\b", "\\B"])))
    body = "".join(parts)
    if draw(st.booleans()):
        body = "(" + body + ")" + draw(QUANTIFIERS) + "|" + draw(ATOMS)
    return draw(st.sampled_from(["", "^"])) + body + draw(st.sampled_from(["", "$"]))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=ecma_patterns(), text=st.text(st.sampled_from(TRICKY + PLAIN), max_size=6))
def test_any_pattern_of_these_constructs_matches_as_in_ecma_262(pattern: str, text: str) -> None:
    regress.Regex(pattern, flags="u")  # a pattern regress refuses would be a bad draw
    python = ecma_pattern(pattern).search(text) is not None
    assert python == _ecma(pattern, text), (pattern, ecma.to_python(pattern), text)
    assert _fast_ok(_fast(pattern), text) == python


@pytest.mark.parametrize(("pattern", "text"), [("^(?<y>[0-9]{2})-\\k<y>$", "19-19"),
                                                ("^a(?<=a)b$", "ab"), ("^a(?<!b)b$", "ab")])
def test_named_groups_and_lookbehinds(pattern: str, text: str) -> None:
    assert ecma_pattern(pattern).search(text) and _ecma(pattern, text)


@pytest.mark.parametrize("pattern", ["^\\p{L}+$", "^[\\S]$", "^\\cJ$", "^[a", "a\\"])
def test_what_has_no_python_equivalent_is_refused_at_load(pattern: str) -> None:
    with pytest.raises(ValueError):
        ecma.to_python(pattern)
