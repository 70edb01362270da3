"""What the cross-record rules know about the whole tree: :class:`Context`. Pure.

Takes the schema-valid sources, every parsed source and the schemas; gives the rules the ids of
each kind, the work period, what each verification is about, the counties with assistance
records and the problem objects per county and source type, and builds their located problems.
Used by rules.py and rules_county.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from generator.errors import RecordError
from generator.records import domain
from generator.records.load import Source
from generator.records.located import located
from generator.records.schemas import Schemas

Path = tuple[str | int, ...]
is_date = domain.is_date


class Context:
    """What the rules need to know about the whole tree."""

    def __init__(self, valid: list[Source], everything: list[Source], schemas: Schemas):
        self.valid = valid
        self.schemas = schemas
        self.ids: dict[str, set[str]] = defaultdict(set)
        for source in everything:
            self.ids[source.kind].add(source.id)
        city = next((s for s in valid if s.kind == "city"), None)
        period = city.data["period"] if city else None
        self.period: tuple[str, str] | None = None
        if period and period["start"] <= period["end"]:
            self.period = (period["start"], period["end"])
        self.about: dict[str, set[str]] = {
            v.id: set(v.data["about"].get("g106", [])) for v in self.of("verification")
        }
        self.assisted = {s.county for s in everything if s.kind == "assistance"}
        self.objects: dict[str | None, Counter[str]] = defaultdict(Counter)
        for finding in self.of("finding"):
            self.objects[finding.county][finding.data["source_type"]] += 1

    def of(self, kind: str) -> Iterator[Source]:
        """Schema-valid sources of one kind."""
        return (s for s in self.valid if s.kind == kind)

    def at(
        self,
        source: Source,
        path: Path,
        problem: str,
        severity: str = "error",
        **fields: Any,
    ) -> RecordError:
        return located(
            source,
            self.schemas,
            path,
            problem,
            severity=severity,  # type: ignore[arg-type]
            **fields,
        )

    def in_period(self, source: Source, path: Path, date: str | None) -> Iterator[RecordError]:
        if is_date(date) and self.period and not (self.period[0] <= date <= self.period[1]):
            yield self.at(
                source,
                path,
                "rule.date_period",
                "warning",
                date=date,
                start=self.period[0],
                end=self.period[1],
            )
