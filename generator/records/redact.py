"""Census (+ figures) → what the public build may show, decided by the schemas' marks. Pure.

The public profile is a property of the model, not of templates: :func:`redact` walks the
typed records once and keeps a text only when its schema field is publishable (``x-publishable:
true``) or a code (enum, date, pattern). Confidential values (``x-confidential``) and every
other free text are blanked: ``""`` where the model requires text, ``None`` where it allows
none, left out of lists. Records themselves stay, so every count comes out the same; a
renderer that meets a record without a name shows no row for it.

Which schema field a model field comes from is declared in model.py (``src(...)``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from generator.records.aggregate import Figures, aggregate
from generator.records.model import Census, Check
from generator.records.schemas import CODE, CONFIDENTIAL, PUBLISHABLE, Schemas, field_classes

Path = tuple[str | int, ...]
Classes = Mapping[Path, str]
SHOWN = (PUBLISHABLE, CODE)


def redact(census: Census, schemas: Schemas) -> Census:
    """``census`` with every confidential and every unpublishable text removed."""
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(census):
        kind = spec.metadata["kind"]
        classes = field_classes(schemas.documents[kind])
        value = getattr(census, spec.name)
        if isinstance(value, dict):
            changes[spec.name] = {k: _record(v, classes, ()) for k, v in value.items()}
        elif isinstance(value, tuple):
            changes[spec.name] = tuple(_record(v, classes, ()) for v in value)
        else:
            changes[spec.name] = _record(value, classes, ())
    return dataclasses.replace(census, **changes)


def public_view(census: Census, figures: Figures, schemas: Schemas) -> tuple[Census, Figures]:
    """The redacted census and the figures the public build shows.

    The figures are recounted from the redacted census, so no text of theirs can be one the
    census withholds; the areas' counts (numbers and county names only) are taken from
    ``figures``, since one of them counts distinct objects by name."""
    public = redact(census, schemas)
    fresh = aggregate(public, figures.rectification.as_of)  # overdue lists: no object, no owner
    by_indicator = tuple(dataclasses.replace(i, reasons=tuple(r for r in i.reasons if r))
                         for i in fresh.by_indicator)
    return public, dataclasses.replace(fresh, city=figures.city, counties=figures.counties,
                                       by_indicator=by_indicator)


def _record(value: Any, classes: Classes, prefix: Path) -> Any:
    """A model dataclass with each of its ``src`` fields redacted (see model.src)."""
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(value):
        if "src" not in spec.metadata:
            continue  # derived: record id, county slug, file name, check key
        path = prefix + tuple(spec.metadata["src"])
        optional = "None" in str(spec.type)
        changes[spec.name] = _field(getattr(value, spec.name), path, classes, optional)
    return dataclasses.replace(value, **changes)


def _field(value: Any, path: Path, classes: Classes, optional: bool) -> Any:
    if dataclasses.is_dataclass(value):
        return _record(value, classes, path)
    if isinstance(value, tuple):
        return tuple(_item(item, path, classes) for item in value
                     if not isinstance(item, str) or classes.get(path) in SHOWN)
    if isinstance(value, dict):  # Assistance.texts by dotted path; County.reviewed (numbers)
        return {k: _field(v, path + tuple(k.split(".")), classes, True) for k, v in value.items()}
    if isinstance(value, str):
        if classes.get(path) in SHOWN:  # a path not in the schemas is withheld: fail closed
            return value
        return None if optional else ""
    return value  # numbers, booleans, None


def _item(item: Any, path: Path, classes: Classes) -> Any:
    if isinstance(item, Check) and path and path[-1] == "{key}":  # checks.completeness …
        path = path[:-1] + (item.key,)
    return _field(item, path, classes, False)


def confidential_texts(census: Census, schemas: Schemas) -> set[str]:
    """Every confidential value in ``census`` (what the public build must never contain)."""
    found: set[str] = set()
    for spec in dataclasses.fields(census):
        classes = field_classes(schemas.documents[spec.metadata["kind"]])
        value = getattr(census, spec.name)
        records = value.values() if isinstance(value, dict) else (
            value if isinstance(value, tuple) else (value,))
        for item in records:
            _collect(item, classes, (), found)
    return found


def _collect(value: Any, classes: Classes, path: Path, found: set[str]) -> None:
    if isinstance(value, Check) and path and path[-1] == "{key}":
        path = path[:-1] + (value.key,)
    if dataclasses.is_dataclass(value):
        for spec in dataclasses.fields(value):
            if "src" in spec.metadata:
                _collect(getattr(value, spec.name), classes, path + tuple(spec.metadata["src"]),
                         found)
    elif isinstance(value, tuple):
        for item in value:
            _collect(item, classes, path, found)
    elif isinstance(value, dict):  # Assistance.texts by dotted path; County.reviewed
        for key, item in value.items():
            _collect(item, classes, path + tuple(key.split(".")), found)
    elif isinstance(value, str) and classes.get(path) == CONFIDENTIAL:
        found.add(value)
