"""A loaded records tree with some of its record files given new bytes → the tree as a
fresh load with those bytes laid over it (``load(root, extra)``) would give it, without
reading or parsing the other files again.

The ledger import validates the texts it would write in the tree it has just read: loading
the whole tree a second time was half of its time at city scale. Only files that the first
load read as records are relaid; for anything else (a place that is no record of the tree)
:func:`relay` returns None and the caller loads the tree afresh, so that the loader alone
judges placing, naming and reading. The order of problems is not kept: validate sorts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from generator.errors import RecordError
from generator.records.load import Loaded, Source, parse_source, too_large_problem
from generator.records.tree import MAX_BYTES, Place


def _parsed(raw: bytes, old: Source) -> tuple[Source, list[RecordError]]:
    """Bytes of a record file parsed as load parses them (too large: the loader's problem)."""
    placed = (old.kind, old.county, old.id)
    if len(raw) > MAX_BYTES:
        return parse_source(too_large_problem(old.file, len(raw)), old.file, placed)
    return parse_source(raw, old.file, placed)


def _without(problems: list[RecordError], gone: list[RecordError]) -> list[RecordError]:
    """``problems`` less one of each in ``gone`` (what parsing an old text had said)."""
    out = list(problems)
    for problem in gone:
        out.remove(problem)
    return out


def relay(loaded: Loaded, extra: Mapping[Place, bytes]) -> Loaded | None:
    """``loaded`` with each place of ``extra`` (a record file it read) parsed from the given
    bytes instead; None when a place is not a record ``loaded`` holds."""
    index = {source.file: i for i, source in enumerate(loaded.sources)}
    sources, problems = list(loaded.sources), list(loaded.problems)
    with_problems = {p.file for p in problems}
    dropped: set[int] = set()
    for place, raw in extra.items():
        i = index.get(loaded.show(place))
        if i is None:
            return None
        old = sources[i]
        if old.file in with_problems:  # the old text's own problems go with it
            try:
                problems = _without(problems, _parsed(old.text.encode("utf-8"), old)[1])
            except ValueError:  # not as parsing says now: let the loader judge afresh
                return None
        source, found = _parsed(raw, old)
        problems.extend(found)
        sources[i] = source
        if source.data is None:  # no record any more: load keeps none either
            dropped.add(i)
    kept = [s for i, s in enumerate(sources) if i not in dropped]
    return replace(loaded, sources=kept, problems=problems)
