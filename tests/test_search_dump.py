"""The search index written entry by entry is the very text json.dumps makes of it."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.render.site.search import _dump

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
DOC = st.dictionaries(st.sampled_from(["location", "title", "text", "tags"]), TEXT)
INDEX = st.fixed_dictionaries(
    {"config": st.dictionaries(TEXT, st.one_of(TEXT, st.lists(TEXT, max_size=3), st.none())),
     "docs": st.lists(DOC, max_size=8)},
    optional={"extra": st.one_of(TEXT, st.integers())})


@given(INDEX, st.booleans())
def test_written_entry_by_entry_as_json_dumps_writes_it(index: dict[str, Any],
                                                          docs_first: bool) -> None:
    if docs_first:  # whatever the key order the plugin wrote
        index = {"docs": index["docs"], **{k: v for k, v in index.items() if k != "docs"}}
    out = io.StringIO()
    _dump(index, out)
    assert out.getvalue() == json.dumps(index, separators=(",", ":"), default=str,
                                        ensure_ascii=False)
