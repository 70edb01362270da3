"""A filled 附件1/附件2 workbook + a county → new YAML records under records/<county>/.

Takes the workbook, the county's slug and :class:`Options`; gives an :class:`Outcome`: notes
for people, the records planned (id, path, YAML), every problem located in the workbook
(sheet!cell, row, column, header) or in the tree, and the files written. The tree is read
through generator.records.load like every command's; the new records are validated together with it
in memory (laid over the folder, nothing copied), so the real records/ is written only when
everything is clean (or, with ``force``, only the clean records). Nothing
existing is ever overwritten, and rows already recorded are skipped, so a second import of
the same workbook changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.errors import EXIT_USAGE, GeneratorError, RecordError, sort_problems
from generator.records.domain import is_county_slug
from generator.records.load import Loaded, Source, display_path, load
from generator.records.schemas import SCHEMA_DIR, load_schemas
from generator.text import imports as M
from generator.text import render, vocabulary
from generator.text.records import LIST_SEP
from generator.tools.importer import plan as P
from generator.tools.importer import records as R
from generator.tools.importer.plan import Planned
from generator.tools.importer.read import (
    MAX_BLANK_RUN,
    REQUIRED,
    RawRow,
    Table,
    norm,
    problem,
    read_workbook,
)

OPTION_FIELDS = {"reviewed_on": "--reviewed-on", "reviewer": "--reviewer",
                 "rectification": "--status", "review": "--result"}


class UsageError(GeneratorError):
    """Wrong use of the command (exit code 2): the message (``usage.…`` in
    :mod:`generator.text.imports`) says what to change."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Options:
    county: str
    records: Path = Path("records")
    reviewed_on: str | None = None
    reviewer: str | None = None
    status: str = vocabulary.NOT_RECTIFIED
    result: str = vocabulary.NEEDS_VERIFICATION
    dry_run: bool = False
    force: bool = False
    schemas: Path = SCHEMA_DIR  # the record format of the records' repository


