"""The importer's YAML writer (tools/importer/yamlout.py): whatever text a cell holds is
written so that the project's own loader reads back exactly that text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import yamlsafe
from generator.tools.importer.yamlout import QUOTED, to_yaml

# every line break YAML knows, spaces and quotes at the ends, and the rest of what a cell can
# hold (all of Unicode but lone surrogates, which no workbook's XML can carry)
TEXT = st.text(st.sampled_from("\n\r\x85\u2028\u2029 \t'\"#:-|>…\ufeff甲")
               | st.characters(blacklist_categories=("Cs",)), max_size=12)
KEYS = st.sampled_from(["reason", "summary", "remark", *sorted(QUOTED)])


@settings(max_examples=400, deadline=None)
@given(key=KEYS, value=TEXT)
def test_any_text_reads_back_as_itself(key: str, value: str) -> None:
    text = to_yaml("finding", {key: value})  # raises if it would not read back
    assert yamlsafe.parse(text) == {key: value}


@pytest.mark.parametrize("value", ["\x85", "a\x85b", "x\n\x85y", "a\u2028b", "a\u2029b"])
def test_yamls_other_line_breaks_are_escaped(value: str) -> None:
    text = to_yaml("finding", {"reason": value})
    assert not any(c in text for c in "\x85\u2028\u2029")  # escaped in double quotes
    assert yamlsafe.parse(text) == {"reason": value}
