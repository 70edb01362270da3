"""Rules over the records of a county taken together: one census object per finding file, and
ids that carry their county's prefix. Pure; called by :func:`generator.records.rules.check`.

Takes every parsed source (a record with a schema error takes part as far as its fields are
usable, so its duplicate is reported in the same run) and gives problems.

"The same census object" (rule.duplicate_object): two findings of one county with the same
统一社会信用代码 when both have one; otherwise with the same 普查对象名称 as
:func:`generator.records.domain.object_key` compares names (spaces, full-/half-width forms and letter
case ignored). Two findings with different credit codes are two objects, whatever their names.
The same name in two counties is two objects (villages and shops repeat their names).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from generator.errors import RecordError
from generator.records import domain
from generator.records.load import Source
from generator.records.located import located
from generator.records.schemas import Schemas
from generator.text import records as messages
from generator.tools.scaffold import ID_PREFIX_RE  # the ids `new` makes: <prefix>-[g-|v-]<date>-<n>

ID_KINDS = ("finding", "g106", "verification")


def _identity(source: Source) -> tuple[str | None, str | None]:
    """(credit code, name key) of a finding; None where the field is missing or malformed
    (a malformed code is the schema pass's problem, and names no object)."""
    data = source.data if isinstance(source.data, dict) else {}
    code, name = data.get("credit_code"), data.get("object_name")
    valid_code = isinstance(code, str) and domain.CREDIT_RE.fullmatch(code)
    key = domain.object_key(name) if isinstance(name, str) else ""
    return (code if valid_code else None), (key or None)


def _same_as(source: Source, by_code: dict[str, Source],
             by_name: dict[str, Source], by_bare_name: dict[str, Source]) -> Source | None:
    """The first earlier finding that is the same object, recording this one for later ones."""
    code, name = _identity(source)
    if code:
        first = by_code.get(code) or (by_bare_name.get(name) if name else None)
        by_code.setdefault(code, source)
    else:
        first = by_name.get(name) if name else None
    if name:
        by_name.setdefault(name, source)
        if not code:
            by_bare_name.setdefault(name, source)
    return first


def duplicate_objects(sources: Iterable[Source], schemas: Schemas) -> Iterator[RecordError]:
    """rule.duplicate_object at both files of each pair (each names the other's line)."""
    counties: dict[str | None, list[Source]] = defaultdict(list)
    for source in sources:
        if source.kind == "finding":
            counties[source.county].append(source)
    for findings in counties.values():
        by_code: dict[str, Source] = {}
        by_name: dict[str, Source] = {}
        by_bare_name: dict[str, Source] = {}
        for source in sorted(findings, key=lambda s: s.file):
            first = _same_as(source, by_code, by_name, by_bare_name)
            if first is not None:
                yield _duplicate(source, first, schemas)
                yield _duplicate(first, source, schemas)


def _duplicate(source: Source, other: Source, schemas: Schemas) -> RecordError:
    code, _ = _identity(source)
    other_code, _ = _identity(other)
    same_code = code is not None and code == other_code
    path: tuple[str | int, ...] = ("credit_code",) if same_code else ("object_name",)
    line, column = other.locate(path)
    why = messages.render("rule.same_credit_code", code=code) if same_code \
        else messages.render("rule.same_name")
    return located(source, schemas, path, "rule.duplicate_object",
                   other=f"{other.file}:{line or 1}:{column or 1}", why=why)


def _prefix(record_id: str) -> str | None:
    match = ID_PREFIX_RE.match(record_id)
    return match["prefix"] if match else None


def _owners(counts: dict[str | None, Counter[str]], slugs: set[str]) -> dict[str, set[str]]:
    """For each prefix, the counties it belongs to: the county whose folder name it is, else
    the counties where it is most used."""
    used: dict[str, Counter[str]] = defaultdict(Counter)
    for county, prefixes in counts.items():
        for prefix, n in prefixes.items():
            used[prefix][county or ""] = n
    owners = {}
    for prefix, where in used.items():
        most = max(where.values())
        owners[prefix] = {prefix} if prefix in slugs else {c for c, n in where.items() if n == most}
    return owners


def _accepted(county: str, counts: Counter[str], owners: dict[str, set[str]]) -> set[str]:
    """The prefixes a county's ids may carry: its folder name, and its most used own prefix
    (the one `python -m generator new` continues)."""
    own = {p: n for p, n in counts.items() if county in owners.get(p, set())}
    most = max(own.values(), default=0)
    return {county} | {p for p, n in own.items() if n == most}


def id_prefixes(sources: Iterable[Source], slugs: set[str]) -> Iterator[RecordError]:
    """rule.id_prefix (a warning): an id whose prefix is not its county's."""
    records = []
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for source in sources:
        prefix = _prefix(source.id) if source.kind in ID_KINDS and source.county else None
        if prefix:
            records.append((source, prefix))
            counts[source.county][prefix] += 1
    owners = _owners(counts, slugs)
    accepted_in: dict[str, set[str]] = {}
    for source, prefix in records:
        county = source.county or ""
        if county not in accepted_in:
            accepted_in[county] = _accepted(county, counts[county], owners)
        accepted = accepted_in[county]
        if prefix in accepted:
            continue
        elsewhere = sorted(owners.get(prefix, set()) - {county})
        belongs = messages.render("rule.prefix_belongs", prefix=prefix,
                                  counties=messages.LIST_SEP.join(elsewhere)) if elsewhere else ""
        yield RecordError(file=source.file, code="rule.id_prefix", severity="warning",
                          message=messages.render("rule.id_prefix", id=source.id, prefix=prefix,
                                                  expected=messages.LIST_SEP.join(sorted(accepted)),
                                                  belongs=belongs))
