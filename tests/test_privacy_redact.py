"""redact(): the public build's model. Confidential values and unpublishable free text are
gone from the census itself, decided by the schemas' marks; counts stay the same."""

from __future__ import annotations

import copy
import dataclasses
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import prepare
from generator.records import domain, model, privacy
from generator.records.aggregate import aggregate
from generator.records.model import Census, build_census
from generator.records.redact import public_view, redact
from generator.records.schemas import CONFIDENTIAL, WITHHELD, field_classes, load_schemas
from generator.render.report.report import report_markdown
from generator.render.site import pages as site

SCHEMAS = load_schemas()
PREPARED = prepare(REPO / "records")
assert PREPARED.census and PREPARED.figures
CENSUS, FIGURES = PREPARED.census, PREPARED.figures
VALUES = privacy.confidential_values(PREPARED.checked.loaded.sources, SCHEMAS)
DERIVED = {"id", "county", "file", "slug", "key", "title"}  # not read from a schema field


def strings(value: Any) -> Iterator[str]:
    """Every text anywhere in a model value."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for spec in dataclasses.fields(value):
            yield from strings(getattr(value, spec.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)


def _text_fields(cls: type, prefix: tuple[str | int, ...]) -> Iterator[tuple[str, tuple[str | int, ...], bool]]:
    """(name, schema path, is text) of every src field of a model class, nested ones too."""
    hints = typing.get_type_hints(cls, vars(model))
    for spec in dataclasses.fields(cls):
        if "src" not in spec.metadata:
            assert spec.name in DERIVED, f"{cls.__name__}.{spec.name}: give it src(...)"
            continue
        path = prefix + tuple(spec.metadata["src"])
        hint = hints[spec.name]
        if typing.get_origin(hint) is dict:  # Assistance.texts (tested below), County.reviewed
            continue
        inner = [a for a in typing.get_args(hint) if a is not type(None) and a is not Ellipsis]
        nested = [a for a in inner or [hint] if dataclasses.is_dataclass(a)]
        if nested:
            yield from _text_fields(nested[0], path)
        else:
            yield f"{cls.__name__}.{spec.name}", path, str in (inner or [hint])


def test_every_text_of_the_model_maps_to_a_classified_schema_field() -> None:
    kinds = {spec.name: spec.metadata["kind"] for spec in dataclasses.fields(Census)}
    hints = typing.get_type_hints(Census, vars(model))
    for name, kind in kinds.items():
        record = [a for a in (hints[name], *typing.get_args(hints[name]))
                  if dataclasses.is_dataclass(a)]
        classes = field_classes(SCHEMAS.documents[kind])
        for field_name, path, text in _text_fields(record[0], ()):
            if text:
                path = tuple("completeness" if p == "{key}" else p for p in path)
                assert path in classes, f"{field_name}: {path} is not a text field of {kind}"
    annex3 = field_classes(SCHEMAS.documents["assistance"])
    for row in domain.ANNEX3_ROWS:  # Assistance.texts: by dotted path
        assert tuple(row.key.split(".")) in annex3, row.key


def test_no_confidential_value_is_left_in_the_public_model() -> None:
    public = redact(CENSUS, SCHEMAS)
    texts = list(strings(public))
    leaked = sorted(v for v in VALUES if any(v in t for t in texts))
    assert not leaked
    assert sorted(VALUES)[0] in "".join(strings(CENSUS))  # the walk does find them


def test_publishable_and_codes_stay_withheld_text_goes() -> None:
    public = redact(CENSUS, SCHEMAS)
    assert public.city.experience == CENSUS.city.experience
    assert public.city.field_verification_summary == CENSUS.city.field_verification_summary
    assert public.assistance["hualong"].texts == CENSUS.assistance["hualong"].texts
    assert [e.indicator_name for f in public.findings for e in f.errors] == [
        e.indicator_name for f in CENSUS.findings for e in f.errors]
    assert {e.reason for f in public.findings for e in f.errors} == {""}
    assert {e.note for f in public.findings for e in f.errors} == {None}
    assert {v.conclusion for v in public.verifications} == {""}
    assert all(not v.team for v in public.verifications)
    assert {c.role for c in public.counties for c in c.contacts} <= {""}
    assert public.city.leader.name == "" and public.city.leader.role == CENSUS.city.leader.role
    assert [f.reviewed_on for f in public.findings] == [f.reviewed_on for f in CENSUS.findings]


def test_the_public_figures_count_the_same() -> None:
    public, figures = public_view(CENSUS, FIGURES, SCHEMAS)
    full = aggregate(CENSUS)
    assert figures.city == full.city and figures.counties == full.counties
    assert figures.by_form == full.by_form
    assert [(i.form, i.code, i.name, i.errors) for i in figures.by_indicator] == [
        (i.form, i.code, i.name, i.errors) for i in full.by_indicator]
    assert all(not i.reasons for i in figures.by_indicator)
    assert len(figures.open_errors) == len(full.open_errors)
    assert not any(e.object_name for e in figures.open_errors)


# Every withheld or confidential text of the shipped records: (source index, concrete path).
SOURCES = PREPARED.checked.loaded.sources
HIDDEN = [(i, where) for i, s in enumerate(SOURCES)
          for path, cls in field_classes(SCHEMAS.documents[s.kind]).items()
          if cls in (WITHHELD, CONFIDENTIAL)
          for where, _ in privacy.values_at(s.data, path)]
SECRET = "甲乙丙丁机密"


def _public_texts(census: Census, docs: Path) -> str:
    public, figures = public_view(census, aggregate(census), SCHEMAS)
    site.write_pages(census, aggregate(census), SCHEMAS, docs, [],
                     report_markdown(census, aggregate(census), public=True), public=True)
    pages = "".join(p.read_text(encoding="utf-8") for p in docs.rglob("*.md"))
    return pages + "".join(strings(public)) + "".join(strings(figures))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(spot=st.sampled_from(HIDDEN))
def test_a_secret_in_any_unpublishable_field_never_reaches_the_public_pages(
        spot: tuple[int, tuple[str | int, ...]], tmp_path_factory: Any) -> None:
    index, path = spot
    sources = list(SOURCES)
    data = copy.deepcopy(sources[index].data)
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = SECRET
    sources[index] = dataclasses.replace(sources[index], data=data)
    census = build_census(sources)
    assert SECRET in "".join(strings(census))
    assert SECRET not in _public_texts(census, tmp_path_factory.mktemp("docs"))


def test_there_are_hidden_fields_of_every_kind() -> None:
    assert {SOURCES[i].kind for i, _ in HIDDEN} == {"city", "county", "finding", "g106",
                                                    "verification"}
