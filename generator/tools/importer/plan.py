"""The drafts of an import → the files they become: new ids and paths, then the writing.

Takes the drafts (tools/importer/records.py) and the loaded tree; gives each a free record id,
its path under records/<county>/ and its YAML (:class:`Planned`), and later creates the files
that have no error, never overwriting one (importer.py validates them in between).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.errors import RecordError
from generator.records.load import Loaded, display_path
from generator.records.tree import classify
from generator.text import imports as M
from generator.tools.importer import records as R
from generator.tools.importer import yamlout as Y


@dataclass
class Planned:
    """One file to write: the draft it holds, its new id, path and YAML text."""

    draft: R.Draft
    id: str
    path: Path
    text: str

    @property
    def rows(self) -> str:
        first, last = min(self.draft.rows), max(self.draft.rows)
        return str(first) if first == last else f"{first}–{last}"


def _on_disk(loaded: Loaded) -> dict[str, set[str]]:
    """kind → ids of every file of that kind the tree lists, read or not: a file the loader
    could not read is no source, but its name is still taken."""
    taken: dict[str, set[str]] = {kind: set() for kind in Y.FOLDERS}
    for entry in loaded.tree.files:
        placed = classify(entry.place)
        if placed is not None and placed[0] in taken:
            taken[placed[0]].add(placed[2])
    return taken


def plan(drafts: list[R.Draft], county: str, reviewed_on: str | None, records: Path,
         loaded: Loaded) -> list[Planned]:
    """Each draft with a new id (the county's prefix, the review date, free in the tree, on
    disk and among the drafts before it), its path under ``records`` and its YAML."""
    sources = loaded.sources
    mine = [s.id for s in sources if s.county == county]
    prefix = Y.county_prefix(county, mine)
    planned: list[Planned] = []
    on_disk = _on_disk(loaded)
    for draft in drafts:
        taken = {s.id for s in sources if s.kind == draft.kind} | on_disk[draft.kind]
        taken |= {p.id for p in planned if p.draft.kind == draft.kind}
        record_id = Y.new_id(draft.kind, prefix, str(reviewed_on), draft.data, taken)
        path = records / county / Y.FOLDERS[draft.kind] / f"{record_id}.yaml"
        planned.append(Planned(draft, record_id, path, Y.to_yaml(draft.kind, draft.data)))
    return planned


def _inside(path: Path, root: Path) -> Path | None:
    """None when the folder ``path`` is to be written into stays inside ``root`` whatever
    links its existing folders are; else where it really leads."""
    existing = path.parent  # the deepest folder there is, or a link (even a broken one)
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    real, top = existing.resolve(), root.resolve()
    return None if real == top or top in real.parents else real


def write(planned: list[Planned], problems: list[RecordError], records: Path
          ) -> tuple[list[Path], list[RecordError]]:
    """Create each planned file without an error in ``problems``, never overwriting and never
    outside ``records`` (a county's folder may be a link: the check of the tree refuses one
    that leads outside, but --force writes despite errors); gives the files written and the
    new problems: a file someone created meanwhile, a folder that refuses or leads outside
    are problems at that file, and the others are still written."""
    from generator.exits import Refused, create_exclusive

    bad = {(p.file, p.line) for p in problems if p.severity == "error"}
    written: list[Path] = []
    refused: list[RecordError] = []
    for item in planned:
        if any((item.draft.table.path, row) in bad for row in item.draft.rows):
            continue
        file = display_path(item.path)
        outside = _inside(item.path, records)
        if outside is not None:
            shown = item.path.as_posix()  # as planned: display_path would follow the link
            refused.append(RecordError(file=shown, code="import.outside", message=M.render(
                "import.outside", file=shown, target=display_path(outside))))
            continue
        try:
            created = create_exclusive(item.path, item.text)
        except Refused as exc:
            refused.append(RecordError(file=file, code="import.unwritable", message=M.render(
                "import.unwritable", file=file, reason=exc.fields.get("reason", ""))))
            continue
        if created:
            written.append(item.path)
        else:
            refused.append(RecordError(file=file, code="import.exists",
                                       message=M.render("import.exists", file=file)))
    return written, refused