@dataclass
class Outcome:
    notes: list[str] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    problems: list[RecordError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _county(options: Options) -> tuple[str, Loaded]:
    """The county's name, and the tree as loaded (its sources recognise rows and ids already
    there), read through the one reader of the records tree: a county.yaml the loader
    refuses (a link leading outside, a FIFO, bad YAML) is no county here either. The slug is
    checked as ``new`` checks it: ``../../x`` would write outside records/."""
    if not is_county_slug(options.county):
        shown = json.dumps(options.county, ensure_ascii=False)
        raise UsageError("usage.bad_slug", county=shown, records=display_path(options.records))
    loaded = load(options.records)
    file = loaded.show((options.county, "county.yaml"))
    county = next((s for s in loaded.sources if s.kind == "county" and s.file == file), None)
    failed = any(p.file == file for p in loaded.problems)
    if county is None or failed or not isinstance(county.data.get("name"), str):
        raise UsageError("usage.county", county=options.county,
                         records=display_path(options.records))
    return county.data["name"], loaded


def _select(tables: list[Table], name: str) -> tuple[list[tuple[Table, bool]], list[str]]:
    """The tables to import, each with whether it is the county's own, and a note for each
    table left: every visible table of the county's own (by sheet name or 指导区域: 附件1 and
    附件2 in one workbook, or one annex over several sheets); without one, the 全市 sheets
    (rows of other counties are skipped); without those, the only table when it names no
    county. Hidden sheets are left (an old copy, most often), and named."""
    target = norm(name)
    hidden = [t for t in tables if not t.visible]
    tables = [t for t in tables if t.visible]
    own = [t for t in tables if target in (norm(t.sheet), norm(t.region))]
    chosen = [(t, True) for t in own]
    if not chosen:
        chosen = [(t, False) for t in tables if "county" in t.columns]
    if not chosen and len(tables) == 1 and tables[0].region is None:
        chosen = [(tables[0], True)]
    taken = {id(t) for t, _ in chosen}
    left: dict[str, list[str]] = {}  # why → the sheets left for that reason
    for table in (t for t in tables if id(t) not in taken and chosen):
        why = ("note.left_city" if "county" in table.columns and own
               else "note.left_region" if table.region else "note.left_unnamed")
        left.setdefault(why, []).append(M.render("note.left_sheet", sheet=table.sheet))
    if hidden:
        left["note.left_hidden"] = [M.render("note.left_sheet", sheet=t.sheet) for t in hidden]
    return chosen, [M.render(why, sheets=LIST_SEP.join(sheets), county=name)
                    for why, sheets in left.items()]


def _rows_after_end(table: Table) -> list[RecordError]:
    """Data below where the table ended (a row merged across it, a 注 line, a long run of
    blank rows): an error at its first row, never a silent loss."""
    if table.ended is None or not table.beyond:
        return []
    end, text = table.ended
    what = (M.render("import.ended_at", text=text) if text
            else M.render("import.blank_run", n=MAX_BLANK_RUN))
    first = table.beyond[0]
    return [problem(table.path, "import.rows_after_end", first, None, f"{table.sheet}!{first}",
                    end=end, what=what, n=len(table.beyond), first=first)]


def _require(kind: str, options: Options) -> R.Defaults:
    missing = [o for o, v in (("--reviewed-on", options.reviewed_on),
                              ("--reviewer", options.reviewer if kind == "finding" else "-"))
               if not v]
    if missing or options.reviewed_on is None:
        raise UsageError("usage.required", annex=M.render(f"annex.{kind}"),
                         options=M.render("usage.and").join(missing))
    return R.Defaults(options.reviewed_on, options.reviewer, options.status, options.result)


def _missing_columns(table: Table) -> list[RecordError]:
    from generator.render.annexes.layout import annex1_columns, annex2_columns

    columns = annex1_columns(False) if table.kind == "g106" else annex2_columns(False)
    headers = {c.field: c.header for c in columns}
    return [problem(table.path, "import.column_missing", table.header_rows[0], None,
                    f"{table.sheet}!{table.header_rows[0]}", header=headers[name])
            for name in REQUIRED[table.kind] if name not in table.columns]


def _rows(table: Table, own_sheet: bool, name: str, out: Outcome, schemas: Path = SCHEMA_DIR,
          counties: frozenset[str] = frozenset()) -> list[tuple[RawRow, dict[str, str | None]]]:
    """Normalised rows of this county (other counties' rows of a 全市 sheet are skipped; a
    县（区） that names none of ``counties``, the tree's, is an error at its cell: a
    misspelt 华龙 must not pass for another county)."""
    widths = R.digit_widths(load_schemas(schemas), table.kind)
    kept: list[tuple[RawRow, dict[str, str | None]]] = []
    others: dict[str, int] = {}
    for raw in table.rows:
        values = R.row_values(table, raw, widths, out.problems)
        county = values.get("county")
        if "county" in table.columns and county is None and not own_sheet:
            column, label = R.where(table, raw.number, "county")
            out.problems.append(problem(table.path, "import.county_blank", raw.number, column,
                                        label))
        elif county is not None and counties and norm(county) not in counties:
            column, label = R.where(table, raw.number, "county")
            out.problems.append(problem(table.path, "import.unknown_county", raw.number, column,
                                        label, county=county, county_name=name))
            continue
        elif county is not None and norm(county) != norm(name):
            others[county] = others.get(county, 0) + 1
            continue
        kept.append((raw, values))
    if others:
        listed = LIST_SEP.join(M.render("note.county_rows", county=k, n=v)
                               for k, v in others.items())
        out.notes.append(M.render("note.other_county", n=sum(others.values()),
                                  counties=listed))
    return kept


def _new_rows(table: Table, rows: list[tuple[RawRow, dict[str, str | None]]],
              sources: list[Source], slug: str, out: Outcome,
              seen: dict[tuple[str, R.Key], tuple[str, int]] | None = None
              ) -> list[tuple[RawRow, dict[str, str | None]]]:
    """Rows not yet recorded in the county's records, nor repeated within the workbook
    (``seen``: the rows of the tables read before, by kind and key → sheet and row: a sheet
    copied beside its original repeats every row)."""
    recorded = {key: s.id for s in sources if s.kind == table.kind and s.county == slug
                and isinstance(s.data, dict) for key in R.record_keys(table.kind, s.data)}
    seen = {} if seen is None else seen
    fresh = []
    for raw, values in rows:
        key = R.row_key(table.kind, values)
        if key in recorded:
            out.skipped += 1
            what = " ".join(v for v in key if v)
            out.notes.append(M.render("note.exists", where=M.render("where.row", sheet=table.sheet, row=raw.number),
                                      what=what, record=recorded[key]))
        elif (table.kind, key) in seen:
            sheet, row = seen[(table.kind, key)]
            column, label = R.where(table, raw.number, R.KEY_FIELDS[table.kind][0])
            code = "import.duplicate_row" if sheet == table.sheet else "import.duplicate_sheet"
            out.problems.append(replace(problem(table.path, code, raw.number, column, label,
                                                row=row, sheet=sheet), severity="warning"))
        else:
            seen[(table.kind, key)] = (table.sheet, raw.number)
            fresh.append((raw, values))
    return fresh


def _relocate(p: RecordError, planned: Planned) -> RecordError:
    """A validator problem in a planned file → the workbook cell it came from."""
    draft, path = planned.draft, p.path
    row, name = draft.rows[0], str(path[0]) if path else ""
    if draft.kind == "finding" and len(path) >= 2 and path[0] == "errors":
        row = draft.rows[int(path[1])]
        name = str(path[2]) if len(path) > 2 else "form"
    if name in OPTION_FIELDS:
        column, label = None, M.render("where.cell", sheet=draft.table.sheet, cell=row,
                                        header=OPTION_FIELDS[name])
    else:
        column, label = R.where(draft.table, row, name)
    # the schema's advice to quote means nothing in a worksheet cell: said without it
    message = render(p.code, **{**p.fields, "quote": ""}) if p.fields.get("quote") else p.message
    return replace(p, file=draft.table.path, line=row, column=column, field=label,
                   message=message)


def _check(planned: list[Planned], options: Options) -> list[RecordError]:
    """Validate the tree with the planned files added in memory: nothing is copied or
    written, so no link in records/ is followed and no file is touched before the check."""
    from generator.pipeline import check

    extra = {item.path.relative_to(options.records).parts: item.text.encode("utf-8")
             for item in planned}
    by_file = {display_path(item.path): item for item in planned}
    out = []
    for p in check(options.records, extra=extra, schemas_dir=options.schemas).problems:
        if p.file in by_file:
            out.append(_relocate(p, by_file[p.file]))
        elif p.severity == "error":  # the tree's own errors block too; its warnings are noise here
            out.append(p)
    return out


def _readable(workbook: Path) -> None:
    """UsageError for a path that is no file; Refused (exit 3) for a file we may not read."""
    from generator.exits import Refused, os_reason, shown

    if workbook.is_dir():
        raise UsageError("usage.workbook_folder", path=shown(workbook))
    if not workbook.is_file():
        raise UsageError("usage.workbook", path=shown(workbook))
    try:
        workbook.open("rb").close()
    except OSError as exc:
        raise Refused("env.unreadable", file=shown(workbook), reason=os_reason(exc)) from None


def _drafts(table: Table, own_sheet: bool, name: str, loaded: Loaded, options: Options,
            out: Outcome, seen: dict[tuple[str, R.Key], tuple[str, int]]
            ) -> list[R.Draft] | None:
    """One table's new rows as draft records (``seen``: the rows of the tables before); None
    when the table itself cannot be read (a column missing: said in ``out``). Data below
    the table's end is an error too, but not of its rows: --force still writes them."""
    defaults = _require(table.kind, options)
    numbers = [r.number for r in table.rows] or [table.header_rows[1] + 1]
    span = f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    out.notes.append(M.render("note.sheet", sheet=table.sheet, kind=M.KIND_NAMES[table.kind],
                              rows=span))
    out.notes += [M.render("note.ignored_column", sheet=table.sheet, header=h)
                  for h in table.ignored]
    wrong = _missing_columns(table)
    out.problems += wrong + _rows_after_end(table)
    if wrong:
        return None
    counties = frozenset(norm(s.data.get("name")) for s in loaded.sources
                         if s.kind == "county" and isinstance(s.data.get("name"), str))
    rows = _new_rows(table, _rows(table, own_sheet, name, out, options.schemas, counties),
                     loaded.sources, options.county, out, seen)
    return (R.findings(table, rows, defaults, out.problems) if table.kind == "finding"
            else R.g106_problems(table, rows, defaults))


def import_workbook(workbook: Path, options: Options) -> Outcome:
    """Read, plan, validate and (unless dry_run, or with errors unless force) write. Raises
    UsageError (exit 2) and :class:`generator.exits.Refused` (exit 3); every other problem is
    in the outcome."""
    _readable(workbook)
    name, loaded = _county(options)
    out = Outcome()
    tables, out.problems = read_workbook(workbook)
    chosen, left = _select(tables, name) if tables else ([], [])
    if not chosen:
        if tables:
            out.problems.append(problem(display_path(workbook), "import.no_sheet", county=name))
        return out
    seen: dict[tuple[str, R.Key], tuple[str, int]] = {}  # rows across the tables read
    made = [_drafts(table, own_sheet, name, loaded, options, out, seen)
            for table, own_sheet in chosen]
    out.notes += left
    if any(drafts is None for drafts in made):
        return out
    drafts = [draft for some in made if some is not None for draft in some]
    out.planned = P.plan(drafts, options.county, options.reviewed_on, options.records, loaded)
    if out.planned:
        out.problems += _check(out.planned, options)
    out.problems = sort_problems(out.problems)
    if not options.dry_run and (out.ok or options.force):
        written, refused = P.write(out.planned, out.problems, options.records)
        out.written += written
        out.problems += refused
    return out
