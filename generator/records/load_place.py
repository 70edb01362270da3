"""A listed records tree → where each file belongs, and what is wrong with its place or name.

Takes the :class:`~generator.records.tree.Tree` a source listed and the function that shows a
place as a path; gives each file with its kind, county and id (``Found``), and the problems of
files in no place of the tree, ids and county folder names that break the naming rules, and
ids equal but for case. load.py reads and parses the files so placed.
"""

from __future__ import annotations

from typing import Any

from generator.errors import RecordError
from generator.records.domain import is_county_slug, is_record_id
from generator.records.tree import Entry, Show, Tree, classify, name_key
from generator.text import records as messages


def problem(
    file: str,
    code: str,
    line: int | None = None,
    column: int | None = None,
    **fields: Any,
) -> RecordError:
    """A problem of a whole file (or of a line and column of it), its message from ``code``."""
    return RecordError(
        file=file,
        code=code,
        message=messages.render(code, **fields),
        line=line,
        column=column,
    )



Found = tuple[Entry, str, str | None, str]  # the file, its kind, county and id


def place(tree: Tree, show: Show) -> tuple[list[Found], list[RecordError]]:
    """Each file of the tree with its kind, county and id; misplaced files and bad names as
    problems."""
    found: list[Found] = []
    problems: list[RecordError] = []
    for entry in tree.files:
        where = entry.place
        placed = classify(where)
        if placed is None:
            code = "rule.yml_extension" if entry.name.endswith(".yml") else "rule.stray_file"
            problems.append(problem(show(where), code))
            continue
        kind, county, record_id = placed
        if kind not in ("city", "county", "assistance") and not is_record_id(record_id):
            problems.append(problem(show(where), "rule.id_format", id=messages.quote(record_id)))
            continue
        found.append((entry, kind, county, record_id))
    return found, problems


def county_problems(tree: Tree, show: Show) -> tuple[list[str], list[RecordError]]:
    """The county folders (those that could be listed) and what is wrong with their names."""
    counties = sorted(parts[0] for parts in tree.names if len(parts) == 1)
    problems: list[RecordError] = []
    for slug in counties:
        folder = messages.quote(slug)
        if not is_county_slug(slug):
            problems.append(problem(show((slug,)), "rule.county_slug", folder=folder))
        if "county.yaml" not in tree.names[(slug,)]:
            problems.append(problem(show((slug,)), "rule.county_missing", folder=folder))
    return counties, problems


def id_case_problems(found: list[Found], show: Show) -> list[RecordError]:
    """Ids of one kind in different folders that differ only by case: ids are unique across
    the city (rule.duplicate_id checks exact equality), and a case-blind file system or
    reader takes them for one. Within one folder load.name_clash has said it already."""
    first: dict[tuple[str, str], tuple[str, Entry]] = {}
    problems: list[RecordError] = []
    for entry, kind, _county, record_id in found:
        other_id, other = first.setdefault((kind, name_key(record_id)), (record_id, entry))
        if other_id == record_id or other.parts == entry.parts:
            continue
        for this, this_id, that, that_id in ((entry, record_id, other, other_id),
                                             (other, other_id, entry, record_id)):
            problems.append(problem(
                show(this.place), "load.id_case", id=messages.quote(this_id),
                other=messages.quote(that_id), where=show(that.place)))
    return problems
