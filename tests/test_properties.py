"""Property tests: records generated from the schemas validate, through YAML and back;
removing a required key yields exactly one located error."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_strategies import from_schema

from generator import yamlsafe
from generator.load import Source
from generator.schemas import KINDS, load_schemas
from generator.validate import schema_problems

SCHEMAS = load_schemas()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _source(kind: str, data: Any) -> Source:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
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
