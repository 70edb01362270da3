"""Property tests: records generated from the schemas validate, through YAML and back;
removing a required key yields exactly one located error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_strategies import from_schema

from generator.records import yamlsafe
from generator.records.load import Source
from generator.records.schemas import KINDS, load_schemas
from generator.records.validate import schema_problems
from generator.tools.importer.yamlout import SCHEMA_COMMENT, to_yaml

SCHEMAS = load_schemas()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _source(kind: str, data: Any) -> Source:
    # written as the importer writes records: PyYAML's own safe_dump puts a NEL raw into a
    # single-quoted scalar, where any YAML loader reads it as a space (tests/test_import_yaml.py)
    text = to_yaml(kind, data).removeprefix(SCHEMA_COMMENT.format(kind=kind))
    return Source(file=f"{kind}.yaml", kind=kind, county="x", id="x", text=text,
                  data=yamlsafe.parse(text))


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_generated_records_survive_yaml_and_validate(kind: str, data: st.DataObject) -> None:
    record = data.draw(from_schema(SCHEMAS.documents[kind]))
    source = _source(kind, record)
    assert source.data == record
    assert schema_problems(source, SCHEMAS) == []


@pytest.mark.parametrize("kind", [k for k in KINDS if SCHEMAS.documents[k].get("required")])
@SETTINGS
@given(data=st.data())
def test_removing_a_required_key_gives_one_located_error(kind: str, data: st.DataObject) -> None:
    root = SCHEMAS.documents[kind]
    record = data.draw(from_schema(root))
    key = data.draw(st.sampled_from(root["required"]))
    del record[key]
    problems = schema_problems(_source(kind, record), SCHEMAS)
    assert [p.code for p in problems] == ["schema.required"]
    assert problems[0].line == 1 and problems[0].path == (key,)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=8) | st.sampled_from(["2019-02-30", "2019-03-05", "0610",
                                                            "G101-1", "工业源", "已整改", ""]),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


def _mutate(data: st.DataObject, value: Any) -> Any:
    """One random change somewhere in a record: a value replaced, a key dropped or added."""
    if isinstance(value, dict) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(value)))
        action = data.draw(st.sampled_from(["replace", "drop", "add", "deeper"]))
        copy = dict(value)
        if action == "drop":
            del copy[key]
        elif action == "add":
            copy[data.draw(st.text(min_size=1, max_size=6))] = data.draw(JSON)
        elif action == "deeper":
            copy[key] = _mutate(data, value[key])
        else:
            copy[key] = data.draw(JSON)
        return copy
    if isinstance(value, list) and value and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(value) - 1))
        return [*value[:i], _mutate(data, value[i]), *value[i + 1:]]
    return data.draw(JSON)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_validator_agrees_with_jsonschema(kind: str, data: st.DataObject) -> None:
    """The fast path skips exactly the records jsonschema finds nothing wrong with (with
    ECMA-262's ``$`` in patterns, as fastjsonschema has it: a trailing newline fails)."""
    record = _mutate(data, data.draw(from_schema(SCHEMAS.documents[kind])))
    full = list(SCHEMAS.validators[kind].iter_errors(record))
    assert SCHEMAS.is_valid(kind, record) == (full == []), (record, [e.message for e in full])
