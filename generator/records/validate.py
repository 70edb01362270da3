"""Loaded sources → every problem: the schema pass, then the cross-record rules. Pure.

Schema errors are translated keyword by keyword into Chinese (messages.py), named by the
field's ``title`` and placed by following the error's path through the file's YAML nodes;
positions are computed only for files that have problems.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jsonschema.exceptions import ValidationError

from generator.errors import RecordError, sort_problems
from generator.records import domain, privacy, rules
from generator.records.load import Loaded, Source
from generator.records.located import located
from generator.records.schemas import Schemas
from generator.text import records as messages
from generator.text.records import LIST_SEP, OR, quote


def _width_hint(value: object) -> str:
    """Excel and Chinese input methods make full-width letters and digits (Ｇ１０１－１)."""
    # the full-width forms of ASCII ！…～ (U+FF01–FF5E) and the ideographic space (U+3000)
    if isinstance(value, str) and any(0xFF01 <= ord(c) <= 0xFF5E or ord(c) == 0x3000
                                      for c in value):
        return messages.render("schema.hint_width")
    return ""


def _type_hint(expected: Any, value: Any) -> str:
    wanted = expected if isinstance(expected, list) else [expected]
    if "string" in wanted and isinstance(value, (int, float)) and not isinstance(value, bool):
        return messages.render("schema.hint_quote_number")
    if "string" in wanted and isinstance(value, bool):
        return messages.render("schema.hint_quote_boolean")
    if ("integer" in wanted or "number" in wanted) and isinstance(value, str):
        return messages.render("schema.hint_unquote_number")
    if "boolean" in wanted and isinstance(value, str):
        return messages.render("schema.hint_boolean")
    return ""


def _translate(error: ValidationError, schemas: Schemas, source: Source) -> list[RecordError]:
    path = tuple(error.absolute_path)
    keyword = str(error.validator)
    value, rule_value = error.instance, error.validator_value
    kind = source.kind
    if keyword == "required":
        names = [n for n in rule_value if isinstance(value, dict) and n not in value]
        name = next((n for n in names if repr(n) in error.message), names[0] if names else "?")
        sub = path + (name,)
        return [
            located(
                source,
                schemas,
                sub,
                "schema.required",
                at=path,
                name=name,
                title=schemas.title(kind, sub),
            )
        ]
    if keyword == "additionalProperties":
        node = schemas.node(kind, path) or {}
        allowed = list(node.get("properties", {}))
        out = []
        for name in sorted(k for k in value if k not in allowed):
            close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
            suggestion = (
                messages.render("schema.did_you_mean", name=close[0]) if close
                else messages.render("schema.allowed_keys", names=LIST_SEP.join(allowed))
            )
            out.append(
                located(
                    source,
                    schemas,
                    path + (name,),
                    "schema.additionalProperties",
                    key=True,
                    name=quote(name),
                    suggestion=suggestion,
                )
            )
        return out
    fields: dict[str, Any] = {"value": quote(value)}
    if keyword == "type":
        wanted = rule_value if isinstance(rule_value, list) else [rule_value]
        fields.update(
            expected=OR.join(messages.TYPE_NAMES.get(str(t), str(t)) for t in wanted),
            actual=messages.type_name(value),
            hint=_type_hint(rule_value, value),
        )
    elif keyword == "enum":
        fields["allowed"] = LIST_SEP.join(str(v) for v in rule_value)
    elif keyword == "const":
        fields["expected"] = quote(rule_value)
    elif keyword == "pattern":
        fields["hint"] = error.schema.get("x-hint") or messages.render("schema.pattern_plain",
                                                                      pattern=rule_value)
        # said apart, so that a reader where quoting means nothing (import) can leave it out
        fields["quote"] = messages.render("schema.quote") if error.schema.get("x-quote") else ""
        fields["width"] = _width_hint(value)
    elif keyword == "format" and rule_value == "date" and domain.out_of_years(value):
        keyword, fields = "date_years", {"value": fields["value"], "first": domain.FIRST_YEAR,
                                         "last": domain.LAST_YEAR}
    elif keyword == "format":
        fields["format"] = messages.FORMAT_NAMES.get(str(rule_value), str(rule_value))
    elif keyword in ("maxLength", "minItems", "maxItems", "minimum", "maximum"):
        fields["limit"] = rule_value
        if keyword == "maxLength":
            fields["length"] = len(value)
    elif keyword not in ("minLength", "uniqueItems"):
        keyword, fields = "other", {"keyword": keyword, "detail": error.message}
    return [located(source, schemas, path, f"schema.{keyword}", **fields)]


def schema_problems(source: Source, schemas: Schemas) -> list[RecordError]:
    if schemas.is_valid(source.kind, source.data):  # the fast path for the many good records
        return []
    validator = schemas.validators[source.kind]
    problems: list[RecordError] = []
    for error in validator.iter_errors(source.data):
        problems.extend(_translate(error, schemas, source))
    if not problems:  # the two validators disagree (a bug): never let such a record through
        problems.append(located(source, schemas, (), "schema.unexplained"))
    return problems


def validate(loaded: Loaded, schemas: Schemas, strict: bool = False,
             schema_pass: Callable[[Source, Schemas], list[RecordError]] = schema_problems,
             ) -> list[RecordError]:
    """All problems of a records tree, sorted by file and line. ``schema_pass`` gives the
    schema problems of one record (the preview passes one that remembers unchanged records)."""
    problems = list(loaded.problems)
    valid: list[Source] = []
    for source in loaded.sources:
        found = schema_pass(source, schemas)
        problems.extend(found)
        if not found:
            valid.append(source)
    problems.extend(rules.check(valid, loaded.sources, schemas))
    problems.extend(privacy.check(valid, schemas))  # publishable text names nobody
    if strict:
        problems = [replace(p, severity="error") for p in problems]
    return sort_problems(problems)
